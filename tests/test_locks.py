"""No overlapping crawls: per-source advisory locks held by real processes.

A second process holds a source's lock through `newsbot.run.locks` (as a running crawl
would); `newsbot crawl` must then leave that source alone and exit 4.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.test_crawl import ROOT, newsbot, wire  # noqa: F401  (fixture)

HOLDER = """
import sys
from newsbot.run.locks import SourceLocks
locks = SourceLocks(sys.argv[1])
left = locks.acquire(sys.argv[2:])
print("held" if not left else "busy", flush=True)
sys.stdin.read()  # hold until the test closes our stdin
locks.close()
"""


class Holder:
    """A separate process holding source locks until released."""

    def __init__(self, database_url: str, *sources: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", HOLDER, database_url, *sources],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        assert self.proc.stdout.readline().strip() == "held"

    def release(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            self.proc.wait(timeout=30)


@pytest.fixture
def holder(database_url: str) -> Iterator[list[Holder]]:
    holders: list[Holder] = []
    yield holders
    for h in holders:
        h.release()


@pytest.mark.slow  # crawls a local server
def test_locked_source_exits_4_then_waits_then_runs(
    db: psycopg.Connection,
    database_url: str,
    wire: tuple[str, Path],  # noqa: F811
    holder: list[Holder],
) -> None:
    _base, sources = wire
    held = Holder(database_url, "wire")
    holder.append(held)

    result = newsbot("crawl", "--sources", str(sources), database_url=database_url)
    assert result.returncode == 4, result.stderr[-2000:]
    line = result.stderr.strip()
    assert line.count("\n") == 0
    assert f"source 'wire' is being crawled by host {socket.gethostname()} pid " in line
    assert f"pid {held.proc.pid}" in line and "use --wait" in line
    assert db.execute("SELECT count(*) AS n FROM crawl_runs").fetchone()["n"] == 0

    started = time.monotonic()
    result = newsbot("crawl", "--sources", str(sources), "--wait", "1", database_url=database_url)
    assert result.returncode == 4
    assert time.monotonic() - started >= 1
    assert "source 'wire' is being crawled by" in result.stderr
    assert "gave up after waiting 1 s" in result.stderr

    held.release()
    result = newsbot("crawl", "--sources", str(sources), "--wait", "1", database_url=database_url)
    assert result.returncode == 0, result.stderr[-2000:]
    assert db.execute("SELECT count(*) AS n FROM articles").fetchone()["n"] == 12


@pytest.mark.slow  # crawls a local server
def test_waiting_crawl_starts_when_the_lock_is_released(
    db: psycopg.Connection,
    database_url: str,
    wire: tuple[str, Path],  # noqa: F811
    holder: list[Holder],
) -> None:
    _base, sources = wire
    held = Holder(database_url, "wire")
    holder.append(held)
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env["NEWSBOT_DATABASE_URL"] = database_url
    crawl = subprocess.Popen(
        [sys.executable, "-m", "newsbot", "crawl", "--sources", str(sources), "--wait"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(2)
    assert crawl.poll() is None  # still waiting
    assert db.execute("SELECT count(*) AS n FROM crawl_runs").fetchone()["n"] == 0
    held.release()
    _out, err = crawl.communicate(timeout=180)
    assert crawl.returncode == 0, err[-2000:]
    assert db.execute("SELECT count(*) AS n FROM articles").fetchone()["n"] == 12


@pytest.mark.slow  # crawls a local server
def test_only_the_locked_source_is_skipped(
    db: psycopg.Connection,
    database_url: str,
    wire: tuple[str, Path],  # noqa: F811
    holder: list[Holder],
    tmp_path: Path,
) -> None:
    _base, sources = wire
    both = tmp_path / "both.toml"
    text = sources.read_text()
    both.write_text(text + text.replace('name = "wire"', 'name = "wire2"'), encoding="utf-8")
    holder.append(Holder(database_url, "wire"))

    result = newsbot("crawl", "--sources", str(both), "--json", database_url=database_url)
    assert result.returncode == 4, result.stderr[-2000:]
    summary = json.loads(result.stdout)
    assert list(summary["sources"]) == ["wire2"]
    assert list(summary["skipped"]) == ["wire"]
    assert "newsbot: source 'wire' is being crawled by" in result.stderr
    run = db.execute("SELECT sources, status, finish_reason FROM crawl_runs").fetchone()
    assert run["sources"] == ["wire2"] and run["status"] == "finished"
    assert "skipped (locked by another crawl): wire" in run["finish_reason"]
    sources_stored = db.execute("SELECT DISTINCT source FROM articles").fetchall()
    assert [r["source"] for r in sources_stored] == ["wire2"]


def test_lock_is_released_when_the_holder_dies(database_url: str) -> None:
    from newsbot.run.locks import SourceLocks

    held = Holder(database_url, "gone")
    with SourceLocks(database_url) as mine:
        assert "gone" in mine.acquire(["gone"])
        held.proc.kill()
        held.proc.wait(timeout=30)
        assert mine.acquire(["gone"], wait=10) == {}
        assert mine.held == ["gone"]


@pytest.mark.slow  # crawls a local server
def test_plain_progress_lines_when_not_a_terminal(
    db: psycopg.Connection,
    database_url: str,
    wire: tuple[str, Path],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _base, sources = wire
    monkeypatch.setenv("NEWSBOT_PROGRESS_INTERVAL", "0.2")
    result = newsbot(
        "crawl", "--sources", str(sources), "--log-level", "WARNING", database_url=database_url
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith("progress wire: ")]
    assert lines, result.stderr[-2000:]
    assert " pages, " in lines[-1] and " articles, " in lines[-1] and "elapsed" in lines[-1]
