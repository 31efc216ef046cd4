"""Per-source crawl locks: PostgreSQL session-level advisory locks.

Two crawls of one source (two cron jobs overlapping, two machines) would fetch every
page twice and race on the same rows. The database is the one thing every crawler
shares, so the lock lives there: `pg_try_advisory_lock` on a key derived from the
source name, held by a dedicated connection for the whole crawl. The server drops
session locks when that connection ends, so a killed crawler never leaves a stale lock.
It does leave its `crawl_runs` row `running`: `interrupt_dead_runs` finds such rows by
their sources' locks, which nobody holds any more, and records them as interrupted.
A server restart ends the session too, and with it the locks of a crawl that is still
running (its articles wait in the spool meanwhile): `SourceLocks.keep`, run every
LOCK_CHECK_SECONDS during a crawl (`watch`), reconnects and takes them again, with a
warning, so that another crawl neither overlaps it nor records its run as dead.
This module is the policy (what to lock, how long to wait, what to tell the operator);
the SQL is in newsbot.storage.locks.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import socket
import time
from collections.abc import Iterable
from typing import Any

import psycopg

from newsbot.errors import DatabaseUnavailable
from newsbot.storage import connect
from newsbot.storage.locks import (
    interrupt_unlocked_runs,
    lock_holder,
    lock_name,
    ping,
    running_run_of,
    set_application_name,
    unlock_all,
    unlocked_running_runs,
)
from newsbot.storage.locks import try_lock as try_source_lock

logger = logging.getLogger(__name__)

#: seconds between two checks that the lock connection (and so the locks) still lives
LOCK_CHECK_SECONDS = 5.0

#: application_name of a lock connection: lets another crawler say who holds a lock
_APP_PREFIX = "newsbot crawl "
_POLL_SECONDS = 0.2

#: how `newsbot enqueue` records a distributed round: a run no process holds locks for
#: (its workers finish it), so it is never taken for a dead crawl
DISTRIBUTED_COMMAND = "newsbot enqueue"

__all__ = [
    "DISTRIBUTED_COMMAND",
    "SourceLocks",
    "dead_run_warning",
    "describe_dead_run",
    "find_dead_runs",
    "holder",
    "interrupt_dead_runs",
    "lock_name",
    "watch",
]


class SourceLocks:
    """A dedicated connection holding the advisory locks of the sources being crawled.

    Use as a context manager; leaving it (or the process dying) releases every lock.
    """

    def __init__(self, database_url: str, *, shared: bool = False) -> None:
        #: shared locks: the workers of a distributed crawl hold a source together, and
        #: an ordinary crawl (exclusive) of it waits or exits 4 meanwhile
        self.shared = shared
        self.database_url = database_url
        self.conn: psycopg.Connection = self._connect()
        self.held: list[str] = []
        #: sources whose lock went with a lost session and could not be taken again yet
        self.lost: list[str] = []

    def _connect(self) -> psycopg.Connection:
        conn = connect(self.database_url, autocommit=True)
        set_application_name(conn, f"{_APP_PREFIX}{socket.gethostname()} pid {os.getpid()}")
        return conn

    def __enter__(self) -> SourceLocks:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release every lock (closing the session does it; unlock first to be explicit)."""
        if self.conn.closed:
            return
        with contextlib.suppress(psycopg.Error):
            unlock_all(self.conn)
        self.conn.close()
        self.held.clear()

    def keep(self) -> None:
        """Check the lock session; when it is gone (the server restarted, the session was
        terminated) its locks are gone too: reconnect and take them again, warning."""
        try:
            if not self.conn.closed:
                ping(self.conn)
                if not self.lost:
                    return
        except psycopg.Error:
            pass
        if self.conn.closed or self.conn.broken:
            with contextlib.suppress(psycopg.Error):
                self.conn.close()
            try:
                self.conn = self._connect()
            except (psycopg.Error, DatabaseUnavailable):
                if self.held:
                    logger.warning(
                        "source locks lost with their database session (%s); taking them "
                        "again once the database answers",
                        ", ".join(self.held),
                    )
                    self.lost += self.held
                    self.held = []
                return
            self.lost += self.held
            self.held = []
        try:
            for source in list(self.lost):
                if self.try_lock(source):
                    self.lost.remove(source)
                    logger.warning(
                        "source %s: its lock was lost with the database session "
                        "(server restarted?) and is held again",
                        source,
                    )
                else:
                    logger.warning(
                        "source %s: its lock was lost with the database session and "
                        "another crawl holds it now (%s)",
                        source,
                        holder(self.conn, source),
                    )
        except psycopg.Error:
            pass  # the database went away again: next check

    def try_lock(self, source: str) -> bool:
        if try_source_lock(self.conn, source, shared=self.shared):
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


def watch(locks: SourceLocks, interval: float = LOCK_CHECK_SECONDS) -> Any:
    """Run `locks.keep` every `interval` seconds off the reactor thread, while the
    reactor runs; the LoopingCall (stop it when the crawl ends)."""
    from twisted.internet.task import LoopingCall
    from twisted.internet.threads import deferToThread

    loop = LoopingCall(lambda: deferToThread(locks.keep))
    loop.start(interval, now=False).addErrback(
        lambda failure: logger.error("source lock check stopped: %s", failure.getTraceback())
    )
    return loop


def holder(conn: psycopg.Connection, source: str) -> str:
    """Who holds a source's lock, as "host H pid P" (or the backend) when it can be found.

    pg_locks splits a bigint advisory key into classid (high half) and objid (low half);
    pg_stat_activity gives the holder's application_name, which a newsbot crawler sets
    to its host and pid. Failing that, a running crawl_runs row for the source says it.
    """
    row = lock_holder(conn, source)
    if row is None:
        return "another session"
    app = row["application_name"] or ""
    since = row["backend_start"].strftime("%Y-%m-%d %H:%M:%S %Z") if row["backend_start"] else ""
    if app.startswith(_APP_PREFIX):
        who = app[len(_APP_PREFIX) :]
        run = running_run_of(conn, source)
        return f"host {who}" + (f", run {run}" if run is not None else "") + f", since {since}"
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
    return interrupt_unlocked_runs(conn, DISTRIBUTED_COMMAND)


def find_dead_runs(conn: psycopg.Connection) -> list[dict]:
    """The `running` runs whose crawler is gone, as `interrupt_dead_runs` would find them,
    without changing them (`newsbot status` reads; the next crawl records them)."""
    return unlocked_running_runs(conn, DISTRIBUTED_COMMAND)


def dead_run_warning(run: dict) -> str:
    """What `newsbot status` says about a run `find_dead_runs` found."""
    started = run["started_at"].strftime("%Y-%m-%d %H:%M:%S %Z") if run["started_at"] else "?"
    return (
        f"run {run['id']} (host {run['host']} pid {run['pid']}, started {started}) is "
        "recorded as running, but no lock of its sources is held: its crawler is gone "
        "(killed, e.g. by SIGKILL or the OOM killer); the next crawl records it as "
        "interrupted"
    )


def describe_dead_run(run: dict) -> str:
    """One log line about a run `interrupt_dead_runs` recorded."""
    started = run["started_at"].strftime("%Y-%m-%d %H:%M:%S %Z") if run["started_at"] else "?"
    return (
        f"run {run['id']} ({', '.join(run['sources'] or [])}; host {run['host']} pid "
        f"{run['pid']}, started {started}) was left running by a crawler that is gone "
        "(no lock of its sources is held): recorded as interrupted, killed"
    )
