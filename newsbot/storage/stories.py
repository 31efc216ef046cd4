"""Stories: linking every copy of one story to its original, in the database.

Runs inside the transaction that stores an article. Advisory locks on the
article's anchor buckets serialise writers whose texts could match, so two
crawler processes storing copies of one story at once link them exactly as one
process would; writers of unrelated texts do not wait for each other.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import psycopg

from newsbot.similarity import MIN_SHARED, Match, anchors

#: a hash found in more articles than this is common phrasing, not evidence
MAX_POSTINGS = 64
#: advisory-lock buckets for anchors (locks are per bucket, taken in sorted order)
LOCK_BUCKETS = 1 << 20
LOCK_SPACE = 0x73746F72  # "stor": keeps these locks apart from other advisory locks
_FAR_FUTURE = datetime.max.replace(tzinfo=UTC)


def lock_keys(hashes: Iterable[int], content_hash: str | None) -> list[int]:
    keys = {h % LOCK_BUCKETS for h in hashes}
    if content_hash:
        keys.add(int(content_hash[:8], 16) % LOCK_BUCKETS)
    return sorted(keys)


def store_anchors(conn: psycopg.Connection, article_id: int, body: str) -> list[int]:
    """Replace an article's anchors (its text changed or is new)."""
    found = anchors(body)
    conn.execute("DELETE FROM article_anchors WHERE article_id = %s", (article_id,))
    if found:
        conn.execute(
            """INSERT INTO article_anchors (hash, article_id)
               SELECT unnest(%s::bigint[]), %s""",
            (found, article_id),
        )
    conn.execute("UPDATE articles SET anchor_count = %s WHERE id = %s", (len(found), article_id))
    return found


def _candidates(
    conn: psycopg.Connection, article_id: int, hashes: list[int], content_hash: str | None
) -> dict[int, int]:
    """Articles sharing at least MIN_SHARED uncommon anchors (id → shared), and exact copies."""
    shared: dict[int, int] = {}
    if hashes:
        rows = conn.execute(
            """WITH post AS (
                   SELECT q.hash, p.article_id
                   FROM unnest(%(hashes)s::bigint[]) AS q(hash)
                   CROSS JOIN LATERAL (
                       SELECT s.article_id FROM article_anchors s
                       WHERE s.hash = q.hash AND s.article_id <> %(id)s
                       LIMIT %(cap)s
                   ) p
               ), common AS (
                   SELECT hash FROM post GROUP BY hash HAVING count(*) >= %(cap)s
               )
               SELECT article_id, count(*) AS shared FROM post
               WHERE hash NOT IN (SELECT hash FROM common)
               GROUP BY article_id HAVING count(*) >= %(min)s""",
            {"hashes": hashes, "id": article_id, "cap": MAX_POSTINGS, "min": MIN_SHARED},
        ).fetchall()
        shared = {r["article_id"]: r["shared"] for r in rows}
    if content_hash:
        for row in conn.execute(
            "SELECT id FROM articles WHERE content_hash = %s AND id <> %s",
            (content_hash, article_id),
        ):
            shared.setdefault(row["id"], -1)  # -1: identical text, whatever the anchors say
    return shared


def _credits(member: dict, others: list[dict]) -> bool:
    """True when another copy's credit line names this copy's site or source."""
    names = {n.casefold() for n in (member["source"], member["site_name"]) if n}
    return any(
        (o["credited_source"] or "").casefold() in names for o in others if o["id"] != member["id"]
    )


def link(conn: psycopg.Connection, article_id: int, hashes: list[int]) -> int | None:
    """Join the article to the story of every copy it matches; return its original (or None).

    The original of a story is its earliest-published copy; ties go to the copy
    that the others credit, then to the first seen. All copies point straight
    at it; when an earlier copy arrives later, the whole story is re-pointed.
    """
    me = conn.execute(
        "SELECT id, source, anchor_count, content_hash FROM articles WHERE id = %s",
        (article_id,),
    ).fetchone()
    found = _candidates(conn, article_id, hashes, me["content_hash"])
    matches: dict[int, tuple[str, float]] = {}
    if found:
        rows = conn.execute(
            "SELECT id, source, anchor_count, duplicate_of FROM articles WHERE id = ANY(%s)",
            (list(found),),
        ).fetchall()
        for row in rows:
            count = found[row["id"]]
            if count == -1:
                matches[row["id"]] = ("exact", 1.0)
                continue
            match = Match(count, me["anchor_count"] or 0, row["anchor_count"] or 0)
            if match.same_story(same_source=row["source"] == me["source"]):
                matches[row["id"]] = ("near", round(match.containment, 4))
        roots = {r["duplicate_of"] or r["id"] for r in rows if r["id"] in matches}
    else:
        roots = set()
    # this article may itself be an original that others point at
    roots.add(article_id)
    members = conn.execute(
        """SELECT id, source, site_name, credited_source, published_at, first_seen_at
           FROM articles WHERE id = ANY(%(roots)s) OR duplicate_of = ANY(%(roots)s)""",
        {"roots": list(roots)},
    ).fetchall()
    original = min(
        members,
        key=lambda m: (
            m["published_at"] or _FAR_FUTURE,
            not _credits(m, members),
            m["first_seen_at"],
            m["id"],
        ),
    )["id"]
    best = max(matches.values(), key=lambda m: m[1], default=(None, None))
    for member in members:
        target = None if member["id"] == original else original
        if member["id"] == article_id:
            method, score = best if target else (None, None)
            conn.execute(
                """UPDATE articles SET duplicate_of = %s, dedup_method = %s, similarity = %s
                   WHERE id = %s""",
                (target, method, score, article_id),
            )
            continue
        method, score = matches.get(member["id"], (None, None))
        conn.execute(
            """UPDATE articles SET duplicate_of = %(target)s,
                   dedup_method = CASE WHEN %(target)s::bigint IS NULL THEN NULL
                                       ELSE coalesce(dedup_method, %(method)s) END,
                   similarity = CASE WHEN %(target)s::bigint IS NULL THEN NULL
                                     ELSE coalesce(similarity, %(score)s) END
               WHERE id = %(id)s""",
            {"target": target, "method": method, "score": score, "id": member["id"]},
        )
    return None if original == article_id else original


def detach(conn: psycopg.Connection, article_id: int) -> list[int]:
    """Before an article's text changes: its copies no longer follow it. Returns them."""
    rows = conn.execute(
        "UPDATE articles SET duplicate_of = NULL WHERE duplicate_of = %s RETURNING id",
        (article_id,),
    ).fetchall()
    return [r["id"] for r in rows]
