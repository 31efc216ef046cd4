"""Running crawls from Python: one Scrapy crawler per source, one run record for all.

The CLI (`newsbot crawl`, `newsbot demo`) calls `run_crawl`; `scrapy crawl news`
works too, and then the store pipeline records a run of its own.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings

from newsbot import signals as newsbot_signals
from newsbot import stats as stat_keys
from newsbot.config import Source, load_sources, select_sources
from newsbot.errors import SourceLocked
from newsbot.run.locks import SourceLocks, describe_dead_run, interrupt_dead_runs, watch
from newsbot.run.progress import Progress
from newsbot.storage import connect, resolve_database_url, upgrade
from newsbot.storage.articles import ensure_sources
from newsbot.storage.runs import (
    add_counters,
    append_finish_reason,
    finish_run,
    run_reposts,
    start_run,
)

logger = logging.getLogger(__name__)


#: finish reasons of a source that did its job: all done, or stopped at a limit it was given
#: (the sources file's max_pages and max_duration, or Scrapy's CLOSESPIDER_* settings). The
#: run is `finished` and its finish_reason names the limit. CLOSESPIDER_ERRORCOUNT's
#: `closespider_errorcount` is not among them: a source stopped for its errors failed.
FINISHED_REASONS = frozenset(
    {
        "finished",
        "max_pages",
        "max_duration",
        "closespider_timeout",
        "closespider_timeout_no_item",
        "closespider_itemcount",
        "closespider_pagecount",
        "closespider_pagecount_no_item",
    }
)


@dataclass
class SourceReport:
    """How one source's crawl went, from its Scrapy stats."""

    name: str
    stats: dict[str, Any] = field(default_factory=dict)

    def count(self, key: str) -> int:
        value = self.stats.get(key, 0)
        return int(value) if isinstance(value, int | float) else 0

    @property
    def finish_reason(self) -> str:
        return str(self.stats.get("finish_reason", "not started"))

    @property
    def dropped(self) -> int:
        return sum(
            int(v)
            for k, v in self.stats.items()
            if k.startswith(stat_keys.DROPPED_PREFIX) and isinstance(v, int)
        )

    @property
    def errors(self) -> int:
        """This source's own errors (newsbot.stats.error_count), not the process's log."""
        return stat_keys.error_count(self.stats)

    @property
    def warnings(self) -> list[str]:
        """What the operator should fix though the source did not fail: URLs of the
        sources file (or sitemaps they name) that the site's robots.txt disallows."""
        from spiders.follow import robots_warning

        refused = self.stats.get(stat_keys.ROBOTS_REFUSED_URLS) or []
        return [robots_warning(url) for url in refused]

    @property
    def failure(self) -> str | None:
        """Why this source counts as failed, or None when it did its job."""
        # stopped by a signal (`shutdown`) is not a failure: the run says `interrupted`
        if self.finish_reason not in FINISHED_REASONS | {"shutdown"}:
            return f"crawl ended early ({self.finish_reason})"
        ok, failed, refused = (
            self.count(stat_keys.ENTRY_POINTS_OK),
            self.count(stat_keys.ENTRY_POINTS_FAILED),
            self.count(stat_keys.ROBOTS_REFUSED),
        )
        if (failed or refused) and not ok:
            because = f" ({refused} disallowed by robots.txt)" if refused else ""
            return f"none of its {failed + refused} entry points could be fetched{because}"
        if self.count(stat_keys.STORE_FAILED):
            return f"{self.count(stat_keys.STORE_FAILED)} articles could not be stored"
        return None


def source_row(s: SourceReport) -> dict[str, Any]:
    """One source's part of a `--json` summary (crawl and worker alike)."""
    return {
        "pages": s.count("downloader/response_count"),
        "articles_new": s.count(stat_keys.STORE_NEW),
        "articles_updated": s.count(stat_keys.STORE_UPDATED),
        "articles_unchanged": s.count(stat_keys.STORE_UNCHANGED),
        "reposts": s.count(stat_keys.STORE_REPOSTS),
        # kept in the local spool while the database was away (stored when it came
        # back: articles_new/updated count them then), and still waiting
        "articles_spooled": s.count(stat_keys.STORE_SPOOLED),
        "spool_pending": s.count(stat_keys.STORE_SPOOL_PENDING),
        "dropped": s.dropped,
        "errors": s.errors,  # this source's own (newsbot.stats.error_count)
        "finish_reason": s.finish_reason,
        "failure": s.failure,
        "warnings": s.warnings,
    }


