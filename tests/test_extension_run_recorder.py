"""RunRecorder: crawl_runs rows against a real PostgreSQL — a `scrapy crawl` locks its
source and starts and finishes its run; under `newsbot crawl` it only adds counters."""

from __future__ import annotations

from typing import Any

import psycopg
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.utils.test import get_crawler

from extensions.run_recorder import RunRecorder
from newsbot import signals as newsbot_signals
from newsbot import stats as stat_keys
from newsbot.config import Source
from newsbot.run.locks import SourceLocks
from newsbot.storage.runs import start_run
from tests.faults.hostile_web import body, serve
from tests.support.reactor_thread import call

SOURCE = Source("recorder-test", feeds=("http://127.0.0.1:9/rss",))


class SourceSpider(Spider):
    name = "recorder-test"
    source = SOURCE


def _recorder(database_url: str, **settings: object) -> tuple[RunRecorder, list[Any]]:
    crawler = get_crawler(SourceSpider, {"NEWSBOT_DATABASE_URL": database_url, **settings})
    crawler.spider = crawler._create_spider()
    crawler.stats.open_spider()
    recorder = RunRecorder.from_crawler(crawler)
    return recorder, _announced(crawler)


def _announced(crawler: Crawler) -> list[Any]:
    """The run ids the crawler's run_started signal will announce."""
    announced: list[Any] = []
    crawler.signals.connect(
        lambda run_id: announced.append(run_id), signal=newsbot_signals.run_started, weak=False
    )
    return announced


def _runs(db: psycopg.Connection) -> list[dict]:
    db.commit()
    return db.execute(
        "SELECT id, status, finish_reason, counters FROM crawl_runs ORDER BY id"
    ).fetchall()


def test_a_scrapy_crawl_starts_its_run_announces_it_and_finishes_it(
    db: psycopg.Connection, database_url: str
) -> None:
    recorder, announced = _recorder(database_url)
    spider = recorder.crawler.spider
    recorder.spider_opened(spider)
    [run] = _runs(db)
    assert run["status"] == "running" and announced == [run["id"]]
    # the source is locked meanwhile: another crawl of it would wait or exit 4
    with SourceLocks(database_url) as other:
        assert SOURCE.name in other.acquire([SOURCE.name])
    recorder.crawler.stats.inc_value(stat_keys.STORE_NEW, 3)
    recorder.crawler.stats.inc_value("some/other/key", 1)  # not a run counter
    recorder.spider_closed(spider, "finished")
    [run] = _runs(db)
    assert (run["status"], run["finish_reason"]) == ("finished", "finished")
    counters = run["counters"][SOURCE.name]
    assert counters[stat_keys.STORE_NEW] == 3 and counters["finish_reason"] == "finished"
    assert "some/other/key" not in counters
    with SourceLocks(database_url) as other:
        assert other.acquire([SOURCE.name]) == {}  # released at the end


def test_a_crawl_that_ended_early_or_lost_articles_is_recorded_as_failed(
    db: psycopg.Connection, database_url: str
) -> None:
    for reason, failed_stores in (("shutdown", 0), ("finished", 2)):
        recorder, _ = _recorder(database_url)
        recorder.spider_opened(recorder.crawler.spider)
        if failed_stores:
            recorder.crawler.stats.inc_value(stat_keys.STORE_FAILED, failed_stores)
        recorder.spider_closed(recorder.crawler.spider, reason)
    assert [(r["status"], r["finish_reason"]) for r in _runs(db)] == [
        ("failed", "shutdown"),
        ("failed", "finished"),
    ]


def test_under_newsbot_crawl_it_adds_counters_and_leaves_the_run_open(
    db: psycopg.Connection, database_url: str
) -> None:
    run_id = start_run(db, [SOURCE.name])
    recorder, announced = _recorder(database_url, NEWSBOT_RUN_ID=run_id)
    recorder.spider_opened(recorder.crawler.spider)
    recorder.crawler.stats.inc_value(stat_keys.STORE_UPDATED, 2)
    recorder.spider_closed(recorder.crawler.spider, "finished")
    [run] = _runs(db)
    assert announced == [] and run["status"] == "running"  # `newsbot crawl` finishes it
    assert run["counters"][SOURCE.name][stat_keys.STORE_UPDATED] == 2


def test_a_source_another_crawl_holds_is_not_crawled_and_gets_no_run(
    db: psycopg.Connection, database_url: str, caplog
) -> None:
    """A whole crawl (Scrapy's engine, the extension enabled) of a local site: closed
    at once with the reason source_locked, before it fetches anything."""
    with serve({"/rss": body('<rss version="2.0"><channel/></rss>')}) as site:

        class LockedSpider(SourceSpider):
            start_urls = [f"{site.base}/rss"]

        with SourceLocks(database_url) as holder:
            assert holder.acquire([SOURCE.name]) == {}
            crawler = get_crawler(
                LockedSpider,
                {
                    "NEWSBOT_DATABASE_URL": database_url,
                    "EXTENSIONS": {RunRecorder: 100},
                    "TELNETCONSOLE_ENABLED": False,
                },
            )
            announced = _announced(crawler)
            call(crawler.crawl)  # the crawl, run to its end on the reactor thread
    assert crawler.stats.get_value("finish_reason") == "source_locked"
    assert site.hits == {}  # not crawled: not even its entry point was fetched
    assert _runs(db) == [] and announced == []
    assert "is being crawled by" in caplog.text and "--wait" in caplog.text


def test_a_distributed_worker_records_nothing_itself(
    db: psycopg.Connection, database_url: str
) -> None:
    recorder, announced = _recorder(database_url, NEWSBOT_DISTRIBUTED=True)
    recorder.spider_opened(recorder.crawler.spider)
    recorder.spider_closed(recorder.crawler.spider, "finished")
    assert _runs(db) == [] and announced == []
