"""RoundLimitsMiddleware: a source's max_pages and max_duration hold for its round across
every worker (two middleware instances, as two workers build them, on one real Redis)."""

from __future__ import annotations

import time

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from middlewares.round_limits import RoundLimitReached, RoundLimitsMiddleware
from newsbot import stats as stat_keys
from newsbot.config import Source
from newsbot.run.frontier import Frontier, connect
from newsbot.run.frontier.components import ROUND

SOURCE = Source("s", feeds=("http://127.0.0.1:1/rss",), max_pages=3)


class SourceSpider(Spider):
    name = "s"
    source = SOURCE


def _worker(redis_url: str, source: Source = SOURCE) -> RoundLimitsMiddleware:
    crawler = get_crawler(SourceSpider, {"NEWSBOT_DISTRIBUTED": True, "REDIS_URL": redis_url})
    crawler.spider = crawler._create_spider()
    crawler.spider.source = source
    crawler.stats.open_spider()
    return RoundLimitsMiddleware.from_crawler(crawler)


def _sent(worker: RoundLimitsMiddleware, path: str, round_id: int = 7) -> bool:
    try:
        worker.process_request(Request(f"http://127.0.0.1:1{path}", meta={ROUND: round_id}))
        return True
    except RoundLimitReached:
        return False


def test_off_outside_distributed_mode() -> None:
    with pytest.raises(NotConfigured):
        RoundLimitsMiddleware.from_crawler(get_crawler(SourceSpider))


def test_max_pages_counts_every_worker_of_the_round(redis_url: str) -> None:
    Frontier(connect(redis_url)).set_round(7)
    workers = [_worker(redis_url), _worker(redis_url)]
    assert [_sent(workers[i % 2], f"/{i}") for i in range(5)] == [True, True, True, False, False]
    assert _sent(workers[0], "/robots.txt")  # not counted
    assert _sent(workers[1], "/next-round", round_id=8)  # the next round counts afresh
    dropped = sum(w.crawler.stats.get_value(stat_keys.ROUND_LIMIT_DROPPED) or 0 for w in workers)
    assert dropped == 2


def test_max_duration_runs_from_the_round_start_for_every_worker(redis_url: str) -> None:
    Frontier(connect(redis_url)).set_round(7)
    timed = Source("s", feeds=("http://127.0.0.1:1/rss",), max_duration=0.5)
    workers = [_worker(redis_url, timed), _worker(redis_url, timed)]
    assert _sent(workers[0], "/a")
    time.sleep(0.6)  # since round 7 was enqueued, whichever worker asks
    assert not _sent(workers[1], "/b") and not _sent(workers[0], "/c")
