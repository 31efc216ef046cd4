"""The generic `news` spider: one source from a sources file → one item per article page.

    scrapy crawl news -a sources=sources.toml -a source=unian

It reads the source's feeds and sitemaps (indexes and Google News sitemaps too),
follows listing pages within `max_depth`, and yields an `Article` per article
page with its raw HTML, headers and fetch time. Everything after that is the
pipelines' job.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from twisted.python.failure import Failure

from newsbot import sites
from newsbot.config import Source, load_sources, select_sources
from newsbot.discovery import parse_document
from newsbot.items import Article, Hints, merge_hints
from newsbot.urls import looks_like_article, normalize_url, same_site

_HTML_TYPES = (b"text/html", b"application/xhtml+xml")
_PAGINATION = ("/page/", "?page=", "&page=", "/p/")


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(
        self, sources: str | None = None, source: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        if not sources or not source:
            raise ValueError("usage: scrapy crawl news -a sources=FILE -a source=NAME")
        self.source: Source = select_sources(load_sources(sources), [source], sources)[0]
        self.sources_file = sources
        self._links = LinkExtractor(unique=True, deny_extensions=None)
        #: what every discovery path said about each pending article URL; one URL found
        #: in a feed, a sitemap and a listing gets all their hints, whichever came first
        self._hints: dict[str, Hints] = {}

    # -- entry points ---------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.source.feeds:
            yield self._entry(url, self.parse_feed)
        for url in self.source.sitemaps:
            yield self._entry(url, self.parse_feed)
        for url in self.source.start_urls:
            yield self._entry(
                url, self.parse_listing, cb_kwargs={"depth": 0}, meta=self._listing_meta()
            )

    def _listing_meta(self) -> dict[str, Any]:
        """render_js = "all" renders listing pages too; true renders article pages only."""
        return {"playwright": True} if self.source.render_js == "all" else {}

    def _entry(
        self, url: str, callback: Any, meta: dict[str, Any] | None = None, **kwargs: Any
    ) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.entry_failed,
            meta={"entry_point": True, **(meta or {})},
            dont_filter=True,
            priority=10,
            **kwargs,
        )

    def entry_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        self._inc("newsbot/entry_points/failed")
        self.logger.error(
            "source %s: cannot fetch entry point %s: %s",
            self.source.name,
            request.url,
            failure.getErrorMessage() or failure.type.__name__,
        )

    def _entry_ok(self, response: Response) -> None:
        if response.meta.get("entry_point"):
            self._inc("newsbot/entry_points/ok")

    # -- feeds and sitemaps ----------------------------------------------------------

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        """RSS/Atom feeds, sitemaps and sitemap indexes (told apart by their root element)."""
        self._entry_ok(response)
        found = parse_document(response.body, found_on=response.url)
        if found.kind == "unknown":
            self._inc("newsbot/discovery/unparsable")
            self.logger.warning(
                "source %s: %s is not an RSS/Atom feed or a sitemap",
                self.source.name,
                response.url,
            )
            return
        self._inc(f"newsbot/discovery/{found.kind}")
        for child in found.sitemaps:
            yield scrapy.Request(response.urljoin(child), callback=self.parse_feed, priority=10)
        for entry in found.entries:
            url = response.urljoin(entry.url)
            if self.source.matches_article(url) is False:
                self._inc("newsbot/discovery/skipped_by_pattern")
                continue
            yield self._article_request(url, entry.hints)

    # -- listing pages ---------------------------------------------------------------

    def parse_listing(self, response: Response, depth: int) -> Iterator[scrapy.Request]:
        self._entry_ok(response)
        if not isinstance(response, TextResponse):
            return
        next_links = set(
            response.css('link[rel="next"]::attr(href), a[rel="next"]::attr(href)').getall()
        )
        for link in self._links.extract_links(response):
            url = link.url
            if not same_site(url, self.source.hosts):
                continue
            if self._is_article(url):
                yield self._article_request(url, Hints(via="link", found_on=response.url))
            elif depth < self.source.max_depth and self._is_listing(url, link.url in next_links):
                yield scrapy.Request(
                    normalize_url(url),
                    callback=self.parse_listing,
                    cb_kwargs={"depth": depth + 1},
                    meta=self._listing_meta(),
                    priority=10,
                )
        for href in next_links:
            url = response.urljoin(href)
            if depth < self.source.max_depth and same_site(url, self.source.hosts):
                yield scrapy.Request(
                    normalize_url(url),
                    callback=self.parse_listing,
                    cb_kwargs={"depth": depth + 1},
                    meta=self._listing_meta(),
                    priority=10,
                )

    def _is_article(self, url: str) -> bool:
        matched = self.source.matches_article(url)
        return looks_like_article(url) if matched is None else matched

    def _is_listing(self, url: str, is_next: bool) -> bool:
        matched = self.source.matches_follow(url)
        if matched is not None:
            return matched
        return is_next or any(marker in url for marker in _PAGINATION)

    # -- article pages ---------------------------------------------------------------

    def _article_request(self, url: str, hints: Hints) -> scrapy.Request:
        url = normalize_url(url)
        known = self._hints.get(url)
        self._hints[url] = merge_hints(known, hints) if known else hints
        meta: dict[str, Any] = {}
        if self.source.render_js:
            meta["playwright"] = True
        # discovery (priority 10) goes first, so hints from every path are in before a fetch
        return scrapy.Request(
            url,
            callback=self.parse_article,
            cb_kwargs={"hints": hints},
            meta=meta,
            errback=self.article_failed,
            priority=0,
        )

    def article_failed(self, failure: Failure) -> None:
        self._inc("newsbot/articles/fetch_failed")
        self.logger.warning(
            "source %s: cannot fetch %s: %s",
            self.source.name,
            failure.request.url,  # type: ignore[attr-defined]
            failure.getErrorMessage() or failure.type.__name__,
        )

    def parse_article(self, response: Response, hints: Hints) -> Iterator[Article]:
        content_type = (response.headers.get(b"Content-Type") or b"").lower()
        if not isinstance(response, TextResponse) or (
            content_type and not content_type.startswith(_HTML_TYPES)
        ):
            self._inc("newsbot/dropped/not_html")
            self.logger.info(
                "source %s: %s is not HTML (%s)",
                self.source.name,
                response.url,
                content_type.decode("latin-1"),
            )
            return
        self._inc("newsbot/articles/fetched")
        hints = self._hints.pop(response.request.url if response.request else "", hints)
        yield Article(
            url=normalize_url(response.url),
            source=self.source.name,
            html=response.text,
            fetched_at=datetime.now(UTC),
            headers={
                k.decode("latin-1"): b", ".join(v).decode("latin-1")
                for k, v in response.headers.items()
            },
            status=response.status,
            hints=hints,
            timezone=self.source.timezone,
            language_hint=self.source.language,
            overrides=sites.for_url(response.url, self.source.extract),
        )

    def _inc(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)
