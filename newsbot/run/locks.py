"""Per-source crawl locks: PostgreSQL session-level advisory locks.

Two crawls of one source (two cron jobs overlapping, two machines) would fetch every
page twice and race on the same rows. The database is the one thing every crawler
shares, so the lock lives there: `pg_try_advisory_lock` on a key derived from the
source name, held by a dedicated connection for the whole crawl. The server drops
session locks when that connection ends, so a killed crawler never leaves a stale lock.
It does leave its `crawl_runs` row `running`: `interrupt_dead_runs` finds such rows by
their sources' locks, which nobody holds any more, and records them as interrupted.
"""

from __future__ import annotations

import contextlib
import math
import os
import socket
import time
from collections.abc import Iterable

import psycopg

from newsbot.storage import connect

#: prefix of the hashed lock key: keeps these locks apart from any other advisory locks
_KEY_PREFIX = "newsbot-crawl:"
#: application_name of a lock connection: lets another crawler say who holds a lock
_APP_PREFIX = "newsbot crawl "
_POLL_SECONDS = 0.2

_KEY_SQL = "hashtextextended(%s, 0)"

#: how `newsbot enqueue` records a distributed round: a run no process holds locks for
#: (its workers finish it), so it is never taken for a dead crawl
DISTRIBUTED_COMMAND = "newsbot enqueue"


def lock_name(source: str) -> str:
    """The text hashed into the advisory lock key of a source."""
    return _KEY_PREFIX + source


class SourceLocks:
    """A dedicated connection holding the advisory locks of the sources being crawled.

    Use as a context manager; leaving it (or the process dying) releases every lock.
    """

    def __init__(self, database_url: str, *, shared: bool = False) -> None:
        #: shared locks: the workers of a distributed crawl hold a source together, and
        #: an ordinary crawl (exclusive) of it waits or exits 4 meanwhile
        self.shared = shared
        self.conn: psycopg.Connection = connect(database_url, autocommit=True)
        me = f"{_APP_PREFIX}{socket.gethostname()} pid {os.getpid()}"
        self.conn.execute("SELECT set_config('application_name', %s, false)", (me[:63],))
        self.held: list[str] = []

    def __enter__(self) -> SourceLocks:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release every lock (closing the session does it; unlock first to be explicit)."""
        if self.conn.closed:
            return
        with contextlib.suppress(psycopg.Error):
            self.conn.execute("SELECT pg_advisory_unlock_all()")
        self.conn.close()
        self.held.clear()

    def try_lock(self, source: str) -> bool:
        kind = "pg_try_advisory_lock_shared" if self.shared else "pg_try_advisory_lock"
        row = self.conn.execute(f"SELECT {kind}({_KEY_SQL}) AS ok", (lock_name(source),)).fetchone()
        if row and row["ok"]:
            self.held.append(source)
            return True
        return False

    def acquire(self, sources: Iterable[str], wait: float = 0.0) -> dict[str, str]:
        """Lock every source that can be locked within `wait` seconds (inf: no limit).

        Returns the sources left unlocked, each with a description of who holds it.
        Polling (rather than a blocking pg_advisory_lock) lets one connection wait for
        several sources at once and take each as soon as it is free.
        """
        pending = [s for s in sources if s not in self.held]
        deadline = time.monotonic() + (wait if math.isfinite(wait) else 1e18)
        while True:
            pending = [s for s in pending if not self.try_lock(s)]
            if not pending or time.monotonic() >= deadline:
                break
            time.sleep(min(_POLL_SECONDS, max(0.0, deadline - time.monotonic())))
        return {s: holder(self.conn, s) for s in pending}


def holder(conn: psycopg.Connection, source: str) -> str:
    """Who holds a source's lock, as "host H pid P" (or the backend) when it can be found.

    pg_locks splits a bigint advisory key into classid (high half) and objid (low half);
    pg_stat_activity gives the holder's application_name, which a newsbot crawler sets
    to its host and pid. Failing that, a running crawl_runs row for the source says it.
    """
    row = conn.execute(
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
    if row is None:
        return "another session"
    app = row["application_name"] or ""
    since = row["backend_start"].strftime("%Y-%m-%d %H:%M:%S %Z") if row["backend_start"] else ""
    if app.startswith(_APP_PREFIX):
        who = app[len(_APP_PREFIX) :]
        run = conn.execute(
            """SELECT id FROM crawl_runs WHERE status = 'running' AND %s = ANY(sources)
               ORDER BY id DESC LIMIT 1""",
            (source,),
        ).fetchone()
        return f"host {who}" + (f", run {run['id']}" if run else "") + f", since {since}"
    where = f" from {row['addr']}" if row["addr"] else ""
    return f"database session pid {row['pid']}{where} ({app or 'no application name'})"


def interrupt_dead_runs(conn: psycopg.Connection) -> list[dict]:
    """Record as `interrupted` (finish_reason `killed`) every `running` run whose crawler
    is gone; the rows changed (id, sources, host, pid, started_at).

    A crawl holds its sources' locks from before its run row is written until after
    its end is recorded, so a `running` row none of whose locks any session holds was
    left by a crawler that died without a word (SIGKILL, power loss). A run whose lock
    is held, by whatever session on whatever machine, is left alone. One statement: a
    crawl that ends meanwhile has its row no longer `running`, and keeps its status.
    """
    rows = conn.execute(
        """UPDATE crawl_runs r
           SET status = 'interrupted', finish_reason = 'killed', finished_at = now()
           WHERE r.status = 'running'
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
                     SELECT oid FROM pg_database WHERE datname = current_database()))
           RETURNING r.id, r.sources, r.host, r.pid, r.started_at""",
        {"distributed": DISTRIBUTED_COMMAND, "prefix": _KEY_PREFIX},
    ).fetchall()
    conn.commit()
    return [dict(row) for row in rows]


def describe_dead_run(run: dict) -> str:
    """One log line about a run `interrupt_dead_runs` recorded."""
    started = run["started_at"].strftime("%Y-%m-%d %H:%M:%S %Z") if run["started_at"] else "?"
    return (
        f"run {run['id']} ({', '.join(run['sources'] or [])}; host {run['host']} pid "
        f"{run['pid']}, started {started}) was left running by a crawler that is gone "
        "(no lock of its sources is held): recorded as interrupted, killed"
    )
