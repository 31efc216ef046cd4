"""Distributed mode stores what one process stores (issue 20).

Unit tests: a page's item is the same whether one process found it by two paths and
fetched it, or one worker found it by a link, another read the feed (its request
dropped by the shared fingerprints) and a third took the request from the frontier.
The acceptance test (slow) crawls a 300-page web with 3 workers five times and
compares each run with one `newsbot crawl`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import psycopg
import pytest
import redis
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from middlewares.round import RoundMiddleware
from newsbot import stages
from newsbot import stats as stat_keys
from newsbot.items import Article, Hints, merge_all
from newsbot.run.frontier import queue_key
from newsbot.run.frontier.components import (
    ROUND,
    MarkingPriorityQueue,
    RoundDupeFilter,
    escaped_key,
)
from newsbot.run.frontier.hints import HintBoard
from spiders.news import NewsSpider
from tests.support.cli import newsbot
from tests.support.distributed import LOCAL, run_workers, web_sources
from tests.support.fixtureweb import SiteSpec
from tests.support.redisserver import redis_available, redis_server

BASE = "https://news.example"
PAGE = f"{BASE}/world/quiet-page-7"
#: an article whose page carries no date of its own: the feed's is used
HTML = (
    "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
    "<title>Harbour works approved</title></head><body><main>"
    "<article>"
    + "".join(
        f"<p>Paragraph {i} of a story about the harbour works, the council's vote and what "
        f"the residents said at the meeting on the quay, with numbers {i * 7} and {i * 13}.</p>"
        for i in range(8)
    )
    + "</article></main></body></html>"
)
FEED = Hints(
    title="Harbour works approved",
    published="Tue, 02 Aug 2022 09:30:00 +0000",
    via="feed",
    found_on=f"{BASE}/rss.xml",
)
SITEMAP = Hints(modified="2022-08-02T10:00:00+00:00", via="sitemap", found_on=f"{BASE}/sm.xml")
LINK = Hints(via="link", found_on=f"{BASE}/")


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    if why := redis_available():
        pytest.skip(why)
    with redis_server() as url:
        yield url


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(
        f'[[sources]]\nname = "site"\nfeeds = ["{BASE}/rss.xml"]\n'
        f'start_urls = ["{BASE}/"]\ntimezone = "Europe/Kyiv"\nlanguage = "en"\n'
    )
    return path


def _spider(sources: Path, redis_url: str | None = None, **settings: Any) -> NewsSpider:
    if redis_url:
        settings = {
            "NEWSBOT_DISTRIBUTED": True,
            "REDIS_URL": redis_url,
            "NEWSBOT_REDIS_PREFIX": "same",
            **settings,
        }
    crawler = get_crawler(NewsSpider, settings)
    spider = NewsSpider.from_crawler(crawler, sources=str(sources), source="site")
    crawler.spider = spider
    from scrapy.statscollectors import MemoryStatsCollector

    crawler.stats = MemoryStatsCollector(crawler)
    return spider


def _page(url: str, meta: dict) -> HtmlResponse:
    from scrapy import Request

    request = Request(url, meta=meta)
    return HtmlResponse(url, body=b"<html></html>", request=request)


def _run(agen: Any) -> list:
    """Drain an async generator that must not wait (no reactor runs here)."""

    async def collect() -> list:
        return [x async for x in agen]

    coro = collect()
    try:
        coro.send(None)
    except StopIteration as stop:
        return stop.value
    raise AssertionError("parse_article waited")


def _fetch(spider: NewsSpider, request: Any) -> Article:
    response = HtmlResponse(
        request.url,
        body=HTML.encode(),
        headers={"Content-Type": "text/html; charset=utf-8"},
        request=request,
    )
    (item,) = _run(request.callback(response, **request.cb_kwargs))
    assert isinstance(item, Article)
    return item


def _extracted(article: Article) -> dict:
    """Every field extraction produced (the fetch time aside)."""
    data = asdict(stages.process(article))
    data.pop("fetched_at")
    return data


def test_hints_merge_alike_in_any_order() -> None:
    orders = [[FEED, SITEMAP, LINK], [LINK, SITEMAP, FEED], [SITEMAP, LINK, FEED]]
    merged = {repr(merge_all(order)) for order in orders}
    assert len(merged) == 1
    hints = merge_all([LINK, SITEMAP, FEED])
    assert hints.title == FEED.title and hints.published == FEED.published
    assert hints.modified == SITEMAP.modified and hints.via == "feed"
    assert hints.found_on == FEED.found_on


def test_a_second_worker_extracts_a_page_as_one_process_does(sources: Path, redis_url: str) -> None:
    # one process: found on the start page, then in the feed and a sitemap; fetched once
    single = _spider(sources)
    first = single._article_request(PAGE, LINK, _page(f"{BASE}/", {}))
    single._article_request(PAGE, FEED, _page(f"{BASE}/rss.xml", {}))
    single._article_request(PAGE, SITEMAP, _page(f"{BASE}/sm.xml", {}))
    reference = _fetch(single, first)
    assert reference.hints.published == FEED.published  # the feed's date reached the page

    # three workers of round 7: one follows the link, two read the feed and the sitemap
    # (their requests dropped by the shared fingerprints), a third takes the request
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    workers = [_spider(sources, redis_url) for _ in range(3)]
    key = escaped_key(queue_key("site", "same"))
    queue = MarkingPriorityQueue(client, workers[0], key)
    seen = RoundDupeFilter(client, key="same:seen:site")
    for worker, hints, on in (
        (workers[0], LINK, f"{BASE}/"),
        (workers[1], FEED, f"{BASE}/rss.xml"),
        (workers[2], SITEMAP, f"{BASE}/sm.xml"),
    ):
        request = worker._article_request(PAGE, hints, _page(on, {ROUND: 7}))
        request.meta[ROUND] = 7  # as middlewares.round stamps it
        if not seen.request_seen(request):
            queue.push(request)
    assert len(queue) == 1  # the feed's and the sitemap's requests were dropped
    taker = _spider(sources, redis_url)
    request = MarkingPriorityQueue(client, taker, key).pop()
    assert request is not None and request.cb_kwargs["hints"] == LINK
    # what extraction uses besides the page travels with the request
    assert request.meta["newsbot_source"] == "site"
    assert request.meta["newsbot_source_version"] == taker.source_version
    item = _fetch(taker, request)
    assert item.hints == reference.hints
    assert _extracted(item) == _extracted(reference)
    assert item.published is not None and item.title == "Harbour works approved"
    # without the shared hints (what the worker fetched before) the page lost its date
    alone = _extracted(_fetch(single, workers[0]._article_request(PAGE, LINK)))
    assert alone["published"] is None and alone != _extracted(reference)


def test_a_page_waits_for_discovery_in_flight_then_reads_its_hints(
    sources: Path, redis_url: str
) -> None:
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    reader = _spider(sources, redis_url)
    # while the feed is still being read, after NEWSBOT_HINTS_SETTLE the page goes without it
    fetcher = _spider(sources, redis_url, NEWSBOT_HINTS_SETTLE=0)
    key = escaped_key(queue_key("site", "same"))
    queue = MarkingPriorityQueue(client, reader, key)
    feed = next(r for r in reader.entry_requests() if r.url.endswith("rss.xml"))
    feed.meta[ROUND] = 8
    queue.push(feed)  # the feed is discovery in flight until its output is handed over
    board = HintBoard(client, "site", "same")
    assert len(board.pending(8)) == 1
    request = reader._article_request(PAGE, LINK, _page(f"{BASE}/", {ROUND: 8}))
    request = request.replace(callback=fetcher.parse_article)  # another worker takes it
    request.meta[ROUND] = 8
    early = _fetch(fetcher, request)
    assert early.hints.published is None
    assert fetcher.crawler.stats.get_value(stat_keys.HINTS_UNSETTLED) == 1
    # given up on once, the feed holds no later page of the round (nor counts again)
    assert _fetch(fetcher, request).hints.published is None
    assert fetcher.crawler.stats.get_value(stat_keys.HINTS_UNSETTLED) == 1
    fetcher._shared().stale.clear()  # (the rest of the test: as if it had waited)
    # the feed is parsed: its entries are on the board, and it leaves the discovery in flight
    taken = queue.pop()
    response = HtmlResponse(taken.url, body=b"<rss/>", request=taken)
    middleware = RoundMiddleware.from_crawler(reader.crawler)
    list(
        middleware.process_spider_output(
            response, [reader._article_request(PAGE, FEED, response)], reader
        )
    )
    assert not board.pending(8)
    late = _fetch(fetcher, request)
    assert late.hints.published == FEED.published and late.hints.title == FEED.title


def test_a_request_from_a_worker_with_other_source_settings_is_counted(
    sources: Path, redis_url: str, tmp_path: Path
) -> None:
    other = tmp_path / "other.toml"
    other.write_text(sources.read_text().replace("Europe/Kyiv", "UTC"))
    finder, fetcher = _spider(other, redis_url), _spider(sources, redis_url)
    assert finder.source_version != fetcher.source_version
    request = finder._article_request(PAGE, LINK, _page(f"{BASE}/", {ROUND: 9}))
    _fetch(fetcher, request.replace(callback=fetcher.parse_article))  # as the frontier does
    assert fetcher.crawler.stats.get_value(stat_keys.SOURCE_VERSION_MISMATCH) == 1


# -- acceptance: 3 workers, five times, store what one process stores ---------------------

#: 300 pages: an agency whose newest 20 pages (all on its start page) are dated by its
#: feed only, a blog reposting every agency story two hours later (its newest 10 dated by
#: the feed only), a daily. Whichever worker reads the start page before the feed, the
#: feed's dates must reach the pages, and decide which copy is the original.
WEB = (
    SiteSpec("agency", "id", 100, feed_items=20, feed_only_dates=20),
    SiteSpec(
        "blog", "slug", 100, feed_items=20, repost_of="agency", reposts=100, feed_only_dates=10
    ),
    SiteSpec("daily", "dated", 100, feed_items=20),
)
DELAY = 0.02
QUIET = [*LOCAL, "--progress", "off"]


def _stored(database_url: str) -> dict[str, tuple]:
    """path → (published, precision, title, the original's path): what is compared."""
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            """SELECT a.url, a.published_at, a.published_precision, a.title, o.url
               FROM articles a LEFT JOIN articles o ON o.id = a.duplicate_of"""
        ).fetchall()

    def path(url: str) -> str:
        return unquote(url.split("/", 3)[3])  # ports differ from run to run; paths do not

    return {
        path(u): (p.isoformat() if p else None, prec, t, path(o) if o else None)
        for u, p, prec, t, o in rows
    }


