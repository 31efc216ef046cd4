"""Re-crawls fetch what is new: stored articles are skipped unless they changed or are due.

An article page already in the database is not requested again unless the feed
or sitemap that lists it now gives another lastmod/updated value than when it was
fetched, or the source's `refresh_days` says it is due. Feeds and sitemaps are
requested conditionally (If-None-Match / If-Modified-Since, validators stored per
URL), so an unchanged feed costs one 304.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import psycopg
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from newsbot import settings as defaults
from newsbot import stats as stat_keys
from newsbot.errors import message_of
from newsbot.storage import connect, resolve_database_url, upgrade
from newsbot.storage.articles import ensure_sources
from newsbot.storage.incremental import fetch_validators, known_pages, save_fetch_validators

logger = logging.getLogger(__name__)


class IncrementalMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.enabled = crawler.settings.getbool("NEWSBOT_INCREMENTAL", defaults.NEWSBOT_INCREMENTAL)
        self.database_url: str | None = crawler.settings.get("NEWSBOT_DATABASE_URL")
        #: url → (fetched_at, discovery_lastmod) of the source's stored articles and of
        #: pages it dropped as not articles
        self.known: dict[str, tuple[datetime, str | None]] = {}
        #: url → (etag, last_modified) for feeds and sitemaps
        self.validators: dict[str, tuple[str | None, str | None]] = {}
        self.seen_validators: dict[str, tuple[str | None, str | None]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> IncrementalMiddleware:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        if not self.enabled:
            return
        source = spider.source.name
        self.database_url = resolve_database_url(self.database_url, announce=False)
        with connect(self.database_url) as conn:
            upgrade(conn)
            ensure_sources(conn, [spider.source])
            self.known = known_pages(conn, source)
            self.validators = fetch_validators(conn, source)
        logger.info(
            "source %s: %d articles already stored, %d feed/sitemap validators",
            source,
            len(self.known),
            len(self.validators),
        )

    def _due(self, url: str, lastmod: str | None, spider: Spider) -> bool:
        stored = self.known.get(url)
        if stored is None:
            return True
        fetched_at, stored_lastmod = stored
        if lastmod and lastmod != stored_lastmod:
            self._inc(stat_keys.INCREMENTAL_CHANGED)
            return True
        refresh = spider.source.refresh_days
        if refresh is not None and fetched_at < datetime.now(UTC) - timedelta(days=refresh):
            self._inc(stat_keys.INCREMENTAL_REFRESH_DUE)
            return True
        return False

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if not self.enabled:
            return None
        spider = spider or self.crawler.spider
        kind = request.meta.get("newsbot_kind")
        if kind == "article":
            if not self._due(request.url, request.meta.get("newsbot_lastmod"), spider):
                self._inc(stat_keys.INCREMENTAL_SKIPPED_KNOWN)
                raise IgnoreRequest("already stored and unchanged")
        elif kind == "discovery" and request.url in self.validators:
            etag, last_modified = self.validators[request.url]
            if etag:
                request.headers.setdefault(b"If-None-Match", etag.encode("latin-1"))
            if last_modified:
                request.headers.setdefault(b"If-Modified-Since", last_modified.encode("latin-1"))
            allowed = request.meta.setdefault("handle_httpstatus_list", [])
            if 304 not in allowed:
                allowed.append(304)
        return None

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        if (
            self.enabled
            and request.meta.get("newsbot_kind") == "discovery"
            and response.status == 200
        ):
            etag = response.headers.get(b"ETag")
            modified = response.headers.get(b"Last-Modified")
            if etag or modified:
                self.seen_validators[request.url] = (
                    etag.decode("latin-1") if etag else None,
                    modified.decode("latin-1") if modified else None,
                )
        return response

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Keep validators only after a complete crawl: a feed whose articles were not all
        fetched must be read again next time, not answered with a 304."""
        if not self.enabled or not self.seen_validators or reason != "finished":
            return
        try:
            with connect(self.database_url or resolve_database_url()) as conn:
                save_fetch_validators(
                    conn,
                    spider.source.name,
                    {
                        url: validator
                        for url, validator in self.seen_validators.items()
                        if url not in getattr(spider, "sitemap_indexes", ())
                    },
                )
        except psycopg.Error as exc:
            logger.warning("could not store feed validators: %s", message_of(exc))

    def _inc(self, key: str, count: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(key, count)
