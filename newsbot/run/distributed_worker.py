"""`newsbot worker`: one of N identical crawler processes sharing a Redis frontier.

A worker runs one Scrapy crawler per source, like `newsbot crawl`, but its requests
come from the shared frontier (filled by `newsbot enqueue` and by every worker's
discoveries) instead of the sources' entry points. A coordinator on the reactor:

- heartbeats every HEARTBEAT seconds, saying whether this worker has work in hand
  (a crawler not idle, articles not yet written, or leases not yet acked);
- acks the leases of the requests it is done with (their articles written), renews
  the others with its heartbeat, and puts any worker's expired leases back in the
  queue (NEWSBOT_LEASE_TIMEOUT); at exit it hands back the leases it did not finish;
- adds its counters to the current round's `crawl_runs` row each time it runs out of
  work (and at exit), so the row sums every worker;
- records the round's end once the frontier is empty and every live worker has been
  idle for the grace period (exactly one worker does it);
- with `until_idle`, stops the worker once that has held for `until_idle` seconds;
  without it, the worker waits for the next round;
- stops the worker with a one-line error (FrontierUnavailable) when Redis lost the
  frontier of an open round (restarted without persistence): its queue and
  fingerprints are gone, so `newsbot enqueue` must re-seed it. Pages stored meanwhile
  are not stored twice by the next round: articles are upserted by URL, and the
  incremental middleware skips stored, unchanged pages.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import redis
from scrapy import signals
from scrapy.core.engine import ExecutionEngine
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.task import LoopingCall

from newsbot import settings as defaults
from newsbot import signals as newsbot_signals
from newsbot import stats as stat_keys
from newsbot.errors import DatabaseUnavailable
from newsbot.run import frontier
from newsbot.run.frontier.components import (
    MarkingPriorityQueue,
    distributed_settings,
    in_progress,
    lease_queue,
)
from newsbot.run.frontier.setup import open_shared
from newsbot.run.locks import SourceLocks, watch
from newsbot.run.progress import Progress
from newsbot.run.runner import (
    SourceReport,
    StopOnSignals,
    apply_source_settings,
    crawl_settings,
    run_to_end,
)
from newsbot.storage import connect
from newsbot.storage.runs import add_counters, finish_run
from newsbot.storage.writer import one_line

logger = logging.getLogger(__name__)

#: seconds between heartbeats; a worker's "idle for S" needs S well above it
HEARTBEAT = 0.5
#: idle seconds after which a round's end is recorded when no --until-idle is given
ROUND_GRACE = 10.0


@dataclass
class WorkerReport:
    worker_id: str
    rounds: list[int]
    sources: list[SourceReport] = field(default_factory=list)
    interrupted: bool = False
    #: the signal that stopped the worker (SIGINT, SIGTERM), or None
    stopped_by: int | None = None


def run_worker(
    sources_file: str | Path,
    names: list[str] | tuple[str, ...] = (),
    *,
    until_idle: float | None = None,
    database_url: str | None = None,
    redis_url: str | None = None,
    log_level: str = "INFO",
    log_file: str | None = None,
    overrides: dict[str, Any] | None = None,
    progress: str = "off",
) -> WorkerReport:
    """Work on the shared frontier until stopped (or idle for `until_idle` seconds)."""
    shared = open_shared(sources_file, names, database_url, redis_url)
    sources, front, url, database_url = (
        shared.sources,
        shared.front,
        shared.redis_url,
        shared.database_url,
    )

    from spiders.news import NewsSpider

    overrides = dict(overrides or {})
    if any(s.render_js for s in sources):
        from newsbot.run.browser import playwright_settings

        overrides = {**playwright_settings(), **overrides}
    settings = crawl_settings(
        database_url,
        front.current_round(),
        log_level=log_level,
        log_file=log_file,
        overrides=overrides,
    )
    # An idle Scrapy engine asks its scheduler for work every 5 s; here the queue is
    # shared, so new work can appear at any moment: ask as often as we heartbeat.
    ExecutionEngine._SLOT_HEARTBEAT_INTERVAL = HEARTBEAT
    # shared source locks: workers crawl a source together, an ordinary `newsbot crawl`
    # of it (exclusive lock) does not overlap with them
    locks = SourceLocks(database_url, shared=True)
    held = locks.acquire([s.name for s in sources], wait=0)
    for name, who in held.items():
        logger.warning("source %s: waiting, a crawl outside the workers holds it (%s)", name, who)
    if held:
        locks.acquire(list(held), wait=float("inf"))
    display = Progress(progress)
    display.start()
    process = CrawlerProcess(settings)
    crawlers: dict[str, Crawler] = {}
    for source in sources:
        crawler = process.create_crawler(NewsSpider)
        apply_source_settings(crawler.settings, source)
        pace = crawler.settings.getfloat("DOWNLOAD_DELAY")
        for key, value in distributed_settings(url, source.name, front.worker_id, pace).items():
            crawler.settings.set(key, value, priority="cmdline")
        process.crawl(crawler, sources=str(sources_file), source=source.name)
        crawlers[source.name] = crawler
    display.attach(crawlers)
    front.register_queues(crawlers)
    front.join({"host": socket.gethostname(), "pid": os.getpid(), "sources": list(crawlers)})
    coordinator = Coordinator(front, crawlers, database_url, until_idle)
    for crawler in crawlers.values():
        crawler.signals.connect(coordinator.spider_idle, signal=signals.spider_idle)
    from twisted.internet import reactor

    reactor.callWhenRunning(coordinator.start)  # type: ignore[attr-defined]
    stopper = StopOnSignals(process, crawlers)
    lock_check = watch(locks)  # a database restart drops the shared locks: take them again
    try:
        reports, interrupted = run_to_end(process, crawlers, stopper)
    finally:
        if lock_check.running:
            lock_check.stop()
        display.stop()
        coordinator.finish()
        locks.close()
    if coordinator.lost:
        raise frontier.FrontierUnavailable(coordinator.lost)
    return WorkerReport(
        front.worker_id, coordinator.rounds, reports, interrupted, stopped_by=stopper.signum
    )


class Coordinator:
    """This worker's side of the shared round: heartbeats, counters, the end of a round."""

    def __init__(
        self,
        front: frontier.Frontier,
        crawlers: dict[str, Crawler],
        database_url: str,
        until_idle: float | None,
    ) -> None:
        self.front = front
        self.crawlers = crawlers
        self.database_url = database_url
        self.until_idle = until_idle
        self.grace = until_idle if until_idle is not None else ROUND_GRACE
        self.round: int | None = front.current_round()
        self.rounds: list[int] = [self.round] if self.round is not None else []
        self.busy = True
        self.stopping = False
        #: the last heartbeat failed (its warning said so once)
        self.failing = False
        #: rounds this worker saw closed (a lost frontier after one is no error)
        self.closed: set[int] = set()
        #: why the worker stopped because Redis lost the frontier, or None
        self.lost: str | None = None
        #: counters already added to a round, per source (deltas are what is added)
        self.reported: dict[str, dict[str, float]] = {name: {} for name in crawlers}
        self.loop = LoopingCall(self.tick)
        #: each source's leasing queue, once its crawler runs
        self.queues: dict[str, MarkingPriorityQueue] = {}
        first = next(iter(crawlers.values()), None)
        self.lease_timeout = (
            first.settings.getfloat("NEWSBOT_LEASE_TIMEOUT", defaults.NEWSBOT_LEASE_TIMEOUT)
            if first is not None
            else defaults.NEWSBOT_LEASE_TIMEOUT
        )

    def start(self) -> None:
        self.loop.start(HEARTBEAT, now=False).addErrback(self._loop_failed)

    def _loop_failed(self, failure: Any) -> None:
        logger.error("worker coordinator stopped: %s", failure.getTraceback())

    def spider_idle(self, spider: Any) -> None:
        """Scrapy closes an idle spider; a worker's stays open until told to stop."""
        if not self.stopping:
            raise DontCloseSpider

    # -- one heartbeat ----------------------------------------------------------------

    def tick(self) -> None:
        try:
            self._tick()
        except (psycopg.Error, redis.RedisError, DatabaseUnavailable) as exc:
            # PostgreSQL or Redis restarting: say so once, try again next beat (counters
            # not yet added stay counted here and go in with the next report)
            if not self.failing:
                logger.warning("worker heartbeat failed, retrying: %s", one_line(exc))
            self.failing = True
            return
        except Exception:
            logger.exception("worker heartbeat failed")
            return
        if self.failing:
            logger.warning("worker heartbeat works again")
            self.failing = False

    def _tick(self) -> None:
        current = self.front.current_round()
        if current is None and self.round is not None and self.round not in self.closed:
            self._frontier_lost()
            return
        if current != self.round:
            self.report()  # what was done so far belongs to the round before
            self.round = current
            if current is not None:
                self.rounds.append(current)
            for crawler in self.crawlers.values():
                crawler.signals.send_catch_log(newsbot_signals.run_started, run_id=current)
        self.settle()
        busy = self._has_work()
        if self.busy and not busy:
            self.report()  # before saying idle: a round's end must find our counters in
        self.busy = busy
        leases = [lease for queue in self.queues.values() for lease in queue.leases()]
        reclaimed = self.front.heartbeat(busy=busy, leases=leases, lease_timeout=self.lease_timeout)
        if reclaimed:
            logger.warning("%d expired leases (a worker gone) put back in the frontier", reclaimed)
        if busy or self.stopping:
            return
        snap = self.front.snapshot()
        if snap.pending or snap.idle_for() < self.grace:
            return
        is_open = self.round is not None and self.front.round_open(self.round)
        if self.round is not None and not is_open:
            self.closed.add(self.round)
        if is_open and self.front.close_round(self.round):  # type: ignore[arg-type]
            with connect(self.database_url) as conn:
                finish_run(conn, self.round, "finished", "finished")  # type: ignore[arg-type]
            logger.info("round %s finished: frontier empty, every worker idle", self.round)
        if self.until_idle is not None:
            logger.info("frontier empty and every worker idle for %.1f s: stopping", self.grace)
            self.stop()

    def settle(self) -> None:
        """Ack the leases of the requests this worker is done with (articles written)."""
        for name, crawler in self.crawlers.items():
            queue = lease_queue(crawler)
            if queue is None:
                continue  # not started yet, or closed: keep what was settled so far
            self.queues[name] = queue
            queue.settle(in_progress(crawler), self._store_position(crawler))

    @staticmethod
    def _store_position(crawler: Crawler) -> tuple[int, int]:
        answers = crawler.signals.send_catch_log(newsbot_signals.store_position)
        for _receiver, answer in answers:
            if isinstance(answer, tuple):
                return answer
        return (0, 0)  # no store: nothing to wait for

    def _frontier_lost(self) -> None:
        """Redis answers but knows no round while ours is open: its data is gone."""
        self.lost = (
            f"Redis lost the frontier of round {self.round} (restarted without persistence?): "
            "stopping; re-seed it with `newsbot enqueue` (nothing stored is stored twice)"
        )
        logger.debug("frontier lost: %s", self.lost)
        try:
            self.report()
            with connect(self.database_url) as conn:
                finish_run(conn, self.round, "interrupted", "frontier_lost")  # type: ignore[arg-type]
        except Exception:
            logger.exception("could not record round %s as interrupted", self.round)
        self.stop()

    def _has_work(self) -> bool:
        busy = False
        for crawler in self.crawlers.values():
            engine = crawler.engine
            if engine is None or engine.spider is None:
                continue
            if not engine.spider_is_idle():
                busy = True
                continue
            if newsbot_signals.store_writing(crawler):
                busy = True
        # leases not yet acked: their articles are still being written (flushed above)
        return busy or any(queue.held or queue.handled for queue in self.queues.values())

    # -- counters and the end -----------------------------------------------------------

    def report(self) -> None:
        """Add what each source counted since the last report to the round's row."""
        if self.round is None:
            return
        deltas, done = {}, {}
        for name, crawler in self.crawlers.items():
            now = stat_keys.run_counters(crawler.stats.get_stats() if crawler.stats else {})
            before = self.reported[name]
            delta = {k: v - before.get(k, 0) for k, v in now.items()}
            if any(delta.values()):
                deltas[name] = delta
            done[name] = now
        if deltas:
            # one transaction: a failed report adds nothing, and the next one adds it all
            with connect(self.database_url) as conn:
                for name, delta in deltas.items():
                    add_counters(conn, self.round, name, delta, commit=False)
                conn.commit()
        self.reported.update(done)

    def stop(self) -> None:
        self.stopping = True
        if self.loop.running:
            self.loop.stop()
        for crawler in self.crawlers.values():
            if crawler.engine is not None and crawler.engine.spider is not None:
                # the spider stops waiting for discovery: pages in hand are finished now
                crawler.signals.send_catch_log(newsbot_signals.stop_requested, reason="finished")
                deferred_from_coro(crawler.engine.close_spider_async(reason="finished"))

    def finish(self) -> None:
        """At exit: the last counters, the leases, and this worker leaves the registry.

        The crawlers are closed and their stores have written what they were handed:
        leases of requests Scrapy was done with are acked, the others handed back to
        the frontier for another worker.
        """
        if self.loop.running:
            self.loop.stop()
        try:
            back = []
            for queue in self.queues.values():
                queue.ack(list(queue.handled))
                back += [(queue.source, lease) for lease in queue.unsettled()]
                queue.held.clear()
            if back:
                logger.info("%d unfinished requests handed back to the frontier", len(back))
                self.front.release(back)
        except Exception:
            logger.exception("could not settle this worker's leases (they expire)")
        try:
            self.report()
        except Exception:
            logger.exception("could not add this worker's last counters to the round")
        try:
            self.front.leave()
        except Exception:
            logger.exception("could not leave the worker registry")
