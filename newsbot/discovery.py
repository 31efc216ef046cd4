"""Feeds and sitemaps → article URLs with what they say about each article.

Parsed incrementally with lxml's pull parser, entity resolution and network access
off, so a hostile feed cannot read local files or expand entity bombs, and a huge
sitemap costs memory for one entry at a time rather than a tree of the whole
document (each entry is cleared once read). Documents are capped (MAX_XML_BYTES,
after decompression, which runs chunk by chunk so a gzip bomb stops at the cap) and
so are entries per document (MAX_ENTRIES); what is cut is counted, never silent.
No Scrapy import: the spider and `newsbot sources check` share this code.
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from newsbot import settings as defaults
from newsbot.items import Hints

#: entries (article URLs, or child sitemaps of an index) kept per document: the sitemaps
#: protocol's limit per sitemap; feeds get the same cap
MAX_ENTRIES = defaults.NEWSBOT_DISCOVERY_MAX_ENTRIES
#: bytes of XML read per document, after decompression (the sitemaps protocol's limit)
MAX_XML_BYTES = 50 * 1024 * 1024
#: bytes fed to the parser (and taken from the decompressor) at a time
_CHUNK = 64 * 1024
_GZIP_MAGIC = b"\x1f\x8b"
#: elements besides the entries read (the one being read counts) a document may hold
#: before it counts as too large: a sitemap of junk elements stops there, not at 50 MB
MAX_OTHER_ELEMENTS = 100_000
#: bytes within which the root element must start
_ROOT_WITHIN = 1024 * 1024
#: bytes within which the first entry must end (until then the tree cannot be counted)
_FIRST_ENTRY_WITHIN = 2 * 1024 * 1024
#: root element (local name, lower case) → (kind, entries are in a <channel>, entry element)
_ROOTS = {
    "rss": ("rss", True, "item"),
    "rdf": ("rss", False, "item"),  # RSS 1.0: rdf:RDF > item
    "feed": ("atom", False, "entry"),
    "urlset": ("urlset", False, "url"),
    "sitemapindex": ("sitemapindex", False, "sitemap"),
}


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
    #: entries (or child sitemaps) past the per-document cap: counted, not kept
    truncated: int = 0
    #: over a size cap (MAX_XML_BYTES, decompressed; or MAX_OTHER_ELEMENTS of elements that
    #: are no entries): read up to there only
    too_large: bool = False


class _TooLarge(Exception):
    """The document went past a size cap."""


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _text(el: etree._Element | None) -> str | None:
    if el is None:
        return None
    text = (el.text or "") if len(el) == 0 else "".join(el.itertext())
    return text.strip() or None


def _child(el: etree._Element, *names: str) -> etree._Element | None:
    for child in el:
        if _local(child.tag) in names:
            return child
    return None


def _children(el: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in el if _local(c.tag) == name]


def _gunzip(body: bytes, limit: int) -> Iterator[bytes]:
    """Decompress gzip members a chunk at a time, never more than one chunk of output at once.

    Raises _TooLarge past `limit` bytes of output (a gzip bomb stops there); a corrupt
    or truncated stream ends where it breaks, what came before is kept.
    """
    total = 0
    data = body
    while data:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        rest = b""
        try:
            for start in range(0, len(data), _CHUNK):
                pending = data[start : start + _CHUNK]
                while not inflater.eof:
                    out = inflater.decompress(pending, _CHUNK)
                    pending = inflater.unconsumed_tail
                    total += len(out)
                    if total > limit:
                        raise _TooLarge
                    if out:
                        yield out
                    elif not pending:
                        break  # this input is used up
                if inflater.eof:
                    rest = inflater.unused_data + data[start + _CHUNK :]
                    break
        except zlib.error:
            return
        # another gzip member may follow (concatenated .gz files); anything else ends it
        data = rest if rest[:2] == _GZIP_MAGIC else b""


def _chunks(body: bytes, limit: int) -> Iterator[bytes]:
    """The document's XML a chunk at a time: gzip bodies (`.xml.gz`) decompressed."""
    if body[:2] == _GZIP_MAGIC:
        yield from _gunzip(body, limit)
        return
    for start in range(0, min(len(body), limit), _CHUNK):
        yield body[start : min(start + _CHUNK, limit)]
    if len(body) > limit:
        raise _TooLarge


def parse_document(
    body: bytes, found_on: str = "", *, max_entries: int = MAX_ENTRIES
) -> Discovered:
    """Parse RSS 2.0/1.0, Atom, a sitemap or a sitemap index; unknown input yields nothing.

    Entries past `max_entries` are counted in `truncated`, not kept; a document past
    a size cap is read up to the cap (`too_large`).
    """
    reader = _Reader(found_on, max_entries)
    try:
        reader.read(_chunks(body, MAX_XML_BYTES))
    except _TooLarge:
        reader.found.too_large = True
    except (etree.XMLSyntaxError, ValueError):
        pass  # broken XML: what was read before the break stands
    return reader.found


