"""What a fetched response holds: its text, decoded exactly as `newsbot extract`
decodes the same bytes, and whether it is an HTML page at all."""

from __future__ import annotations

from scrapy.http import TextResponse

from newsbot.decoding import decode_html, looks_binary  # noqa: F401  (the spider's)

HTML_TYPES = (b"text/html", b"application/xhtml+xml")


def page_text(response: TextResponse) -> str:
    """The page's text, decoded as `newsbot extract` decodes the same bytes and header
    (newsbot.decoding: Scrapy's own rules). A page rendered by a browser was decoded by
    it already: its response carries the encoding it was re-encoded with."""
    if "playwright" in response.flags:
        return response.text
    content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
    return decode_html(response.body, content_type or None)[1]
