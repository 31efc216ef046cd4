"""Read-only counts and sizes of a store, as benches and operators measure them.

Each function reads; none writes. They return plain dicts (whatever row factory the
connection has), so a bench that opened its connection with psycopg directly can use
them as well as one opened with newsbot.storage.connect.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg.rows import dict_row


def _rows(conn: psycopg.Connection, query: str, params: Any = None) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(query, params).fetchall()


def article_count(conn: psycopg.Connection) -> int:
    """Rows in `articles`."""
    return int(_rows(conn, "SELECT count(*) AS n FROM articles")[0]["n"])


def article_count_and_max_id(conn: psycopg.Connection) -> tuple[int, int]:
    """Rows in `articles` and their largest id (0 when empty): where a bulk fill resumes."""
    row = _rows(conn, "SELECT count(*) AS n, coalesce(max(id), 0) AS m FROM articles")[0]
    return int(row["n"]), int(row["m"])


def article_url_counts(conn: psycopg.Connection) -> dict[str, int]:
    """Rows, distinct URLs and distinct article keys (canonical URL, else URL): two rows
    for one article show as `rows` above `keys`."""
    return _rows(
        conn,
        "SELECT count(*) AS rows, count(DISTINCT url) AS urls, "
        "count(DISTINCT coalesce(canonical_url, url)) AS keys FROM articles",
    )[0]


def duplicate_links(conn: psycopg.Connection) -> list[dict[str, Any]]:
    """Every article's id, url and duplicate_of: the repost links to score."""
    return _rows(conn, "SELECT id, url, duplicate_of FROM articles")


def article_ids(conn: psycopg.Connection, urls: Sequence[str]) -> dict[str, int]:
    """Stored article id by URL, for those of `urls` that are stored."""
    rows = _rows(conn, "SELECT url, id FROM articles WHERE url = ANY(%s)", (list(urls),))
    return {r["url"]: r["id"] for r in rows}


def articles_with_links(conn: psycopg.Connection) -> list[dict[str, Any]]:
    """Every article with its repost link and how it was found, in id order."""
    return _rows(
        conn,
        """SELECT a.id, a.source, a.title, a.published_at, a.duplicate_of,
                  a.dedup_method, a.similarity, a.credited_source, a.body
           FROM articles a ORDER BY a.id""",
    )


def stored_texts(conn: psycopg.Connection) -> list[dict[str, Any]]:
    """Every article's url, canonical_url, title and body, to check against a known web."""
    return _rows(conn, "SELECT url, canonical_url, title, body FROM articles")


def dropped_reasons(conn: psycopg.Connection) -> dict[str, str]:
    """Why each dropped page was not stored, by URL."""
    return {r["url"]: r["reason"] for r in _rows(conn, "SELECT url, reason FROM dropped_pages")}


def run_statuses(conn: psycopg.Connection) -> list[str]:
    """The status of every run recorded in `crawl_runs`."""
    return [r["status"] for r in _rows(conn, "SELECT status FROM crawl_runs")]


def database_sizes(conn: psycopg.Connection) -> dict[str, int]:
    """Bytes of the database, of `articles` and of `article_anchors` (with indexes and
    TOAST), the article count `n` and the planner's estimate of anchor rows."""
    return _rows(
        conn,
        """SELECT pg_database_size(current_database()) AS db,
                  pg_total_relation_size('articles') AS articles,
                  pg_total_relation_size('article_anchors') AS anchors,
                  (SELECT count(*) FROM articles) AS n,
                  (SELECT reltuples::bigint FROM pg_class WHERE oid = 'article_anchors'::regclass)
                      AS anchor_rows""",
    )[0]


def body_size_summary(conn: psycopg.Connection) -> dict[str, Any]:
    """The database size as PostgreSQL prints it (`s`), the average body in bytes
    (`body`) and the article count (`n`)."""
    return _rows(
        conn,
        "SELECT pg_size_pretty(pg_database_size(current_database())) AS s, "
        "avg(octet_length(body))::int AS body, count(*) AS n FROM articles",
    )[0]
