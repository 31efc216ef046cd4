"""Lookups of the incremental middleware: what a source already has, and feed validators.

Read once when a source's crawl opens, so a re-crawl requests only new, changed or due
pages and asks for feeds and sitemaps conditionally; the validators are written back
after a complete crawl.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import psycopg

#: url → (fetched_at or dropped_at, discovery_lastmod)
KnownPages = dict[str, tuple[datetime, str | None]]
#: url → (etag, last_modified)
Validators = dict[str, tuple[str | None, str | None]]


def known_pages(conn: psycopg.Connection, source: str) -> KnownPages:
    """A source's stored articles and dropped pages, so unchanged ones are not fetched again."""
    known: KnownPages = {}
    for row in conn.execute(
        "SELECT url, fetched_at, discovery_lastmod FROM articles WHERE source = %s",
        (source,),
    ):
        known[row["url"]] = (row["fetched_at"], row["discovery_lastmod"])
    for row in conn.execute(
        """SELECT url, dropped_at, discovery_lastmod FROM dropped_pages
           WHERE source = %s""",
        (source,),
    ):
        known.setdefault(row["url"], (row["dropped_at"], row["discovery_lastmod"]))
    return known


def fetch_validators(conn: psycopg.Connection, source: str) -> Validators:
    """A source's feed/sitemap ETag and Last-Modified values, to request them conditionally."""
    return {
        row["url"]: (row["etag"], row["last_modified"])
        for row in conn.execute(
            "SELECT url, etag, last_modified FROM fetch_validators WHERE source = %s",
            (source,),
        )
    }


def save_fetch_validators(
    conn: psycopg.Connection, source: str, validators: Mapping[str, tuple[str | None, str | None]]
) -> None:
    """Store (upsert) validators seen in a complete crawl, so the next one can get a 304."""
    with conn.cursor() as cur:
        cur.executemany(
            """INSERT INTO fetch_validators (url, source, etag, last_modified)
               VALUES (%s, %s, %s, %s)
               ON CONFLICT (url) DO UPDATE SET etag = EXCLUDED.etag,
                   last_modified = EXCLUDED.last_modified, fetched_at = now()""",
            [(url, source, etag, modified) for url, (etag, modified) in validators.items()],
        )
    conn.commit()
