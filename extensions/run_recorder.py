"""Record each source's crawl in crawl_runs: its counters and how it finished.

`newsbot crawl` starts the run row itself and passes its id (NEWSBOT_RUN_ID); a plain
`scrapy crawl` has nobody to do that, so this extension then holds the source's lock
for the crawl, as `newsbot crawl` does, and starts and finishes the row. A
distributed worker's counters are added to its round by the worker itself
(newsbot.run.distributed_worker), since several workers report into one row.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import psycopg
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro

from newsbot import signals as newsbot_signals
from newsbot import stats as stat_keys
from newsbot.errors import DatabaseUnavailable, message_of
from newsbot.run.locks import SourceLocks, describe_dead_run, interrupt_dead_runs
from newsbot.run.runner import FINISHED_REASONS
from newsbot.storage import connect, resolve_database_url, upgrade
from newsbot.storage.runs import finish_run, record_source, start_run

logger = logging.getLogger(__name__)


class RunRecorder:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.database_url: str | None = settings.get("NEWSBOT_DATABASE_URL")
        self.run_id: int | None = settings.getint("NEWSBOT_RUN_ID") or None
        #: a worker of a distributed crawl: the round's run is `newsbot enqueue`'s
        self.distributed = settings.getbool("NEWSBOT_DISTRIBUTED")
        self.owns_run = self.run_id is None and not self.distributed
        #: the source's lock, held while this extension records the run itself
        self.locks: SourceLocks | None = None
        #: this source's counters are recorded (at most once: spider_closed or stopping_now)
        self.recorded = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunRecorder:
        recorder = cls(crawler)
        crawler.signals.connect(recorder.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(recorder.stopping_now, signal=newsbot_signals.stopping_now)
        crawler.signals.connect(recorder.item_error, signal=signals.item_error)
        return recorder

    def spider_opened(self, spider: Any) -> None:
        """`scrapy crawl`: lock the source and start its run (dead runs recorded first).

        A source another crawl holds is not crawled: the spider is closed at once with
        the reason `source_locked`, and the error says what to do.
        """
        if not self.owns_run:
            return
        source = spider.source.name
        self.database_url = resolve_database_url(self.database_url)
        with connect(self.database_url) as conn:
            upgrade(conn)
            for run in interrupt_dead_runs(conn):
                logger.warning(describe_dead_run(run))
            self.locks = SourceLocks(self.database_url)
            skipped = self.locks.acquire([source])
            if skipped:
                self.locks.close()
                self.locks = None
                self.owns_run = False
                logger.error(
                    "source %r is being crawled by %s; not crawled "
                    "(`newsbot crawl --wait` waits for it)",
                    source,
                    skipped[source],
                )
                closing = self.crawler.engine.close_spider_async(reason="source_locked")
                deferred_from_coro(closing)
                return
            self.run_id = start_run(conn, [source])
            conn.commit()
        self.crawler.signals.send_catch_log(newsbot_signals.run_started, run_id=self.run_id)

    def item_error(self, *_: Any, **__: Any) -> None:
        """An item pipeline raised on one of this source's items: one of its errors."""
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(stat_keys.ITEM_ERRORS)

    def spider_closed(self, spider: Any, reason: str) -> None:
        """Record this source's counters (and finish the run if this extension started it)."""
        if self.recorded:
            return  # already recorded when the crawl was stopped at once (stopping_now)
        self.recorded = True
        try:
            if self.run_id is None or self.distributed:
                return
            stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
            counters = stat_keys.run_counters(stats)
            counters["finish_reason"] = reason
            started_at = stats.get("start_time")
            if started_at is not None:
                elapsed = (datetime.now(UTC) - started_at).total_seconds()
                counters["elapsed_seconds"] = round(elapsed, 3)
            self._record(spider.source.name, counters, reason)
        finally:
            if self.locks is not None:
                self.locks.close()  # after the run's end is recorded

    def stopping_now(self, reason: str) -> None:
        """Stopped at once (a second signal): spider_closed will not come, so the source's
        counters (what the store wrote by now) are recorded here, with `reason`."""
        spider = self.crawler.spider
        if spider is None or self.recorded:
            return
        if self.crawler.stats is not None:
            self.crawler.stats.set_value("finish_reason", reason)
        self.spider_closed(spider, reason)

    def _record(self, source: str, counters: dict[str, Any], reason: str) -> None:
        try:
            for attempt in (1, 2):  # a server restart may have cut the first try: once more
                try:
                    with connect(self.database_url or resolve_database_url()) as conn:
                        record_source(conn, self.run_id, source, counters)  # type: ignore[arg-type]
                        if self.owns_run:
                            failed = reason not in FINISHED_REASONS or counters.get(
                                stat_keys.STORE_FAILED, 0
                            )
                            status = "failed" if failed else "finished"
                            finish_run(conn, self.run_id, status, reason)  # type: ignore[arg-type]
                    return
                except psycopg.OperationalError:
                    if attempt == 2:
                        raise
        except (psycopg.Error, DatabaseUnavailable) as exc:
            logger.error("could not record the run: %s", message_of(exc))
