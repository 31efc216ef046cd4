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
"""

from __future__ import annotations

from typing import Any

from scrapy import Request, Spider
from scrapy.settings import BaseSettings
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue

from newsbot import settings as defaults
from newsbot.run.frontier import POP_AND_MARK, PREFIX, SEEN_TTL, queue_key
from newsbot.run.frontier.hints import DISCOVERING_KINDS, HintBoard, request_token

#: request.meta key carrying the crawl round a request belongs to
ROUND = "newsbot_round"


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
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_IDLE_BEFORE_CLOSE": 0,
        "SCHEDULER_QUEUE_CLASS": "newsbot.run.frontier.components.MarkingPriorityQueue",
        "SCHEDULER_QUEUE_KEY": escaped_key(queue_key(source, prefix)),
        "SCHEDULER_DUPEFILTER_KEY": escaped_key(f"{prefix}:seen:{source}"),
        "DUPEFILTER_CLASS": "newsbot.run.frontier.components.RoundDupeFilter",
    }


class MarkingPriorityQueue(PriorityQueue):
    """scrapy-redis's priority queue whose pop also marks this worker active, atomically."""

    def __init__(self, server: Any, spider: Spider, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer)
        settings: BaseSettings | None = getattr(spider, "settings", None)
        prefix = settings.get("NEWSBOT_REDIS_PREFIX", PREFIX) if settings else PREFIX
        self.worker_id = (
            settings.get("NEWSBOT_WORKER_ID", defaults.NEWSBOT_WORKER_ID) if settings else ""
        )
        self.prefix = prefix
        self.active_key = f"{prefix}:active"
        self._pop = server.register_script(POP_AND_MARK)

    def push(self, request: Request) -> None:
        """A feed, sitemap or listing request is recorded as discovery in flight before it
        can be taken (newsbot.run.frontier.hints: pages wait for discovery to settle)."""
        source = getattr(getattr(self.spider, "source", None), "name", None)
        if source and request.meta.get("newsbot_kind") in DISCOVERING_KINDS:
            HintBoard(self.server, source, self.prefix).discovering(
                request.meta.get(ROUND), request_token(request.url, request.meta)
            )
        super().push(request)

    def pop(self, timeout: int = 0) -> Request | None:
        data = self._pop(keys=[self.key, self.active_key], args=[self.worker_id])
        return self._decode_request(data) if data else None


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
