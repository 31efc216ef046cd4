"""Near-duplicate detection on article text: sampled shingles and containment.

Reposts are rarely verbatim: a blog drops a paragraph and adds a credit line, an
aggregator keeps only the first paragraphs ("excerpt"), a commentator appends a
page of their own ("extended repost"). Jaccard overlap misses the last two, so
the test here is *containment*: how much of the shorter text stands in the
longer one.

Each body becomes word 5-gram shingles, hashed to signed 64-bit integers; only
the shingles whose hash is 0 modulo `SAMPLE` are kept ("anchors"). The sampling
is by value, not by position, so an excerpt keeps exactly the anchors that the
same passage has in the full story: containment measured on anchors estimates
containment on text. Anchors are what the database indexes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from newsbot.reposts.fingerprint import is_credit_line, words_of

SHINGLE_WORDS = 5
#: keep one shingle in SAMPLE (by hash value)
SAMPLE = 8
#: fewer shared anchors than this is never enough evidence
MIN_SHARED = 3
#: share of the shorter text's anchors that must stand in the longer text
MIN_CONTAINMENT = 0.8
#: same-source pairs (one site's own pages) must be near-identical as wholes: sites
#: repeat sign-offs and standard paragraphs across their own short items
MIN_RESEMBLANCE_SAME_SOURCE = 0.8


def anchors(body: str) -> list[int]:
    """The sampled shingle hashes of a body (sorted, unique), credit lines left out."""
    words: list[str] = []
    for paragraph in body.split("\n\n"):
        paragraph = paragraph.strip()
        if paragraph and not is_credit_line(paragraph):
            words.extend(words_of(paragraph))
    found: set[int] = set()
    blake2b = hashlib.blake2b
    # a power-of-two SAMPLE divides a value iff it divides its last byte: most shingles
    # then skip the int conversion (mask 0, never skipping, for any other SAMPLE)
    mask = SAMPLE - 1 if SAMPLE <= 256 and SAMPLE & (SAMPLE - 1) == 0 else 0
    for i in range(max(0, len(words) - SHINGLE_WORDS + 1)):
        digest = blake2b(
            " ".join(words[i : i + SHINGLE_WORDS]).encode("utf-8"), digest_size=8
        ).digest()
        if digest[-1] & mask:
            continue
        value = int.from_bytes(digest, "big", signed=True)
        if value % SAMPLE == 0:
            found.add(value)
    return sorted(found)


@dataclass(frozen=True)
class Match:
    """How two texts overlap, measured on their anchors."""

    shared: int
    size_a: int
    size_b: int

    @property
    def containment(self) -> float:
        """Share of the shorter text found in the longer one."""
        smaller = min(self.size_a, self.size_b)
        return self.shared / smaller if smaller else 0.0

    @property
    def resemblance(self) -> float:
        """Jaccard overlap of the two texts."""
        union = self.size_a + self.size_b - self.shared
        return self.shared / union if union else 0.0

    def same_story(self, *, same_source: bool = False) -> bool:
        """Copies of one story: most of the shorter text stands in the longer one.

        Within one site the texts must be near-identical as wholes (resemblance), since
        sites repeat sign-offs and standard paragraphs across their own short items.
        """
        if self.shared < MIN_SHARED:
            return False
        if same_source:
            return self.resemblance >= MIN_RESEMBLANCE_SAME_SOURCE
        return self.containment >= MIN_CONTAINMENT
