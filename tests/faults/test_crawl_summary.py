"""The end-of-crawl summary names the spool when the database was away during the crawl.

A real crawl (the CLI in a subprocess) against a slow local site; the real database
refuses connections for a while mid-crawl, so batches go to the local spool and are
stored when it answers again. The per-source line and `--json` say how many.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from newsbot.commands.crawl import summary_line
from tests.faults.ledger import LEDGER
from tests.faults.test_database_faults import (
    SlowSite,
    _no_stray_crawls,  # noqa: F401 (autouse fixture)
    assert_all_stored_once,
    finish,
    kill_crawler_sessions,
    last_counters,
    slow_site,  # noqa: F401 (fixture)
    spool_dir,  # noqa: F401 (fixture)
    start_crawl,
    wait_for_rows,
    watcher,
)


def source_line(err: str, name: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith(f"{name}: ")]
    assert len(lines) == 1, err[-3000:]
    return lines[0]


def test_summary_counts_articles_spooled_while_the_database_was_away(
    db: psycopg.Connection,
    database_url: str,
    slow_site: tuple[SlowSite, Path],  # noqa: F811
    spool_dir: Path,  # noqa: F811
) -> None:
    site, sources = slow_site
    spare = db.info.backend_pid
    dbname = db.info.dbname
    proc = start_crawl(sources, database_url)  # --json
    server = make_conninfo(**{**conninfo_to_dict(database_url), "dbname": "postgres"})
    with watcher(database_url) as conn, watcher(server) as admin:
        try:
            assert wait_for_rows(conn, proc, 5), "the crawl ended before storing 5 articles"
            admin.execute(f'ALTER DATABASE "{dbname}" WITH ALLOW_CONNECTIONS false')
            LEDGER.fault("db/refusing-connections")
            kill_crawler_sessions(conn, spare)
            time.sleep(2.5)
        finally:
            admin.execute(f'ALTER DATABASE "{dbname}" WITH ALLOW_CONNECTIONS true')
    out, err = finish(proc)
    LEDGER.measure(db, site.urls())
    assert proc.returncode == 0, err[-4000:]
    assert_all_stored_once(db, site)
    _status, counters = last_counters(db)
    spooled = counters["newsbot/store/spooled"]
    assert spooled >= 5 and counters["newsbot/store/respooled"] == spooled

    row = json.loads(out)["sources"]["slow"]
    assert row["articles_spooled"] == spooled
    assert row["spool_pending"] == 0  # all stored before the crawl ended
    line = source_line(err, "slow")
    assert line.endswith(f" errors, {spooled} spooled (database unavailable)"), line


def test_summary_line_names_the_spool_only_when_it_was_used() -> None:
    row = {
        "pages": 12, "articles_new": 10, "articles_updated": 0, "articles_unchanged": 0,
        "reposts": 1, "dropped": 2, "errors": 0, "articles_spooled": 0, "spool_pending": 0,
    }  # fmt: skip
    plain = "wire: 12 pages, 10 new, 0 updated, 0 unchanged, 1 reposts, 2 dropped, 0 errors"
    assert summary_line("wire", row) == plain
    row.update(articles_spooled=7, spool_pending=3)
    assert summary_line("wire", row) == (
        f"{plain}, 7 spooled (database unavailable), 3 still spooled for the next run"
    )
