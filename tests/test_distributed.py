"""Distributed mode: `newsbot enqueue` + N `newsbot worker` processes on a Redis frontier.

Real parts only: a private redis-server, PostgreSQL, a generated news web with
reposts on 127.0.0.1, and workers as separate processes, as on separate machines.
"""

from __future__ import annotations

import itertools
import os
import time
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import psycopg
import pytest
import redis
from scrapy import Request

from newsbot.demo.webserver import serve_sites
from newsbot.run.frontier import WORKER_TIMEOUT, Frontier
from newsbot.run.frontier.components import ROUND, MarkingPriorityQueue, RoundDupeFilter
from newsbot.storage import connect, upgrade
from newsbot.storage.runs import add_counters, start_run
from tests.support.cli import newsbot
from tests.support.database import scratch_database
from tests.support.distributed import LOCAL, run_workers, web_sources
from tests.support.fixtureweb import SiteSpec, build_web

pytestmark = pytest.mark.slow  # distributed crawls (Redis): `make test`, not `make test-fast`

#: the shared per-site limit the workers must keep together: one request per DELAY s
DELAY = 0.05


# -- the commands ------------------------------------------------------------------------


def test_without_redis_the_commands_say_what_to_fix(tmp_path: Path, database_url: str) -> None:
    sources = tmp_path / "s.toml"
    sources.write_text('[[sources]]\nname = "x"\nfeeds = ["http://127.0.0.1:9/rss"]\n')
    base = {k: v for k, v in os.environ.items() if k != "NEWSBOT_REDIS_URL"}
    base["NEWSBOT_DATABASE_URL"] = database_url
    unset = newsbot("worker", "--sources", str(sources), env=base, timeout=240)
    assert unset.returncode == 3
    assert unset.stderr.strip().splitlines() == [
        "newsbot: distributed mode needs Redis: set NEWSBOT_REDIS_URL (e.g. redis://127.0.0.1:6379/0)"
    ]
    away = newsbot(
        "enqueue",
        "--sources",
        str(sources),
        env={**base, "NEWSBOT_REDIS_URL": "redis://:secret@127.0.0.1:1/0"},
        timeout=240,
    )
    assert away.returncode == 3
    assert "cannot reach Redis at redis://:***@127.0.0.1:1/0" in away.stderr
    assert "secret" not in away.stderr
    short = newsbot(
        "worker", "--sources", str(sources), "--until-idle", "0.2", env=base, timeout=240
    )
    assert short.returncode == 2 and "at least 1 seconds" in short.stderr


# -- components ------------------------------------------------------------------------


class _Spider:
    name = "news"

    def __init__(self, settings: dict) -> None:
        from scrapy.settings import Settings

        self.settings = Settings(settings)


def test_fingerprints_are_per_round_expire_and_survive_a_closing_worker(redis_url: str) -> None:
    server = redis.Redis.from_url(redis_url)
    seen = RoundDupeFilter(server, key="newsbot:seen:site")
    first = Request("http://127.0.0.1:1/a", meta={ROUND: 1})
    assert not seen.request_seen(first)
    assert seen.request_seen(Request("http://127.0.0.1:1/a", meta={ROUND: 1}))
    # the next round may fetch the page again (a feed re-polled, a page that changed)
    assert not seen.request_seen(Request("http://127.0.0.1:1/a", meta={ROUND: 2}))
    assert 0 < server.ttl("newsbot:seen:site:1") <= 7 * 24 * 3600
    seen.close("finished")  # SCHEDULER_PERSIST=False would wipe the set here
    seen.clear()
    assert seen.request_seen(Request("http://127.0.0.1:1/a", meta={ROUND: 1}))


