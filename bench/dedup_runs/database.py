"""The bench's own scratch database: made fresh for a run, emptied between runs, dropped
after (the bench must never write into the database an operator crawls into)."""

from __future__ import annotations

import psycopg
from dedup_data.sites import SITES

from newsbot.config import Source
from newsbot.storage import connect, resolve_database_url, upgrade
from newsbot.storage.articles import ensure_sources
from newsbot.storage.scratch import (
    drop_database,
    drop_search_vector,
    empty_crawl_tables,
    recreate_database,
)

BENCH_DB = "newsbot_bench_dedup"


def server_url(explicit: str | None) -> str:
    return resolve_database_url(explicit, announce=False)


def create_db(server: str, *, search_vector: bool = False) -> str:
    """A fresh bench database with the newsbot schema.

    Without `search_vector`, the full-text search column (issue 7, a generated column
    computed on every insert) is dropped: this bench measures repost detection, and
    computing 1M tsvectors would triple the fill time. `--with-search-vector` keeps it,
    to see the whole store cost.
    """
    url = recreate_database(server, BENCH_DB)
    with connect(url) as conn:
        upgrade(conn)
        if not search_vector:
            drop_search_vector(conn)
        conn.commit()
    return url


def drop_db(server: str) -> None:
    drop_database(server, BENCH_DB)


def reset(conn: psycopg.Connection) -> None:
    """No articles, runs or sources; the bench's publishers declared again."""
    empty_crawl_tables(conn)
    ensure_sources(conn, [Source(s.name, feeds=(f"https://{s.host}/rss",)) for s in SITES])
    conn.commit()
