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
from newsbot.errors import message_of
from newsbot.items import Article, DroppedPage, fields_of, row_columns
from newsbot.reposts.locking import LOCK_SPACE, lock_plan
from newsbot.reposts.similarity import anchors
from newsbot.storage import stories
from newsbot.urls import usable_canonical

logger = logging.getLogger(__name__)

_RETRIES = 3

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
    # what else extraction fills: a re-extraction that changes only these changed the row
    "published_precision",
    "modified_precision",
    "site_name",
    "section",
    "tags",
    "image_url",
    "credited_source",
)


@dataclass
class SaveResult:
    """What happened to one article: 'new', 'updated', 'unchanged', 'failed', or 'older'
    (an archived capture older than the stored page, which is kept)."""

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
    if isinstance(value, dict):  # a jsonb column (discovery_hints)
        return Jsonb({k: _clean(v) for k, v in value.items()})
    return value


def _has_surrogate(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


#: the articles columns the item fills (its fields' "columns" metadata), in declaration order
_ITEM_COLUMNS = tuple(c for f in fields_of("columns") for c in f.metadata["columns"])
#: what identifies a row: set when it is inserted, never updated
_IDENTITY = ("url", "source")


def _row_values(article: Article, run_id: int | None) -> dict:
    values = {**row_columns(article), "run_id": run_id}
    return {key: _clean(value) for key, value in values.items()}


_NAMES = ", ".join(_ITEM_COLUMNS)
_PLACEHOLDERS = ", ".join(f"%({c})s" for c in _ITEM_COLUMNS)
_ASSIGNMENTS = ", ".join(f"{c} = %({c})s" for c in _ITEM_COLUMNS if c not in _IDENTITY)

_INSERT = f"""
INSERT INTO articles ({_NAMES}, anchor_count, first_run_id, last_run_id)
VALUES ({_PLACEHOLDERS}, %(anchor_count)s, %(run_id)s, %(run_id)s)
ON CONFLICT (url) DO NOTHING
RETURNING id
"""

#: a new row and its anchors in one round trip (none when the URL was taken meanwhile)
_INSERT_WITH_ANCHORS = f"""
WITH new AS ({_INSERT}),
anchors AS (
    INSERT INTO article_anchors (hash, article_id)
    SELECT unnest(%(anchors)s::bigint[]), id FROM new
)
SELECT id FROM new
"""

_UPDATE = f"""
UPDATE articles SET {_ASSIGNMENTS}, updated_at = now(),
    last_run_id = coalesce(%(run_id)s, last_run_id)
WHERE id = %(id)s
"""


def _find_existing(conn: psycopg.Connection, article: Article) -> dict | None:
    row = conn.execute(
        f"SELECT id, fetched_at AS stored_fetch, {', '.join(_COMPARED)} FROM articles "
        "WHERE url = %s FOR UPDATE",
        (article.url,),
    ).fetchone()
    if row is None and (canonical := usable_canonical(article.url, article.canonical_url)):
        row = conn.execute(
            f"""SELECT id, fetched_at AS stored_fetch, {", ".join(_COMPARED)} FROM articles
                WHERE url = %s OR canonical_url = %s
                ORDER BY (url = %s) DESC, id LIMIT 1 FOR UPDATE""",
            (canonical, canonical, canonical),
        ).fetchone()
    return row


def save_article(
    conn: psycopg.Connection,
    article: Article,
    run_id: int | None = None,
    *,
    reextracted: bool = False,
    capture: bool = False,
) -> SaveResult:
    """Insert or update one article and link its story; runs inside the caller's transaction.

    `capture`: the page comes from an archive made by anyone (`newsbot ingest`), whose
    captures need not come in time order: a row fetched after it is newer and is kept
    (outcome "older").

    `reextracted`: the page is one stored before, extracted again from its archived raw
    page (`newsbot reprocess`): a changed text then says the rules changed, not the page,
    so no modification date is inferred from it.
    """
    values = _row_values(article, run_id)
    hashes = article.anchors or anchors(values["body"] or "")
    values["anchor_count"] = len(hashes)
    # lock before looking: a concurrent writer of a matching text waits for our commit
    # one statement, keys in ascending order (the array's order), so writers never deadlock
    keys, exclusive = lock_plan(hashes, article.content_hash)
    conn.execute(
        """SELECT count(CASE WHEN x THEN pg_advisory_xact_lock(%(space)s, k)
                             ELSE pg_advisory_xact_lock_shared(%(space)s, k) END)
           FROM unnest(%(keys)s::int[], %(exclusive)s::bool[]) AS t(k, x)""",
        {"space": LOCK_SPACE, "keys": keys, "exclusive": exclusive},
    )
    existing = _find_existing(conn, article)
    if existing is None:
        inserted = conn.execute(_INSERT_WITH_ANCHORS, {**values, "anchors": hashes}).fetchone()
        if inserted is None:  # a concurrent writer inserted the same URL first
            existing = _find_existing(conn, article)
        else:
            article_id, outcome = inserted["id"], "new"
    text_changed = False
    if capture and existing is not None and existing["stored_fetch"] > values["fetched_at"]:
        return SaveResult(article.url, "older", existing["id"])
    if existing is not None:
        article_id = existing["id"]
        if any(existing[key] != values[key] for key in _COMPARED):
            text_changed = existing["content_hash"] != values["content_hash"]
            if text_changed and values["modified_at"] is None and not reextracted:
                # the page changed without saying when: the re-crawl is the best evidence
                values = {
                    **values,
                    "modified_at": values["fetched_at"],
                    "modified_precision": "second",
                }
            conn.execute(_UPDATE, {**values, "id": article_id})
            outcome = "updated"
        else:
            # the same text: the row now points at the newest raw page, made by this code
            conn.execute(
                """UPDATE articles SET last_run_id = coalesce(%(run_id)s, last_run_id),
                       fetched_at = %(fetched_at)s,
                       discovery_lastmod = coalesce(%(discovery_lastmod)s, discovery_lastmod),
                       discovery_hints = coalesce(%(discovery_hints)s, discovery_hints),
                       warc_offset = CASE WHEN %(warc_file)s::text IS NULL THEN warc_offset
                                          ELSE %(warc_offset)s END,
                       warc_file = coalesce(%(warc_file)s, warc_file),
                       extractor_version = coalesce(%(extractor_version)s, extractor_version)
                   WHERE id = %(id)s""",
                {**values, "id": article_id},
            )
            outcome = "unchanged"
    if article.comments and outcome != "unchanged":
        _save_comments(conn, article_id, article.comments)
    if outcome == "unchanged":
        row = conn.execute("SELECT duplicate_of FROM articles WHERE id = %s", (article_id,))
        return SaveResult(article.url, outcome, article_id, row.fetchone()["duplicate_of"])
    orphans = stories.detach(conn, article_id) if text_changed else []
    if outcome != "new":  # a new row came with its anchors
        stories.store_anchors(conn, article_id, hashes)
    me = {
        "id": article_id,
        "source": values["source"],
        "anchor_count": len(hashes),
        "content_hash": values["content_hash"],
    }
    original = stories.link(conn, article_id, hashes, me, new=outcome == "new")
    for orphan in orphans:  # copies of the old text find their story again without us
        stories.link(conn, orphan, stories.stored_anchors(conn, orphan))
    return SaveResult(article.url, outcome, article_id, original)


def _save_comments(conn: psycopg.Connection, article_id: int, comments: list[str]) -> None:
    conn.execute("DELETE FROM article_comments WHERE article_id = %s", (article_id,))
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO article_comments (article_id, position, body) VALUES (%s, %s, %s)",
            [(article_id, i, _clean(text)) for i, text in enumerate(comments)],
        )


