"""The SQL of per-source crawl locks: PostgreSQL session-level advisory locks.

A source's lock is an advisory lock on `hashtextextended(lock_name(source), 0)`; pg_locks
splits that bigint key into classid (high half) and objid (low half), which is how a
lock is found again: who holds it, and which `running` crawl_runs rows no session holds
a lock for any more. The policy (which sources to lock, how long to wait, what to tell
the operator) is in newsbot.run.locks.
"""

from __future__ import annotations

from typing import Any

import psycopg

#: prefix of the hashed lock key: keeps these locks apart from any other advisory locks
KEY_PREFIX = "newsbot-crawl:"

_KEY_SQL = "hashtextextended(%s, 0)"
_TRY_LOCK = "SELECT pg_try_advisory_lock(" + _KEY_SQL + ") AS ok"
_TRY_LOCK_SHARED = "SELECT pg_try_advisory_lock_shared(" + _KEY_SQL + ") AS ok"


def lock_name(source: str) -> str:
    """The text hashed into the advisory lock key of a source."""
    return KEY_PREFIX + source


def set_application_name(conn: psycopg.Connection, name: str) -> None:
    """Name the session (pg_stat_activity.application_name) so others can say who holds a lock."""
    conn.execute("SELECT set_config('application_name', %s, false)", (name[:63],))


def ping(conn: psycopg.Connection) -> None:
    """Raise psycopg.Error when the session is gone (and so are its locks)."""
    conn.execute("SELECT 1")


def unlock_all(conn: psycopg.Connection) -> None:
    """Release every advisory lock of the session, to be explicit before closing it."""
    conn.execute("SELECT pg_advisory_unlock_all()")


def try_lock(conn: psycopg.Connection, source: str, *, shared: bool = False) -> bool:
    """Take a source's lock without waiting (shared: alongside other shared holders)."""
    row = conn.execute(_TRY_LOCK_SHARED if shared else _TRY_LOCK, (lock_name(source),)).fetchone()
    return bool(row and row["ok"])


def lock_holder(conn: psycopg.Connection, source: str) -> dict[str, Any] | None:
    """The session holding a source's lock (pid, application_name, addr, ...), to name it."""
    return conn.execute(
        f"""WITH k AS (SELECT {_KEY_SQL} AS key)
            SELECT a.pid, a.application_name, host(a.client_addr) AS addr, a.backend_start
            FROM k, pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND l.classid::bigint = ((k.key >> 32) & 4294967295)
              AND l.objid::bigint = (k.key & 4294967295)
            LIMIT 1""",
        (lock_name(source),),
    ).fetchone()


def running_run_of(conn: psycopg.Connection, source: str) -> int | None:
    """The latest `running` run that includes a source: tells which crawl holds its lock."""
    row = conn.execute(
        """SELECT id FROM crawl_runs WHERE status = 'running' AND %s = ANY(sources)
           ORDER BY id DESC LIMIT 1""",
        (source,),
    ).fetchone()
    return row["id"] if row else None


def interrupt_unlocked_runs(conn: psycopg.Connection, spared_command: str) -> list[dict[str, Any]]:
    """Record as interrupted/killed the `running` runs none of whose locks is held; rows changed.

    One statement, so a crawl that ends meanwhile keeps its status. Runs whose command
    starts with `spared_command` hold no locks by design and are left alone.
    """
    rows = conn.execute(
        """UPDATE crawl_runs r
           SET status = 'interrupted', finish_reason = 'killed', finished_at = now()
           WHERE """
        + _UNLOCKED_RUNNING
        + """
           RETURNING r.id, r.sources, r.host, r.pid, r.started_at""",
        {"distributed": spared_command, "prefix": KEY_PREFIX},
    ).fetchall()
    conn.commit()
    return [dict(row) for row in rows]


def unlocked_running_runs(conn: psycopg.Connection, spared_command: str) -> list[dict[str, Any]]:
    """The `running` runs none of whose locks is held, read only (`newsbot status`)."""
    rows = conn.execute(
        "SELECT r.id, r.sources, r.host, r.pid, r.started_at FROM crawl_runs r WHERE "
        + _UNLOCKED_RUNNING
        + " ORDER BY r.id",
        {"distributed": spared_command, "prefix": KEY_PREFIX},
    ).fetchall()
    return [dict(row) for row in rows]


#: a `running` crawl_runs row (r) none of whose sources' locks any session holds
_UNLOCKED_RUNNING = """r.status = 'running'
             AND NOT starts_with(coalesce(r.command, ''), %(distributed)s)
             AND NOT EXISTS (
                 SELECT 1
                 FROM unnest(r.sources) AS s(name)
                 CROSS JOIN LATERAL (
                     SELECT hashtextextended(%(prefix)s || s.name, 0) AS key) k
                 JOIN pg_locks l
                   ON l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
                  AND l.classid::bigint = ((k.key >> 32) & 4294967295)
                  AND l.objid::bigint = (k.key & 4294967295)
                 WHERE l.database = (
                     SELECT oid FROM pg_database WHERE datname = current_database()))"""
