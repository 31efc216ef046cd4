"""Running crawls from Python: one Scrapy crawler per source, one run record for all.

The CLI (`newsbot crawl`, `newsbot demo`) calls `run_crawl`; `scrapy crawl news`
works too, and then the store pipeline records a run of its own.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from newsbot.config import Source, load_sources, select_sources
from newsbot.storage import connect, resolve_database_url, upgrade
from newsbot.storage.articles import ensure_sources
from newsbot.storage.runs import finish_run, start_run

logger = logging.getLogger(__name__)


#: finish reasons of a source that did its job: all done, or stopped at a limit it was given
FINISHED_REASONS = frozenset({"finished", "max_pages", "max_duration"})


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
            if k.startswith("newsbot/dropped/") and isinstance(v, int)
        )

    @property
    def failure(self) -> str | None:
        """Why this source counts as failed, or None when it did its job."""
        if self.finish_reason not in FINISHED_REASONS:
            return f"crawl ended early ({self.finish_reason})"
        ok, failed = (
            self.count("newsbot/entry_points/ok"),
            self.count("newsbot/entry_points/failed"),
        )
        if failed and not ok:
            return f"none of its {failed} entry points could be fetched"
        if self.count("newsbot/store/failed"):
            return f"{self.count('newsbot/store/failed')} articles could not be stored"
        return None


@dataclass
class CrawlReport:
    run_id: int
    database_url: str
    sources: list[SourceReport]

    @property
    def failed(self) -> list[SourceReport]:
        return [s for s in self.sources if s.failure]


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
) -> CrawlReport:
    """Crawl the named sources (all by default) into PostgreSQL; blocks until done.

    Raises ConfigError for a bad sources file and DatabaseUnavailable when the
    database cannot be reached, before any page is fetched.
    """
    sources: list[Source] = select_sources(load_sources(sources_file), list(names), sources_file)
    overrides = dict(overrides or {})
    if any(s.render_js for s in sources):
        from newsbot.browser import playwright_settings

        overrides = {**playwright_settings(), **overrides}
    database_url = resolve_database_url(database_url)
    with connect(database_url) as conn:
        upgrade(conn)
        ensure_sources(conn, sources)
        run_id = start_run(conn, [s.name for s in sources])

    from spiders.news import NewsSpider

    settings = crawl_settings(
        database_url, run_id, log_level=log_level, log_file=log_file, overrides=overrides
    )
    process = CrawlerProcess(settings)
    crawlers = {}
    for source in sources:
        crawler = process.create_crawler(NewsSpider)
        apply_source_settings(crawler.settings, source)
        process.crawl(crawler, sources=str(sources_file), source=source.name)
        crawlers[source.name] = crawler
    interrupted = False
    try:
        process.start()
    except KeyboardInterrupt:
        interrupted = True
    reports = [
        SourceReport(name, dict(crawler.stats.get_stats()) if crawler.stats else {})
        for name, crawler in crawlers.items()
    ]
    report = CrawlReport(run_id, database_url, reports)
    interrupted = interrupted or any(s.finish_reason == "shutdown" for s in reports)
    status = "interrupted" if interrupted else ("failed" if report.failed else "finished")
    reason = "; ".join(f"{s.name}: {s.failure}" for s in report.failed) or "finished"
    with connect(database_url) as conn:
        finish_run(conn, run_id, status, reason)
    return report
