"""Which copies belong to one story, and which of them is the original.

The original is the earliest-published copy; ties go to the copy the others
credit, then to the smallest normalised URL: the evidence decides, never the order
in which copies were stored (one process and N workers storing in any order link a
story alike). Rows come from `newsbot.storage.stories` as dicts.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from newsbot.reposts.similarity import Match

_FAR_FUTURE = datetime.max.replace(tzinfo=UTC)


def copy_verdict(me: dict, other: dict, shared: int) -> tuple[str, float] | None:
    """('exact'|'near', score) when `me` and `other` are copies of one story, else None."""
    if me["content_hash"] and me["content_hash"] == other["content_hash"]:
        return ("exact", 1.0)
    match = Match(shared, me["anchor_count"] or 0, other["anchor_count"] or 0)
    if match.same_story(same_source=me["source"] == other["source"]):
        return ("near", round(match.containment, 4))
    return None


def _latest_possible(member: dict) -> datetime:
    """A date-only copy may have appeared any time that day: a copy with a real time on
    the same day is not later than it."""
    published = member["published_at"]
    if published is None:
        return _FAR_FUTURE
    if member["published_precision"] == "day":
        return published + timedelta(days=1) - timedelta(microseconds=1)
    return published


def _credits(member: dict, others: list[dict]) -> bool:
    """True when another copy's credit line names this copy's site or source."""
    names = {n.casefold() for n in (member["source"], member["site_name"]) if n}
    return any(
        (o["credited_source"] or "").casefold() in names for o in others if o["id"] != member["id"]
    )


def choose_original(members: list[dict]) -> int:
    """The id of the story's original among its members: the earliest possible
    publication, then the credited copy, then the URL (an order-independent tiebreak:
    first_seen_at and id depend on which worker stored first)."""
    return min(
        members,
        key=lambda m: (
            _latest_possible(m),
            not _credits(m, members),
            m.get("url") or "",
            m["id"],
        ),
    )["id"]
