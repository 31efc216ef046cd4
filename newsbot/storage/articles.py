"""Writing articles: idempotent upserts and repost linking, safe under concurrency.

One page is one row: a row is found by its normalised URL, or by the canonical URL
the page declares. Copies of one story (same content hash) all point at the
earliest-published copy through `duplicate_of`, never through a chain; the link is
recomputed under an advisory lock on the hash whenever a copy is added or changed,
so an earlier copy found later takes over as the original.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from newsbot.config import Source
from newsbot.items import Article
from newsbot.urls import usable_canonical

logger = logging.getLogger(__name__)

_COMPARED = (
    "canonical_url",
    "title",
    "authors",
    "body",
    "lead",
    "language",
    "published_at",
    "modified_at",
    "content_hash",
)


@dataclass
class SaveResult:
    """What happened to one article: 'new', 'updated', 'unchanged' or 'failed'."""

    url: str
    outcome: str
    article_id: int | None = None
    duplicate_of: int | None = None
    error: str | None = None


def ensure_sources(conn: psycopg.Connection, sources: Iterable[Source]) -> None:
    """Record (or refresh) each source's declared settings; articles reference them."""
    with conn.transaction():
        for source in sources:
            conn.execute(
                """INSERT INTO sources (name, config) VALUES (%s, %s)
                   ON CONFLICT (name) DO UPDATE
                   SET config = EXCLUDED.config, updated_at = now()
                   WHERE sources.config IS DISTINCT FROM EXCLUDED.config""",
                (source.name, Jsonb(source.to_dict())),
            )


def _clean(value: Any) -> Any:
    """PostgreSQL text cannot hold NUL characters or lone surrogates."""
    if isinstance(value, str):
        value = value.replace("\x00", "")
        return value.encode("utf-8", "replace").decode("utf-8") if _has_surrogate(value) else value
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _has_surrogate(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _row_values(article: Article, run_id: int | None) -> dict:
    published, modified = article.published, article.modified
    values = {
        "url": article.url,
        "canonical_url": article.canonical_url,
        "source": article.source,
        "title": article.title,
        "authors": list(article.authors),
        "body": article.body,
        "lead": article.lead,
        "language": article.language,
        "published_at": published.utc if published else None,
        "published_precision": published.precision if published else None,
        "modified_at": modified.utc if modified else None,
        "modified_precision": modified.precision if modified else None,
        "date_evidence": published.evidence if published else None,
        "fetched_at": article.fetched_at,
        "content_hash": article.content_hash,
        "credited_source": article.credited_source,
        "site_name": article.site_name,
        "section": article.section,
        "tags": list(article.tags),
        "image_url": article.image_url,
        "run_id": run_id,
    }
    return {key: _clean(value) for key, value in values.items()}


_INSERT = """
INSERT INTO articles (url, canonical_url, source, title, authors, body, lead, language,
    published_at, published_precision, modified_at, modified_precision, date_evidence,
    fetched_at, content_hash, credited_source, site_name, section, tags, image_url,
    first_run_id, last_run_id)
VALUES (%(url)s, %(canonical_url)s, %(source)s, %(title)s, %(authors)s, %(body)s, %(lead)s,
    %(language)s, %(published_at)s, %(published_precision)s, %(modified_at)s,
    %(modified_precision)s, %(date_evidence)s, %(fetched_at)s, %(content_hash)s,
    %(credited_source)s, %(site_name)s, %(section)s, %(tags)s, %(image_url)s,
    %(run_id)s, %(run_id)s)
ON CONFLICT (url) DO NOTHING
RETURNING id
"""

_UPDATE = """
UPDATE articles SET canonical_url = %(canonical_url)s, title = %(title)s,
    authors = %(authors)s, body = %(body)s, lead = %(lead)s, language = %(language)s,
    published_at = %(published_at)s, published_precision = %(published_precision)s,
    modified_at = %(modified_at)s, modified_precision = %(modified_precision)s,
    date_evidence = %(date_evidence)s, fetched_at = %(fetched_at)s,
    content_hash = %(content_hash)s, credited_source = %(credited_source)s,
    site_name = %(site_name)s, section = %(section)s, tags = %(tags)s,
    image_url = %(image_url)s, updated_at = now(), last_run_id = %(run_id)s
WHERE id = %(id)s
"""


def _find_existing(conn: psycopg.Connection, article: Article) -> dict | None:
    row = conn.execute(
        f"SELECT id, {', '.join(_COMPARED)} FROM articles WHERE url = %s FOR UPDATE",
        (article.url,),
    ).fetchone()
    if row is None and (canonical := usable_canonical(article.url, article.canonical_url)):
        row = conn.execute(
            f"""SELECT id, {", ".join(_COMPARED)} FROM articles
                WHERE url = %s OR canonical_url = %s
                ORDER BY (url = %s) DESC, id LIMIT 1 FOR UPDATE""",
            (canonical, canonical, canonical),
        ).fetchone()
    return row


def save_article(
    conn: psycopg.Connection, article: Article, run_id: int | None = None
) -> SaveResult:
    """Insert or update one article and re-link its story; runs inside the caller's transaction."""
    values = _row_values(article, run_id)
    existing = _find_existing(conn, article)
    old_hash = None
    if existing is None:
        inserted = conn.execute(_INSERT, values).fetchone()
        if inserted is None:  # a concurrent writer inserted the same URL first
            existing = _find_existing(conn, article)
        else:
            article_id, outcome = inserted["id"], "new"
    if existing is not None:
        article_id = existing["id"]
        changed = any(existing[key] != values[key] for key in _COMPARED)
        if changed:
            old_hash = existing["content_hash"]
            conn.execute(_UPDATE, {**values, "id": article_id})
            outcome = "updated"
        else:
            conn.execute("UPDATE articles SET last_run_id = %s WHERE id = %s", (run_id, article_id))
            outcome = "unchanged"
    if article.comments and outcome != "unchanged":
        _save_comments(conn, article_id, article.comments)
    for content_hash in {article.content_hash, old_hash} - {None}:
        link_story(conn, content_hash)
    row = conn.execute("SELECT duplicate_of FROM articles WHERE id = %s", (article_id,)).fetchone()
    return SaveResult(article.url, outcome, article_id, row["duplicate_of"] if row else None)


def _save_comments(conn: psycopg.Connection, article_id: int, comments: list[str]) -> None:
    conn.execute("DELETE FROM article_comments WHERE article_id = %s", (article_id,))
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO article_comments (article_id, position, body) VALUES (%s, %s, %s)",
            [(article_id, i, _clean(text)) for i, text in enumerate(comments)],
        )


