"""Stories: linking every copy of one story to its original, in the database.

Runs inside the transaction that stores an article. Which copies match and which
is the original is decided in `newsbot.reposts`; this module reads and writes the
rows. Advisory locks on the article's anchor buckets (`reposts.locking.lock_plan`)
serialise writers whose texts could match, so two crawler processes storing copies
of one story at once link them exactly as one process would; writers of unrelated
texts do not wait for each other, even when they share common phrasing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg

from newsbot.reposts.original import choose_original, copy_verdict
from newsbot.reposts.similarity import MIN_CONTAINMENT, MIN_SHARED

#: postings read per anchor (fewer for long texts, so that one article never reads more
#: than POSTINGS_BUDGET): bounds the cost of common phrasing as the store grows
MAX_POSTINGS = 64
MIN_POSTINGS = 16
POSTINGS_BUDGET = 3000
#: candidates scored per article, those sharing the most anchors first
MAX_CANDIDATES = 32


def store_anchors(conn: psycopg.Connection, article_id: int, found: list[int]) -> None:
    """Replace a stored article's anchors (a new row gets its own with the insert)."""
    conn.execute("DELETE FROM article_anchors WHERE article_id = %s", (article_id,))
    if found:
        conn.execute(
            """INSERT INTO article_anchors (hash, article_id)
               SELECT unnest(%s::bigint[]), %s""",
            (found, article_id),
        )
    conn.execute("UPDATE articles SET anchor_count = %s WHERE id = %s", (len(found), article_id))


def stored_anchors(conn: psycopg.Connection, article_id: int) -> list[int]:
    """An article's anchors as stored (no need to re-read and re-hash its body)."""
    return [
        r["hash"]
        for r in conn.execute(
            "SELECT hash FROM article_anchors WHERE article_id = %s ORDER BY hash", (article_id,)
        )
    ]