@pytest.mark.slow
def test_three_workers_five_times_store_what_one_process_stores(
    tmp_path: Path, pg_server: str, redis_url: str
) -> None:
    from newsbot.demo.webserver import serve_sites
    from newsbot.storage import connect, upgrade
    from tests.support.database import scratch_database
    from tests.support.fixtureweb import build_web

    web = build_web(tmp_path / "web", WEB)
    roots = {n: s.root for n, s in web.items()}
    expected = {p[1:] for site in web.values() for p in site.articles}
    assert len(expected) == 300

    def fresh(name: str) -> Any:
        scratch = scratch_database(pg_server, name)
        url = scratch.__enter__()
        with connect(url) as conn:
            upgrade(conn)
            conn.commit()
        return scratch, url

    scratch, single_url = fresh("newsbot_same_single")
    try:
        with serve_sites(roots) as bases:
            sources = web_sources(tmp_path / "single.toml", bases, DELAY)
            env = {**os.environ, "NEWSBOT_DATABASE_URL": single_url}
            env.pop("NEWSBOT_REDIS_URL", None)
            done = newsbot("crawl", "--sources", str(sources), *QUIET, env=env, timeout=300)
            assert done.returncode == 0, done.stderr[-3000:]
        reference = _stored(single_url)
    finally:
        scratch.__exit__(None, None, None)
    assert set(reference) == expected
    # the feed's dates reached the dateless pages, and they decided the originals
    dateless = [
        p[1:] for s in web.values() for i, p in enumerate(sorted(
            s.articles, key=lambda k: s.articles[k][1], reverse=True)) if i < s.spec.feed_only_dates
    ]  # fmt: skip
    assert len(dateless) == 30 and all(reference[p][0] for p in dateless)
    reposts = {p: v[3] for p, v in reference.items() if v[3]}
    assert len(reposts) == 100 and all(o.startswith("news/") for o in reposts.values())

    client = redis.Redis.from_url(redis_url)
    for attempt in range(5):
        client.flushdb()  # fresh frontier keys
        scratch, workers_url = fresh(f"newsbot_same_workers_{attempt}")
        try:
            with serve_sites(roots) as bases:
                sources = web_sources(tmp_path / f"workers{attempt}.toml", bases, DELAY)
                env = {
                    **os.environ,
                    "NEWSBOT_DATABASE_URL": workers_url,
                    "NEWSBOT_REDIS_URL": redis_url,
                }
                enq = newsbot("enqueue", "--sources", str(sources), env=env, timeout=300)
                assert enq.returncode == 0, enq.stderr[-3000:]
                args = ["--sources", str(sources), "--until-idle", "1.5", *QUIET]
                workers = run_workers(3, args, env, timeout=300)
                assert all(w.code == 0 for w in workers), [str(w) for w in workers]
            stored = _stored(workers_url)
            with psycopg.connect(workers_url) as conn:
                (rows,) = conn.execute("SELECT count(*) FROM articles").fetchone()
        finally:
            scratch.__exit__(None, None, None)
        assert rows == len(stored) == 300, attempt
        differ = {
            p: (reference.get(p), stored.get(p)) for p in reference if reference[p] != stored.get(p)
        }
        assert not differ, (attempt, sorted(differ.items())[:10])
