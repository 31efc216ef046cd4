"""What a fetched response holds: its text, decoded exactly as `newsbot extract`
decodes the same bytes, and whether it is an HTML page at all."""

from __future__ import annotations

import re

from scrapy.http import TextResponse

from newsbot.decoding import decode_html

HTML_TYPES = (b"text/html", b"application/xhtml+xml")

#: control characters other than whitespace, and the replacement character
_NOISE = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd]")
_BINARY_MAGIC = ("%PDF-", "\x89PNG", "GIF8", "\xff\xd8\xff", "PK\x03\x04", "\x1f\x8b")


def looks_binary(text: str, sample: int = 2048) -> bool:
    """A body that is not text: a known file signature, or mostly control characters."""
    head = text[:sample].lstrip("\ufeff")
    if head.startswith(_BINARY_MAGIC) or head.startswith("\ufffdPNG"):
        return True
    if not head:
        return False
    return len(_NOISE.findall(head)) > len(head) * 0.1


def page_text(response: TextResponse) -> str:
    """The page's text, decoded as `newsbot extract` decodes the same bytes and header
    (newsbot.decoding: Scrapy's own rules). A page rendered by a browser was decoded by
    it already: its response carries the encoding it was re-encoded with."""
    if "playwright" in response.flags:
        return response.text
    content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
    return decode_html(response.body, content_type or None)[1]