@dataclass
class CrawlReport:
    run_id: int
    database_url: str
    sources: list[SourceReport]
    #: sources not crawled because another crawl held their lock: name → who holds it
    skipped: dict[str, str] = field(default_factory=dict)
    #: the signal that stopped the crawl (SIGINT, SIGTERM), or None
    stopped_by: int | None = None

    @property
    def failed(self) -> list[SourceReport]:
        return [s for s in self.sources if s.failure]


def tune_gc() -> None:
    """Collect garbage less often during a crawl.

    A crawl allocates millions of short-lived objects (requests, responses, Deferreds)
    while holding a large, stable set (the code, settings, the scheduler's queues): with
    Python's default thresholds the collector took 11% of the crawler's CPU
    (bench/crawl.py). What exists at start-up is frozen out of collections, and young
    objects are collected every 10,000 allocations instead of every 700 (50,000 saved
    a little more CPU, but the crawler grew 18% over a short soak run before levelling).
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 20)


#: after a second signal, how long the store may take to write what waits (seconds)
STOP_NOW_FLUSH_SECONDS = 10.0


class StopOnSignals:
    """SIGINT and SIGTERM for a crawler process, instead of Scrapy's own handlers.

    The first signal stops gracefully: every source stops scheduling, drops the requests
    waiting in the downloader (newsbot.signals.stop_requested), and its spider is closed
    as usual: downloads under way finish, their pages go through every stage, the store
    writes everything, the run recorder records the source (finish reason `shutdown`).
    A second signal stops at once: the store writes what it holds (articles already
    extracted), the run recorder records the counters so far
    (newsbot.signals.stopping_now) and the reactor stops; pages still being fetched or
    extracted are not stored (the next crawl fetches them). `signum` is the first signal.

    Python runs a signal handler between two bytecodes of the reactor thread: it only
    notes the signal and hands the work to the reactor (logging there is not safe).
    """

    def __init__(self, process: CrawlerProcess, crawlers: dict[str, Crawler]) -> None:
        self.process = process
        self.crawlers = crawlers
        self.signum: int | None = None
        self.received = 0

    def install(self) -> None:
        signal.signal(signal.SIGINT, self._handler)
        signal.signal(signal.SIGTERM, self._handler)

    def _handler(self, signum: int, _frame: Any) -> None:
        from twisted.internet import reactor

        self.received += 1
        if self.received == 1:
            self.signum = signum
            reactor.callFromThread(self._graceful, signum)  # type: ignore[attr-defined]
        elif self.received == 2:
            reactor.callFromThread(self._now, signum)  # type: ignore[attr-defined]

    def _graceful(self, signum: int) -> None:
        logger.warning(
            "received %s: stopping; the pages being fetched are finished and stored "
            "(send it again to stop at once)",
            signal.Signals(signum).name,
        )
        for crawler in self.crawlers.values():
            crawler.signals.send_catch_log(newsbot_signals.stop_requested, reason="shutdown")
        self.process.stop()  # closes each spider (reason `shutdown`); the reactor then stops

    def _now(self, signum: int) -> None:
        from twisted.internet import reactor
        from twisted.internet.task import LoopingCall

        logger.warning(
            "received %s again: stopping now; storing what was extracted",
            signal.Signals(signum).name,
        )
        open_crawlers = [c for c in self.crawlers.values() if c.spider is not None]
        for crawler in open_crawlers:
            crawler.signals.send_catch_log(newsbot_signals.stop_requested, reason="shutdown")
        deadline = time.monotonic() + STOP_NOW_FLUSH_SECONDS

        def flushed() -> None:
            writing = [newsbot_signals.store_writing(crawler) for crawler in open_crawlers]
            if any(writing) and time.monotonic() < deadline:
                return
            if any(writing):
                logger.error("stopping with articles still being written")
            loop.stop()
            for crawler in open_crawlers:
                if crawler.engine is not None and crawler.engine.spider is not None:
                    crawler.signals.send_catch_log(newsbot_signals.stopping_now, reason="shutdown")
            with contextlib.suppress(RuntimeError):
                reactor.stop()  # type: ignore[attr-defined]

        loop = LoopingCall(flushed)
        loop.start(0.1, now=True)


def run_to_end(
    process: CrawlerProcess, crawlers: dict[str, Crawler], stopper: StopOnSignals | None = None
) -> tuple[list[SourceReport], bool]:
    """Run the process's crawls until they end: each source's report, and whether the
    crawl was interrupted (SIGINT or SIGTERM, see StopOnSignals: `stopper.signum` says
    which; or a shutdown that closed a source)."""
    tune_gc()
    stopper = stopper or StopOnSignals(process, crawlers)
    interrupted = False
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    stopper.install()
    try:
        process.start(install_signal_handlers=False)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    reports = [
        SourceReport(name, dict(crawler.stats.get_stats()) if crawler.stats else {})
        for name, crawler in crawlers.items()
    ]
    return reports, (
        interrupted
        or stopper.signum is not None
        or any(r.finish_reason == "shutdown" for r in reports)
    )


def locked_message(skipped: dict[str, str], *, waited: float = 0.0) -> str:
    """One line naming each locked source and who holds it."""
    held = "; ".join(f"source {name!r} is being crawled by {who}" for name, who in skipped.items())
    hint = f"gave up after waiting {waited:g} s" if waited else "use --wait to wait for it"
    return f"{held}; not crawled ({hint})"


def crawl_settings(
    database_url: str,
    run_id: int | None,
    *,
    log_level: str = "INFO",
    log_file: str | None = None,
    overrides: dict[str, Any] | None = None,
) -> Settings:
    settings = Settings()
    settings.setmodule("newsbot.settings", priority="project")
    settings.set("NEWSBOT_DATABASE_URL", database_url, priority="cmdline")
    settings.set("NEWSBOT_RUN_ID", run_id, priority="cmdline")
    settings.set("LOG_LEVEL", log_level.upper(), priority="cmdline")
    if log_file:
        settings.set("LOG_FILE", log_file, priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def apply_source_settings(settings: Settings, source: Source) -> None:
    """One source's crawler settings: the run's, with the source's own politeness."""
    if source.concurrency is not None:
        settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", source.concurrency, priority="spider")
    if source.download_delay is not None:
        settings.set("DOWNLOAD_DELAY", source.download_delay, priority="spider")


