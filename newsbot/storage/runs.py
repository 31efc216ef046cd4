"""Run records in `crawl_runs`: what cron, operators and monitoring look at."""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import psycopg
from psycopg.types.json import Jsonb


def start_run(conn: psycopg.Connection, sources: Sequence[str], command: str | None = None) -> int:
    row = conn.execute(
        """INSERT INTO crawl_runs (sources, host, pid, command)
           VALUES (%s, %s, %s, %s) RETURNING id""",
        (list(sources), socket.gethostname(), os.getpid(), command or " ".join(sys.argv)),
    ).fetchone()
    conn.commit()
    return row["id"] if isinstance(row, dict) else row[0]


def record_source(
    conn: psycopg.Connection, run_id: int, source: str, counters: Mapping[str, Any]
) -> None:
    """Store one source's counters under counters->source (merging, so workers can add)."""
    conn.execute(
        """UPDATE crawl_runs
           SET counters = counters || jsonb_build_object(%s::text, %s::jsonb)
           WHERE id = %s""",
        (source, Jsonb(dict(counters)), run_id),
    )
    conn.commit()


def finish_run(
    conn: psycopg.Connection, run_id: int, status: str, finish_reason: str | None = None
) -> None:
    conn.execute(
        """UPDATE crawl_runs SET finished_at = now(), status = %s, finish_reason = %s
           WHERE id = %s""",
        (status, finish_reason, run_id),
    )
    conn.commit()


def add_counters(
    conn: psycopg.Connection,
    run_id: int,
    source: str,
    delta: Mapping[str, float],
    *,
    commit: bool = True,
) -> None:
    """Add numbers to one source's counters: several workers report into one round
    (commit=False: the caller commits several sources' together)."""
    numbers = {k: v for k, v in delta.items() if isinstance(v, int | float) and v}
    if not numbers:
        return
    conn.execute(
        """UPDATE crawl_runs SET counters = counters || jsonb_build_object(%(source)s::text,
               coalesce(counters -> %(source)s, '{}'::jsonb) || (
                   SELECT jsonb_object_agg(d.key,
                       coalesce((counters -> %(source)s ->> d.key)::numeric, 0)
                       + d.value::numeric)
                   FROM jsonb_each_text(%(delta)s::jsonb) AS d))
           WHERE id = %(id)s""",
        {"source": source, "delta": Jsonb(numbers), "id": run_id},
    )
    if commit:
        conn.commit()


def join_run(conn: psycopg.Connection, run_id: int, sources: Sequence[str]) -> bool:
    """Add sources to a running run (a round that more entry points join); False when
    the run is not running any more."""
    row = conn.execute(
        """UPDATE crawl_runs SET sources = ARRAY(
               SELECT DISTINCT s FROM unnest(sources || %s::text[]) AS s ORDER BY s)
           WHERE id = %s AND status = 'running' RETURNING id""",
        (list(sources), run_id),
    ).fetchone()
    conn.commit()
    return row is not None


def append_finish_reason(conn: psycopg.Connection, run_id: int, note: str) -> None:
    """Add a note ("; note") to a finished run's finish_reason, e.g. the sources it skipped."""
    conn.execute(
        """UPDATE crawl_runs SET finish_reason = concat_ws('; ', finish_reason, %s::text)
           WHERE id = %s""",
        (note, run_id),
    )
    conn.commit()


def run_reposts(conn: psycopg.Connection, run_id: int) -> dict[str, int]:
    """Per source, the articles a run stored or saw that are reposts when it ends
    (including those linked to an earlier-published copy that arrived after them)."""
    rows = conn.execute(
        """SELECT source, count(*) AS n FROM articles
           WHERE last_run_id = %s AND duplicate_of IS NOT NULL GROUP BY source""",
        (run_id,),
    ).fetchall()
    return {r["source"]: int(r["n"]) for r in rows}
