"""The query behind `newsbot demo`'s table of what the sample crawl stored."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg


def demo_articles(conn: psycopg.Connection, sources: Sequence[str]) -> list[dict[str, Any]]:
    """The sources' articles by publication, each with its original's source, for the table."""
    return conn.execute(
        """SELECT a.id, a.source, a.published_at, a.title, a.duplicate_of, a.credited_source,
                  o.source AS original_source
           FROM articles a LEFT JOIN articles o ON o.id = a.duplicate_of
           WHERE a.source = ANY(%s)
           ORDER BY a.published_at NULLS LAST, a.id""",
        (list(sources),),
    ).fetchall()
