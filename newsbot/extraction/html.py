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