def _candidates(
    conn: psycopg.Connection, article_id: int, hashes: list[int], content_hash: str | None
) -> dict[int, dict]:
    """The articles that may be copies of this one, with the originals they point at.

    Keyed by id; each row says whether it was `found` (a candidate, not only a
    candidate's original) and how many of `hashes` it holds (`shared`, the full
    overlap, common phrasing included). One statement: a text is scored in one
    round trip to the database, whatever it matches.

    Candidates are found through the anchors' posting lists, each read up to
    MAX_POSTINGS entries, so the cost per article stays bounded however large the
    store grows; a popular story's copies still surface, because every list holds
    some of them. An article that shares some phrasing but cannot reach
    MIN_CONTAINMENT, even if it held every anchor whose list was cut short, is no
    candidate: most texts share a few phrases with many others. Copies with the same
    content hash are always candidates.
    """
    cap = max(MIN_POSTINGS, min(MAX_POSTINGS, POSTINGS_BUDGET // max(1, len(hashes))))
    rows = conn.execute(
        """WITH post AS (
               SELECT q.hash, p.article_id, count(*) OVER (PARTITION BY q.hash) AS n
               FROM unnest(%(hashes)s::bigint[]) AS q(hash)
               CROSS JOIN LATERAL (
                   SELECT s.article_id FROM article_anchors s
                   WHERE s.hash = q.hash AND s.article_id <> %(id)s
                   LIMIT %(cap)s
               ) p
           ),
           -- lists cut short: each gave exactly `cap` rows
           cut AS (SELECT count(*) FILTER (WHERE n >= %(cap)s) / %(cap)s AS lists FROM post),
           hits AS (
               SELECT article_id, count(*) AS shared,
                      count(*) FILTER (WHERE n < %(cap)s) AS rare
               FROM post GROUP BY article_id HAVING count(*) >= %(min)s
           ),
           found AS (
               (SELECT h.article_id AS id FROM hits h JOIN articles a ON a.id = h.article_id, cut
                -- at most shared + cut.lists anchors in common: the bound of a full count
                WHERE h.shared + cut.lists
                      >= %(share)s * least(%(mine)s, a.anchor_count) - 1e-9
                -- candidates sharing rare anchors first: common phrasing (a sign-off, a
                -- boilerplate paragraph) must not crowd the real copies out of the top
                ORDER BY h.rare DESC, h.shared DESC
                LIMIT %(top)s)
               UNION
               SELECT id FROM articles
               WHERE content_hash = %(content_hash)s AND id <> %(id)s
           ),
           rows AS (
               SELECT id FROM found
               UNION
               SELECT c.duplicate_of FROM articles c JOIN found f ON f.id = c.id
               WHERE c.duplicate_of IS NOT NULL
           )
           SELECT a.id, a.source, a.anchor_count, a.content_hash, a.duplicate_of,
                  a.id IN (SELECT id FROM found) AS found,
                  -- per row through the article_id index: a common hash's posting list
                  -- is never read in full, so the cost does not grow with the store
                  (SELECT count(*) FROM article_anchors x
                   WHERE x.article_id = a.id AND x.hash = ANY(%(hashes)s)) AS shared
           FROM rows r JOIN articles a ON a.id = r.id""",
        {
            "hashes": hashes,
            "id": article_id,
            "cap": cap,
            "min": MIN_SHARED,
            "share": MIN_CONTAINMENT,
            "mine": len(hashes),
            "top": MAX_CANDIDATES,
            "content_hash": content_hash,
        },
    ).fetchall()
    return {r["id"]: r for r in rows}


def _overlaps(conn: psycopg.Connection, hashes: list[int], ids: list[int]) -> dict[int, int]:
    """How many of `hashes` each article has: the full overlap, common phrasing included."""
    if not ids or not hashes:
        return {}
    # per candidate through the article_id index: a common hash's posting list is
    # never read in full, so the cost does not grow with the store
    rows = conn.execute(
        """SELECT c.id AS article_id,
                  (SELECT count(*) FROM article_anchors a
                   WHERE a.article_id = c.id AND a.hash = ANY(%s)) AS shared
           FROM unnest(%s::bigint[]) AS c(id)""",
        (hashes, ids),
    ).fetchall()
    return {r["article_id"]: r["shared"] for r in rows}


def link(
    conn: psycopg.Connection,
    article_id: int,
    hashes: list[int],
    me: dict | None = None,
    *,
    new: bool = False,
) -> int | None:
    """Join the article to the story of every copy it matches; return its original (or None).

    The original of a story is its earliest-published copy; ties go to the copy
    that the others credit, then to the smallest URL (never to the first stored, so
    the order writers store copies in does not matter). All copies point straight
    at it; when an earlier copy arrives later, the whole story is re-pointed.
    """
    if me is None:
        me = conn.execute(
            "SELECT id, source, anchor_count, content_hash FROM articles WHERE id = %s",
            (article_id,),
        ).fetchone()
    rows = _candidates(conn, article_id, hashes, me["content_hash"])
    matches: dict[int, tuple[str, float]] = {}
    roots: set[int] = set()
    for candidate, row in rows.items():
        if not row["found"]:
            continue
        verdict = copy_verdict(me, row, row["shared"])
        if not verdict:
            continue
        root = row["duplicate_of"] or candidate
        # matching one copy is not enough: a follow-up that contains a story's
        # excerpt must not join the story unless it matches the original too
        if (
            root not in (candidate, article_id)
            and root in rows
            and not copy_verdict(me, rows[root], rows[root]["shared"])
        ):
            continue
        matches[candidate] = verdict
        roots.add(root)
    if new and not roots:
        return None  # a new story of its own: nothing points at it, nothing to change
    # this article may itself be an original that others point at
    roots.add(article_id)
    members = conn.execute(
        """SELECT id, url, source, site_name, credited_source, published_at,
                  published_precision, first_seen_at, anchor_count, content_hash
           FROM articles WHERE id = ANY(%(roots)s)
           UNION
           SELECT id, url, source, site_name, credited_source, published_at,
                  published_precision, first_seen_at, anchor_count, content_hash
           FROM articles WHERE duplicate_of = ANY(%(roots)s)""",
        {"roots": list(roots)},
    ).fetchall()
    original = choose_original(members)
    # every copy must be a copy of the original itself: a story that grew through an
    # excerpt or a partial match keeps only the members that match its original
    strays = _strays(conn, original, members, hashes if original == article_id else None)
    best = max(matches.values(), key=lambda m: m[1], default=(None, None))
    for member in members:
        target = None if member["id"] in (original, *strays) else original
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


def _strays(
    conn: psycopg.Connection, original: int, members: list[dict], hashes: list[int] | None
) -> set[int]:
    """Members that do not match the story's original (they leave the story)."""
    if len(members) < 2:
        return set()
    if hashes is None:
        hashes = stored_anchors(conn, original)
    head = next(m for m in members if m["id"] == original)
    others = [m for m in members if m["id"] != original]
    shared = _overlaps(conn, hashes, [m["id"] for m in others])
    return {m["id"] for m in others if not copy_verdict(head, m, shared.get(m["id"], 0))}


def detach(conn: psycopg.Connection, article_id: int) -> list[int]:
    """Before an article's text changes: its copies no longer follow it. Returns them."""
    rows = conn.execute(
        "UPDATE articles SET duplicate_of = NULL WHERE duplicate_of = %s RETURNING id",
        (article_id,),
    ).fetchall()
    return [r["id"] for r in rows]


@dataclass
class StoryMember:
    """One copy of a story as `newsbot story` shows it; the original has no method."""

    id: int
    url: str
    source: str
    title: str | None
    published_at: datetime | None
    published_precision: str | None
    #: the original's id for a copy, None for the original itself
    duplicate_of: int | None
    #: how the copy joined its story: "exact" or "near" (None for the original)
    dedup_method: str | None
    #: containment (0-1] of the match that joined it (None for the original)
    similarity: float | None
    #: the publisher the page's credit line names, if any
    credited_source: str | None
    first_seen_at: datetime | None

    def as_json(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        for key in ("published_at", "first_seen_at"):
            data[key] = data[key].isoformat() if data[key] else None
        if self.similarity is not None:
            data["similarity"] = round(self.similarity, 4)
        return data


@dataclass
class Story:
    """An original and its copies (reposts), found from the id of any of them."""

    asked: int
    original: StoryMember
    copies: list[StoryMember]

    def as_json(self) -> dict[str, Any]:
        return {
            "asked": self.asked,
            "original": self.original.as_json(),
            "copies": [c.as_json() for c in self.copies],
        }


def story(conn: psycopg.Connection, article_id: int) -> Story | None:
    """The story the article belongs to (as original or as copy); None for an unknown id.

    Copies come in order of publication (undated last), then of id.
    """
    rows = conn.execute(
        """WITH root AS (SELECT coalesce(duplicate_of, id) AS id FROM articles WHERE id = %s)
           SELECT a.id, a.url, a.source, a.title, a.published_at, a.published_precision,
                  a.duplicate_of, a.dedup_method, a.similarity, a.credited_source,
                  a.first_seen_at
           FROM articles a JOIN root r ON a.id = r.id OR a.duplicate_of = r.id
           ORDER BY a.duplicate_of IS NOT NULL, a.published_at NULLS LAST, a.id""",
        (article_id,),
    ).fetchall()
    if not rows:
        return None
    members = [StoryMember(**row) for row in rows]
    return Story(asked=article_id, original=members[0], copies=members[1:])
