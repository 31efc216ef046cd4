"""Content identity: the same story stored at two places gets the same hash.

The hash is taken over the cleaned body after folding case, punctuation and
white space, and without credit lines: a blog that reposts an agency story adds
"(C)AGENCY 2022" at the end, and that must not make it a different story.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_CREDIT_LINE = re.compile(
    r"^\s*(?:\(c\)|©|copyright\b|source\s*:|джерело\s*:|источник\s*:|quelle\s*:|"
    r"fuente\s*:|via\b|read more at\b|originally published\b)",
    re.IGNORECASE,
)
_MAX_CREDIT_CHARS = 120
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def is_credit_line(paragraph: str) -> bool:
    """A short line that credits another publisher ("(C)UNIAN 2022", "Source: Reuters")."""
    return len(paragraph) <= _MAX_CREDIT_CHARS and bool(_CREDIT_LINE.match(paragraph))


def normalized_words(body: str) -> list[str]:
    """The body's words, case-folded, without punctuation and without credit lines."""
    words: list[str] = []
    for paragraph in body.split("\n\n"):
        paragraph = paragraph.strip()
        if not paragraph or is_credit_line(paragraph):
            continue
        text = unicodedata.normalize("NFKC", paragraph).casefold()
        words.extend(w for w in _NON_WORD.split(text) if w)
    return words


def content_hash(body: str) -> str:
    """Hex SHA-256 of the normalised body; equal for verbatim copies of one story."""
    return hashlib.sha256(" ".join(normalized_words(body)).encode("utf-8")).hexdigest()
