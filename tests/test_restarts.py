"""Distributed mode when its parts restart, and limits that hold per round.

A `redis-server` the test starts and restarts mid-crawl, with its AOF on (the
workers wait, reconnect and go on) and off (they stop with a one-line error and a
new `newsbot enqueue` finishes the work); three workers that share one `max_pages`.
The PostgreSQL restarts are in tests/faults/test_database_restart.py.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import psycopg
import pytest

from newsbot.demo.webserver import serve_sites
from newsbot.storage import connect, upgrade
from tests.support.cli import newsbot
from tests.support.database import scratch_database
from tests.support.distributed import LOCAL, Workers, web_sources
from tests.support.fixtureweb import SiteSpec, build_web
from tests.support.redisserver import redis_available
from tests.support.restartable import RestartableRedis

pytestmark = pytest.mark.slow

SPECS = (
    SiteSpec("agency", "dated", 40, feed_items=15),
    SiteSpec("blog", "slug", 40, feed_items=15, repost_of="agency", reposts=12),
)


@pytest.fixture
def database(pg_server: str) -> Iterator[str]:
    with scratch_database(pg_server, "newsbot_restarts") as url:
        with connect(url) as conn:
            upgrade(conn)
            conn.commit()
        yield url


def _redis(tmp_path: Path, *, appendonly: bool) -> Iterator[RestartableRedis]:
    if why := redis_available():
        pytest.skip(why)
    (tmp_path / "redis").mkdir()
    server = RestartableRedis(tmp_path / "redis", appendonly=appendonly)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _workers(n: int, sources: Path, env: dict[str, str]) -> Workers:
    args = ["--sources", str(sources), "--until-idle", "3", "--progress", "off", *LOCAL]
    return Workers(n, args, env, timeout=180)


def _wait_for(log: list, count: int) -> None:
    deadline = time.monotonic() + 60
    while len(log) < count:
        assert time.monotonic() < deadline, f"only {len(log)} requests"
        time.sleep(0.05)


def _stored(url: str) -> tuple[int, int]:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*), count(DISTINCT url) FROM articles").fetchone()


@pytest.fixture
def aof_redis(tmp_path: Path) -> Iterator[RestartableRedis]:
    yield from _redis(tmp_path, appendonly=True)


@pytest.fixture
def volatile_redis(tmp_path: Path) -> Iterator[RestartableRedis]:
    yield from _redis(tmp_path, appendonly=False)


def test_redis_restarted_with_aof_mid_crawl_workers_reconnect_and_finish(
    tmp_path: Path, database: str, aof_redis: RestartableRedis
) -> None:
    web = build_web(tmp_path / "web", SPECS)
    expected = sum(len(site.articles) for site in web.values())
    log: list[tuple[float, str, str]] = []
    env = {**os.environ, "NEWSBOT_DATABASE_URL": database, "NEWSBOT_REDIS_URL": aof_redis.url}
    with serve_sites({n: s.root for n, s in web.items()}, log=log) as bases:
        sources = web_sources(tmp_path / "s.toml", bases, 0.08)
        assert newsbot("enqueue", "--sources", str(sources), env=env, timeout=240).returncode == 0
        workers = _workers(2, sources, env)
        _wait_for(log, 30)
        aof_redis.restart(down=1.5)
        restarted_at = time.time()
        results = workers.wait()
    assert all(w.code == 0 for w in results), [str(w) for w in results]
    assert max(t for t, _, _ in log) > restarted_at  # the crawl went on after the restart
    hits = Counter((s, p) for _, s, p in log if p != "/robots.txt")
    assert max(hits.values()) == 1, [k for k, v in hits.items() if v > 1][:10]
    assert _stored(database) == (expected, expected)
    with psycopg.connect(database) as conn:
        assert conn.execute("SELECT status FROM crawl_runs").fetchall() == [("finished",)]


def test_redis_restarted_without_persistence_stops_workers_with_one_line(
    tmp_path: Path, database: str, volatile_redis: RestartableRedis
) -> None:
    web = build_web(tmp_path / "web", SPECS)
    expected = sum(len(site.articles) for site in web.values())
    log: list[tuple[float, str, str]] = []
    env = {**os.environ, "NEWSBOT_DATABASE_URL": database, "NEWSBOT_REDIS_URL": volatile_redis.url}
    with serve_sites({n: s.root for n, s in web.items()}, log=log) as bases:
        sources = web_sources(tmp_path / "s.toml", bases, 0.08)
        assert newsbot("enqueue", "--sources", str(sources), env=env, timeout=240).returncode == 0
        workers = _workers(2, sources, env)
        _wait_for(log, 15)
        volatile_redis.restart(down=0.5)
        results = workers.wait()
        for worker in results:
            code, err = worker.code, worker.stderr
            assert code == 3, err[-3000:]
            lines = [line for line in err.splitlines() if "lost the frontier" in line]
            assert lines == [
                "newsbot: Redis lost the frontier of round 1 (restarted without persistence?): "
                "stopping; re-seed it with `newsbot enqueue` (nothing stored is stored twice)"
            ], err[-3000:]
            assert "Traceback" not in err
        # part of the web at most (none when only discovery was fetched before the restart)
        assert _stored(database)[0] <= expected
        # re-seeded: the next round stores the rest, nothing twice
        enq = newsbot("enqueue", "--sources", str(sources), env=env, timeout=240)
        assert enq.returncode == 0 and "round 2:" in enq.stderr, enq.stderr
        results = _workers(1, sources, env).wait()
        assert results[0].code == 0, results[0].stderr[-3000:]
    assert _stored(database) == (expected, expected)
    with psycopg.connect(database) as conn:
        runs = conn.execute("SELECT status, finish_reason FROM crawl_runs ORDER BY id").fetchall()
    assert runs == [("interrupted", "frontier_lost"), ("finished", "finished")]


def test_max_pages_holds_for_the_round_across_three_workers(
    tmp_path: Path, database: str, aof_redis: RestartableRedis
) -> None:
    specs = (SiteSpec("big", "id", 120, feed_items=60), SiteSpec("small", "dated", 15))
    web = build_web(tmp_path / "web", specs)
    log: list[tuple[float, str, str]] = []
    env = {**os.environ, "NEWSBOT_DATABASE_URL": database, "NEWSBOT_REDIS_URL": aof_redis.url}
    with serve_sites({n: s.root for n, s in web.items()}, log=log) as bases:
        sources = web_sources(tmp_path / "s.toml", {"big": bases["big"]}, 0.01, "max_pages = 50\n")
        with sources.open("a") as f:
            f.write(
                f'[[sources]]\nname = "small"\nfeeds = ["{bases["small"]}/rss.xml"]\n'
                f'start_urls = ["{bases["small"]}/"]\nmax_depth = 2\ndownload_delay = 0.01\n'
            )
        assert newsbot("enqueue", "--sources", str(sources), env=env, timeout=240).returncode == 0
        results = _workers(3, sources, env).wait()
    assert all(w.code == 0 for w in results), [str(w) for w in results]
    big = [p for _, s, p in log if s == "big" and p != "/robots.txt"]
    assert 40 <= len(big) <= 50, len(big)  # without the shared count: ~3 x 50, or all
    small = {unquote(p) for _, s, p in log if s == "small"}
    assert set(web["small"].articles) <= small  # the other source is not held back
    with psycopg.connect(database) as conn:
        assert conn.execute("SELECT status FROM crawl_runs").fetchall() == [("finished",)]
