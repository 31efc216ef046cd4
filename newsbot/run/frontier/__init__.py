"""The shared crawl frontier in Redis: rounds, worker activity, per-domain pacing.

Distributed mode (NEWSBOT_REDIS_URL) runs N identical workers on any machines. The
request queue and the seen-request fingerprints are scrapy-redis's, one queue per
source (`newsbot.run.frontier.components`); this module holds what scrapy-redis does not
give: which crawl round is current, which workers are busy (so that "the round is
over" means the frontier is empty *and* nobody still works on a request it took),
and a pacing slot per domain shared by every worker. Plain redis-py, no Scrapy.

Keys (all under the prefix, default ``newsbot``):

- ``{p}:round`` — id of the current round (its `crawl_runs` row);
- ``{p}:round:{id}:closed`` — set once, by the worker that recorded the round's end;
- ``{p}:frontier:{source}`` — the source's request queue (a scrapy-redis priority zset);
- ``{p}:frontiers`` — set of every queue key, so "the frontier is empty" can be checked;
- ``{p}:seen:{source}:{round}`` — fingerprints of requests scheduled in a round (expire);
- ``{p}:workers`` — hash worker id → JSON (host, pid, sources), written at start;
- ``{p}:heartbeat`` / ``{p}:active`` — hashes worker id → Redis time of its last
  heartbeat / last activity (a request taken, or work still in hand);
- ``{p}:pace:{site}`` — when a site's next request may be sent (ms, Redis clock);
- ``{p}:leased:{source}`` — requests taken by a worker and not yet done: lease id →
  expiry (Redis time); ``{p}:lease:{source}`` holds each one's serialised request and
  ``{p}:lease-info:{source}`` its worker, since-time, queue score and round (JSON);
  ``{p}:lease-seq`` numbers the leases. A lease is acked when its page is handled
  (stored, dropped or failed), renewed with its worker's heartbeat, and put back in the
  queue by any worker's heartbeat once expired (its worker was killed or its machine gone);
- ``{p}:round:{id}:outcomes`` — per round, ``{source}:done`` / ``{source}:failed`` counts of
  acked leases (`newsbot status --frontier`).
- ``{p}:round:{id}:started`` — the round's start (Redis clock), for ``max_duration``;
- ``{p}:pages:{source}:{id}`` — requests of a source sent in a round, by every worker
  together, for ``max_pages`` (middlewares.round_limits).

Every client retries a command that fails on a lost connection (Redis restarting)
with exponential backoff for up to about RECONNECT_SECONDS (`client_params`), so a
restart with persistence on (AOF) is only a pause. A restart without persistence
loses every key: a worker notices that the current round's ``{p}:round`` key is gone
while the round was open and stops with a one-line error (distributed_worker).
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import redis
from redis.backoff import ExponentialBackoff, NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

from newsbot import settings as defaults
from newsbot.errors import NewsbotError
from newsbot.exit_codes import EXIT_DATABASE
from newsbot.storage.connection import mask_url

ENV_URL = "NEWSBOT_REDIS_URL"
PREFIX = defaults.NEWSBOT_REDIS_PREFIX
#: a worker whose heartbeat is older than this is gone (crashed or killed), not idle
WORKER_TIMEOUT = 30.0
#: seen-fingerprint sets of a round expire after this long (the dupefilter never would)
SEEN_TTL = 7 * 24 * 3600
#: tries of a command whose connection failed (Redis restarting), with exponential
#: backoff (0.05 s doubling, at most 2 s apart): about RECONNECT_SECONDS in all
RECONNECT_TRIES = 14
RECONNECT_SECONDS = 20


def client_params() -> dict:
    """redis-py client options of every frontier connection (newsbot's and scrapy-redis's):
    reconnect with backoff on a lost connection, check an idle connection before use."""
    return {
        "retry": Retry(ExponentialBackoff(cap=2.0, base=0.05), RECONNECT_TRIES),
        "retry_on_error": [RedisConnectionError, RedisTimeoutError, ConnectionResetError],
        "health_check_interval": 10,
        "socket_connect_timeout": 5,
        "socket_timeout": 30,
    }


class FrontierUnavailable(NewsbotError):
    """Redis cannot be reached: nothing can be scheduled or fetched in distributed mode."""

    exit_code = EXIT_DATABASE


def redis_url(explicit: str | None = None) -> str:
    url = explicit or os.environ.get(ENV_URL)
    if not url:
        raise FrontierUnavailable(
            f"distributed mode needs Redis: set {ENV_URL} (e.g. redis://127.0.0.1:6379/0)"
        )
    return url


def connect(url: str | None = None) -> redis.Redis:
    """A checked connection (decoded strings); a one-line error when Redis is away."""
    url = redis_url(url)
    try:
        # the first contact fails fast: a wrong URL is not a restart to wait for
        once = Retry(NoBackoff(), 0)
        with redis.Redis.from_url(url, socket_connect_timeout=5, retry=once) as probe:
            probe.ping()
        checked = client(url)
    except (redis.RedisError, ValueError) as exc:
        raise FrontierUnavailable(
            f"cannot reach Redis at {mask_url(url)}: {' '.join(str(exc).split())}"
        ) from None
    return checked


def client(url: str) -> redis.Redis:
    """A client that rides out a Redis restart (client_params: retries with backoff),
    strings decoded: what every newsbot component that talks to the frontier uses."""
    return redis.Redis.from_url(url, decode_responses=True, **client_params())


def queue_key(source: str, prefix: str = PREFIX) -> str:
    return f"{prefix}:frontier:{source}"


def lease_keys(source: str, prefix: str = PREFIX) -> tuple[str, str, str]:
    """A source's lease zset (id → expiry), request hash and info hash (id → JSON)."""
    return (
        f"{prefix}:leased:{source}",
        f"{prefix}:lease:{source}",
        f"{prefix}:lease-info:{source}",
    )