def save_batch(
    conn: psycopg.Connection,
    articles: list[Article],
    run_id: int | None = None,
    *,
    reextracted: bool = False,
    capture: bool = False,
) -> list[SaveResult]:
    """Save articles, each in its own short transaction: one bad article fails alone.

    Short transactions keep the story locks brief, so several crawler processes can
    write at once; a deadlock or serialisation failure is retried.
    """
    results: list[SaveResult] = []
    for article in articles:
        for attempt in range(1, _RETRIES + 1):
            try:
                with conn.transaction():
                    saved = save_article(
                        conn, article, run_id, reextracted=reextracted, capture=capture
                    )
                    results.append(saved)
                break
            except (psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure):
                if attempt == _RETRIES:
                    raise
            except (psycopg.DataError, psycopg.IntegrityError) as exc:
                logger.error("cannot store %s: %s", article.url, message_of(exc))
                results.append(SaveResult(article.url, "failed", error=str(exc)))
                break
    return results


def save_dropped(conn: psycopg.Connection, articles: list[Article | DroppedPage]) -> None:
    """Remember pages dropped as not articles, so that re-crawls can skip them."""
    with conn.transaction(), conn.cursor() as cur:
        cur.executemany(
            """INSERT INTO dropped_pages (url, source, reason, discovery_lastmod)
               VALUES (%s, %s, %s, %s)
               ON CONFLICT (url) DO UPDATE SET reason = EXCLUDED.reason,
                   discovery_lastmod = EXCLUDED.discovery_lastmod, dropped_at = now()""",
            [(a.url, a.source, a.drop_reason, a.hints.modified) for a in articles],
        )
