"""The generic `news` spider: one source from a sources file → one item per article page.

    scrapy crawl news -a sources=sources.toml -a source=unian

It reads the source's feeds and sitemaps (indexes and Google News sitemaps too),
follows listing pages within `max_depth`, and yields an `Article` per article
page with its raw HTML, headers and fetch time. A source that names only a home
page is discovered: feeds it links to (`<link rel=alternate>`), the sitemaps its
robots.txt names, then links that look like articles. Everything after the fetch
is the pipelines' job; skipping pages already stored is `middlewares.incremental`'s.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.defer import deferred_from_coro
from twisted.python.failure import Failure

from middlewares.round_limits import RoundLimitReached
from newsbot import settings as defaults
from newsbot import signals as newsbot_signals
from newsbot import sites
from newsbot import stats as stat_keys
from newsbot.archive import META_KEY as ARCHIVED
from newsbot.config import Source, load_sources, select_sources
from newsbot.discovery import MAX_OTHER_ELEMENTS, MAX_XML_BYTES, parse_document
from newsbot.items import Article, DroppedPage, Hints, merge_all
from newsbot.urls import normalize_url
from spiders.follow import (
    autodiscovered_feeds,
    entry_skipped,
    link_extractor,
    listing_targets,
    reads_robots_sitemaps,
    robots_warning,
)
from spiders.pages import HTML_TYPES, looks_binary, page_text
from spiders.round_hints import ROUND, RoundHints, source_version

#: request.meta["newsbot_kind"]: what a request fetches (middlewares act on it)
ARTICLE, DISCOVERY, LISTING = "article", "discovery", "listing"


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
        self._links = link_extractor()
        #: what every discovery path said about each pending article URL; one URL found
        #: in a feed, a sitemap and a listing gets all their hints, whichever came first
        #: (merged in a fixed order by merge_all). A worker also shares them with every
        #: other worker of the round (newsbot.run.frontier.hints).
        self._hints: dict[str, list[Hints]] = {}
        #: what this process's settings for the source are (extraction overrides, zone,
        #: language, rendering): carried with each article request, checked at fetch
        self.source_version = source_version(self.source)
        self._round_hints: RoundHints | None = None
        self._article_pages = 0
        #: every article URL discovery found (what `newsbot sources check` previews)
        self._articles_found: set[str] = set()
        #: the limit that stopped this source, once one has
        self._stopped: str | None = None
        self._feeds_seen: set[str] = set()
        #: sitemap indexes seen (no conditional requests for them, see parse_feed)
        self.sitemap_indexes: set[str] = set()
        #: a feed or sitemap cut at the entry cap was logged (parse_feed)
        self._truncation_logged = False

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        # the source's delay as the DOWNLOAD_DELAY setting (the `download_delay` spider
        # attribute is deprecated): `newsbot crawl` has set it already; `scrapy crawl`
        # gets it here, before the crawler's settings freeze. A distributed worker sets
        # DOWNLOAD_DELAY 0 on the command line: the shared pace replaces it.
        delay = spider.source.download_delay
        if delay is not None and not crawler.settings.frozen:
            crawler.settings.set("DOWNLOAD_DELAY", delay, priority="spider")
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(spider.stop_requested, signal=newsbot_signals.stop_requested)
        crawler.signals.connect(
            spider.request_reached_downloader, signal=signals.request_reached_downloader
        )
        return spider

    def request_dropped(self, request: scrapy.Request, **_: Any) -> None:
        """An article redirected to a URL already seen (a redirect loop, A → B → A): the
        scheduler drops it without an errback, so count it here rather than lose it."""
        if request.meta.get("newsbot_kind") == ARTICLE and request.meta.get("redirect_urls"):
            self._inc(stat_keys.ARTICLES_REDIRECT_TO_SEEN)
            self.logger.warning(
                "source %s: %s redirects to %s, already seen (a redirect loop?)",
                self.source.name,
                request.meta["redirect_urls"][0],
                request.url,
            )

    @property
    def distributed(self) -> bool:
        """A worker of a distributed crawl (newsbot worker): requests come from Redis."""
        settings = getattr(self, "settings", None)
        return bool(settings and settings.getbool("NEWSBOT_DISTRIBUTED"))

    # -- entry points ---------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        # a worker's limits are the round's, kept by middlewares.round_limits
        if self.source.max_duration and not self.distributed:
            from twisted.internet import reactor

            reactor.callLater(self.source.max_duration, self._stop, "max_duration")  # type: ignore[attr-defined]
        if self.distributed:
            return  # a worker takes its requests from the shared frontier (newsbot enqueue)
        for request in self.entry_requests():
            yield request

    def entry_requests(self) -> Iterator[scrapy.Request]:
        """The source's entry points: feeds, sitemaps, robots.txt, start pages.

        Which discovery methods run is the source's `discover` (Source.discovery): by
        default robots.txt is read only for a source given neither feeds nor sitemaps.
        """
        for url in self.source.feeds:
            self._feeds_seen.add(normalize_url(url))
            yield self._entry(url, self.parse_feed, kind=DISCOVERY)
        for url in self.source.sitemaps:
            yield self._entry(url, self.parse_feed, kind=DISCOVERY)
        if reads_robots_sitemaps(self.source):
            # the site's robots.txt may name sitemaps
            for base in self.source.robots_hosts:
                yield scrapy.Request(
                    f"{base}/robots.txt",
                    callback=self.parse_robots,
                    errback=self.optional_failed,
                    meta={"newsbot_kind": DISCOVERY, "dont_obey_robotstxt": True},
                    priority=10,
                )
        for url in self.source.start_urls:
            yield self._entry(
                url,
                self.parse_listing,
                kind=LISTING,
                cb_kwargs={"depth": 0},
                meta=self._listing_meta(),
            )

    def _stop(self, reason: str) -> None:
        """Stop the source at a limit (max_pages, max_duration), now.

        Requests waiting in the downloader for their turn (download_delay, concurrency)
        would all be fetched before Scrapy closes the spider: 16 of them at a 1 s delay
        overshoot the limit by 16 s. They are dropped; the downloads under way finish
        and their pages are stored.
        """
        engine = self.crawler.engine
        if engine is None or engine.spider is not self or self._stopped:
            return
        self._stopped = reason
        self.logger.info("source %s: stopping, %s reached", self.source.name, reason)
        self._drop_queued()
        deferred_from_coro(engine.close_spider_async(reason=reason))

    def stop_requested(self, reason: str) -> None:
        """The crawl is being stopped (a signal, newsbot.run.runner): fetch nothing more.

        The engine schedules nothing new once it closes the spider, but requests already
        handed to the downloader would each wait their turn (download_delay) and be
        fetched: they are dropped, now and as they reach the downloader. Downloads under
        way finish and their pages go through every stage; the next crawl fetches the
        dropped ones (they were never fetched, so nothing of theirs is stored).
        """
        self._stopped = self._stopped or reason
        if self.distributed:
            return  # its requests came from the shared frontier: dropped, they would be lost
        self._drop_queued()

    def request_reached_downloader(self, request: scrapy.Request, **_: Any) -> None:
        """Once stopped, a request that was still in the middlewares is dropped too (it
        enters its slot's queue right after this signal)."""
        if self._stopped and not self.distributed:
            from twisted.internet import reactor

            reactor.callLater(0, self._drop_queued)  # type: ignore[attr-defined]

    def _drop_queued(self) -> None:
        """Drop the requests waiting in the downloader for their turn (not fetched)."""
        engine = self.crawler.engine
        if engine is None or engine.spider is not self:
            return
        for slot in engine.downloader.slots.values():
            while slot.queue:
                _request, waiting = slot.queue.popleft()
                self._inc(stat_keys.STOP_UNFETCHED)
                waiting.errback(Failure(IgnoreRequest(f"source stopped: {self._stopped}")))

    def _listing_meta(self) -> dict[str, Any]:
        """render_js = "all" renders listing pages too; true renders article pages only."""
        return {"playwright": True} if self.source.render_js == "all" else {}

    def _entry(
        self,
        url: str,
        callback: Any,
        *,
        kind: str,
        meta: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.entry_failed,
            meta={"entry_point": True, "newsbot_kind": kind, **(meta or {})},
            dont_filter=True,
            priority=10,
            **kwargs,
        )

    def _dropped_at_limit(self, failure: Failure) -> bool:
        """Dropped unfetched: the source reached a limit (its own, or its round's)."""
        if failure.check(RoundLimitReached):
            return True
        return bool(failure.check(IgnoreRequest)) and bool(self._stopped)

    def entry_failed(self, failure: Failure) -> None:
        self._discovery_done(failure.request)  # type: ignore[attr-defined]
        if self._dropped_at_limit(failure):
            return  # dropped unfetched: the source reached a limit
        if self._robots_refused(failure):
            return
        request = failure.request  # type: ignore[attr-defined]
        self._inc(stat_keys.ENTRY_POINTS_FAILED)
        self.logger.error(
            "source %s: cannot fetch entry point %s: %s",
            self.source.name,
            request.url,
            failure.getErrorMessage() or failure.type.__name__,
        )

    def optional_failed(self, failure: Failure) -> None:
        """robots.txt and autodiscovered feeds: their absence is normal."""
        self._discovery_done(failure.request)  # type: ignore[attr-defined]
        if self._dropped_at_limit(failure):
            return  # dropped unfetched: the source was stopped
        if self._robots_refused(failure):
            return
        self._inc(stat_keys.DISCOVERY_OPTIONAL_FAILED)

    def discovery_failed(self, failure: Failure) -> Failure | None:
        """A sitemap an index names: a robots.txt refusal is worth a warning; anything
        else is Scrapy's to log, as for a request without an errback (a download that
        failed after the retries is one of the source's errors)."""
        self._discovery_done(failure.request)  # type: ignore[attr-defined]
        if self._robots_refused(failure):
            return None
        if not failure.check(IgnoreRequest, HttpError):
            self._inc(stat_keys.DOWNLOAD_ERRORS)
        return failure

    def _robots_refused(self, failure: Failure) -> bool:
        """A feed, sitemap or start page the site's robots.txt disallows: a warning with
        the fix (counted in ROBOTS_REFUSED, named in the run's summary), not an error."""
        if not failure.check(IgnoreRequest) or "robots.txt" not in failure.getErrorMessage():
            return False
        url = failure.request.url  # type: ignore[attr-defined]
        self._inc(stat_keys.ROBOTS_REFUSED)
        if self.crawler.stats is not None:
            refused = self.crawler.stats.get_value(stat_keys.ROBOTS_REFUSED_URLS) or []
            self.crawler.stats.set_value(stat_keys.ROBOTS_REFUSED_URLS, [*refused, url])
        self.logger.warning("source %s: %s", self.source.name, robots_warning(url))
        return True

    def _entry_ok(self, response: Response) -> None:
        if response.meta.get("entry_point"):
            self._inc(stat_keys.ENTRY_POINTS_OK)

    # -- robots.txt, feeds and sitemaps ------------------------------------------------

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        if not isinstance(response, TextResponse):
            return
        for line in response.text.splitlines():
            key, _, value = line.partition(":")
            if key.strip().lower() == "sitemap" and value.strip():
                self._inc(stat_keys.DISCOVERY_ROBOTS_SITEMAPS)
                yield scrapy.Request(
                    urljoin(response.url, value.strip()),
                    callback=self.parse_feed,
                    errback=self.optional_failed,
                    meta={"newsbot_kind": DISCOVERY},
                    priority=10,
                )

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        """RSS/Atom feeds, sitemaps and sitemap indexes (told apart by their root element)."""
        self._entry_ok(response)
        if response.status == 304:
            self._inc(stat_keys.DISCOVERY_NOT_MODIFIED)
            return
        max_entries = self.settings.getint(
            "NEWSBOT_DISCOVERY_MAX_ENTRIES", defaults.NEWSBOT_DISCOVERY_MAX_ENTRIES
        )
        found = parse_document(response.body, found_on=response.url, max_entries=max_entries)
        if found.too_large:
            # over MAX_XML_BYTES once decompressed (a gzip bomb), or a flood of junk elements
            self._inc(stat_keys.DISCOVERY_TOO_LARGE)
            self.logger.warning(
                "source %s: %s is too large (over %d MB of XML, or %d elements that are no "
                "entries): read up to there, %d entries kept",
                self.source.name,
                response.url,
                MAX_XML_BYTES >> 20,
                MAX_OTHER_ELEMENTS,
                len(found.entries) + len(found.sitemaps),
            )
        if found.kind == "unknown":
            if not found.too_large:
                self._inc(stat_keys.DISCOVERY_UNPARSABLE)
                self.logger.warning(
                    "source %s: %s is not an RSS/Atom feed or a sitemap",
                    self.source.name,
                    response.url,
                )
            return
        self._inc(stat_keys.discovery(found.kind))
        if found.truncated:
            self._inc(stat_keys.DISCOVERY_TRUNCATED, found.truncated)
            if not self._truncation_logged:  # once per source: the counter says the rest
                self._truncation_logged = True
                self.logger.warning(
                    "source %s: %s lists more than %d entries; the %d past that are left "
                    "out (counted in newsbot/discovery/truncated, not logged again)",
                    self.source.name,
                    response.url,
                    max_entries,
                    found.truncated,
                )
        if found.kind == "sitemapindex":
            # an unchanged index says nothing about its children: always read it in full
            self.sitemap_indexes.add(response.url)
        for child in found.sitemaps:
            yield scrapy.Request(
                response.urljoin(child),
                callback=self.parse_feed,
                errback=self.discovery_failed,
                meta={"newsbot_kind": DISCOVERY},
                priority=10,
            )
        for entry in found.entries:
            url = response.urljoin(entry.url)
            skipped = entry_skipped(self.source, url, entry.hints)
            if skipped:
                self._inc(skipped)
                continue
            yield self._article_request(url, entry.hints, response)

    # -- listing pages ---------------------------------------------------------------

    def parse_listing(self, response: Response, depth: int) -> Iterator[scrapy.Request]:
        self._entry_ok(response)
        if not isinstance(response, TextResponse):
            return
        yield from self._autodiscovered_feeds(response)
        if "links" not in self.source.discovery:
            return  # discover leaves links out: the page is read for its feeds only
        articles, listings = listing_targets(self.source, response, depth, self._links)
        for url in articles:
            yield self._article_request(url, Hints(via="link", found_on=response.url), response)
        for url in listings:
            yield self._listing_request(url, depth + 1)

    def _listing_request(self, url: str, depth: int) -> scrapy.Request:
        return scrapy.Request(
            normalize_url(url),
            callback=self.parse_listing,
            cb_kwargs={"depth": depth},
            meta={"newsbot_kind": LISTING, **self._listing_meta()},
            # distributed mode: a listing that fails must leave the discovery in flight
            errback=self.listing_failed if self.distributed else None,
            priority=10,
        )

    def listing_failed(self, failure: Failure) -> None:
        """Distributed mode: a listing page that could not be read (logged, not raised)."""
        self._discovery_done(failure.request)  # type: ignore[attr-defined]
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            return
        if not failure.check(HttpError):
            self._inc(stat_keys.DOWNLOAD_ERRORS)
        self.logger.warning(
            "source %s: cannot fetch listing %s: %s",
            self.source.name,
            failure.request.url,  # type: ignore[attr-defined]
            failure.getErrorMessage() or failure.type.__name__,
        )

    def _autodiscovered_feeds(self, response: TextResponse) -> Iterator[scrapy.Request]:
        """`<link rel=alternate type=application/rss+xml>`: a site's own list of its articles."""
        for url in autodiscovered_feeds(self.source, response):
            if url in self._feeds_seen:
                continue
            self._feeds_seen.add(url)
            self._inc(stat_keys.DISCOVERY_AUTODISCOVERED_FEEDS)
            yield scrapy.Request(
                url,
                callback=self.parse_feed,
                errback=self.optional_failed,
                meta={"newsbot_kind": DISCOVERY},
                priority=10,
            )

    # -- article pages ---------------------------------------------------------------

    def _article_request(
        self, url: str, hints: Hints, found_by: Response | None = None
    ) -> scrapy.Request:
        url = normalize_url(url)
        if url not in self._articles_found:
            self._articles_found.add(url)
            self._inc(stat_keys.ARTICLES_FOUND)
        if self.distributed:
            # another worker may fetch it: the round's hint board gets what every path
            # found, in every worker, and the fetching worker reads it (_final_hints)
            merged = hints
            self._board().add(_round_of(found_by), url, hints)
        else:
            found = self._hints.setdefault(url, [])
            if hints not in found:
                found.append(hints)
            merged = merge_all(found)
        meta: dict[str, Any] = {
            "newsbot_kind": ARTICLE,
            "newsbot_lastmod": merged.modified,
            # everything extraction uses besides the page, for whichever worker fetches it
            "newsbot_source": self.source.name,
            "newsbot_source_version": self.source_version,
        }
        if self.source.render_js:
            meta["playwright"] = True
        # discovery (priority 10) goes first, so hints from every path are in before a fetch
        return scrapy.Request(
            url,
            callback=self.parse_article,
            cb_kwargs={"hints": merged},
            meta=meta,
            errback=self.article_failed,
            priority=0,
        )

    def article_failed(self, failure: Failure) -> Iterator[DroppedPage]:
        request = failure.request  # type: ignore[attr-defined]
        found = self._hints.pop(_discovered_url(request), None)
        hints = merge_all(found) if found else request.cb_kwargs.get("hints", Hints())
        message = failure.getErrorMessage() or ""
        if (failure.check(DownloadCancelledError) and "download max size" in message) or (
            failure.check(IgnoreRequest) and "DOWNLOAD_MAXSIZE" in message
        ):
            # over the size cap, as sent or once decompressed (a gzip bomb): a counted drop
            self._inc(stat_keys.DROPPED_TOO_LARGE)
            self.logger.warning(
                "source %s: %s refused, larger than DOWNLOAD_MAXSIZE",
                self.source.name,
                request.url,
            )
            yield DroppedPage(request.url, self.source.name, "too_large", hints)
            return
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            return  # skipped on purpose: already stored, or forbidden by robots.txt
        self._inc(stat_keys.ARTICLES_FETCH_FAILED)
        if not failure.check(HttpError):
            self._inc(stat_keys.DOWNLOAD_ERRORS)  # no answer at all, after the retries
        self.logger.warning(
            "source %s: cannot fetch %s: %s",
            self.source.name,
            failure.request.url,  # type: ignore[attr-defined]
            failure.getErrorMessage() or failure.type.__name__,
        )

    async def parse_article(
        self, response: Response, hints: Hints
    ) -> AsyncIterator[Article | DroppedPage]:
        self._article_pages += 1
        if (
            self.source.max_pages
            and self._article_pages > self.source.max_pages
            and not self.distributed
        ):
            self._stop("max_pages")
            return
        hints = await self._final_hints(response, hints)
        for output in self._article_output(response, hints):
            yield output

    def _article_output(self, response: Response, hints: Hints) -> Iterator[Article | DroppedPage]:
        content_type = (response.headers.get(b"Content-Type") or b"").lower()
        if not isinstance(response, TextResponse) or (
            content_type and not content_type.startswith(HTML_TYPES)
        ):
            self._inc(stat_keys.DROPPED_NOT_HTML)
            self.logger.info(
                "source %s: %s is not HTML (%s)",
                self.source.name,
                response.url,
                content_type.decode("latin-1"),
            )
            yield DroppedPage(normalize_url(response.url), self.source.name, "not_html", hints)
            return
        html = page_text(response)
        if looks_binary(html):
            # an image, PDF or archive served as text/html: its bytes decode to noise that a
            # feed's title would otherwise carry into a row
            self._inc(stat_keys.DROPPED_NOT_HTML)
            self.logger.info(
                "source %s: %s is not HTML (binary body)", self.source.name, response.url
            )
            yield DroppedPage(normalize_url(response.url), self.source.name, "not_html", hints)
            return
        self._inc(stat_keys.ARTICLES_FETCHED)
        kept = response.meta.get(ARCHIVED)  # where middlewares.archive put the response
        yield Article(
            url=normalize_url(response.url),
            source=self.source.name,
            html=html,
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
            warc_file=kept.file if kept else None,
            warc_offset=kept.offset if kept else None,
        )

    # -- what every discovery path found, whichever worker fetches the page --------------

    def _board(self) -> Any:
        """The round's shared hints (distributed mode), or None."""
        return self._shared().board() if self.distributed else None

    def _shared(self) -> RoundHints:
        if self._round_hints is None:  # settings are the crawler's: known after __init__
            self._round_hints = RoundHints(
                self.source, self.settings, self._inc, self.logger, self.source_version
            )
        return self._round_hints

    def _discovery_done(self, request: scrapy.Request | None) -> None:
        """A feed, sitemap or listing request is over (its errback ran): distributed mode
        takes it out of the round's discovery in flight (middlewares.round does it for
        one that was parsed)."""
        kind = request.meta.get("newsbot_kind") if request is not None else None
        if self.distributed and kind in (DISCOVERY, LISTING):
            self._shared().discovery_done(request)  # type: ignore[arg-type]

    async def _final_hints(self, response: Response, hints: Hints) -> Hints:
        """The hints of every discovery path that found the page (spiders.round_hints)."""
        request = response.request
        url = _discovered_url(request) if request is not None else ""
        # every path that found it (the request's own hints among them, once)
        found = self._hints.pop(url, [])
        if hints not in found:
            found.insert(0, hints)
        if not self.distributed or request is None:
            return merge_all(found)
        return await self._shared().final(request, url, found, lambda: bool(self._stopped))

    def _inc(self, key: str, count: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, count)


def _round_of(response: Response | None) -> Any:
    return response.meta.get(ROUND) if response is not None else None


def _discovered_url(request: scrapy.Request) -> str:
    """The URL discovery found (and keyed the page's hints by): before any redirect."""
    redirects = request.meta.get("redirect_urls")
    return redirects[0] if redirects else request.url
