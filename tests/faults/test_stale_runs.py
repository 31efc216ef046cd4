"""A killed crawl leaves its run `running`; the next crawl records it as interrupted (killed).

Real crawls in subprocesses against a slow local site, a real SIGKILL, and the real
PostgreSQL advisory locks: a run whose sources' locks nobody holds is a dead one, a
run whose lock is held (a crawl on another machine, here a process holding the lock)
is left alone, and so is a distributed round, which holds no locks at all.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from newsbot.run.locks import lock_name
from tests.faults import hostile_web as hw
from tests.faults.ledger import LEDGER
from tests.faults.test_database_faults import (
    _STARTED,
    ROOT,
    SlowSite,
    _no_stray_crawls,  # noqa: F401 (autouse fixture)
    finish,
    served,
    spool_dir,  # noqa: F401 (fixture)
    start_crawl,
    wait_for_rows,
    watcher,
)
from tests.test_locks import Holder, holder  # noqa: F401 (fixture)

pytestmark = pytest.mark.slow  # the fault suite: `make test`, not `make test-fast`


@pytest.fixture
def long_site(tmp_path: Path) -> Iterator[tuple[SlowSite, Path]]:
    """60 articles at 0.5 s each, two at a time: a crawl that lasts ~15 s unless killed."""
    with served(SlowSite(count=60, delay=0.5), tmp_path) as pair:
        yield pair


@pytest.fixture
def quick_source(tmp_path: Path) -> Iterator[Path]:
    """Another source, one article: a crawl that starts, reaps and ends quickly."""
    routes: dict[str, hw.Route] = {}
    paragraphs = [f"Sentence {i} of a short report on the ferry timetable." for i in range(5)]
    routes["/news/ferry-1.html"] = hw.body(hw.article("Ferry timetable", paragraphs))
    with hw.serve(routes) as server:
        routes["/rss.xml"] = hw.body(
            hw.rss([f"{server.base}/news/ferry-1.html"]), content_type="application/rss+xml"
        )
        sources = tmp_path / "quick.toml"
        sources.write_text(
            f'[[sources]]\nname = "quick"\nfeeds = ["{server.base}/rss.xml"]\n', encoding="utf-8"
        )
        yield sources


def run_row(db: psycopg.Connection, run_id: int) -> dict:
    return db.execute(
        "SELECT id, status, finish_reason, finished_at, sources FROM crawl_runs WHERE id = %s",
        (run_id,),
    ).fetchone()


def running_run(db: psycopg.Connection, source: str) -> int:
    row = db.execute(
        "SELECT id FROM crawl_runs WHERE status = 'running' AND %s = ANY(sources)", (source,)
    ).fetchone()
    assert row is not None, f"no running run of {source}"
    return row["id"]


def insert_running(db: psycopg.Connection, source: str, command: str) -> int:
    row = db.execute(
        """INSERT INTO crawl_runs (sources, host, pid, command)
           VALUES (%s, 'another-machine', 4242, %s) RETURNING id""",
        ([source], command),
    ).fetchone()
    db.commit()
    return row["id"]


def wait_until_unlocked(database_url: str, source: str, timeout: float = 30) -> None:
    """The server drops a killed client's session (and its locks) when it notices."""
    with watcher(database_url) as conn:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            row = conn.execute(
                """SELECT pg_try_advisory_lock(hashtextextended(%s, 0)) AS free""",
                (lock_name(source),),
            ).fetchone()
            if row[0]:
                conn.execute("SELECT pg_advisory_unlock_all()")
                return
            time.sleep(0.05)
    pytest.fail(f"the lock of {source} is still held {timeout} s after its crawler died")


def quick_crawl(sources: Path, database_url: str) -> str:
    """A crawl that runs to its end; its stderr."""
    proc = start_crawl(sources, database_url)
    _out, err = finish(proc)
    assert proc.returncode == 0, err[-3000:]
    return err


