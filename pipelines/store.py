"""Store articles in PostgreSQL: batched, idempotent, with the run's counters recorded.

The database work itself (upserts, repost links) is `newsbot.storage`; this class
only buffers items, flushes them in batches and reports what happened.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import psycopg
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred, DeferredList, succeed
from twisted.internet.task import LoopingCall
from twisted.internet.threads import deferToThread
from twisted.python.failure import Failure

from newsbot import stats as stat_keys
from newsbot.errors import DatabaseUnavailable, SourceLocked
from newsbot.items import Article, DroppedPage
from newsbot.run.locks import SourceLocks, describe_dead_run, interrupt_dead_runs
from newsbot.run.runner import FINISHED_REASONS
from newsbot.storage import connect, for_ingest, mask_url, resolve_database_url, upgrade
from newsbot.storage.articles import ensure_sources, save_batch, save_dropped
from newsbot.storage.runs import finish_run, record_source, start_run
from newsbot.storage.spool import Spool

logger = logging.getLogger(__name__)

#: drop reasons that describe the page itself (not a bug or a transient fault): a re-crawl
#: need not fetch such a page again unless discovery says it changed
KEEP_DROPPED = frozenset(
    {
        "not_html",
        "no_article_body",
        "no_title",
        "empty_page",
        "listing",
        "error_page",
        "login_wall",
        "empty",
        "too_large",
    }
)

#: stats recorded per source in crawl_runs.counters
_COUNTER_PREFIXES = (stat_keys.PREFIX, "downloader/response_status_count/", "item_")
_COUNTERS = (
    "downloader/request_count",
    "downloader/response_count",
    "log_count/ERROR",
    "log_count/WARNING",
    "retry/count",
    "robotstxt/forbidden",
)


def run_counters(stats: dict[str, Any]) -> dict[str, Any]:
    """The stats of one source kept in crawl_runs.counters."""
    return {
        key: value
        for key, value in stats.items()
        if isinstance(value, int | float)
        and (key in _COUNTERS or key.startswith(_COUNTER_PREFIXES))
    }


@dataclass
class _Lane:
    """One writer: a chain of batch writes (each waits for the one before) and its connection."""

    pending: Deferred = field(default_factory=lambda: succeed(None))
    conn: psycopg.Connection | None = None


@dataclass
class _Outcome:
    """What a lane's write did: the save results, or the batch went to the spool (or was lost)."""

    results: list | None
    #: connections lost and re-opened while writing it
    reconnects: int = 0
    #: articles appended to the spool because the database could not take them
    spooled: int = 0


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        settings = crawler.settings
        self.batch_size = settings.getint("NEWSBOT_STORE_BATCH_SIZE", 50)
        self.database_url: str | None = settings.get("NEWSBOT_DATABASE_URL")
        self.run_id: int | None = settings.getint("NEWSBOT_RUN_ID") or None
        #: a worker of a distributed crawl: the round's run is `newsbot enqueue`'s, never ours
        self.distributed = settings.getbool("NEWSBOT_DISTRIBUTED")
        self.owns_run = self.run_id is None and not self.distributed
        self.buffer: list[Article] = []
        #: pages dropped as not (usable) articles, remembered so re-crawls skip them
        self.dropped: list[Article | DroppedPage] = []
        self.conn: psycopg.Connection | None = None
        writers = max(1, settings.getint("NEWSBOT_STORE_WRITERS", 2))
        self.lanes = [_Lane() for _ in range(writers)]
        self.next_lane = 0
        #: batches handed to a lane and not written yet, and how many may be (backpressure)
        self.batches_pending = 0
        self.max_pending = settings.getint("NEWSBOT_STORE_MAX_PENDING", 2 * writers)
        self.waiters: list[Deferred] = []
        #: batches the database could not take wait here (newsbot.storage.spool)
        self.spool: Spool | None = None
        self.spool_retry = settings.getfloat("NEWSBOT_SPOOL_RETRY_INTERVAL", 5.0)
        self.spool_loop: LoopingCall | None = None
        self.draining: Deferred | None = None
        #: the source's lock, when this pipeline records the run itself (`scrapy crawl`)
        self.locks: SourceLocks | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(pipeline.item_dropped, signal=signals.item_dropped)
        return pipeline

    def open_spider(self, spider: Any = None) -> None:
        spider = spider or self.crawler.spider
        self.database_url = resolve_database_url(self.database_url)
        self.conn = connect(self.database_url)
        upgrade(self.conn)
        for_ingest(self.conn)
        ensure_sources(self.conn, [spider.source])
        if self.owns_run:
            self._lock_and_start(spider.source.name)
        self.conn.commit()
        self.spool = Spool(self.database_url, spider.source.name)
        if self.spool.path.exists():  # left by an earlier run: store it before anything new
            self._drained(self._drain())
        self.spool_loop = LoopingCall(self._retry_spool)
        self.spool_loop.start(self.spool_retry, now=False)

    def _lock_and_start(self, source: str) -> None:
        """`scrapy crawl`: hold the source's lock for the run, as `newsbot crawl` does, so
        its row is not taken for a killed crawl's; runs left by killed crawls are
        recorded as interrupted first."""
        assert self.conn is not None and self.database_url is not None
        for run in interrupt_dead_runs(self.conn):
            logger.warning(describe_dead_run(run))
        self.locks = SourceLocks(self.database_url)
        skipped = self.locks.acquire([source])
        if skipped:
            self.locks.close()
            who = skipped[source]
            raise SourceLocked(
                f"source {source!r} is being crawled by {who}; not crawled "
                "(`newsbot crawl --wait` waits for it)"
            )
        self.run_id = start_run(self.conn, [source])

    async def process_item(self, item: Any) -> Any:
        if isinstance(item, DroppedPage):  # the spider's: not an article at all
            self.dropped.append(item)
            raise DropItem(f"{item.url}: not an article ({item.drop_reason})")
        if not isinstance(item, Article):
            return item
        self.buffer.append(item)
        if len(self.buffer) >= self.batch_size:
            self.flush()
        # Backpressure: while more batches wait for a writer than allowed, hold the item.
        # Scrapy then counts its response as in progress and stops taking new ones, so a
        # database slower than the web holds the crawl back instead of piling articles up
        # in memory (bench/soak.py: RSS grew 23% over a 20,000-page crawl without this).
        while self.batches_pending > self.max_pending:
            waiter: Deferred = Deferred()
            self.waiters.append(waiter)
            await maybe_deferred_to_future(waiter)
        return item

    def item_dropped(self, item: Any, response: Any, exception: Exception, spider: Any) -> None:
        if isinstance(item, Article) and item.drop_reason and item.drop_reason in KEEP_DROPPED:
            self.dropped.append(item)

    def flush(self) -> Deferred:
        """Hand the buffered articles to a writer lane; returns when every lane is idle.

        Database round trips happen off the reactor thread, so fetching and extraction
        go on while batches are written. Several lanes (NEWSBOT_STORE_WRITERS), each a
        thread with its own connection, write at once; the story locks keep their
        repost links exactly as one writer would make them.
        """
        batch, self.buffer = self.buffer, []
        dropped, self.dropped = self.dropped, []
        if batch or dropped:
            lane = self.lanes[self.next_lane % len(self.lanes)]
            self.next_lane += 1
            self.batches_pending += 1

            def write(_: object, lane: _Lane = lane) -> Deferred:
                return (
                    deferToThread(self._write, lane, batch, dropped)
                    .addCallback(self._count, len(batch))
                    .addErrback(self._write_failed, len(batch))
                    .addBoth(self._written)
                )

            lane.pending = lane.pending.addBoth(write)
        return DeferredList([lane.pending for lane in self.lanes], consumeErrors=True)

    def _written(self, result: Any) -> Any:
        self.batches_pending -= 1
        waiters, self.waiters = self.waiters, []
        for waiter in waiters:
            waiter.callback(None)
        return result

    def _connect(self) -> psycopg.Connection:
        return for_ingest(connect(self.database_url or resolve_database_url()))

    def _write(
        self, lane: _Lane, batch: list[Article], dropped: list[Article | DroppedPage]
    ) -> _Outcome:
        """Runs in the lane's thread: on a lost connection, reconnect and retry once.

        When the database is still away, the batch goes to the spool (fsynced) and is
        written when the database answers again. Dropped pages are not spooled: a
        later run fetches them again, nothing more.
        """
        reconnects = 0
        for attempt in (1, 2):
            try:
                if lane.conn is None or lane.conn.closed:
                    if attempt == 2:
                        reconnects += 1
                    lane.conn = self._connect()
                if dropped:
                    save_dropped(lane.conn, dropped)
                    dropped = []
                return _Outcome(save_batch(lane.conn, batch, self.run_id), reconnects)
            except (psycopg.OperationalError, DatabaseUnavailable) as exc:
                logger.warning(
                    "database error while storing %d articles (attempt %d): %s",
                    len(batch),
                    attempt,
                    mask_url(" ".join(str(exc).split())),
                )
                if lane.conn is not None:
                    lane.conn.close()
                lane.conn = None
        if not batch or self.spool is None:
            return _Outcome(None, reconnects)
        try:
            self.spool.append(batch, self.run_id)
        except OSError as exc:
            logger.error("could not spool %d articles: %s", len(batch), exc)
            return _Outcome(None, reconnects)
        logger.warning(
            "database unavailable: %d articles spooled to %s, to be stored when it is back",
            len(batch),
            self.spool.path,
        )
        return _Outcome(None, reconnects, spooled=len(batch))

    def _count(self, outcome: _Outcome, size: int) -> None:
        """Back on the reactor thread: stats are not shared with the writer."""
        if outcome.reconnects:
            self._inc(stat_keys.STORE_RECONNECTS, outcome.reconnects)
        results = outcome.results
        if results is None:
            if outcome.spooled:
                self._inc(stat_keys.STORE_SPOOLED, outcome.spooled)
            elif size:
                self._inc(stat_keys.STORE_FAILED, size)
            return
        if self.spool is not None and self.spool.path.exists():
            self._retry_spool()  # the database answers again: store what waits
        for result in results:
            self._inc(stat_keys.store(result.outcome))
            if result.duplicate_of is not None and result.outcome != "failed":
                self._inc(stat_keys.STORE_REPOSTS)
        if size:
            self._inc(stat_keys.STORE_BATCHES)

    def _write_failed(self, failure: Failure, size: int) -> None:
        logger.error("could not store %d articles: %s", size, failure.getTraceback())
        self._inc(stat_keys.STORE_FAILED, size)

    def _drain(self) -> tuple[int, int] | None:
        """Write the spool (any thread): (stored, rejected), or None when the database is away."""
        assert self.spool is not None
        try:
            stored = self.spool.drain(self._connect, run_id=self.run_id)
        except (psycopg.OperationalError, DatabaseUnavailable) as exc:
            logger.warning(
                "spooled articles not stored yet, database unavailable: %s",
                mask_url(" ".join(str(exc).split())),
            )
            return None
        except Exception:  # a bug must not stop every later run at open: keep the spool
            logger.exception("could not store the spooled articles in %s", self.spool.path)
            return None
        return stored, self.spool.rejected

    def _drained(self, drained: tuple[int, int] | None) -> None:
        if drained is None:
            return
        stored, rejected = drained
        if stored:
            logger.info("%d spooled articles stored", stored)
            self._inc(stat_keys.STORE_RESPOOLED, stored)
        if rejected:
            self._inc(stat_keys.STORE_FAILED, rejected)

    def _retry_spool(self) -> Deferred | None:
        """Drain the spool off the reactor thread, unless it is empty or already draining."""
        if self.draining is not None or self.spool is None or not self.spool.path.exists():
            return self.draining

        def done(result: Any) -> Any:
            self.draining = None
            if isinstance(result, Failure):
                logger.error("could not store spooled articles: %s", result.getTraceback())
                return None
            self._drained(result)
            return None

        self.draining = deferToThread(self._drain)
        self.draining.addBoth(done)
        return self.draining

    async def close_spider(self, spider: Any = None) -> None:
        """Write what is left and wait for the writer; a failure is counted, not raised.

        Articles still spooled (the database never came back) stay in the spool for
        the next run; the run says how many (newsbot/store/spool_pending, a warning).
        """

        def failed(failure: Failure) -> None:
            logger.error("could not store the last batch: %s", failure.getErrorMessage())
            self._inc(stat_keys.STORE_FAILED, len(self.buffer))

        await maybe_deferred_to_future(self.flush().addErrback(failed))
        if self.spool_loop is not None and self.spool_loop.running:
            self.spool_loop.stop()
        if self.spool is None:
            return
        if self.draining is not None:
            await maybe_deferred_to_future(self.draining)
        if self.spool.path.exists():
            await maybe_deferred_to_future(self._retry_spool() or succeed(None))
        if self.spool.path.exists():
            pending = await maybe_deferred_to_future(deferToThread(self.spool.pending))
            if pending:
                self._inc(stat_keys.STORE_SPOOL_PENDING, pending)
                logger.warning(
                    "%d articles are still spooled in %s (the database is unavailable); "
                    "the next run of this source stores them",
                    pending,
                    self.spool.path,
                )

    def writing(self) -> bool:
        """A batch is still being written (or waits for a writer)."""
        return self.batches_pending > 0

    def spider_closed(self, spider: Any, reason: str) -> None:
        """Record this source's counters in crawl_runs (and finish the run if we started it).

        A distributed worker's counters are added to its round by the worker itself
        (newsbot.run.distributed_worker), since several workers report into one row.
        """
        if self.run_id is None or self.distributed:
            for connection in [self.conn, *(lane.conn for lane in self.lanes)]:
                if connection is not None:
                    connection.close()
            return
        stats = self.stats.get_stats() if self.stats else {}
        counters = run_counters(stats)
        counters["finish_reason"] = reason
        started_at = stats.get("start_time")
        if started_at is not None:
            counters["elapsed_seconds"] = round((datetime.now(UTC) - started_at).total_seconds(), 3)
        try:
            for attempt in (1, 2):  # the session may have been killed: reconnect once
                try:
                    if self.conn is None or self.conn.closed:
                        self.conn = connect(self.database_url or resolve_database_url())
                    record_source(self.conn, self.run_id, spider.source.name, counters)
                    if self.owns_run:
                        failed = reason not in FINISHED_REASONS or counters.get(
                            stat_keys.STORE_FAILED, 0
                        )
                        status = "failed" if failed else "finished"
                        finish_run(self.conn, self.run_id, status, reason)
                    break
                except psycopg.OperationalError:
                    if attempt == 2:
                        raise
                    self.conn.close()
                    self.conn = None
        except (psycopg.Error, DatabaseUnavailable) as exc:
            logger.error("could not record the run: %s", " ".join(str(exc).split()))
        finally:
            for connection in [self.conn, *(lane.conn for lane in self.lanes)]:
                if connection is not None:
                    connection.close()
            if self.locks is not None:
                self.locks.close()  # after the run's end is recorded

    def _inc(self, key: str, count: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(key, count)
