"""Stopping a crawl by a signal to its whole process group, as a terminal's Ctrl-C or
`systemctl stop` (KillMode=mixed/control-group, KillSignal=SIGTERM) sends it.

The first SIGINT or SIGTERM stops scheduling, drops the requests waiting in the
downloader, finishes the pages in flight and stores all they yield; the run is recorded
`interrupted` and the exit code says which signal (130, 143). The stage workers ignore
the group's signal and are shut down by the crawler. A second signal stops at once and
still stores what was extracted. The next crawl fetches only what was not stored.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.faults.test_database_faults import SlowSite, article_url
from tests.support.cli import ROOT, environment, newsbot, start_in_session
from tests.support.redisserver import redis_available, redis_server

pytestmark = pytest.mark.slow  # end-to-end crawls of several seconds each

PAGES = 200
#: 20 requests per second: one at a time, 0.05 s apart (Scrapy's ±50% jitter around it)
POLITENESS = "concurrency = 1\ndownload_delay = 0.05\n"
#: no waiting between requests (a crawl that is not stopped)
FAST = "concurrency = 4\ndownload_delay = 0\n"
#: a crawl must end this soon after the first signal (the README's TimeoutStopSec is 45)
STOP_WITHIN = 30.0


class CountingSite(SlowSite):
    """A SlowSite of `count` articles, served from the start; every request is also
    logged with its time. Articles answer after `delay` seconds (changeable while the
    crawl runs)."""

    def __init__(self, count: int = PAGES, delay: float = 0.0) -> None:
        self.log: list[tuple[float, str]] = []
        self.lock = threading.Lock()
        super().__init__(count, delay)
        self.thread.start()

    def seen(self, path: str) -> None:
        super().seen(path)
        with self.lock:
            self.log.append((time.monotonic(), path))

    def article_hits(self, since: float = 0.0) -> Counter[str]:
        with self.lock:
            return Counter(p for t, p in self.log if p.startswith("/news/") and t >= since)

    def first_article_at(self, timeout: float = 90.0) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                for t, p in self.log:
                    if p.startswith("/news/"):
                        return t
            time.sleep(0.05)
        raise AssertionError("the crawl fetched no article")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CountingSite]:
    monkeypatch.setenv("NEWSBOT_SPOOL_DIR", str(tmp_path / "spool"))
    served = CountingSite()
    try:
        yield served
    finally:
        served.close()


def sources_file(tmp_path: Path, site: CountingSite, politeness: str = POLITENESS) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(
        f'[[sources]]\nname = "site"\nfeeds = ["{site.base}/rss.xml"]\n{politeness}',
        encoding="utf-8",
    )
    return path


def start_crawl(sources: Path, database_url: str) -> subprocess.Popen:
    """`newsbot crawl` in a session of its own (its own process group, as a shell job
    is), output to files; the stage workers run in their pool (the default)."""
    n = len(list(sources.parent.glob("crawl-*.out")))
    out, err = sources.with_name(f"crawl-{n}.out"), sources.with_name(f"crawl-{n}.err")
    proc = start_in_session(
        *("crawl", "--sources", str(sources), "--json"),
        *("--progress", "off", "-s", "NEWSBOT_STORE_BATCH_SIZE=10"),
        env=environment(database_url),
        stdout=out,
        stderr=err,
    )
    proc.files = (out, err)  # type: ignore[attr-defined]
    return proc


def finish(proc: subprocess.Popen, timeout: float) -> str:
    """Wait for the crawl; its stdout and stderr together."""
    proc.wait(timeout=timeout)
    out, err = proc.files  # type: ignore[attr-defined]
    return out.read_text() + err.read_text()


def last_run(db: psycopg.Connection) -> dict:
    return db.execute(
        "SELECT status, finish_reason, counters FROM crawl_runs ORDER BY id DESC LIMIT 1"
    ).fetchone()


def urls_in(db: psycopg.Connection, table: str) -> set[str]:
    return {r["url"] for r in db.execute(f"SELECT url FROM {table}").fetchall()}


def assert_clean_output(output: str) -> None:
    assert "Traceback" not in output, output[-4000:]
    assert "BrokenProcessPool" not in output, output[-4000:]
    assert "crawl ended early" not in output, output[-4000:]  # not reported as a failure


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"]
)
def test_a_signal_to_the_group_stops_cleanly_and_the_next_crawl_fetches_the_rest(
    db: psycopg.Connection,
    database_url: str,
    site: CountingSite,
    tmp_path: Path,
    signum: int,
    code: int,
) -> None:
    sources = sources_file(tmp_path, site)
    proc = start_crawl(sources, database_url)
    # 3 s into the crawl proper (start-up, which a busy machine slows, not counted)
    time.sleep(max(0.0, site.first_article_at() + 3 - time.monotonic()))
    assert proc.poll() is None, "the crawl ended before the signal"
    os.killpg(proc.pid, signum)  # the crawler, its fork server and its stage workers
    sent = time.monotonic()
    output = finish(proc, timeout=STOP_WITHIN + 30)
    took = time.monotonic() - sent
    assert proc.returncode == code, output[-4000:]
    assert took < STOP_WITHIN, took
    assert_clean_output(output)
    assert f"run interrupted by {signal.Signals(signum).name}" in output

    run = last_run(db)
    assert run["status"] == "interrupted", run
    assert run["finish_reason"] == f"interrupted by {signal.Signals(signum).name}"
    counters = run["counters"]["site"]
    assert counters["finish_reason"] == "shutdown"
    stored, dropped = urls_in(db, "articles"), urls_in(db, "dropped_pages")
    fetched = {site.base + p for p in site.article_hits()}
    # every article page the server answered is stored (or recorded as dropped with a
    # reason): the pages in flight at the signal finished their stages
    assert fetched == stored | dropped, sorted(fetched - stored - dropped)
    assert counters["newsbot/store/new"] == len(stored) == counters["item_scraped_count"]
    assert 10 <= len(stored) < PAGES  # ~60 pages at 20/s in 3 s
    # the requests queued in the downloader were dropped, not fetched at the download
    # delay: after the signal, at most the one page in flight (and one racing it)
    late = site.article_hits(since=sent + 0.3)
    assert sum(late.values()) <= 2, late
    assert counters.get("newsbot/stop/unfetched", 0) >= 1, counters

    hits_before = site.article_hits()
    # the rest without the politeness that made the first crawl slow enough to stop
    again = start_crawl(sources_file(tmp_path, site, FAST), database_url)
    output = finish(again, timeout=180)
    assert again.returncode == 0, output[-4000:]
    assert "Traceback" not in output
    assert last_run(db)["status"] == "finished"
    assert urls_in(db, "articles") == {article_url(site.base, n) for n in range(1, PAGES + 1)}
    # the second crawl fetched only the rest: no article page twice over both runs (the
    # site has no transient faults, so no page was dropped for a reason worth a retry)
    hits = site.article_hits()
    assert max(hits.values()) == 1, [p for p, c in hits.items() if c > 1]
    assert set(hits) - set(hits_before) == {
        p for p in (f"/news/story-{n:03d}.html" for n in range(1, PAGES + 1))
    } - set(hits_before)
    assert last_run(db)["counters"]["site"]["newsbot/store/new"] == PAGES - len(stored)


def test_a_second_signal_stops_at_once_and_still_stores_what_was_extracted(
    db: psycopg.Connection, database_url: str, site: CountingSite, tmp_path: Path
) -> None:
    sources = sources_file(tmp_path, site, FAST)
    site.delay = 0.1
    proc = start_crawl(sources, database_url)
    deadline = time.monotonic() + 90
    while len(site.article_hits()) < 12 and time.monotonic() < deadline:
        time.sleep(0.05)
    site.delay = 60.0  # the pages in flight from now on take a minute: a graceful stop waits
    time.sleep(1.0)
    assert proc.poll() is None, "the crawl ended before the signal"
    os.killpg(proc.pid, signal.SIGINT)
    time.sleep(1.0)
    assert proc.poll() is None, "the first signal did not wait for the pages in flight"
    os.killpg(proc.pid, signal.SIGINT)
    sent = time.monotonic()
    output = finish(proc, timeout=60)
    took = time.monotonic() - sent
    assert proc.returncode == 130, output[-4000:]
    assert took < 20, took  # at once: not after the minute the pages in flight would take
    assert_clean_output(output)

    run = last_run(db)
    assert run["status"] == "interrupted", run
    counters = run["counters"]["site"]
    assert counters["finish_reason"] == "shutdown"
    stored = urls_in(db, "articles")
    # every article that came out of the stages is stored, none lost in the batcher
    assert counters["item_scraped_count"] == counters["newsbot/store/new"] == len(stored)
    assert len(stored) >= 5, output[-3000:]


def test_a_worker_stopped_by_sigterm_exits_143_and_keeps_what_it_extracted(
    db: psycopg.Connection, database_url: str, site: CountingSite, tmp_path: Path
) -> None:
    if why := redis_available():
        pytest.skip(why)
    sources = sources_file(tmp_path, site)
    with redis_server() as redis_url:
        env = environment(database_url)
        env["NEWSBOT_REDIS_URL"] = redis_url
        enqueue = newsbot("enqueue", "--sources", str(sources), env=env, timeout=120)
        assert enqueue.returncode == 0, enqueue.stderr[-3000:]
        log = tmp_path / "worker.log"
        proc = start_in_session(
            *("worker", "--sources", str(sources)),
            *("--progress", "off", "--json", "-s", "NEWSBOT_STORE_BATCH_SIZE=10"),
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        time.sleep(max(0.0, site.first_article_at() + 2 - time.monotonic()))
        assert proc.poll() is None, "the worker ended before the signal"
        os.killpg(proc.pid, signal.SIGTERM)
        sent = time.monotonic()
        proc.wait(timeout=STOP_WITHIN + 30)
        output = log.read_text()
    assert proc.returncode == 143, output[-4000:]
    assert time.monotonic() - sent < STOP_WITHIN
    assert_clean_output(output)
    assert "run interrupted by SIGTERM" in output
    summary, _ = json.JSONDecoder().raw_decode(output[output.index('{\n  "worker"') :])
    stored = urls_in(db, "articles")
    assert stored and summary["sources"]["site"]["articles_new"] == len(stored)


def readme_unit() -> dict[str, str]:
    """The README's `newsbot@.service`: its [Service] keys (comments dropped)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("# /etc/systemd/system/newsbot@.service", 1)[1].split("```", 1)[0]
    service = block.split("[Service]", 1)[1].split("\n\n", 1)[0]
    keys: dict[str, str] = {}
    for line in service.splitlines():
        line = line.split("#", 1)[0].strip()
        if "=" in line:
            key, _, value = line.partition("=")
            keys[key.strip()] = value.strip()
    return keys


