"""Cross-check the extracted blocks against the publisher's JSON-LD articleBody.

Blocks that do not occur in it are dropped, and blocks of it found elsewhere on the
page are recovered; a teaser or another text in the JSON-LD is left alone.
"""

from __future__ import annotations

import re

from newsbot.extraction.body.markers import COMMENT_MARK
from newsbot.items import Block

_WORD = re.compile(r"\w+")


def _shingles(text: str, n: int = 3) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.casefold())
    if len(words) < n:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def _overlap(block: str, reference: set[tuple[str, ...]]) -> float:
    sh = _shingles(block)
    if not sh:
        return 0.0
    return len(sh & reference) / len(sh)


def _cross_check(blocks: list[Block], every: list[Block], article_body: str) -> list[Block]:
    """Keep blocks that occur in the publisher's articleBody; recover ones we missed."""
    body = article_body.strip()
    if body.endswith(("…", "...", "&hellip;", "[…]", "[...]")):
        return blocks  # a teaser, not the text
    reference = _shingles(body)
    main_len = sum(len(b.text) for b in blocks if COMMENT_MARK not in b.context)
    if len(reference) < 60 or len(body) < 0.7 * main_len:
        return blocks
    main_cover = [
        (_overlap(b.text, reference) if COMMENT_MARK not in b.context else 0) for b in blocks
    ]
    covered = (
        set().union(
            *(_shingles(b.text) for b, c in zip(blocks, main_cover, strict=True) if c >= 0.5)
        )
        if blocks
        else set()
    )
    if len(covered & reference) < 0.5 * len(reference):
        # our container holds less than half of it: the JSON-LD may describe another
        # text (a teaser, a different edition): trust the DOM
        return blocks
    kept_ids = {id(b) for b, c in zip(blocks, main_cover, strict=True) if c >= 0.5}
    for b in every:
        if id(b) in kept_ids or COMMENT_MARK in b.context or len(b.text) < 40:
            continue
        if _overlap(b.text, reference) >= 0.8:
            kept_ids.add(id(b))
    ordered = [b for b in every if id(b) in kept_ids]
    # blocks not present in `every` (should not happen) keep their main order
    every_ids = {id(x) for x in every}
    ordered += [b for b in blocks if id(b) in kept_ids and id(b) not in every_ids]
    comments = [b for b in blocks if COMMENT_MARK in b.context]
    return ordered + comments