def link_story(conn: psycopg.Connection, content_hash: str) -> None:
    """Point every copy of one story at its earliest-published copy (ties: first fetched)."""
    conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (content_hash,))
    conn.execute(
        """WITH story AS (
               SELECT id,
                      first_value(id) OVER (
                          ORDER BY published_at ASC NULLS LAST, fetched_at ASC, id ASC
                      ) AS original
               FROM articles WHERE content_hash = %(hash)s
           )
           UPDATE articles a SET duplicate_of = NULLIF(story.original, a.id)
           FROM story
           WHERE a.id = story.id
             AND a.duplicate_of IS DISTINCT FROM NULLIF(story.original, a.id)""",
        {"hash": content_hash},
    )
    # copies whose story changed hash must not keep pointing at a row of another story
    conn.execute(
        """UPDATE articles r SET duplicate_of = NULL
           FROM articles o
           WHERE r.duplicate_of = o.id AND o.content_hash = %(hash)s
             AND r.content_hash IS DISTINCT FROM o.content_hash""",
        {"hash": content_hash},
    )


def save_batch(
    conn: psycopg.Connection, articles: list[Article], run_id: int | None = None
) -> list[SaveResult]:
    """Save articles in one transaction; one bad article fails alone (savepoint per item)."""
    results: list[SaveResult] = []
    with conn.transaction():
        for article in articles:
            try:
                with conn.transaction():
                    results.append(save_article(conn, article, run_id))
            except psycopg.DataError as exc:
                logger.error("cannot store %s: %s", article.url, " ".join(str(exc).split()))
                results.append(SaveResult(article.url, "failed", error=str(exc)))
            except psycopg.IntegrityError as exc:
                logger.error("cannot store %s: %s", article.url, " ".join(str(exc).split()))
                results.append(SaveResult(article.url, "failed", error=str(exc)))
    return results