def run_crawl(
    sources_file: str | Path,
    names: list[str] | tuple[str, ...] = (),
    *,
    database_url: str | None = None,
    log_level: str = "INFO",
    log_file: str | None = None,
    overrides: dict[str, Any] | None = None,
    wait: float = 0.0,
    progress: str = "off",
    progress_interval: float | None = None,
) -> CrawlReport:
    """Crawl the named sources (all by default) into PostgreSQL; blocks until done.

    Raises ConfigError for a bad sources file and DatabaseUnavailable when the
    database cannot be reached, before any page is fetched. Each source is locked
    (see newsbot.run.locks) for the whole crawl: a source another crawl holds is skipped
    (waiting up to `wait` seconds for it) and listed in `CrawlReport.skipped`; when
    every source is held, SourceLocked is raised and no run is recorded. Runs left
    `running` by crawlers that were killed are recorded as interrupted first.
    `progress` is "auto", "rich", "plain" or "off" (see newsbot.run.progress).
    """
    sources: list[Source] = select_sources(load_sources(sources_file), list(names), sources_file)
    overrides = dict(overrides or {})
    if any(s.render_js for s in sources):
        from newsbot.run.browser import playwright_settings

        overrides = {**playwright_settings(), **overrides}
    database_url = resolve_database_url(database_url)
    with connect(database_url) as conn:
        upgrade(conn)
        ensure_sources(conn, sources)
        # before taking our own locks: a dead crawl's row is told apart by its free locks
        for run in interrupt_dead_runs(conn):
            logger.warning(describe_dead_run(run))
    with SourceLocks(database_url) as locks:
        skipped = locks.acquire([s.name for s in sources], wait=wait)
        if len(skipped) == len(sources):
            raise SourceLocked(locked_message(skipped, waited=wait))
        for name, who in skipped.items():
            logger.warning("source %s skipped: being crawled by %s", name, who)
        sources = [s for s in sources if s.name not in skipped]
        report = _crawl_locked(
            sources_file,
            sources,
            database_url,
            log_level=log_level,
            log_file=log_file,
            overrides=overrides,
            progress=Progress(progress, progress_interval),
            locks=locks,
        )
        report.skipped = skipped
        if skipped:
            note = "skipped (locked by another crawl): " + ", ".join(skipped)
            with connect(database_url) as conn:
                append_finish_reason(conn, report.run_id, note)
        return report