def test_taking_a_request_marks_the_worker_active_in_the_same_step(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    front = Frontier(client)
    spider = _Spider({"NEWSBOT_WORKER_ID": "w1", "NEWSBOT_REDIS_PREFIX": "newsbot"})
    queue = MarkingPriorityQueue(redis.Redis.from_url(redis_url), spider, "newsbot:frontier:s")
    front.register_queues(["s"])
    queue.push(Request("http://127.0.0.1:1/low", priority=0))
    queue.push(Request("http://127.0.0.1:1/high", priority=10))
    assert front.snapshot().pending == 2
    assert client.hget("newsbot:active", "w1") is None
    assert queue.pop().url.endswith("/high")
    marked = float(client.hget("newsbot:active", "w1"))
    snap = front.snapshot()
    # 1 queued + 1 leased: a taken request stays pending until its worker acks it
    assert snap.pending == 2 and abs(snap.now - marked) < 5
    assert client.zcard("newsbot:frontier:s") == 1
    assert queue.pop().url.endswith("/low") and queue.pop() is None


def test_idle_means_every_live_worker_idle_and_dead_workers_do_not_count(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    a, b = Frontier(client), Frontier(client)
    a.join({"host": "a"})
    b.join({"host": "b"})
    time.sleep(0.3)
    a.heartbeat(busy=False)
    b.heartbeat(busy=True)
    assert a.snapshot().idle_for() < 0.2  # b is still working
    time.sleep(0.3)
    b.heartbeat(busy=False)
    a.heartbeat(busy=False)
    assert 0.25 < a.snapshot().idle_for() < 5
    # a worker that stopped heartbeating (killed) is ignored, not waited for forever
    now = a.snapshot().now
    client.hset("newsbot:heartbeat", "ghost", now - WORKER_TIMEOUT - 1)
    client.hset("newsbot:active", "ghost", now)
    assert a.snapshot().idle_for() > 0.25
    a.leave()
    b.leave()
    assert a.snapshot().idle_for() == float("inf")


def test_a_site_send_slot_is_shared_by_every_client(redis_url: str) -> None:
    clients = [Frontier(redis.Redis.from_url(redis_url, decode_responses=True)) for _ in range(3)]
    assert clients[0].try_slot("example.org:80", 0.2) == 0.0  # free: taken
    # taken, whichever client asks next: wait for the rest of the interval
    assert 0.1 < clients[1].try_slot("example.org:80", 0.2) <= 0.2
    assert 0.1 < clients[2].try_slot("example.org:80", 0.2) <= 0.2
    assert clients[0].try_slot("other.org:80", 0.2) == 0.0  # another site is apart
    assert clients[1].try_slot("example.org:80", 0.0) == 0.0  # no limit configured
    time.sleep(0.21)
    assert clients[2].try_slot("example.org:80", 0.2) == 0.0
    sent = []
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline:  # three clients racing for one site for a second
        for client in clients:
            if client.try_slot("race.org:80", 0.1) == 0.0:
                sent.append(time.monotonic())
    assert 9 <= len(sent) <= 11
    assert min(b - a for a, b in itertools.pairwise(sent)) > 0.09


def test_counters_of_several_workers_add_up(db: psycopg.Connection) -> None:
    run = start_run(db, ["site"])
    add_counters(db, run, "site", {"newsbot/store/new": 3, "downloader/request_count": 5})
    add_counters(db, run, "site", {"newsbot/store/new": 4, "retry/count": 1})
    add_counters(db, run, "other", {"newsbot/store/new": 2})
    counters = db.execute("SELECT counters FROM crawl_runs WHERE id = %s", (run,)).fetchone()
    assert counters["counters"] == {
        "site": {"newsbot/store/new": 7, "downloader/request_count": 5, "retry/count": 1},
        "other": {"newsbot/store/new": 2},
    }


# -- three workers against a news web with reposts ------------------------------------------

SPECS = (
    SiteSpec("agency", "dated", 40, feed_items=15),
    SiteSpec("blog", "slug", 40, feed_items=15, repost_of="agency", reposts=12),
    SiteSpec("daily", "id", 40, feed_items=15),
)


def _links(url: str) -> set[tuple[str, str | None]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            """SELECT a.url, o.url FROM articles a
               LEFT JOIN articles o ON o.id = a.duplicate_of"""
        ).fetchall()
    return {(_path(u), _path(o) if o else None) for u, o in rows}


def _path(url: str) -> str:
    return url.split("/", 3)[3]  # ports differ between the two webs; paths do not


def test_three_workers_fetch_each_page_once_and_store_what_one_crawler_stores(
    tmp_path: Path, pg_server: str, redis_url: str
) -> None:
    web = build_web(tmp_path / "web", SPECS)
    expected = sum(len(site.articles) for site in web.values())
    with (
        scratch_database(pg_server, "newsbot_single") as single_url,
        scratch_database(pg_server, "newsbot_workers") as workers_url,
    ):
        for url in (single_url, workers_url):
            with connect(url) as conn:
                upgrade(conn)
                conn.commit()
        # the reference: one ordinary crawl
        with serve_sites({n: s.root for n, s in web.items()}) as bases:
            sources = web_sources(tmp_path / "single.toml", bases, DELAY)
            env = {**os.environ, "NEWSBOT_DATABASE_URL": single_url}
            done = newsbot(
                "crawl",
                "--sources",
                str(sources),
                "--progress",
                "off",
                *LOCAL,
                env=env,
                timeout=240,
            )
            assert done.returncode == 0, done.stderr[-3000:]
        reference = _links(single_url)
        assert len(reference) == expected
        assert sum(1 for _, original in reference if original) == 12

        log: list[tuple[float, str, str]] = []
        with serve_sites({n: s.root for n, s in web.items()}, log=log) as bases:
            sources = web_sources(tmp_path / "workers.toml", bases, DELAY)
            env = {
                **os.environ,
                "NEWSBOT_DATABASE_URL": workers_url,
                "NEWSBOT_REDIS_URL": redis_url,
            }
            enq = newsbot("enqueue", "--sources", str(sources), "--json", env=env, timeout=240)
            assert enq.returncode == 0, enq.stderr[-3000:]
            args = ["--sources", str(sources), "--until-idle", "2", "--progress", "off", "--json"]
            workers = run_workers(3, [*args, *LOCAL], env)
            assert all(w.code == 0 for w in workers), [str(w) for w in workers]

        # every page fetched once (robots.txt: once per worker and site, as Scrapy reads it)
        hits = Counter((site, unquote(path)) for _, site, path in log if path != "/robots.txt")
        assert hits and max(hits.values()) == 1, [k for k, v in hits.items() if v > 1][:10]
        article_hits = {(s, p) for s, p in hits if p in web[s].articles}
        missing = {(s, p) for s in web for p in web[s].articles} - article_hits
        assert len(article_hits) == expected, sorted(missing)[:20]
        # no worker left while work remained: the last fetch came before the first exit
        assert max(t for t, _, _ in log) < min(w.ended for w in workers)
        # every article stored once, and the reposts linked as one crawler links them
        with psycopg.connect(workers_url) as conn:
            count, distinct = conn.execute(
                "SELECT count(*), count(DISTINCT url) FROM articles"
            ).fetchone()
            runs = conn.execute("SELECT status, counters FROM crawl_runs").fetchall()
        assert count == distinct == expected
        assert _links(workers_url) == reference
        # one round, finished, whose counters add up every worker's
        assert len(runs) == 1 and runs[0][0] == "finished"
        counters = runs[0][1]
        assert sum(counters[s].get("newsbot/store/new", 0) for s in web) == expected
        # together the workers kept to one request per DELAY seconds per site
        for site in web:
            times = sorted(t for t, s, _ in log if s == site)
            peak = max(sum(1 for u in times[i:] if u < t + 1.0) for i, t in enumerate(times))
            assert peak <= 1.1 / DELAY, (site, peak)
