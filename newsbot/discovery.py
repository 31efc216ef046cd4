"""Feeds and sitemaps → article URLs with what they say about each article.

Parsed with lxml with entity resolution and network access off, so a hostile
feed cannot read local files or expand entity bombs. No Scrapy import: the spider
and `newsbot sources check` share this code.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field

from lxml import etree

from newsbot.items import Hints

_MAX_XML_BYTES = 50 * 1024 * 1024
_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    recover=True,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
)


@dataclass
class Entry:
    """One article URL found in a feed or sitemap."""

    url: str
    hints: Hints = field(default_factory=Hints)


@dataclass
class Discovered:
    """What one feed or sitemap document yielded."""

    kind: str  # "rss", "atom", "urlset", "sitemapindex" or "unknown"
    entries: list[Entry] = field(default_factory=list)
    #: child sitemaps of a sitemap index
    sitemaps: list[str] = field(default_factory=list)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _text(el: etree._Element | None) -> str | None:
    if el is None:
        return None
    text = "".join(el.itertext()).strip()
    return text or None


def _child(el: etree._Element, *names: str) -> etree._Element | None:
    for child in el:
        if _local(child.tag) in names:
            return child
    return None


def _children(el: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in el if _local(c.tag) == name]


def _parse_xml(body: bytes) -> etree._Element | None:
    if body[:2] == b"\x1f\x8b":
        try:
            body = gzip.decompress(body)[: _MAX_XML_BYTES + 1]
        except (OSError, EOFError):
            return None
    if len(body) > _MAX_XML_BYTES or not body.strip():
        return None
    try:
        return etree.fromstring(body.lstrip(), parser=_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return None


def parse_document(body: bytes, found_on: str = "") -> Discovered:
    """Parse RSS 2.0/1.0, Atom, a sitemap or a sitemap index; unknown input yields nothing."""
    root = _parse_xml(body)
    if root is None:
        return Discovered("unknown")
    tag = _local(root.tag)
    if tag == "rss":
        channel = _child(root, "channel")
        items = _children(channel, "item") if channel is not None else []
        return Discovered("rss", [e for e in (_rss_item(i, found_on) for i in items) if e])
    if tag == "rdf":
        items = _children(root, "item")
        return Discovered("rss", [e for e in (_rss_item(i, found_on) for i in items) if e])
    if tag == "feed":
        items = _children(root, "entry")
        return Discovered("atom", [e for e in (_atom_entry(i, found_on) for i in items) if e])
    if tag == "urlset":
        entries = [e for e in (_sitemap_url(u, found_on) for u in _children(root, "url")) if e]
        return Discovered("urlset", entries)
    if tag == "sitemapindex":
        locs = [_text(_child(s, "loc")) for s in _children(root, "sitemap")]
        return Discovered("sitemapindex", sitemaps=[loc for loc in locs if loc])
    return Discovered("unknown")


def _rss_item(item: etree._Element, found_on: str) -> Entry | None:
    link = _text(_child(item, "link"))
    if not link:
        guid = _child(item, "guid")
        if guid is not None and guid.get("isPermaLink", "true").lower() != "false":
            link = _text(guid)
    if not link:
        return None
    authors = [a for a in (_text(c) for c in item if _local(c.tag) in ("creator", "author")) if a]
    return Entry(
        link,
        Hints(
            title=_text(_child(item, "title")),
            published=_text(_child(item, "pubdate", "date", "published")),
            modified=_text(_child(item, "updated", "modified")),
            authors=authors,
            via="feed",
            found_on=found_on,
        ),
    )


def _atom_entry(entry: etree._Element, found_on: str) -> Entry | None:
    link = None
    for candidate in _children(entry, "link"):
        if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
            link = candidate.get("href")
            break
    if not link:
        return None
    authors = [
        name for name in (_text(_child(a, "name")) for a in _children(entry, "author")) if name
    ]
    return Entry(
        link.strip(),
        Hints(
            title=_text(_child(entry, "title")),
            published=_text(_child(entry, "published", "issued", "created")),
            modified=_text(_child(entry, "updated", "modified")),
            authors=authors,
            via="feed",
            found_on=found_on,
        ),
    )


def _sitemap_url(url: etree._Element, found_on: str) -> Entry | None:
    loc = _text(_child(url, "loc"))
    if not loc:
        return None
    hints = Hints(modified=_text(_child(url, "lastmod")), via="sitemap", found_on=found_on)
    news = _child(url, "news")
    if news is not None:
        hints.published = _text(_child(news, "publication_date"))
        hints.title = _text(_child(news, "title"))
    return Entry(loc, hints)
