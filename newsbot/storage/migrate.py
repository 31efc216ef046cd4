"""Plain SQL migrations in numbered files, applied once each and recorded.

An advisory lock makes concurrent `newsbot db upgrade` calls (two cron jobs,
several workers) safe: one applies, the others wait and find nothing to do.
"""

from __future__ import annotations

import re
from importlib import resources

import psycopg

_FILE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_LOCK_KEY = 0x6E657773  # "news"


def available() -> list[tuple[int, str, str]]:
    """(version, filename, sql) of every bundled migration, in order."""
    found = []
    for entry in resources.files("newsbot.storage").joinpath("migrations").iterdir():
        match = _FILE.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def applied(conn: psycopg.Connection) -> set[int]:
    exists = conn.execute("SELECT to_regclass('schema_migrations') IS NOT NULL AS ok").fetchone()
    if not _value(exists):
        return set()
    return {_value(r) for r in conn.execute("SELECT version FROM schema_migrations")}


def upgrade(conn: psycopg.Connection) -> list[str]:
    """Apply pending migrations in one transaction each; return the files applied."""
    done: list[str] = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
        conn.execute(
            """CREATE TABLE IF NOT EXISTS schema_migrations (
                   version     integer PRIMARY KEY,
                   filename    text NOT NULL,
                   applied_at  timestamptz NOT NULL DEFAULT now()
               )"""
        )
        have = applied(conn)
        for version, filename, sql in available():
            if version in have:
                continue
            with conn.transaction():
                conn.execute(sql)
                conn.execute(
                    "INSERT INTO schema_migrations (version, filename) VALUES (%s, %s)",
                    (version, filename),
                )
            done.append(filename)
    return done


def pending(conn: psycopg.Connection) -> list[str]:
    have = applied(conn)
    return [name for version, name, _ in available() if version not in have]


def _value(row: object) -> object:
    if isinstance(row, dict):
        return next(iter(row.values()))
    return row[0] if row is not None else None  # type: ignore[index]
