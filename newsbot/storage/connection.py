"""Which database to use, and connecting to it with errors an operator can act on."""

from __future__ import annotations

import os
import re

import psycopg
from psycopg.rows import dict_row

from newsbot.errors import DatabaseUnavailable, message_of

ENV_URL = "NEWSBOT_DATABASE_URL"
_PASSWORD_IN_URL = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^:/@]*:)(?P<pw>[^@]*)@", re.I)
_PASSWORD_KV = re.compile(r"(password\s*=\s*)('[^']*'|\S+)", re.I)
#: the URL `connect` last opened: names the database in one-line errors (newsbot.oneline)
_last_url: str | None = None


def last_database_url() -> str | None:
    """The URL of the last connection `connect` opened in this process, if any."""
    return _last_url


def mask_url(url: str) -> str:
    """The URL with any password replaced by ***, safe for logs and error messages."""
    url = _PASSWORD_IN_URL.sub(lambda m: m.group("head") + "***@", url)
    return _PASSWORD_KV.sub(r"\1***", url)


def resolve_database_url(explicit: str | None = None, *, announce: bool = True) -> str:
    """`explicit`, else $NEWSBOT_DATABASE_URL, else the embedded server (started on demand)."""
    url = explicit or os.environ.get(ENV_URL)
    if url:
        return url
    from newsbot.storage.embedded import embedded_server_url

    return embedded_server_url(announce=announce)


def connect(url: str, *, autocommit: bool = False, timeout: int = 10) -> psycopg.Connection:
    """Open a connection (dict rows); DatabaseUnavailable with a one-line reason on failure."""
    global _last_url
    _last_url = url
    try:
        return psycopg.connect(
            url,
            autocommit=autocommit,
            connect_timeout=timeout,
            row_factory=dict_row,
            application_name="newsbot",
        )
    except psycopg.Error as exc:
        reason = message_of(exc)
        raise DatabaseUnavailable(
            f"cannot connect to PostgreSQL at {mask_url(url)}: {mask_url(reason)}. "
            f"Check that the server is running and that {ENV_URL} is right."
        ) from None


def for_ingest(conn: psycopg.Connection) -> psycopg.Connection:
    """Tune a session that writes crawl results: commits do not wait for the WAL flush.

    Each article is its own short transaction (so story locks stay brief); waiting
    for an fsync per article would dominate the crawl. A server crash can lose the
    last fraction of a second of commits, never corrupt anything; those pages are
    simply fetched again by the next run.
    """
    conn.execute("SET synchronous_commit TO off")
    conn.commit()
    return conn