def _crawl_locked(
    sources_file: str | Path,
    sources: list[Source],
    database_url: str,
    *,
    log_level: str,
    log_file: str | None,
    overrides: dict[str, Any],
    progress: Progress,
    locks: SourceLocks | None = None,
) -> CrawlReport:
    """The crawl proper, once every source in `sources` is locked by this process
    (`locks`: kept while the crawl runs, see SourceLocks.keep)."""
    with connect(database_url) as conn:
        run_id = start_run(conn, [s.name for s in sources])

    from spiders.news import NewsSpider

    settings = crawl_settings(
        database_url, run_id, log_level=log_level, log_file=log_file, overrides=overrides
    )
    progress.start()  # before CrawlerProcess: Scrapy's log handler must write through it
    process = CrawlerProcess(settings)
    crawlers = {}
    for source in sources:
        crawler = process.create_crawler(NewsSpider)
        apply_source_settings(crawler.settings, source)
        process.crawl(crawler, sources=str(sources_file), source=source.name)
        crawlers[source.name] = crawler
    progress.attach(crawlers)
    stopper = StopOnSignals(process, crawlers)
    lock_check = watch(locks) if locks is not None else None
    try:
        reports, interrupted = run_to_end(process, crawlers, stopper)
    finally:
        if lock_check is not None and lock_check.running:
            lock_check.stop()
        progress.stop()
    report = CrawlReport(run_id, database_url, reports, stopped_by=stopper.signum)
    status = "interrupted" if interrupted else ("failed" if report.failed else "finished")
    reason = "; ".join(f"{s.name}: {s.failure}" for s in report.failed) or limits_reason(reports)
    if stopper.signum is not None:
        reason = f"interrupted by {signal.Signals(stopper.signum).name}"
    with connect(database_url) as conn:
        recount_reposts(conn, run_id, reports)
        finish_run(conn, run_id, status, reason)
    return report


def limits_reason(reports: list[SourceReport]) -> str:
    """A finished run's finish_reason: `finished`, or the limit that stopped its sources
    (`closespider_pagecount`, `max_pages`...; per source when they differ)."""
    reasons = {r.finish_reason for r in reports}
    if reasons <= {"finished"}:
        return "finished"
    if len(reasons) == 1:
        return reasons.pop()
    return "; ".join(f"{r.name}: {r.finish_reason}" for r in reports)


def recount_reposts(conn: Any, run_id: int, reports: list[SourceReport]) -> None:
    """Each source's reposts as the run left them, in its report and its crawl_runs row.

    The store counts an article as a repost when it is written; a copy stored as an
    original becomes a repost when an earlier-published copy arrives later in the run
    (its story is re-pointed), so the count is taken again once every source is done.
    """
    counted = run_reposts(conn, run_id)
    for report in reports:
        if not report.stats:
            continue
        now = counted.get(report.name, 0)
        delta = now - report.count(stat_keys.STORE_REPOSTS)
        if delta:
            report.stats[stat_keys.STORE_REPOSTS] = now
            add_counters(conn, run_id, report.name, {stat_keys.STORE_REPOSTS: delta})