def test_the_readme_systemd_unit_stops_as_it_says(
    db: psycopg.Connection, database_url: str, site: CountingSite, tmp_path: Path
) -> None:
    """`systemctl stop` as the README's unit configures it: KillSignal to every process of
    the unit's control group, an exit code the unit counts as success, within the stop
    timeout (less the margin the crawl needs)."""
    unit = readme_unit()
    assert unit["KillMode"] in ("control-group", "mixed")
    kill_signal = signal.Signals[unit["KillSignal"]]
    exec_start = unit["ExecStart"].split()
    assert exec_start[:2] == ["/opt/newsbot/.venv/bin/newsbot", "crawl"], exec_start
    sources = sources_file(tmp_path, site)
    argv = [
        arg.replace("/etc/newsbot/sources.toml", str(sources))
        .replace("/var/log/newsbot", str(tmp_path))
        .replace("%i", "site")
        for arg in exec_start[2:]
    ]
    # in a control group of its own, as systemd gives the unit
    proc = start_in_session(
        "crawl",
        *argv,
        env=environment(database_url),  # NEWSBOT_DATABASE_URL: the unit's EnvironmentFile
        stderr=subprocess.STDOUT,
    )
    time.sleep(max(0.0, site.first_article_at() + 2 - time.monotonic()))
    assert proc.poll() is None, "the crawl ended before the stop"
    os.killpg(proc.pid, kill_signal)
    sent = time.monotonic()
    output, _ = proc.communicate(timeout=float(unit["TimeoutStopSec"]) + 30)
    took = time.monotonic() - sent
    assert took < min(STOP_WITHIN, float(unit["TimeoutStopSec"])), took
    assert str(proc.returncode) in unit["SuccessExitStatus"].split(), (proc.returncode, output)
    assert_clean_output(output)
    assert last_run(db)["status"] == "interrupted"
    assert (tmp_path / "newsbot-site.log").exists()  # the unit's --log-file
