"""The bookkeeping of `newsbot reprocess` and `newsbot ingest`: what to re-extract, and how
far a run got, so that an interrupted one resumes where it stopped.

A checkpoint is written after each stored batch, on the connection that stored it:
everything up to it is done, nothing after it is. A rerun starts after it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

# -- reprocess ------------------------------------------------------------------------


def stored_versions(conn: psycopg.Connection) -> list[str | None]:
    """The distinct extractor versions of stored articles (None: stored before versions)."""
    rows = conn.execute("SELECT DISTINCT extractor_version AS v FROM articles").fetchall()
    return [r["v"] for r in rows]


def start_reprocess(
    conn: psycopg.Connection, selection: Mapping[str, Any], version: str
) -> tuple[int, int, dict[str, int], bool]:
    """(run id, last article id done, counters so far, resumed): an unfinished run of
    the same selection by the same code is resumed, else a new run starts."""
    with conn.transaction():
        row = conn.execute(
            """SELECT id, last_article_id, counters FROM reprocess_runs
               WHERE selection = %s AND extractor_version = %s AND status <> 'finished'
               ORDER BY id DESC LIMIT 1 FOR UPDATE""",
            (Jsonb(dict(selection)), version),
        ).fetchone()
        if row is not None:
            conn.execute("UPDATE reprocess_runs SET status = 'running' WHERE id = %s", (row["id"],))
            return row["id"], row["last_article_id"], dict(row["counters"]), True
        row = conn.execute(
            """INSERT INTO reprocess_runs (selection, extractor_version)
               VALUES (%s, %s) RETURNING id""",
            (Jsonb(dict(selection)), version),
        ).fetchone()
    return row["id"], 0, {}, False


#: the rows a reprocess selects after an id (see `_selection`)
_SELECTED = """
    id > %(after)s
    AND (%(source)s::text IS NULL OR source = %(source)s)
    AND (%(since)s::timestamptz IS NULL OR fetched_at >= %(since)s)
    AND (NOT %(by_version)s OR extractor_version = ANY(%(named)s)
         OR (%(unversioned)s AND extractor_version IS NULL))
"""


def _selection(
    after_id: int, source: str | None, since: datetime | None, versions: list[str | None] | None
) -> dict[str, Any]:
    """`versions`: only rows made by these extractor versions (None in it: rows without
    one); None: any version."""
    return {
        "after": after_id,
        "source": source,
        "since": since,
        "by_version": versions is not None,
        "named": [v for v in versions or [] if v is not None],
        "unversioned": versions is not None and None in versions,
    }


def articles_to_reprocess(
    conn: psycopg.Connection,
    *,
    after_id: int,
    source: str | None,
    since: datetime | None,
    versions: list[str | None] | None,
    limit: int = 500,
) -> list[dict[str, Any]]:
    """The next selected articles after `after_id`, in id order, with what re-extraction
    needs: where the raw page is, what discovery said, when it was fetched."""
    return conn.execute(
        """SELECT id, url, source, fetched_at, warc_file, warc_offset, discovery_hints,
                  discovery_lastmod, extractor_version
           FROM articles WHERE """
        + _SELECTED
        + " ORDER BY id LIMIT %(limit)s",
        {**_selection(after_id, source, since, versions), "limit": limit},
    ).fetchall()


def count_to_reprocess(
    conn: psycopg.Connection,
    *,
    after_id: int,
    source: str | None,
    since: datetime | None,
    versions: list[str | None] | None,
) -> int:
    """How many articles `articles_to_reprocess` would still give (for the progress bar)."""
    row = conn.execute(
        "SELECT count(*) AS n FROM articles WHERE " + _SELECTED,
        _selection(after_id, source, since, versions),
    ).fetchone()
    return int(row["n"])


def reprocess_checkpoint(
    conn: psycopg.Connection, run_id: int, last_article_id: int, counters: Mapping[str, int]
) -> None:
    with conn.transaction():
        conn.execute(
            """UPDATE reprocess_runs SET last_article_id = %s, counters = %s WHERE id = %s""",
            (last_article_id, Jsonb(dict(counters)), run_id),
        )


def end_reprocess(conn: psycopg.Connection, run_id: int, status: str) -> None:
    """'finished' (nothing left) or 'interrupted' (a rerun resumes it)."""
    with conn.transaction():
        conn.execute(
            """UPDATE reprocess_runs SET status = %s,
                   finished_at = CASE WHEN %s = 'finished' THEN now() END
               WHERE id = %s""",
            (status, status, run_id),
        )


def source_settings(conn: psycopg.Connection, name: str) -> dict[str, Any] | None:
    """A source's declared settings as its last crawl recorded them (sources.config)."""
    row = conn.execute("SELECT config FROM sources WHERE name = %s", (name,)).fetchone()
    return dict(row["config"] or {}) if row is not None else None


# -- ingest ---------------------------------------------------------------------------


def ingest_state(conn: psycopg.Connection, path: str) -> dict[str, Any] | None:
    """How far a WARC file was ingested (None: never started)."""
    return conn.execute(
        """SELECT path, size, source, next_offset, finished_at, counters
           FROM ingested_files WHERE path = %s""",
        (path,),
    ).fetchone()


def start_ingest(conn: psycopg.Connection, path: str, size: int, source: str | None) -> None:
    with conn.transaction():
        conn.execute(
            """INSERT INTO ingested_files (path, size, source) VALUES (%s, %s, %s)
               ON CONFLICT (path) DO UPDATE SET size = EXCLUDED.size,
                   source = EXCLUDED.source, finished_at = NULL, updated_at = now()""",
            (path, size, source),
        )


def ingest_checkpoint(
    conn: psycopg.Connection, path: str, next_offset: int, counters: Mapping[str, int]
) -> None:
    with conn.transaction():
        conn.execute(
            """UPDATE ingested_files SET next_offset = %s, counters = %s, updated_at = now()
               WHERE path = %s""",
            (next_offset, Jsonb(dict(counters)), path),
        )


def end_ingest(conn: psycopg.Connection, path: str) -> None:
    with conn.transaction():
        conn.execute(
            "UPDATE ingested_files SET finished_at = now(), updated_at = now() WHERE path = %s",
            (path,),
        )


# -- one job at a time --------------------------------------------------------------


def try_job_lock(conn: psycopg.Connection, job: str) -> bool:
    """Take the session-level advisory lock of a job ("reprocess", "ingest:<path>")
    without waiting; held until the connection closes."""
    row = conn.execute(
        "SELECT pg_try_advisory_lock(hashtextextended(%s, 0)) AS ok", (f"newsbot-job:{job}",)
    ).fetchone()
    return bool(row and row["ok"])