def source_of(queue: str, prefix: str = PREFIX) -> str:
    """The source a queue key belongs to (the inverse of `queue_key`)."""
    head = f"{prefix}:frontier:"
    return queue[len(head) :] if queue.startswith(head) else queue


def outcomes_key(round_id: int | str | None, prefix: str = PREFIX) -> str:
    return f"{prefix}:round:{round_id if round_id is not None else 'none'}:outcomes"


def seen_key(source: str, round_id: int | None, prefix: str = PREFIX) -> str:
    return f"{prefix}:seen:{source}:{round_id if round_id is not None else 'none'}"


# One atomic step: the frontier is checked empty and every worker's activity read
# together, so no request can be "in flight between" the two reads.
# A leased request counts as pending: the round is not over while a killed worker's
# lease waits to expire and go back to the queue.
_SNAPSHOT = """
local total = 0
local head = ARGV[1] .. ':frontier:'
for _, key in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  total = total + redis.call('ZCARD', key)
  total = total + redis.call('ZCARD', ARGV[1] .. ':leased:' .. string.sub(key, #head + 1))
end
local t = redis.call('TIME')
return {total, t[1] .. '.' .. string.format('%06d', t[2]),
        redis.call('HGETALL', KEYS[2]), redis.call('HGETALL', KEYS[3])}
"""

# Put every expired lease of every queue back in its queue (at its old priority).
# Expects `now` (seconds, Redis clock), KEYS[3] = the set of queues, ARGV[3] = prefix.
_RECLAIM = """
local reclaimed = 0
local head = ARGV[3] .. ':frontier:'
for _, queue in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  local source = string.sub(queue, #head + 1)
  local leased = ARGV[3] .. ':leased:' .. source
  local data_key = ARGV[3] .. ':lease:' .. source
  local info_key = ARGV[3] .. ':lease-info:' .. source
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', leased, '-inf', now)) do
    local data = redis.call('HGET', data_key, id)
    if data then
      local score = 0
      local info = redis.call('HGET', info_key, id)
      if info then score = tonumber(cjson.decode(info).score) or 0 end
      redis.call('ZADD', queue, score, data)
    end
    redis.call('ZREM', leased, id)
    redis.call('HDEL', data_key, id)
    redis.call('HDEL', info_key, id)
    reclaimed = reclaimed + 1
  end
end
"""

# The heartbeat: say alive (and busy), renew this worker's leases, reclaim expired ones.
# ARGV: worker, busy, prefix, lease timeout, then (source, lease id) pairs to renew.
_HEARTBEAT = (
    """
local t = redis.call('TIME')
local stamp = t[1] .. '.' .. string.format('%06d', t[2])
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('HSET', KEYS[1], ARGV[1], stamp)
if ARGV[2] == '1' then redis.call('HSET', KEYS[2], ARGV[1], stamp) end
local timeout = tonumber(ARGV[4])
for i = 5, #ARGV - 1, 2 do
  redis.call('ZADD', ARGV[3] .. ':leased:' .. ARGV[i], 'XX', now + timeout, ARGV[i + 1])
end
"""
    + _RECLAIM
    + """
return {stamp, reclaimed}
"""
)

