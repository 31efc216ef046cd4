"""Keep every fetched response as WARC (newsbot.archive), for re-extraction later.

Registered next to the download (900, after RedirectMiddleware 600, HttpCompression 590
and the retries 550 on the way back), so `process_response` sees each response as the
server sent it: redirects, 404s, every try of a retried 503, robots.txt, feeds, sitemaps
and articles, the body still content-encoded. Where the response went is put in
`request.meta[META_KEY]`; a redirect or a retry copies the meta, and the final fetch
overwrites it, so the page the spider gets carries its own location.

Which directory is the source's `archive` key, else NEWSBOT_ARCHIVE_DIR; the spider (and
its source) is known at `spider_opened`, so the archive is opened there and released at
`spider_closed`. A write that fails (disk full, no permission) costs that record only: it
is counted, logged once per kind of failure, and the crawl goes on.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from newsbot import settings as defaults
from newsbot import stats as stat_keys
from newsbot.archive import META_KEY, Exchange, WarcArchive, archive_directory, archive_for
from newsbot.archive import release as release_archive

logger = logging.getLogger(__name__)


def _directory(crawler: Crawler, spider: Spider | None) -> str | None:
    source = getattr(spider, "source", None)
    default = crawler.settings.get("NEWSBOT_ARCHIVE_DIR", defaults.NEWSBOT_ARCHIVE_DIR)
    return archive_directory(getattr(source, "archive", None), default)


def _pairs(headers: Any) -> list[tuple[str, str]]:
    """Scrapy's headers as (name, value) pairs in their order, a repeated header once per
    value (bytes as latin-1: what HTTP/1.1 allows, and every byte survives)."""
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        for value in values
    ]


def exchange_of(request: Request, response: Response) -> Exchange:
    """The fetch as the downloader saw it, for the archive."""
    protocol = getattr(response, "protocol", None)
    address = getattr(response, "ip_address", None)
    return Exchange(
        url=response.url,
        status=response.status,
        headers=_pairs(response.headers),
        body=response.body,
        fetched_at=datetime.now(UTC),
        method=request.method,
        request_headers=_pairs(request.headers),
        request_body=request.body or b"",
        ip_address=str(address) if address is not None else None,
        protocol=protocol or "HTTP/1.1",
    )


class ArchiveMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_bytes = crawler.settings.getint(
            "NEWSBOT_ARCHIVE_MAX_BYTES", defaults.NEWSBOT_ARCHIVE_MAX_BYTES
        )
        self.archive: WarcArchive | None = None
        #: kinds of write failure already logged (one error line each)
        self._logged: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveMiddleware:
        spider = getattr(crawler, "spider", None)
        if spider is not None and _directory(crawler, spider) is None:
            raise NotConfigured  # neither the source nor the setting asks for it
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        directory = _directory(self.crawler, spider)
        if directory is None:
            return
        try:
            self.archive = archive_for(directory, self.max_bytes)
        except OSError as exc:  # the directory cannot be made: the crawl goes on without
            self._failed(exc, directory)
            return
        logger.info("archiving responses as WARC in %s", self.archive.directory)

    def spider_closed(self, spider: Spider) -> None:
        if self.archive is not None:
            archive, self.archive = self.archive, None
            try:
                release_archive(archive)
            except OSError as exc:
                self._failed(exc, str(archive.directory))

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        if self.archive is None:
            return response
        before = self.archive.bytes_written
        try:
            location = self.archive.write(exchange_of(request, response))
        except OSError as exc:
            self._failed(exc, response.url)
            return response
        request.meta[META_KEY] = location
        self._inc(stat_keys.ARCHIVE_RESPONSES)
        self._inc(stat_keys.ARCHIVE_BYTES, self.archive.bytes_written - before)
        return response

    def _failed(self, exc: OSError, what: str) -> None:
        self._inc(stat_keys.ARCHIVE_ERRORS)
        kind = f"{type(exc).__name__}/{exc.errno}"
        if kind not in self._logged:  # once per kind: the counter says how many
            self._logged.add(kind)
            logger.error(
                "cannot archive %s: %s (counted in %s, not logged again; the crawl goes on)",
                what,
                exc,
                stat_keys.ARCHIVE_ERRORS,
            )

    def _inc(self, key: str, count: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, count)
