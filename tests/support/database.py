"""Scratch databases for tests and benchmarks: created on a server, dropped afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql

from newsbot.storage.scratch import drop_database, recreate_database


@contextmanager
def scratch_database(server: str, prefix: str) -> Iterator[str]:
    """Create an empty database named `<prefix>_<random>` on `server`; yield its URL; drop it.

    The random part lets tests and benches that run at once share a server."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    url = recreate_database(server, name)
    try:
        yield url
    finally:
        drop_database(server, name)


def drop_role(url: str, name: str) -> None:
    """Drop the role `name` and what it owns or was granted, connected to `url` as its owner."""
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(name)))
        admin.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))
