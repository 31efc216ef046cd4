"""Content identity: the same story stored at two places gets the same hash.

The hash is taken over the story's substantive paragraphs (at least
`MIN_PARAGRAPH_WORDS` words), after folding case, punctuation and white space.
Short lines are where copies of one story differ without being different
stories: a credit line "(C)AGENCY 2022" added by a reposting blog, a photo
caption one site keeps and another drops, a byline or dateline.
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
#: paragraphs shorter than this are left out of the hash (captions, credits, bylines)
MIN_PARAGRAPH_WORDS = 20


def is_credit_line(paragraph: str) -> bool:
    """A short line that credits another publisher ("(C)UNIAN 2022", "Source: Reuters")."""
    return len(paragraph) <= _MAX_CREDIT_CHARS and bool(_CREDIT_LINE.match(paragraph))


def words_of(text: str) -> list[str]:
    """Case-folded words of a text, punctuation dropped (NFKC first, so look-alikes fold)."""
    return [w for w in _NON_WORD.split(unicodedata.normalize("NFKC", text).casefold()) if w]


def normalized_words(body: str) -> list[str]:
    """The words of the body's substantive paragraphs, case-folded, without punctuation.

    A body with no paragraph that long (a brief) is hashed whole, less credit lines.
    """
    paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
    paragraphs = [p for p in paragraphs if not is_credit_line(p)]
    split = [words_of(p) for p in paragraphs]
    long = [w for w in split if len(w) >= MIN_PARAGRAPH_WORDS]
    return [word for words in (long or split) for word in words]


def content_hash(body: str) -> str:
    """Hex SHA-256 of the normalised body; equal for verbatim copies of one story."""
    return hashlib.sha256(" ".join(normalized_words(body)).encode("utf-8")).hexdigest()
