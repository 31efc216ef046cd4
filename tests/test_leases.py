"""Leases on the Redis frontier: a request taken by a worker is its own until acked,
renewed by its heartbeat, and back in the queue once it expires (the worker was killed).

The Lua steps run against a private redis-server (tests/support/redisserver.py); the
acceptance test SIGKILLs one of three `newsbot worker` processes mid-crawl.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

import psycopg
import pytest
import redis
from scrapy import Request, Spider
from scrapy.http import Response
from scrapy.utils.test import get_crawler
from scrapy_redis import picklecompat

from newsbot.commands.status import frontier_status
from newsbot.demo.webserver import serve_sites
from newsbot.run.frontier import Frontier
from newsbot.run.frontier.components import LEASE, ROUND, MarkingPriorityQueue
from newsbot.storage import connect, upgrade
from tests.support.cli import newsbot, start_in_session
from tests.support.database import scratch_database
from tests.support.distributed import web_sources
from tests.support.fixtureweb import SiteSpec, build_web


def _queue(url: str, worker: str, timeout: float = 300.0, source: str = "s"):
    crawler = get_crawler(
        Spider,
        {
            "NEWSBOT_WORKER_ID": worker,
            "NEWSBOT_REDIS_PREFIX": "newsbot",
            "NEWSBOT_LEASE_TIMEOUT": timeout,
        },
    )
    spider = crawler._create_spider("news")
    return MarkingPriorityQueue(redis.Redis.from_url(url), spider, f"newsbot:frontier:{source}")


def _front(url: str) -> Frontier:
    front = Frontier(redis.Redis.from_url(url, decode_responses=True))
    front.register_queues(["s"])
    return front


def test_a_taken_request_is_leased_and_acked_when_done(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    front = _front(redis_url)
    queue = _queue(redis_url, "w1")
    queue.push(Request("http://127.0.0.1:1/a", meta={ROUND: 7}))
    queue.push(Request("http://127.0.0.1:1/b", meta={ROUND: 7}))
    request = queue.pop()
    lease = request.meta[LEASE]
    assert queue.held == {lease: request}
    # leased, not gone: still pending for the round, with its worker and since-time
    assert client.zcard("newsbot:frontier:s") == 1
    assert client.zrange("newsbot:leased:s", 0, -1) == [lease]
    assert front.snapshot().pending == 2
    info = json.loads(client.hget("newsbot:lease-info:s", lease))
    assert info["worker"] == "w1" and abs(float(info["since"]) - front.snapshot().now) < 5
    # Scrapy still works on it: nothing acked
    assert queue.settle({request}, (0, 0)) == 0 and queue.held
    queue._answered(Response(request.url, status=200), request)
    # done with it, but its article is only handed to the store (batch 1 not written)
    assert queue.settle(set(), (1, 0)) == 0
    assert client.zcard("newsbot:leased:s") == 1 and lease in queue.handled
    assert queue.leases() == [("s", lease)]  # still renewed meanwhile
    assert queue.settle(set(), (1, 1)) == 1  # written: acked
    assert client.zcard("newsbot:leased:s") == 0
    assert client.hlen("newsbot:lease:s") == 0 and client.hlen("newsbot:lease-info:s") == 0
    assert client.hgetall("newsbot:round:7:outcomes") == {"s:done": "1"}
    assert front.snapshot().pending == 1
    failed = queue.pop()
    queue._sent(failed)  # reached the downloader, no response came (a download error)
    assert queue.settle(set(), (0, 0)) == 1
    assert client.hgetall("newsbot:round:7:outcomes") == {"s:done": "1", "s:failed": "1"}
    assert front.snapshot().pending == 0


def test_a_retry_settles_the_old_lease_without_an_outcome(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    queue = _queue(redis_url, "w1")
    queue.push(Request("http://127.0.0.1:1/a", meta={ROUND: 3}))
    request = queue.pop()
    queue._sent(request)
    retry = request.replace(dont_filter=True)  # what the retry middleware schedules
    queue._scheduled(retry)
    assert queue.settle(set(), (0, 0)) == 1
    assert client.hgetall("newsbot:round:3:outcomes") == {}


def test_an_expired_lease_goes_back_to_the_queue_and_a_renewed_one_does_not(
    redis_url: str,
) -> None:
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    front, other = _front(redis_url), _front(redis_url)
    dead = _queue(redis_url, "dead", timeout=0.4)
    live = _queue(redis_url, "live", timeout=0.4)
    dead.push(Request("http://127.0.0.1:1/high", priority=10))
    dead.push(Request("http://127.0.0.1:1/mid", priority=5))
    dead.push(Request("http://127.0.0.1:1/low", priority=0))
    taken = dead.pop()
    assert taken.url.endswith("/high")
    kept = live.pop()
    assert kept.url.endswith("/mid")
    assert other.heartbeat(busy=False) == 0  # nothing expired yet
    reclaimed = 0
    for _ in range(4):  # the live worker renews its lease with its heartbeat ...
        time.sleep(0.2)
        reclaimed += front.heartbeat(busy=True, leases=live.leases(), lease_timeout=0.4)
    # ... the dead worker's lease has expired: a heartbeat (any worker's) put it back
    assert reclaimed == 1
    assert client.zrange("newsbot:leased:s", 0, -1) == [kept.meta[LEASE]]
    assert client.zcard("newsbot:frontier:s") == 2
    assert front.snapshot().pending == 3
    # ... at its old priority: taken first again, by another worker
    again = live.pop()
    assert again.url.endswith("/high") and again.meta[LEASE] != taken.meta[LEASE]
    # a late ack of the expired lease changes nothing and counts nothing
    assert dead.settle(set(), (0, 0)) == 0
    assert client.zcard("newsbot:leased:s") == 2
    assert live.settle(set(), (0, 0)) == 2
    assert front.snapshot().pending == 1


def test_a_stopping_worker_hands_back_what_it_did_not_finish(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    front = _front(redis_url)
    queue = _queue(redis_url, "w1")
    queue.push(Request("http://127.0.0.1:1/a"))
    request = queue.pop()
    assert client.zcard("newsbot:frontier:s") == 0
    assert front.release([("s", request.meta[LEASE])]) == 1
    assert client.zcard("newsbot:frontier:s") == 1 and client.zcard("newsbot:leased:s") == 0
    assert front.release([]) == 0


def test_status_frontier_shows_queued_leased_done_failed(redis_url: str) -> None:
    front = _front(redis_url)
    front.set_round(9)
    queue = _queue(redis_url, "host:1:abc")
    for path in ("a", "b", "c"):
        queue.push(Request(f"http://127.0.0.1:1/{path}", meta={ROUND: 9}))
    done = queue.pop()
    queue.pop()
    queue.settle({r for r in queue.held.values() if r is not done}, (0, 0))
    report = frontier_status(front)
    assert report["round"] == 9
    row = report["sources"]["s"]
    assert {k: row[k] for k in ("queued", "leased", "done", "failed")} == {
        "queued": 1,
        "leased": 1,
        "done": 1,
        "failed": 0,
    }
    assert [(e["worker"], e["count"]) for e in row["leases"]] == [("host:1:abc", 1)]
    assert row["leases"][0]["since"].endswith("+00:00")
    env = {**os.environ, "NEWSBOT_REDIS_URL": redis_url}
    text = newsbot("status", "--frontier", env=env, timeout=240)
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0] == "round 9"
    assert lines[1].split() == [
        "SOURCE",
        "QUEUED",
        "LEASED",
        "DONE",
        "FAILED",
        "LEASED",
        "BY",
        "(UTC)",
    ]
    assert lines[2].split()[:6] == ["s", "1", "1", "1", "0", "host:1:abc"]
    as_json = newsbot("status", "--frontier", "--json", env=env, timeout=240)
    assert json.loads(as_json.stdout)["sources"]["s"]["leased"] == 1


# -- acceptance: one of three workers SIGKILLed mid-crawl ---------------------------------

#: one request per DELAY s per site for all workers together: the crawl takes a while
DELAY = 0.08
LEASE_TIMEOUT = 3
SPECS = (
    SiteSpec("agency", "dated", 60, feed_items=20),
    SiteSpec("blog", "slug", 60, feed_items=20, repost_of="agency", reposts=10),
    SiteSpec("daily", "id", 60, feed_items=20),
)


@pytest.mark.slow
def test_a_killed_workers_requests_are_fetched_by_another_and_stored_once(
    tmp_path: Path, pg_server: str, redis_url: str
) -> None:
    web = build_web(tmp_path / "web", SPECS)
    expected = sum(len(site.articles) for site in web.values())
    log: list[tuple[float, str, str]] = []
    with (
        scratch_database(pg_server, "newsbot_leases") as database_url,
        serve_sites({n: s.root for n, s in web.items()}, log=log) as bases,
    ):
        with connect(database_url) as conn:
            upgrade(conn)
            conn.commit()
        sources = web_sources(tmp_path / "sources.toml", bases, DELAY)
        env = {**os.environ, "NEWSBOT_DATABASE_URL": database_url, "NEWSBOT_REDIS_URL": redis_url}
        enq = newsbot("enqueue", "--sources", str(sources), env=env, timeout=240)
        assert enq.returncode == 0, enq.stderr[-3000:]
        args = [
            "worker", "--sources", str(sources),
            "--until-idle", "2", "--progress", "off",
            "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
            "-s", f"NEWSBOT_LEASE_TIMEOUT={LEASE_TIMEOUT}",
        ]  # fmt: skip
        # a session each: the SIGKILL takes the victim's whole tree, as a machine gone would
        workers = [start_in_session(*args, env=env) for _ in range(3)]
        outputs: dict[int, str] = {}

        def collect(i: int) -> None:
            _, err = workers[i].communicate(timeout=150)
            outputs[i] = f"exit {workers[i].returncode}\n{err[-3000:]}"

        readers = [threading.Thread(target=collect, args=(i,)) for i in range(3)]
        for reader in readers:
            reader.start()
        client = redis.Redis.from_url(redis_url)
        victim = workers[0]
        # kill it mid-crawl: once it holds leases and a good part of the web is fetched
        deadline = time.monotonic() + 120
        held: dict[str, str] = {}
        while time.monotonic() < deadline:
            pages = sum(1 for _, site, p in log if unquote(p) in web[site].articles)
            held = _leases_of(client, victim.pid, web)
            if pages >= expected // 4 and len(held) >= 3:
                break
            time.sleep(0.05)
        os.killpg(victim.pid, signal.SIGKILL)
        killed_at = time.time()
        held = {**_leases_of(client, victim.pid, web), **held}
        assert held, "the victim held no leases when it was killed"
        for reader in readers:
            reader.join()
        assert victim.returncode == -signal.SIGKILL
        assert all(outputs[i].startswith("exit 0") for i in (1, 2)), outputs
        with psycopg.connect(database_url) as conn:
            per_url = conn.execute("SELECT url, count(*) FROM articles GROUP BY url").fetchall()

    # every page the killed worker had leased was fetched again by a live worker, once
    # its lease had expired (the victim is dead: every fetch after the kill is another's)
    after = {(site, unquote(path)) for t, site, path in log if t > killed_at + LEASE_TIMEOUT - 1}
    missed = set(held.values()) - after
    assert not missed, sorted(missed)[:10]
    # every article stored, and exactly once
    stored = Counter(unquote(urlsplit(url).path) for url, _ in per_url)
    assert all(count == 1 for _, count in per_url), [u for u, c in per_url if c > 1][:10]
    wanted = Counter(p for site in web.values() for p in site.articles)
    assert stored == wanted, sorted(set(wanted) - set(stored))[:10]
    assert len(per_url) == expected


def _leases_of(client: redis.Redis, pid: int, web: dict) -> dict[str, tuple[str, str]]:
    """The requests a worker (by pid) holds leases on: lease → (site, path)."""
    held = {}
    for site in web:
        infos = client.hgetall(f"newsbot:lease-info:{site}")
        for lease, info in infos.items():
            if json.loads(info)["worker"].split(":")[1] != str(pid):
                continue
            data = client.hget(f"newsbot:lease:{site}", lease)
            if data is None:
                continue
            url = picklecompat.loads(data)["url"]
            held[f"{site}:{lease.decode()}"] = (site, unquote(urlsplit(url).path))
    return held
