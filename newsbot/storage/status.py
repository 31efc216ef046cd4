"""Queries behind `newsbot runs` and `newsbot status`: run history and source health.

Kept apart from the commands so monitoring code can call them directly; all read-only.
"""

from __future__ import annotations

from typing import Any

import psycopg

#: article fields whose coverage `newsbot status` watches: name → SQL test for "present"
COVERAGE_FIELDS = {
    "published_at": "published_at IS NOT NULL",
    "authors": "coalesce(cardinality(authors), 0) > 0",
    "lead": "coalesce(lead, '') <> ''",
}


def recent_runs(
    conn: psycopg.Connection, limit: int = 20, source: str | None = None
) -> list[dict[str, Any]]:
    """The latest runs (newest first), optionally only those that included `source`."""
    return conn.execute(
        """SELECT id, started_at, finished_at, status, finish_reason, sources, counters, host,
                  pid, coalesce(finished_at, now()) - started_at AS duration
           FROM crawl_runs
           WHERE %(source)s::text IS NULL OR %(source)s = ANY(sources) OR counters ? %(source)s
           ORDER BY id DESC LIMIT %(limit)s""",
        {"source": source, "limit": limit},
    ).fetchall()


def known_sources(conn: psycopg.Connection) -> list[str]:
    rows = conn.execute(
        """SELECT name FROM sources
           UNION SELECT DISTINCT source FROM articles ORDER BY 1"""
    ).fetchall()
    return [r["name"] for r in rows]


def source_runs(conn: psycopg.Connection, source: str, limit: int = 20) -> list[dict[str, Any]]:
    """A source's latest runs that recorded counters for it (newest first)."""
    return conn.execute(
        """SELECT id, started_at, finished_at, status, counters -> %(source)s AS counters
           FROM crawl_runs WHERE counters ? %(source)s
           ORDER BY id DESC LIMIT %(limit)s""",
        {"source": source, "limit": limit},
    ).fetchall()


def new_articles_since(conn: psycopg.Connection, source: str, hours: float = 24) -> int:
    row = conn.execute(
        """SELECT count(*) AS n FROM articles
           WHERE source = %s AND first_seen_at >= now() - make_interval(secs => %s)""",
        (source, hours * 3600),
    ).fetchone()
    return int(row["n"])


def coverage(conn: psycopg.Connection, source: str, days: int = 7) -> dict[str, Any] | None:
    """Field coverage of a source's latest stored run vs the `days` before it.

    "Latest" is the newest run that stored or re-saw articles of the source
    (articles.last_run_id); the baseline is the source's other articles fetched in
    the `days` before that run's first fetch. None when the source has no articles.
    """
    latest = conn.execute(
        """SELECT last_run_id AS run_id, min(fetched_at) AS since FROM articles
           WHERE source = %s AND last_run_id = (
               SELECT max(last_run_id) FROM articles WHERE source = %s)
           GROUP BY last_run_id""",
        (source, source),
    ).fetchone()
    if latest is None or latest["run_id"] is None:
        return None
    shares = ", ".join(
        f"avg(CASE WHEN {test} THEN 1.0 ELSE 0.0 END)::float AS {name}"
        for name, test in COVERAGE_FIELDS.items()
    )
    recent = conn.execute(
        f"SELECT count(*) AS n, {shares} FROM articles WHERE source = %s AND last_run_id = %s",
        (source, latest["run_id"]),
    ).fetchone()
    baseline = conn.execute(
        f"""SELECT count(*) AS n, {shares} FROM articles
            WHERE source = %s AND last_run_id IS DISTINCT FROM %s
              AND fetched_at < %s AND fetched_at >= %s - make_interval(days => %s)""",
        (source, latest["run_id"], latest["since"], latest["since"], days),
    ).fetchone()
    return {"run_id": latest["run_id"], "recent": dict(recent), "baseline": dict(baseline)}


def extractor_versions(
    conn: psycopg.Connection, sources: list[str] | None = None
) -> dict[str, dict[str, int]]:
    """Articles per source and extractor_version ("" for rows stored before versions were
    recorded): what `newsbot reprocess --older-than-version` would find."""
    rows = conn.execute(
        """SELECT source, coalesce(extractor_version, '') AS version, count(*) AS n
           FROM articles WHERE %(sources)s::text[] IS NULL OR source = ANY(%(sources)s)
           GROUP BY 1, 2 ORDER BY 1, 2""",
        {"sources": sources},
    ).fetchall()
    found: dict[str, dict[str, int]] = {}
    for row in rows:
        found.setdefault(row["source"], {})[row["version"]] = int(row["n"])
    return found
