"""The Scrapy side of distributed mode: scrapy-redis's scheduler with newsbot's keys.

scrapy-redis (pinned 0.9.1) gives the shared request queue and fingerprint set; three
of its behaviours need care, and these subclasses and settings handle them:

- with SCHEDULER_PERSIST = False a worker that stops wipes the shared fingerprints
  and queue, so pages get fetched twice: distributed settings set it True, and the
  dupefilter here never deletes anything on close;
- its fingerprint set never expires, so a feed polled every hour would be filtered
  forever: fingerprints are kept per crawl round (``{p}:seen:{source}:{round}``,
  expiring after SEEN_TTL), and entry points are sent with dont_filter;
- its idle-close timer counts from when the start-URL list was last non-empty, not
  from a worker's last activity: newsbot does not use it. A worker stays open while
  idle and asks `newsbot.run.frontier.Frontier` whether every worker is idle; to make that
  answer exact, taking a request from the queue marks the worker active in the same
  Redis step (the queue below).

Taking a request also *leases* it (same step): it moves to the source's lease set with
an expiry, and leaves it only when this worker acks it, after Scrapy is done with it
(callback or errback run, its items through the pipelines, the requests it found in the
frontier) *and* the store has written (or spooled) every article handed over until then.
A worker killed before that loses nothing: its leases expire and go back to the queue.
A worker killed after the write but before the ack makes another fetch the page again,
which the store's upsert by URL keeps to one row. See `MarkingPriorityQueue.settle`.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.settings import BaseSettings
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue

from newsbot import settings as defaults
from newsbot.run.frontier import (
    ACK,
    POP_AND_MARK,
    PREFIX,
    SEEN_TTL,
    client_params,
    lease_keys,
    outcomes_key,
    queue_key,
    source_of,
)
from newsbot.run.frontier.hints import DISCOVERING_KINDS, HintBoard, request_token

#: request.meta key carrying the crawl round a request belongs to
ROUND = "newsbot_round"
#: request.meta key carrying the lease of a request taken from the frontier
LEASE = "newsbot_lease"


def escaped_key(key: str) -> str:
    """scrapy-redis formats keys with `% {"spider": ...}`: a literal % must be doubled."""
    return key.replace("%", "%%")


def distributed_settings(
    redis_url: str, source: str, worker_id: str, pace: float, prefix: str = PREFIX
) -> dict[str, Any]:
    """The Scrapy settings of one source's crawler in a worker; `pace` is the seconds
    between two requests to one site, kept by all workers together."""
    return {
        "NEWSBOT_PACE_INTERVAL": pace,
        "DOWNLOAD_DELAY": 0,
        "RANDOMIZE_DOWNLOAD_DELAY": False,
        "AUTOTHROTTLE_ENABLED": False,
        "NEWSBOT_DISTRIBUTED": True,
        "NEWSBOT_REDIS_PREFIX": prefix,
        "NEWSBOT_WORKER_ID": worker_id,
        "REDIS_URL": redis_url,
        # scrapy-redis's client (queue, fingerprints) reconnects with backoff like ours
        "REDIS_PARAMS": {"encoding": "utf-8", **client_params()},
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_IDLE_BEFORE_CLOSE": 0,
        "SCHEDULER_QUEUE_CLASS": "newsbot.run.frontier.components.MarkingPriorityQueue",
        "SCHEDULER_QUEUE_KEY": escaped_key(queue_key(source, prefix)),
        "SCHEDULER_DUPEFILTER_KEY": escaped_key(f"{prefix}:seen:{source}"),
        "DUPEFILTER_CLASS": "newsbot.run.frontier.components.RoundDupeFilter",
    }


class MarkingPriorityQueue(PriorityQueue):
    """scrapy-redis's priority queue whose pop leases the request and marks this worker
    active, atomically; `settle` acks the leases whose pages are done."""

    def __init__(self, server: Any, spider: Spider, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer)
        settings: BaseSettings | None = getattr(spider, "settings", None)
        self.prefix = prefix = settings.get("NEWSBOT_REDIS_PREFIX", PREFIX) if settings else PREFIX
        self.worker_id = (
            settings.get("NEWSBOT_WORKER_ID", defaults.NEWSBOT_WORKER_ID) if settings else ""
        )
        self.lease_timeout = (
            settings.getfloat("NEWSBOT_LEASE_TIMEOUT", defaults.NEWSBOT_LEASE_TIMEOUT)
            if settings
            else defaults.NEWSBOT_LEASE_TIMEOUT
        )
        self.active_key = f"{prefix}:active"
        self.source = source_of(self.key, prefix)
        self.lease_keys = lease_keys(self.source, prefix)
        self._pop = server.register_script(POP_AND_MARK)
        self._ack = server.register_script(ACK)
        #: lease id → its request, while Scrapy works on it
        self.held: dict[str, Request] = {}
        #: lease id → (request, store mark): Scrapy is done with it; acked once the store
        #: has written every batch up to the mark
        self.handled: dict[str, tuple[Request, int]] = {}
        #: lease id → what became of its request: "sent" (reached the downloader),
        #: "done" / "failed" (a response below / from 400), "requeued" (retry, redirect)
        self.fate: dict[str, str] = {}
        #: the round's hint board, made at the first discovery request pushed
        self._board: HintBoard | None = None
        crawler = getattr(spider, "crawler", None)
        if crawler is not None:
            crawler.signals.connect(self._sent, signal=signals.request_reached_downloader)
            crawler.signals.connect(self._answered, signal=signals.response_received)
            crawler.signals.connect(self._scheduled, signal=signals.request_scheduled)

    def push(self, request: Request) -> None:
        """A feed, sitemap or listing request is recorded as discovery in flight before it
        can be taken (newsbot.run.frontier.hints: pages wait for discovery to settle)."""
        source = getattr(getattr(self.spider, "source", None), "name", None)
        if source and request.meta.get("newsbot_kind") in DISCOVERING_KINDS:
            if self._board is None or self._board.source != source:
                self._board = HintBoard(self.server, source, self.prefix)
            self._board.discovering(
                request.meta.get(ROUND), request_token(request.url, request.meta)
            )
        super().push(request)

    def pop(self, timeout: int = 0) -> Request | None:
        leased, lease, info = self.lease_keys
        found = self._pop(
            keys=[self.key, self.active_key, leased, lease, info, f"{self.prefix}:lease-seq"],
            args=[self.worker_id, self.lease_timeout],
        )
        if not found:
            return None
        lease_id, data = found
        lease_id = lease_id.decode() if isinstance(lease_id, bytes) else str(lease_id)
        request = self._decode_request(data)
        request.meta[LEASE] = lease_id
        self.held[lease_id] = request
        return request

    # -- what became of a leased request (Scrapy signals) -------------------------------

    def _held(self, request: Request) -> str | None:
        lease = request.meta.get(LEASE)
        return lease if lease is not None and self.held.get(lease) is request else None

    def _sent(self, request: Request, spider: Any = None) -> None:
        if (lease := self._held(request)) is not None:
            self.fate.setdefault(lease, "sent")

    def _answered(self, response: Any, request: Request, spider: Any = None) -> None:
        if (lease := self._held(request)) is not None:
            self.fate[lease] = "done" if response.status < 400 else "failed"

    def _scheduled(self, request: Request, spider: Any = None) -> None:
        # a retry or a redirect carries the meta (and lease) of the request it replaces:
        # that one is then settled without an outcome, the new request gets its own
        lease = request.meta.get(LEASE)
        if (
            lease in self.held
            and self.held[lease] is not request
            and self.fate.get(lease, "sent") == "sent"
        ):
            self.fate[lease] = "requeued"

    # -- acks ---------------------------------------------------------------------------

    def leases(self) -> list[tuple[str, str]]:
        """(source, lease id) of every lease this worker holds (to renew them)."""
        return [(self.source, lease) for lease in (*self.held, *self.handled)]

    def settle(self, inprogress: Collection[Request], store: tuple[int, int]) -> int:
        """Ack the leases that are done; returns how many were acked.

        `inprogress` holds the requests Scrapy still works on (the engine's slot: a
        request stays there until its callback's items went through the pipelines and
        the requests it found were scheduled); `store` is the store's (mark, written):
        what it has been handed will be written with batch `mark`, and every batch up to
        `written` is written or spooled.
        """
        mark, written = store
        for lease, request in list(self.held.items()):
            if request not in inprogress:
                del self.held[lease]
                self.handled[lease] = (request, mark)
        ready = [lease for lease, (_, needs) in self.handled.items() if needs <= written]
        return self.ack(ready)

    def ack(self, leases: Collection[str]) -> int:
        """Remove these handled leases from the frontier, counting their outcomes."""
        by_round: dict[Any, list[str]] = {}
        for lease in leases:
            request, _ = self.handled.pop(lease, (None, 0))
            fate = self.fate.pop(lease, None)
            outcome = {None: "done", "done": "done", "requeued": ""}.get(fate, "failed")
            round_id = request.meta.get(ROUND) if request is not None else None
            by_round.setdefault(round_id, []).extend([lease, outcome])
        acked = 0
        leased, lease_key, info = self.lease_keys
        for round_id, pairs in by_round.items():
            acked += int(
                self._ack(
                    keys=[leased, lease_key, info, outcomes_key(round_id, self.prefix)],
                    args=[self.source, SEEN_TTL, *pairs],
                )
            )
        return acked

    def unsettled(self) -> list[str]:
        """Leases whose request Scrapy had not finished (to hand back at exit)."""
        return list(self.held)


def lease_queue(crawler: Any) -> MarkingPriorityQueue | None:
    """The leasing queue of a running crawler's scheduler, if it has one."""
    engine = getattr(crawler, "engine", None)
    scheduler = engine.scheduler if engine is not None else None  # public since Scrapy 2.19
    queue = getattr(scheduler, "queue", None)
    return queue if isinstance(queue, MarkingPriorityQueue) else None


def in_progress(crawler: Any) -> Collection[Request]:
    """Requests the crawler's engine works on (taken, not yet through the scraper).

    Scrapy has no public view of these (2.19): a request enters the engine's slot when
    downloaded and leaves it once its callback's output went through the scraper, and
    no signal marks that exit. Hence the private `_slot.inprogress`, read here only.
    """
    slot = getattr(getattr(crawler, "engine", None), "_slot", None)
    return getattr(slot, "inprogress", ())


class RoundDupeFilter(RFPDupeFilter):
    """Request fingerprints per crawl round, expiring; never wiped by a closing worker."""

    def request_seen(self, request: Request) -> bool:
        key = f"{self.key}:{request.meta.get(ROUND, 'none')}"
        pipe = self.server.pipeline()
        pipe.sadd(key, self.request_fingerprint(request))
        pipe.expire(key, SEEN_TTL)
        added, _ = pipe.execute()
        return added == 0

    def close(self, reason: str = "") -> None:
        """Other workers still rely on the fingerprints: keep them."""

    def clear(self) -> None:
        """Never delete the shared set (see the module docstring)."""