# Expire the given leases now and reclaim: a stopping worker hands back what it took.
# ARGV: (unused), (unused), prefix, then (source, lease id) pairs.
_RELEASE = (
    """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
for i = 4, #ARGV - 1, 2 do
  redis.call('ZADD', ARGV[3] .. ':leased:' .. ARGV[i], 'XX', 0, ARGV[i + 1])
end
"""
    + _RECLAIM
    + """
return reclaimed
"""
)

#: take the best request of a queue as a lease and mark the worker active, in one step.
#: KEYS: queue, active, leased, lease, lease-info, lease-seq; ARGV: worker, lease
#: timeout (s). Returns {lease id, request}.
POP_AND_MARK = """
local found = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #found == 0 then return nil end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0)
local t = redis.call('TIME')
local stamp = t[1] .. '.' .. string.format('%06d', t[2])
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('HSET', KEYS[2], ARGV[1], stamp)
local id = tostring(redis.call('INCR', KEYS[6]))
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[2]), id)
redis.call('HSET', KEYS[4], id, found[1])
redis.call('HSET', KEYS[5], id, cjson.encode({worker = ARGV[1], since = stamp, score = found[2]}))
return {id, found[1]}
"""

#: a worker is done with these leases of one source: remove them and count outcomes.
#: KEYS: leased, lease, lease-info, the round's outcomes hash; ARGV: source, ttl, then
#: (lease id, outcome) pairs; an empty outcome is counted nowhere (retried, redirected).
#: A lease already reclaimed is not counted: its next fetch is.
ACK = """
local acked = 0
for i = 3, #ARGV - 1, 2 do
  if redis.call('ZREM', KEYS[1], ARGV[i]) == 1 then
    acked = acked + 1
    if ARGV[i + 1] ~= '' then
      redis.call('HINCRBY', KEYS[4], ARGV[1] .. ':' .. ARGV[i + 1], 1)
      redis.call('EXPIRE', KEYS[4], tonumber(ARGV[2]))
    end
  end
  redis.call('HDEL', KEYS[2], ARGV[i])
  redis.call('HDEL', KEYS[3], ARGV[i])
end
return acked
"""

# Take the site's send slot if it is free: returns 0 and moves the slot `interval`
# ahead of now, or returns how long (ms) until it is free. Slots are granted at send
# time on the Redis clock, never reserved ahead: a worker that is late (its reactor
# busy) cannot then send on top of the next worker's request.
_PACE = """
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local interval = tonumber(ARGV[1])
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
if now < free then return free - now end
redis.call('SET', KEYS[1], now + interval, 'PX', math.floor(interval * 2 + 60000))
return 0
"""