def _parser(events: tuple[str, ...], tag: str | None = None) -> etree.XMLPullParser:
    """A pull parser that expands no entity, reads no file, fetches nothing, builds no
    huge text node: XXE and entity bombs stay inert."""
    return etree.XMLPullParser(
        events=events,
        tag=tag,
        resolve_entities=False,
        no_network=True,
        recover=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        remove_blank_text=True,
    )


class _Reader:
    """Feeds a document to lxml's pull parser and takes the entries out as they end.

    A first parser only finds the root element (what kind of document this is); the
    second reports nothing but the ends of entry elements (the tag filter keeps the
    rest in C), each read then cleared; after each chunk the entries read are unlinked,
    so the tree holds about one entry at a time. Elements that are no entries (a
    hostile document of junk) are counted and stop the parse past MAX_OTHER_ELEMENTS.
    """

    def __init__(self, found_on: str, max_entries: int) -> None:
        self.found = Discovered("unknown")
        self.found_on = found_on
        self.max_entries = max_entries
        self.in_channel = False
        self.entry_tag = ""
        #: the element whose children are the entries (the root, or an RSS <channel>)
        self.container: etree._Element | None = None

    def read(self, chunks: Iterator[bytes]) -> None:
        head: list[bytes] = []
        if not self._root(chunks, head):
            return
        parser = _parser(("end",), tag="{*}" + self.entry_tag)
        since_entry = 0  # bytes fed since an entry last ended
        others = 0  # elements beside the entries, unlinked unread
        for chunk in itertools.chain(head, chunks):
            parser.feed(chunk)
            ended = self._entries(parser)
            since_entry = 0 if ended else since_entry + len(chunk)
            if self.container is None:
                if since_entry > _FIRST_ENTRY_WITHIN:
                    raise _TooLarge  # no entry yet, and no root to count what piles up
                continue
            # entries read and cleared so far: unlink them (the last child may still be
            # open in the parser, so it stays), with whatever else came between them
            others += max(0, len(self.container) - 1 - ended)
            del self.container[:-1]
            root = self.container.getroottree().getroot()
            if others + sum(1 for _ in root.iter()) > MAX_OTHER_ELEMENTS:
                raise _TooLarge
        parser.close()
        self._entries(parser)

    def _root(self, chunks: Iterator[bytes], head: list[bytes]) -> bool:
        """Find the root element in the first chunks (kept in `head`); False if none fits."""
        probe = _parser(("start",))
        fed = 0
        for chunk in chunks:
            if not fed:
                chunk = chunk.lstrip()  # an XML declaration must come first
                if not chunk:
                    continue
            head.append(chunk)
            fed += len(chunk)
            probe.feed(chunk)
            for _event, el in probe.read_events():
                root = _ROOTS.get(_local(el.tag))
                if root is None:
                    return False
                self.found.kind, self.in_channel, self.entry_tag = root
                return True
            if fed >= _ROOT_WITHIN:
                return False
        return False

    def _entries(self, parser: etree.XMLPullParser) -> int:
        """Take the entries that ended; how many did."""
        ended = 0
        for _event, el in parser.read_events():
            parent = el.getparent()
            if parent is None:
                continue
            if self.container is None:
                grandparent = parent.getparent()
                if self.in_channel:
                    # rss > channel > item
                    if _local(parent.tag) != "channel" or grandparent is None:
                        continue
                    if grandparent.getparent() is not None:
                        continue
                elif grandparent is not None:
                    continue
                self.container = parent
            elif parent is not self.container:
                continue
            ended += 1
            self._take(el)
            el.clear(keep_tail=False)
        return ended

    def _take(self, el: etree._Element) -> None:
        """One entry into the result, or counted as cut past the cap."""
        found = self.found
        if found.kind == "sitemapindex":
            loc = _text(_child(el, "loc"))
            if loc and len(found.sitemaps) < self.max_entries:
                found.sitemaps.append(loc)
            elif loc:
                found.truncated += 1
            return
        if len(found.entries) >= self.max_entries:
            found.truncated += 1  # past the cap: only counted
            return
        if found.kind == "urlset":
            entry = _sitemap_url(el, self.found_on)
        elif found.kind == "atom":
            entry = _atom_entry(el, self.found_on)
        else:
            entry = _rss_item(el, self.found_on)
        if entry is not None:
            found.entries.append(entry)


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
    # one pass over the children: a sitemap may hold 50,000 of these
    loc = lastmod = news = None
    for child in url:
        name = _local(child.tag)
        if name == "loc":
            loc = loc if loc is not None else child
        elif name == "lastmod":
            lastmod = lastmod if lastmod is not None else child
        elif name == "news":
            news = news if news is not None else child
    link = _text(loc)
    if not link:
        return None
    hints = Hints(modified=_text(lastmod), via="sitemap", found_on=found_on)
    if news is not None:
        hints.published = _text(_child(news, "publication_date"))
        hints.title = _text(_child(news, "title"))
    return Entry(link, hints)
