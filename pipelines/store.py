"""Store articles in PostgreSQL: batched, off the reactor, with backpressure.

The writing itself (retry, spool) is `newsbot.storage.writer`, and repost linking
happens inside `newsbot.storage.articles.save_batch`; run records are the
`extensions.run_recorder` extension's. This component only batches items, hands
batches to writer threads and counts what happened in the stats.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred, DeferredList, succeed
from twisted.internet.task import LoopingCall
from twisted.internet.threads import deferToThread
from twisted.python.failure import Failure

from newsbot import settings as defaults
from newsbot import signals as newsbot_signals
from newsbot import stats as stat_keys
from newsbot.errors import KEEP_DROPPED
from newsbot.items import Article, DroppedPage
from newsbot.storage import connect, for_ingest, resolve_database_url, upgrade
from newsbot.storage.articles import ensure_sources
from newsbot.storage.spool import Spool
from newsbot.storage.writer import Batcher, BatchWriter, WriteOutcome

logger = logging.getLogger(__name__)


@dataclass
class _Lane:
    """One writer thread: a chain of batch writes (each waits for the one before)."""

    writer: BatchWriter
    pending: Deferred = field(default_factory=lambda: succeed(None))


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        settings = crawler.settings
        self.batcher = Batcher(
            settings.getint("NEWSBOT_STORE_BATCH_SIZE", defaults.NEWSBOT_STORE_BATCH_SIZE)
        )
        self.database_url: str | None = settings.get("NEWSBOT_DATABASE_URL")
        #: the run the articles belong to: given by `newsbot crawl`, else announced by
        #: the run recorder or a distributed worker (newsbot.signals.run_started)
        self.run_id: int | None = settings.getint("NEWSBOT_RUN_ID") or None
        self.writers = max(
            1, settings.getint("NEWSBOT_STORE_WRITERS", defaults.NEWSBOT_STORE_WRITERS)
        )
        self.lanes: list[_Lane] = []
        self.next_lane = 0
        #: how many batches may wait for a writer (backpressure; see `unwritten`)
        self.max_pending = (
            settings.getint("NEWSBOT_STORE_MAX_PENDING", defaults.NEWSBOT_STORE_MAX_PENDING)
            or 2 * self.writers
        )
        self.waiters: list[Deferred] = []
        #: batches handed to the lanes so far, and those of them not yet written
        self.batch_seq = 0
        self.unwritten: set[int] = set()
        #: batches the database could not take wait here (newsbot.storage.spool)
        self.spool: Spool | None = None
        self.spool_writer: BatchWriter | None = None
        self.spool_retry = settings.getfloat(
            "NEWSBOT_SPOOL_RETRY_INTERVAL", defaults.NEWSBOT_SPOOL_RETRY_INTERVAL
        )
        self.spool_loop: LoopingCall | None = None
        self.draining: Deferred | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(pipeline.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(pipeline.run_started, signal=newsbot_signals.run_started)
        crawler.signals.connect(pipeline.store_flush, signal=newsbot_signals.store_flush)
        crawler.signals.connect(pipeline.position, signal=newsbot_signals.store_position)
        return pipeline

    def open_spider(self, spider: Any = None) -> None:
        spider = spider or self.crawler.spider
        self.database_url = resolve_database_url(self.database_url)
        with connect(self.database_url) as conn:
            upgrade(conn)
            for_ingest(conn)
            ensure_sources(conn, [spider.source])
        self.spool = Spool(self.database_url, spider.source.name)
        self.lanes = [
            _Lane(BatchWriter(self.database_url, self.spool)) for _ in range(self.writers)
        ]
        self.spool_writer = BatchWriter(self.database_url, self.spool)

    def spider_opened(self, spider: Any) -> None:
        """Articles an earlier run spooled are stored before anything new (in this run,
        which the run recorder has started by now), then retried every few seconds."""
        if self.spool is not None and self.spool.path.exists():
            assert self.spool_writer is not None
            self._drained(self.spool_writer.drain_spool(self.run_id))
        self.spool_loop = LoopingCall(self._retry_spool)
        self.spool_loop.start(self.spool_retry, now=False)

    def run_started(self, run_id: int | None) -> None:
        self.run_id = run_id

    def store_flush(self) -> bool:
        """Hand over what waits; True while a batch is still being written."""
        if self.batcher:
            self.flush()
        return bool(self.unwritten)

    def position(self) -> tuple[int, int]:
        """(mark, written): what was handed over so far is written with batch `mark`;
        every batch up to `written` is written (or spooled, or failed and counted)."""
        mark = self.batch_seq + (1 if self.batcher else 0)
        written = min(self.unwritten) - 1 if self.unwritten else self.batch_seq
        return mark, written

    async def process_item(self, item: Any) -> Any:
        if isinstance(item, DroppedPage):  # the spider's: not an article at all
            self.batcher.dropped.append(item)
            raise DropItem(f"{item.url}: not an article ({item.drop_reason})")
        if not isinstance(item, Article):
            return item
        if self.batcher.add(item):
            self.flush()
        # Backpressure: while more batches wait for a writer than allowed, hold the item.
        # Scrapy then counts its response as in progress and stops taking new ones, so a
        # database slower than the web holds the crawl back instead of piling articles up
        # in memory (bench/soak.py: RSS grew 23% over a 20,000-page crawl without this).
        while len(self.unwritten) > self.max_pending:
            waiter: Deferred = Deferred()
            self.waiters.append(waiter)
            await maybe_deferred_to_future(waiter)
        return item

    def item_dropped(self, item: Any, response: Any, exception: Exception, spider: Any) -> None:
        if isinstance(item, Article) and item.drop_reason and item.drop_reason in KEEP_DROPPED:
            self.batcher.dropped.append(item)

    def flush(self) -> Deferred:
        """Hand the waiting articles to a writer lane; returns when every lane is idle.

        Database round trips happen off the reactor thread, so fetching and extraction
        go on while batches are written. Several lanes (NEWSBOT_STORE_WRITERS), each a
        thread with its own connection, write at once; the story locks keep their
        repost links exactly as one writer would make them.
        """
        batch, dropped = self.batcher.take()
        if (batch or dropped) and self.lanes:
            lane = self.lanes[self.next_lane % len(self.lanes)]
            self.next_lane += 1
            self.batch_seq += 1
            seq = self.batch_seq
            self.unwritten.add(seq)
            run_id = self.run_id

            def write(_: object, lane: _Lane = lane) -> Deferred:
                return (
                    deferToThread(lane.writer.write, batch, dropped, run_id)
                    .addCallback(self._count, len(batch))
                    .addErrback(self._write_failed, len(batch))
                    .addBoth(self._written, seq)
                )

            lane.pending = lane.pending.addBoth(write)
        return DeferredList([lane.pending for lane in self.lanes], consumeErrors=True)

    def _written(self, result: Any, seq: int = 0) -> Any:
        self.unwritten.discard(seq)
        waiters, self.waiters = self.waiters, []
        for waiter in waiters:
            waiter.callback(None)
        return result

    def _count(self, outcome: WriteOutcome, size: int) -> None:
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
        if (
            self.draining is not None
            or self.spool is None
            or self.spool_writer is None
            or not self.spool.path.exists()
        ):
            return self.draining

        def done(result: Any) -> Any:
            self.draining = None
            if isinstance(result, Failure):
                logger.error("could not store spooled articles: %s", result.getTraceback())
                return None
            self._drained(result)
            return None

        self.draining = deferToThread(self.spool_writer.drain_spool, self.run_id)
        self.draining.addBoth(done)
        return self.draining

    async def close_spider(self, spider: Any = None) -> None:
        """Write what is left and wait for the writers; a failure is counted, not raised.

        Articles still spooled (the database never came back) stay in the spool for
        the next run; the run says how many (newsbot/store/spool_pending, a warning).
        """
        waiting = len(self.batcher.articles)

        def failed(failure: Failure) -> None:
            logger.error("could not store the last batch: %s", failure.getErrorMessage())
            self._inc(stat_keys.STORE_FAILED, waiting)

        try:
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
        finally:
            for writer in [self.spool_writer, *(lane.writer for lane in self.lanes)]:
                if writer is not None:
                    writer.close()

    def _inc(self, key: str, count: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(key, count)