# Count a request of a source in a round; the round's start is set here if `newsbot
# enqueue` did not (a round begun by an older version). Times on the Redis clock.
_COUNT_FETCH = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('SET', KEYS[2], string.format('%.6f', now), 'NX', 'EX', ARGV[1])
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return {count, string.format('%.6f', now - tonumber(redis.call('GET', KEYS[2])))}
"""


@dataclass
class Snapshot:
    """The frontier's size and every worker's state, read in one atomic step."""

    pending: int
    now: float
    #: worker id → Redis time of its last heartbeat / last activity
    heartbeat: dict[str, float]
    active: dict[str, float]

    def live(self) -> list[str]:
        return [w for w, t in self.heartbeat.items() if self.now - t < WORKER_TIMEOUT]

    def idle_for(self) -> float:
        """Seconds since the last activity of any live worker (inf with none)."""
        live = self.live()
        if not live:
            return float("inf")
        return self.now - max(self.active.get(w, 0.0) for w in live)


class Frontier:
    """One worker's (or the enqueue command's) handle on the shared frontier."""

    def __init__(self, client: redis.Redis, prefix: str = PREFIX) -> None:
        self.client = client
        self.prefix = prefix
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self._snapshot = client.register_script(_SNAPSHOT)
        self._beat = client.register_script(_HEARTBEAT)
        self._release = client.register_script(_RELEASE)
        self._pace = client.register_script(_PACE)
        self._fetch = client.register_script(_COUNT_FETCH)

    @classmethod
    def from_settings(cls, settings: Any) -> Frontier:
        """A worker component's handle: its crawler's REDIS_URL and NEWSBOT_REDIS_PREFIX
        (a one-line FrontierUnavailable when Redis is away)."""
        return cls(connect(settings.get("REDIS_URL")), settings.get("NEWSBOT_REDIS_PREFIX", PREFIX))

    def key(self, name: str) -> str:
        return f"{self.prefix}:{name}"

    # -- rounds ---------------------------------------------------------------------

    def current_round(self) -> int | None:
        value = self.client.get(self.key("round"))
        return int(value) if value else None

    def round_open(self, round_id: int | None) -> bool:
        if round_id is None:
            return False
        return not self.client.exists(self.key(f"round:{round_id}:closed"))

    def set_round(self, round_id: int) -> None:
        self.client.set(self.key("round"), round_id)
        self.client.set(
            self.key(f"round:{round_id}:started"), _now(self.client), nx=True, ex=SEEN_TTL
        )

    def count_fetch(self, source: str, round_id: int | None) -> tuple[int, float]:
        """Count one request of `source` sent in a round, by whichever worker: the
        round's count so far (this one included) and seconds since the round started."""
        count, elapsed = self._fetch(
            keys=[self.key(f"pages:{source}:{round_id}"), self.key(f"round:{round_id}:started")],
            args=[SEEN_TTL],
        )
        return int(count), float(elapsed)

    def close_round(self, round_id: int) -> bool:
        """Mark a round over; True for the one caller that did it (it records the end)."""
        return bool(self.client.set(self.key(f"round:{round_id}:closed"), self.worker_id, nx=True))

    # -- queues ---------------------------------------------------------------------

    def register_queues(self, sources: Iterable[str]) -> None:
        keys = [queue_key(s, self.prefix) for s in sources]
        if keys:
            self.client.sadd(self.key("frontiers"), *keys)

    # -- workers --------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        total, now, beats, active = self._snapshot(
            keys=[self.key("frontiers"), self.key("heartbeat"), self.key("active")],
            args=[self.prefix],
        )
        return Snapshot(int(total), float(now), _floats(beats), _floats(active))

    def join(self, info: dict) -> None:
        """Register this worker, busy from now until its first idle heartbeat."""
        self.client.hset(self.key("workers"), self.worker_id, json.dumps(info))
        self.heartbeat(busy=True)

    def heartbeat(
        self,
        *,
        busy: bool,
        leases: Iterable[tuple[str, str]] = (),
        lease_timeout: float = defaults.NEWSBOT_LEASE_TIMEOUT,
    ) -> int:
        """Say this worker is alive, and whether it still has work in hand; renew its
        `leases` ((source, lease id) pairs) for `lease_timeout` seconds, and put every
        expired lease, whoever took it, back in its queue. Returns how many were."""
        args: list[str | float] = [self.worker_id, "1" if busy else "0", self.prefix]
        args.append(lease_timeout)
        for source, lease in leases:
            args += [source, lease]
        _, reclaimed = self._beat(
            keys=[self.key("heartbeat"), self.key("active"), self.key("frontiers")], args=args
        )
        return int(reclaimed)

    def release(self, leases: Iterable[tuple[str, str]]) -> int:
        """Put these leases ((source, lease id) pairs) back in their queues now."""
        args: list[str] = ["", "", self.prefix]
        for source, lease in leases:
            args += [source, lease]
        if len(args) == 3:
            return 0
        return int(
            self._release(
                keys=[self.key("heartbeat"), self.key("active"), self.key("frontiers")],
                args=args,
            )
        )

    def leases(self, source: str) -> list[dict]:
        """The leases of a source now: id, worker, since (Redis time), expires."""
        leased, _, info = lease_keys(source, self.prefix)
        pipe = self.client.pipeline()
        pipe.zrange(leased, 0, -1, withscores=True)
        pipe.hgetall(info)
        expiry, infos = pipe.execute()
        found = []
        for lease, expires in expiry:
            detail = json.loads(infos[lease]) if lease in infos else {}
            found.append(
                {
                    "id": lease,
                    "worker": detail.get("worker"),
                    "since": float(detail["since"]) if "since" in detail else None,
                    "expires": expires,
                }
            )
        return found

    def leave(self) -> None:
        for name in ("workers", "heartbeat", "active"):
            self.client.hdel(self.key(name), self.worker_id)

    # -- pacing ---------------------------------------------------------------------

    def try_slot(self, site: str, interval: float) -> float:
        """0 when a request to `site` may go now (and the next must wait `interval`
        seconds, whichever worker sends it), else the seconds to wait before asking again."""
        if interval <= 0:
            return 0.0
        wait_ms = self._pace(keys=[self.key(f"pace:{site}")], args=[round(interval * 1000)])
        return max(0, int(wait_ms)) / 1000.0


def _now(client: redis.Redis) -> str:
    seconds, micros = client.time()
    return f"{seconds}.{micros:06d}"


def _floats(flat: list[str]) -> dict[str, float]:
    return {flat[i]: float(flat[i + 1]) for i in range(0, len(flat), 2)}
