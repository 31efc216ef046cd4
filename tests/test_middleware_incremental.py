"""IncrementalMiddleware: stored articles skipped unless changed or due; conditional feeds."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from middlewares.incremental import IncrementalMiddleware
from newsbot import stats as stat_keys
from newsbot.config import Source
from newsbot.items import Article, Hints
from newsbot.reposts import fingerprint as dedup
from newsbot.storage.articles import ensure_sources, save_article

SOURCE = Source("incr", feeds=("https://incr.example/rss",), refresh_days=7)
STORED = "https://incr.example/news/1.html"


class SourceSpider(Spider):
    name = "incr"


def _store(conn: psycopg.Connection, url: str, fetched_at: datetime, lastmod: str | None) -> None:
    body = "Officials said the corridor would keep working through the spring. " * 5
    article = Article(
        url=url, source=SOURCE.name, html="", fetched_at=fetched_at, hints=Hints(modified=lastmod)
    )
    article.title = "Grain ships leave Odesa"
    article.body = body
    article.content_hash = dedup.content_hash(body)
    ensure_sources(conn, [SOURCE])
    save_article(conn, article)
    conn.commit()


def _opened(database_url: str, source: Source = SOURCE, **settings) -> IncrementalMiddleware:
    crawler = get_crawler(SourceSpider, {"NEWSBOT_DATABASE_URL": database_url, **settings})
    crawler.spider = crawler._create_spider(source=source)
    crawler.stats.open_spider()
    middleware = IncrementalMiddleware.from_crawler(crawler)
    middleware.spider_opened(crawler.spider)
    return middleware


def _article(url: str, lastmod: str | None = None) -> Request:
    return Request(url, meta={"newsbot_kind": "article", "newsbot_lastmod": lastmod})


def test_a_stored_unchanged_article_is_skipped_and_counted(db, database_url) -> None:
    _store(db, STORED, datetime.now(UTC), "2024-03-01")
    middleware = _opened(database_url)
    with pytest.raises(IgnoreRequest, match="already stored"):
        middleware.process_request(_article(STORED, "2024-03-01"))
    with pytest.raises(IgnoreRequest):
        middleware.process_request(_article(STORED))  # no lastmod now: nothing says it changed
    assert middleware.crawler.stats.get_value(stat_keys.INCREMENTAL_SKIPPED_KNOWN) == 2


def test_a_url_not_stored_is_fetched(db, database_url) -> None:
    _store(db, STORED, datetime.now(UTC), None)
    middleware = _opened(database_url)
    assert middleware.process_request(_article("https://incr.example/news/2.html")) is None
    assert middleware.crawler.stats.get_value(stat_keys.INCREMENTAL_SKIPPED_KNOWN) is None


def test_a_stored_article_whose_lastmod_changed_is_fetched_again(db, database_url) -> None:
    _store(db, STORED, datetime.now(UTC), "2024-03-01")
    middleware = _opened(database_url)
    assert middleware.process_request(_article(STORED, "2024-03-05")) is None
    assert middleware.crawler.stats.get_value(stat_keys.INCREMENTAL_CHANGED) == 1
    assert middleware.crawler.stats.get_value(stat_keys.INCREMENTAL_SKIPPED_KNOWN) is None


def test_a_stored_article_is_fetched_again_when_its_refresh_is_due(db, database_url) -> None:
    _store(db, STORED, datetime.now(UTC) - timedelta(days=8), None)
    middleware = _opened(database_url)
    assert middleware.process_request(_article(STORED)) is None
    assert middleware.crawler.stats.get_value(stat_keys.INCREMENTAL_REFRESH_DUE) == 1
    # without refresh_days, the same article is never due
    never = _opened(database_url, replace(SOURCE, refresh_days=None))
    with pytest.raises(IgnoreRequest):
        never.process_request(_article(STORED))


def test_turned_off_it_skips_nothing(db, database_url) -> None:
    _store(db, STORED, datetime.now(UTC), None)
    middleware = _opened(database_url, NEWSBOT_INCREMENTAL=False)
    assert middleware.process_request(_article(STORED)) is None


def test_a_feed_seen_in_a_finished_crawl_is_asked_for_conditionally_next_time(
    db, database_url
) -> None:
    feed = "https://incr.example/rss-validators"
    first = _opened(database_url)
    request = Request(feed, meta={"newsbot_kind": "discovery"})
    assert first.process_request(request) is None
    assert b"If-None-Match" not in request.headers  # no validators stored yet
    headers = {"ETag": '"v1"', "Last-Modified": "Sun, 10 Mar 2024 12:00:00 GMT"}
    response = Response(feed, status=200, headers=headers, request=request)
    assert first.process_response(request, response) is response
    first.spider_closed(first.crawler.spider, "finished")

    second = _opened(database_url)
    again = Request(feed, meta={"newsbot_kind": "discovery"})
    second.process_request(again)
    assert again.headers[b"If-None-Match"] == b'"v1"'
    assert again.headers[b"If-Modified-Since"] == b"Sun, 10 Mar 2024 12:00:00 GMT"
    assert 304 in again.meta["handle_httpstatus_list"]


def test_validators_of_an_unfinished_crawl_are_not_kept(db, database_url) -> None:
    feed = "https://incr.example/rss-unfinished"
    first = _opened(database_url)
    request = Request(feed, meta={"newsbot_kind": "discovery"})
    first.process_request(request)
    first.process_response(request, Response(feed, headers={"ETag": '"v1"'}, request=request))
    first.spider_closed(first.crawler.spider, "closespider_pagecount")

    again = Request(feed, meta={"newsbot_kind": "discovery"})
    _opened(database_url).process_request(again)
    assert b"If-None-Match" not in again.headers
