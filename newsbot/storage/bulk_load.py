"""Loading many rows at once: indexes and keys down during the load, rebuilt after.

Inserting millions of rows with every index in place maintains each index row by row;
building them once afterwards is several times faster. Benches use this to reach a
realistic table size before they time the real per-article path.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import psycopg

from newsbot.storage.connection import connect


@dataclass
class Dropped:
    """Index and constraint definitions taken down for a bulk load, to put back after."""

    indexes: list[str]
    constraints: list[tuple[str, str, str]]  # table, name, definition


def drop_for_load(
    conn: psycopg.Connection, tables: Sequence[str] = ("articles", "article_anchors")
) -> Dropped:
    """Plain indexes, foreign keys and the anchor primary key: rebuilt after, not per row.

    Commits. `conn` must return dict rows (newsbot.storage.connect).
    """
    cons = conn.execute(
        """SELECT conrelid::regclass::text AS tbl, conname, pg_get_constraintdef(oid) AS def
           FROM pg_constraint
           WHERE conrelid = ANY(%s::regclass[])
             AND (contype = 'f' OR (contype = 'p' AND conrelid = 'article_anchors'::regclass))
           ORDER BY contype DESC""",
        (list(tables),),
    ).fetchall()
    idx = conn.execute(
        """SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
           FROM pg_index i
           WHERE i.indrelid = ANY(%s::regclass[])
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""",
        (list(tables),),
    ).fetchall()
    for c in cons:
        conn.execute(f'ALTER TABLE {c["tbl"]} DROP CONSTRAINT "{c["conname"]}"')
    for i in idx:
        conn.execute(f"DROP INDEX {i['name']}")
    conn.commit()
    return Dropped([i["def"] for i in idx], [(c["tbl"], c["conname"], c["def"]) for c in cons])


def restore_after_load(url: str, dropped: Dropped) -> None:
    """Primary key first, then indexes (two at a time), then foreign keys."""

    def run(statement: str) -> None:
        with connect(url, autocommit=True) as conn:
            conn.execute("SET maintenance_work_mem = '1GB'")
            conn.execute("SET max_parallel_maintenance_workers = 1")
            conn.execute(statement)

    keys = [c for c in dropped.constraints if c[2].startswith("PRIMARY KEY")]
    fks = [c for c in dropped.constraints if not c[2].startswith("PRIMARY KEY")]
    work = [f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}' for t, n, d in keys] + dropped.indexes
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(run, work))
    for t, n, d in fks:
        run(f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}')


def resume_article_ids(conn: psycopg.Connection) -> None:
    """Move the articles id sequence past rows inserted with explicit ids, so the next
    ordinary insert does not collide with them (`conn` in autocommit)."""
    conn.execute("SELECT setval(pg_get_serial_sequence('articles', 'id'), max(id)) FROM articles")


def settle_after_load(conn: psycopg.Connection) -> None:
    """VACUUM ANALYZE articles and their anchors, then CHECKPOINT: plans see the new
    sizes, and the load's dirty pages are flushed now rather than during a timed run
    (`conn` in autocommit)."""
    conn.execute("VACUUM ANALYZE articles")
    conn.execute("VACUUM ANALYZE article_anchors")
    conn.execute("CHECKPOINT")