def test_killed_crawl_is_recorded_interrupted_by_the_next_crawl(
    db: psycopg.Connection,
    database_url: str,
    long_site: tuple[SlowSite, Path],
    quick_source: Path,
    spool_dir: Path,  # noqa: F811
    holder: list[Holder],  # noqa: F811
) -> None:
    """The next crawl is of another source: which sources it crawls does not matter."""
    _site, sources = long_site
    # a crawl on another machine: its row running, its source's lock held (by a process here)
    holder.append(Holder(database_url, "elsewhere"))
    elsewhere = insert_running(db, "elsewhere", "newsbot crawl --sources other.toml")
    # a distributed round: no process holds locks for it, its workers finish it
    round_id = insert_running(db, "slow", "newsbot enqueue --sources sources.toml")

    proc = start_crawl(sources, database_url)
    with watcher(database_url) as conn:
        assert wait_for_rows(conn, proc, 3), "the crawl ended before storing 3 articles"
    killed = max(r["id"] for r in db.execute("SELECT id FROM crawl_runs"))
    proc.kill()
    LEDGER.fault("process/sigkill")
    proc.wait(timeout=30)
    LEDGER.crawl_killed(proc.returncode)
    killed_at = datetime.now(UTC)
    assert run_row(db, killed)["status"] == "running"  # nobody recorded its end
    wait_until_unlocked(database_url, "slow")

    err = quick_crawl(quick_source, database_url)
    row = run_row(db, killed)
    assert (row["status"], row["finish_reason"]) == ("interrupted", "killed"), row
    assert row["finished_at"] is not None and row["finished_at"] >= killed_at
    assert f"run {killed} (slow; host " in err and "recorded as interrupted, killed" in err
    # a held lock keeps its run running; so does a distributed round
    assert run_row(db, elsewhere)["status"] == "running"
    assert run_row(db, elsewhere)["finish_reason"] is None
    assert run_row(db, round_id)["status"] == "running"
    last = db.execute("SELECT id, status FROM crawl_runs ORDER BY id DESC").fetchone()
    assert last["id"] > killed and last["status"] == "finished"

    # the other machine's crawl dies too: the next crawl (of any source) records it
    holder[0].proc.kill()
    LEDGER.fault("process/sigkill-lock-holder")
    holder[0].proc.wait(timeout=30)
    wait_until_unlocked(database_url, "elsewhere")
    quick_crawl(quick_source, database_url)
    assert run_row(db, elsewhere)["status"] == "interrupted"
    assert run_row(db, round_id)["status"] == "running"


def test_scrapy_crawl_holds_its_lock_and_its_killed_run_is_recorded(
    db: psycopg.Connection,
    database_url: str,
    long_site: tuple[SlowSite, Path],
    quick_source: Path,
    spool_dir: Path,  # noqa: F811
) -> None:
    """`scrapy crawl` records its own run: it holds the source's lock like `newsbot crawl`,
    so a crawl of another source leaves its live run alone, and a killed one is found."""
    _site, sources = long_site
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env["NEWSBOT_DATABASE_URL"] = database_url
    log = sources.with_name("scrapy.log")
    with log.open("w") as err_file:
        scrapy = subprocess.Popen(
            [
                sys.executable, "-m", "scrapy", "crawl", "news",
                "-a", f"sources={sources}", "-a", "source=slow",
                "-s", "NEWSBOT_STORE_BATCH_SIZE=2", "-s", "LOG_LEVEL=INFO",
            ],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err_file,
        )  # fmt: skip
    _STARTED.append(scrapy)  # killed by _no_stray_crawls if the test fails
    with watcher(database_url) as conn:
        assert wait_for_rows(conn, scrapy, 2), log.read_text()[-3000:]
    live = running_run(db, "slow")

    # the same source is refused (exit 4: locked), another source is crawled; both
    # crawls looked for dead runs and left the live one alone
    locked = start_crawl(sources, database_url)
    LEDGER.fault("process/second-crawl-of-a-locked-source")
    _out, err = finish(locked, expect=(4,))  # 4: locked, as documented
    assert locked.returncode == 4, err[-3000:]
    assert "source 'slow' is being crawled by host" in err
    quick_crawl(quick_source, database_url)
    assert scrapy.poll() is None, "the scrapy crawl ended too soon to test anything"
    assert run_row(db, live)["status"] == "running"

    scrapy.kill()
    LEDGER.fault("process/sigkill")
    scrapy.wait(timeout=30)
    LEDGER.crawl_killed(scrapy.returncode)
    wait_until_unlocked(database_url, "slow")
    quick_crawl(quick_source, database_url)
    row = run_row(db, live)
    assert (row["status"], row["finish_reason"]) == ("interrupted", "killed"), row
