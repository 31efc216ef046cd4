"""Bytes → text for an HTML page, the one way both the crawl and `newsbot extract` use.

The rules are Scrapy's own (`TextResponse.encoding` and `.text`, built on w3lib), so a
page decodes to the same text whether the spider fetched it or an operator saved it:

1. a byte-order mark;
2. the charset of the HTTP `Content-Type` header;
3. a charset the page declares itself (`<meta charset>`, `<meta http-equiv>`, `<?xml?>`);
4. otherwise the bytes decide: ASCII, then UTF-8 if they decode as such, else the
   encoding charset_normalizer finds most likely (latin-1 and cp1251 pages are told
   apart here), else ASCII with replacement characters.

Encoding names go through w3lib's `resolve_encoding`, so `iso-8859-1` reads as cp1252,
as browsers do. Scrapy is not imported: w3lib and charset_normalizer are what it uses.
"""

from __future__ import annotations

import re

from charset_normalizer import from_bytes
from w3lib.encoding import (
    html_body_declared_encoding,
    html_to_unicode,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

#: what Scrapy's TextResponse assumes when nothing is declared or detected
_DEFAULT_ENCODING = "ascii"


def _detect(body: bytes) -> str | None:
    """Scrapy's TextResponse._auto_detect_fun: ASCII, UTF-8, then the likeliest guess."""
    for encoding in (_DEFAULT_ENCODING, "utf-8"):
        try:
            body.decode(encoding)
        except UnicodeError:
            continue
        return resolve_encoding(encoding)
    match = from_bytes(body).best()
    return resolve_encoding(match.encoding) if match else None


def declared_encoding(body: bytes, content_type: str | None = None) -> str | None:
    """The encoding the bytes or the header declare (BOM, header charset, page charset)."""
    return (
        read_bom(body)[0]
        or http_content_type_encoding(content_type or "")
        or html_body_declared_encoding(body)
    )


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """(encoding, text) of a page's bytes, given its HTTP Content-Type header if known.

    Equal to Scrapy's `(response.encoding, response.text)` for an HtmlResponse with
    this body and header (tests/test_decoding.py holds it to that).
    """
    encoding = declared_encoding(body, content_type)
    if encoding:
        return encoding, html_to_unicode(f"charset={encoding}", body)[1]
    return html_to_unicode(
        content_type or "", body, auto_detect_fun=_detect, default_encoding=_DEFAULT_ENCODING
    )


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
