"""Which advisory locks a writer takes before linking a text to its story.

Two writers whose texts could be copies of one story must wait for each other;
writers of unrelated texts must not, even when they share common phrasing. The
keys are computed here; `newsbot.storage` takes them in the storing transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from newsbot.reposts.similarity import MIN_CONTAINMENT, MIN_SHARED, Match

#: advisory-lock buckets for anchors (locks are per bucket, taken in sorted order)
LOCK_BUCKETS = 1 << 20
LOCK_SPACE = 0x73746F72  # "stor": keeps these locks apart from other advisory locks


class PhraseCounts:
    """How often this process has seen each anchor: a guess at which phrasing is common.

    Only a guess, and it need not agree between processes: `lock_plan` is correct
    with any choice of exclusive anchors; the counts only make that choice avoid
    phrases that many texts share (sign-offs, stock sentences), so that writers of
    unrelated texts rarely wait for each other.
    """

    def __init__(self, limit: int = 200_000) -> None:
        self.limit = limit
        self.counts: dict[int, int] = {}

    def rarest(self, hashes: list[int], count: int) -> list[int]:
        """The `count` anchors seen least often (ties: the smaller hash); then counts them."""
        chosen = sorted(hashes, key=lambda h: (self.counts.get(h, 0), h))[:count]
        if len(self.counts) > self.limit:
            self.counts.clear()  # forget, rather than grow with every phrase ever seen
        for h in hashes:
            self.counts[h] = self.counts.get(h, 0) + 1
        return chosen


_PHRASES = PhraseCounts()


def exclusive_share(size: int) -> int:
    """How many of a text's `size` anchors must be locked exclusively.

    A copy that matches this text as the shorter of the two holds at least
    `needed` of its anchors, so at most size - needed are missing from the other
    text: any size - needed + 1 of them include one the other text holds.
    """
    needed = next(
        (
            n
            for n in range(MIN_SHARED, size + 1)
            if Match(n, size, size).containment >= MIN_CONTAINMENT
        ),
        None,
    )
    return 0 if needed is None else size - needed + 1


def lock_plan(
    hashes: Iterable[int], content_hash: str | None, phrases: PhraseCounts | None = None
) -> tuple[list[int], list[bool]]:
    """Advisory-lock keys (ascending) and whether each is exclusive, for storing a text.

    Two writers whose texts could be copies of one story must wait for each other;
    others should not. Each writer takes a shared lock on every anchor of its text
    and an exclusive lock on `exclusive_share` of them (the rarest it has seen), and
    on its content hash. Of two matching texts, the shorter's exclusive anchors
    include one the longer holds, so their locks conflict; two unrelated texts that
    share a common phrase only both hold it shared.
    """
    anchors = sorted(set(hashes))
    exclusive = set((phrases or _PHRASES).rarest(anchors, exclusive_share(len(anchors))))
    modes: dict[int, bool] = {}
    for h in anchors:
        key = h % LOCK_BUCKETS
        modes[key] = modes.get(key, False) or h in exclusive
    if content_hash:
        modes[int(content_hash[:8], 16) % LOCK_BUCKETS] = True
    keys = sorted(modes)
    return keys, [modes[k] for k in keys]
