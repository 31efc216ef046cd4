"""Running crawls from Python: one Scrapy crawler per source, one run record for all.

The CLI (`newsbot crawl`, `newsbot demo`) calls `run_crawl`; `scrapy crawl news`
works too, and then the store pipeline records a run of its own.
"""

from __future__ import annotations

import gc
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings

from newsbot import stats as stat_keys
from newsbot.config import Source, load_sources, select_sources
from newsbot.errors import SourceLocked
from newsbot.run.locks import SourceLocks, describe_dead_run, interrupt_dead_runs
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
        from spiders.news import robots_warning

        refused = self.stats.get(stat_keys.ROBOTS_REFUSED_URLS) or []
        return [robots_warning(url) for url in refused]

    @property
    def failure(self) -> str | None:
        """Why this source counts as failed, or None when it did its job."""
        if self.finish_reason not in FINISHED_REASONS:
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
            return f"{self.count('newsbot/store/failed')} articles could not be stored"
        return None


@dataclass
class CrawlReport:
    run_id: int
    database_url: str
    sources: list[SourceReport]
    #: sources not crawled because another crawl held their lock: name → who holds it
    skipped: dict[str, str] = field(default_factory=dict)

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


def run_to_end(
    process: CrawlerProcess, crawlers: dict[str, Crawler]
) -> tuple[list[SourceReport], bool]:
    """Run the process's crawls until they end: each source's report, and whether the
    crawl was interrupted (Ctrl-C, or a shutdown signal that closed a source)."""
    tune_gc()
    interrupted = False
    try:
        process.start()
    except KeyboardInterrupt:
        interrupted = True
    reports = [
        SourceReport(name, dict(crawler.stats.get_stats()) if crawler.stats else {})
        for name, crawler in crawlers.items()
    ]
    return reports, interrupted or any(r.finish_reason == "shutdown" for r in reports)


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
) -> CrawlReport:
    """The crawl proper, once every source in `sources` is locked by this process."""
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
    try:
        reports, interrupted = run_to_end(process, crawlers)
    finally:
        progress.stop()
    report = CrawlReport(run_id, database_url, reports)
    status = "interrupted" if interrupted else ("failed" if report.failed else "finished")
    reason = "; ".join(f"{s.name}: {s.failure}" for s in report.failed) or limits_reason(reports)
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
