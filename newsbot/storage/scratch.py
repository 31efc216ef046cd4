"""Scratch databases that benches create on a server, fill, measure and drop.

A bench must never write into the database an operator crawls into, so it makes its
own (by a fixed name, dropped first if a killed run left it behind) and drops it after.
"""

from __future__ import annotations

from collections.abc import Sequence

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo


def database_url(server: str, name: str) -> str:
    """`server`'s connection string with its database replaced by `name`."""
    params = conninfo_to_dict(server)
    params["dbname"] = name
    return make_conninfo(**params)


def recreate_database(server: str, name: str) -> str:
    """Drop `name` if it exists (a leftover of an interrupted run), create it empty,
    return its URL."""
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return database_url(server, name)


def drop_database(server: str, name: str) -> None:
    """Drop `name`, closing any session still connected to it."""
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def drop_search_vector(conn: psycopg.Connection) -> None:
    """Drop the generated full-text column: computing it on every insert would dominate
    a bulk load that the bench does not search (not committed)."""
    conn.execute("ALTER TABLE articles DROP COLUMN IF EXISTS search_vector CASCADE")


def empty_crawl_tables(conn: psycopg.Connection) -> None:
    """Remove every article, comment, run and source, and restart their ids (committed)."""
    conn.execute(
        "TRUNCATE articles, article_comments, crawl_runs, sources RESTART IDENTITY CASCADE"
    )
    conn.commit()


def vacuum_analyze(url: str, tables: Sequence[str]) -> None:
    """VACUUM ANALYZE each table after a bulk load, so plans see the real row counts
    (VACUUM cannot run in a transaction, hence a connection of its own)."""
    with psycopg.connect(url, autocommit=True) as conn:
        for table in tables:
            conn.execute(sql.SQL("VACUUM ANALYZE {}").format(sql.Identifier(table)))
