"""Robust HTML parsing: whatever a crawler fetched becomes an lxml tree, or None.

Pages arrive as str or bytes, in odd encodings, with NUL bytes, XML declarations,
truncated markup or nothing but scripts; parsing must never raise.
"""

from __future__ import annotations

import codecs
import re

import lxml.html
from lxml import etree

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE
)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: above this size the tail is almost always scripts or junk; keeps the worst case bounded
MAX_CHARS = 5_000_000


def _lookup(name: str) -> str | None:
    try:
        return codecs.lookup(name.strip().lower()).name
    except (LookupError, ValueError):
        return None


def decode(data: bytes | str, *, declared: str | None = None) -> str:
    """Bytes → text: BOM, then a declared/meta charset, then UTF-8, then a guess."""
    if isinstance(data, str):
        return data
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(enc, errors="replace")
    candidates: list[str] = []
    if declared:
        candidates.append(declared)
    match = _META_CHARSET.search(data[:4096])
    if match:
        candidates.append(match.group(1).decode("ascii", "ignore"))
    candidates.append("utf-8")
    for name in candidates:
        enc = _lookup(name)
        if not enc:
            continue
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    try:  # charset-normalizer ships with requests (a Scrapy dependency)
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
        if best is not None and best.encoding:
            return data.decode(best.encoding, errors="replace")
    except Exception:
        pass
    return data.decode("utf-8", errors="replace")


def parse(data: bytes | str | None, *, declared: str | None = None) -> lxml.html.HtmlElement | None:
    """Parse a page into an `lxml.html` document root; None when there is nothing to parse."""
    if not data:
        return None
    text = decode(data, declared=declared)
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS]
    text = _CONTROL.sub("", _XML_DECL.sub("", text, count=1))
    if not text.strip():
        return None
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8", errors="replace"), parser=parser)
    except (etree.ParserError, ValueError, TypeError):
        return None
    if root is None or not isinstance(root.tag, str):
        return None
    return root


#: heading tags (a headline, a section title)
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


def text_of(el: etree._Element) -> str:
    """Whitespace-normalised text content of an element."""
    try:
        return " ".join(el.text_content().split())
    except (ValueError, AttributeError):
        return ""


def header(headers: object, name: str) -> str | None:
    """Case-insensitive header lookup on any mapping (bytes values tolerated)."""
    if not headers:
        return None
    try:
        items = headers.items()  # type: ignore[attr-defined]
    except AttributeError:
        return None
    for key, value in items:
        k = key.decode("latin-1") if isinstance(key, bytes) else str(key)
        if k.lower() == name.lower():
            if isinstance(value, list | tuple):
                value = value[0] if value else ""
            return value.decode("latin-1") if isinstance(value, bytes) else str(value)
    return None


#: scripts written without spaces between words (Han, kana): one character there
#: carries about what a word does in a spaced script
_WIDE_CHARS = "\u3005\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WIDE = re.compile(f"[{_WIDE_CHARS}]")
#: a word: one Han/kana character, or a run of other word characters
WORD = re.compile(f"[{_WIDE_CHARS}]|[^\\W{_WIDE_CHARS}]+")
#: how many Latin-script characters one Han/kana character stands for in length
#: thresholds (a word and its space are about 6 characters, a Chinese word about 2)
WIDE_WEIGHT = 3


def word_count(text: str | None) -> int:
    """Words in `text`, each Han/kana character counted as one: `str.split()` or `\\w+`
    would count a whole Chinese or Japanese sentence as one word."""
    return len(WORD.findall(text or ""))


def text_size(text: str | None) -> int:
    """Length of `text` for "is this long enough" rules, in Latin-script characters:
    a Han/kana character counts `WIDE_WEIGHT` times, so that a Chinese paragraph is
    judged by what it says, not by its (three times shorter) character count."""
    if not text:
        return 0
    if text.isascii():
        return len(text)
    return len(text) + (WIDE_WEIGHT - 1) * len(_WIDE.findall(text))
