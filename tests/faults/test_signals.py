"""Signals mid-crawl: SIGTERM stops gracefully (run `interrupted`, what was extracted
stored, exit 143; signals to the whole process group: test_stopping.py); SIGKILL loses
at most what was in flight, and the next run fetches it again."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import psycopg
import pytest

from tests.faults.ledger import LEDGER
from tests.faults.test_database_faults import (
    ARTICLES,
    SlowSite,
    _no_stray_crawls,  # noqa: F401 (autouse fixture)
    assert_all_stored_once,
    finish,
    slow_site,  # noqa: F401 (fixture)
    spool_dir,  # noqa: F401 (fixture)
    start_crawl,
    wait_for_rows,
    watcher,
)

pytestmark = pytest.mark.slow  # the fault suite: `make test`, not `make test-fast`


def runs(db: psycopg.Connection) -> list[dict]:
    return db.execute(
        "SELECT id, status, finish_reason, counters FROM crawl_runs ORDER BY id"
    ).fetchall()


def test_sigterm_stores_what_was_extracted_and_records_an_interrupted_run(
    db: psycopg.Connection,
    database_url: str,
    slow_site: tuple[SlowSite, Path],  # noqa: F811
    spool_dir: Path,  # noqa: F811
) -> None:
    site, sources = slow_site
    proc = start_crawl(sources, database_url)
    with watcher(database_url) as conn:
        assert wait_for_rows(conn, proc, 5), "the crawl ended before storing 5 articles"
    proc.send_signal(signal.SIGTERM)
    LEDGER.fault("process/sigterm")
    sent = time.monotonic()
    _out, err = finish(proc, timeout=30, expect=(143,))  # 143: stopped by SIGTERM
    assert time.monotonic() - sent < 30
    assert proc.returncode == 143  # documented exit code, run recorded as interrupted
    assert "Traceback" not in err and "BrokenProcessPool" not in err, err[-3000:]
    run = runs(db)[-1]
    assert run["status"] == "interrupted", (run, err[-3000:])
    assert run["finish_reason"] == "interrupted by SIGTERM"
    counters = run["counters"]["slow"]
    assert counters["finish_reason"] == "shutdown"
    stored = db.execute("SELECT count(*) AS n FROM articles").fetchone()["n"]
    # every article extracted before the stop was flushed: none dropped on the floor
    extracted = counters.get("item_scraped_count", 0)
    LEDGER.articles(extracted, stored)  # the interrupted run: all it extracted is stored
    assert stored == extracted == counters["newsbot/store/new"], counters
    assert 5 <= stored < ARTICLES  # stopped early, and what was stored before is still there
    hits_before = site.article_hits()

    again = start_crawl(sources, database_url)
    _out, err = finish(again)
    LEDGER.measure(db, site.urls())
    assert again.returncode == 0, err[-3000:]
    assert_all_stored_once(db, site)
    assert runs(db)[-1]["status"] == "finished"
    assert runs(db)[-1]["counters"]["slow"]["newsbot/store/new"] == ARTICLES - stored
    # the second run fetched only what the first had not stored
    refetched = [p for p, c in site.article_hits().items() if c > hits_before.get(p, 0)]
    assert len(refetched) == ARTICLES - stored


def test_sigkill_loses_at_most_the_in_flight_batch_and_the_next_run_recovers_it(
    db: psycopg.Connection,
    database_url: str,
    slow_site: tuple[SlowSite, Path],  # noqa: F811
    spool_dir: Path,  # noqa: F811
) -> None:
    site, sources = slow_site
    proc = start_crawl(sources, database_url)
    with watcher(database_url) as conn:
        assert wait_for_rows(conn, proc, 7), "the crawl ended before storing 7 articles"
    proc.kill()
    LEDGER.fault("process/sigkill")
    proc.wait(timeout=30)
    LEDGER.crawl_killed(proc.returncode)
    stored = db.execute("SELECT count(*) AS n FROM articles").fetchone()["n"]
    assert stored < ARTICLES
    hits_before = site.article_hits()
    first = runs(db)[-1]
    assert first["status"] == "running"  # nobody was left to record the end of a killed run

    again = start_crawl(sources, database_url)
    _out, err = finish(again)
    LEDGER.measure(db, site.urls())
    assert again.returncode == 0, err[-3000:]  # the killed crawl's source lock died with it
    assert_all_stored_once(db, site)
    second = runs(db)[-1]
    assert second["status"] == "finished"
    assert second["counters"]["slow"]["newsbot/store/new"] == ARTICLES - stored
    # unstored pages (lost in flight included) are fetched again, stored ones are not
    refetched = [p for p, c in site.article_hits().items() if c > hits_before.get(p, 0)]
    assert len(refetched) == ARTICLES - stored
