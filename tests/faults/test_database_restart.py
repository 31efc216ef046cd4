"""A real PostgreSQL restart mid-crawl: the articles of the outage are spooled, then stored.

The test starts a PostgreSQL cluster of its own (initdb + pg_ctl on a free port in a
temporary directory), crawls a slow local site into it with `newsbot crawl` or with
`newsbot enqueue` + two `newsbot worker`s, and stops the server for 10 s while the
crawl runs: every article is stored once, none lost, none twice.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from newsbot.storage import connect, upgrade
from tests.faults.ledger import LEDGER
from tests.faults.test_database_faults import ROOT, SlowSite, finish, served, start_crawl
from tests.support.cli import command, newsbot
from tests.support.redisserver import redis_available, redis_server
from tests.support.restartable import PgCluster, pg_cluster_available

pytestmark = pytest.mark.slow

ARTICLES = 80
DELAY = 0.4  # two at a time: the crawl lasts ~16 s, the outage 10 s of it
DOWN = 10.0


@pytest.fixture
def cluster() -> Iterator[PgCluster]:
    if why := pg_cluster_available():
        pytest.skip(why)
    pg = PgCluster().init()
    pg.start()
    try:
        yield pg
    finally:
        pg.destroy()


@pytest.fixture
def database(cluster: PgCluster) -> str:
    with psycopg.connect(cluster.url, autocommit=True) as admin:
        admin.execute("CREATE DATABASE newsbot")
    url = cluster.url.rsplit("/", 1)[0] + "/newsbot"
    with connect(url) as conn:
        upgrade(conn)
        conn.commit()
    return url


@pytest.fixture
def spool_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "spool"
    monkeypatch.setenv("NEWSBOT_SPOOL_DIR", str(directory))
    return directory


def _count(url: str) -> int:
    try:
        with psycopg.connect(url, connect_timeout=2) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except psycopg.OperationalError:
        return 0


def _restart_after(cluster: PgCluster, url: str, rows: int, running: list) -> float:
    """Wait for `rows` stored articles, then stop the server for DOWN seconds."""
    deadline = time.monotonic() + 60
    while _count(url) < rows:
        assert time.monotonic() < deadline and all(p.poll() is None for p in running)
        time.sleep(0.1)
    cluster.stop()
    LEDGER.fault("db/server-restarted")
    stopped = time.time()
    time.sleep(DOWN)
    cluster.start()
    return stopped


def _stored_once(url: str, site: SlowSite) -> list[str]:
    with psycopg.connect(url) as conn:
        return [r[0] for r in conn.execute("SELECT url FROM articles ORDER BY url").fetchall()]


def test_postgres_restarted_mid_crawl_one_process_loses_nothing(
    tmp_path: Path, cluster: PgCluster, database: str, spool_dir: Path
) -> None:
    with served(SlowSite(ARTICLES, DELAY), tmp_path) as (site, sources):
        proc = start_crawl(sources, database)
        try:
            _restart_after(cluster, database, 5, [proc])
            assert proc.poll() is None, "the crawl ended during the outage"
            out, err = finish(proc, timeout=180)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == 0, err[-4000:]
    assert _stored_once(database, site) == site.urls()
    assert max(site.article_hits().values()) == 1
    row = json.loads(out)["sources"]["slow"]
    assert row["articles_spooled"] >= 1 and row["spool_pending"] == 0, row
    assert not list(spool_dir.glob("*.jsonl"))
    with psycopg.connect(database) as conn:
        status = conn.execute("SELECT status FROM crawl_runs").fetchall()
    assert status == [("finished",)]


def test_postgres_restarted_mid_crawl_workers_lose_nothing(
    tmp_path: Path, cluster: PgCluster, database: str, spool_dir: Path
) -> None:
    if why := redis_available():
        pytest.skip(why)
    with (
        redis_server() as redis_url,
        served(SlowSite(ARTICLES, DELAY), tmp_path) as (site, sources),
    ):
        env = {**os.environ, "NEWSBOT_DATABASE_URL": database, "NEWSBOT_REDIS_URL": redis_url}
        enq = newsbot("enqueue", "--sources", str(sources), env=env, timeout=60)
        assert enq.returncode == 0, enq.stderr
        worker = command(
            "worker", "--sources", str(sources),
            "--until-idle", "5", "--progress", "off", "--json",
            "-s", "NEWSBOT_STORE_BATCH_SIZE=5", "-s", "NEWSBOT_SPOOL_RETRY_INTERVAL=0.5",
        )  # fmt: skip
        errs = [tmp_path / f"worker-{i}.err" for i in range(2)]
        procs = []
        for err in errs:
            with err.open("w") as handle:
                procs.append(
                    subprocess.Popen(
                        worker, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=handle
                    )
                )
        try:
            _restart_after(cluster, database, 5, procs)
            assert all(p.poll() is None for p in procs), "the workers ended during the outage"
            outs = [p.communicate(timeout=180)[0] for p in procs]
        finally:
            for p in procs:
                if p.poll() is None:
                    p.kill()
                    p.wait()
    for p, err in zip(procs, errs, strict=True):
        LEDGER.crawl(p.returncode, err.read_text(), expected=(0,))
        assert p.returncode == 0, err.read_text()[-4000:]
    assert _stored_once(database, site) == site.urls()
    assert max(site.article_hits().values()) == 1
    spooled = sum(
        row.get("articles_spooled", 0)
        for out in outs
        for row in json.loads(out)["sources"].values()
    )
    assert spooled >= 1
    assert not list(spool_dir.glob("*.jsonl"))
    with psycopg.connect(database) as conn:
        runs = conn.execute("SELECT status, counters FROM crawl_runs").fetchall()
    assert len(runs) == 1 and runs[0][0] == "finished"
    # the round's counters sum both workers', the reports made during the outage included
    counters = runs[0][1]["slow"]
    assert counters["newsbot/store/new"] + counters["newsbot/store/respooled"] == ARTICLES
    assert counters["newsbot/store/spooled"] == counters["newsbot/store/respooled"] == spooled


def test_source_locks_lost_in_a_restart_are_taken_again(cluster: PgCluster, database: str) -> None:
    from newsbot.run.locks import SourceLocks

    with SourceLocks(database) as ours:
        assert ours.acquire(["a", "b"]) == {}
        cluster.stop()
        ours.keep()  # the database is away: the locks are known lost, taken again later
        assert ours.lost == ["a", "b"]
        cluster.start()
        with SourceLocks(database) as other:
            ours.keep()
            assert ours.held == ["a", "b"] and not ours.lost
            assert other.acquire(["a"]) != {}  # another crawl cannot take them meanwhile
