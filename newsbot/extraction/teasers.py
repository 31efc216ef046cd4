"""Teaser units and the page's own prose, read straight from the page.

A listing is made of teasers (a headline link, perhaps a snippet, a date, an
image); an article of paragraphs side by side. `pagetype.classify` weighs the
one against the other; this module finds and measures them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from newsbot.extraction.html import HEADINGS, text_size
from newsbot.extraction.html import text_of as _text

_WS = re.compile(r"\s+")

_NAV_TAGS = {"nav", "aside", "menu", "script", "style", "noscript", "form"}
_HEADINGS = HEADINGS
_BLOCKISH = _HEADINGS | {
    "p",
    "li",
    "div",
    "td",
    "dd",
    "dt",
    "section",
    "article",
    "figure",
    "figcaption",
    "ul",
    "ol",
    "main",
    "body",
    "blockquote",
    "table",
    "tr",
}
_WORD = re.compile(r"\w+")
#: a paragraph shorter than this is a caption, a date line, a button
PROSE_MIN_LINE = 40
#: a run of paragraphs this long, outside teasers, is an article's body ...
PROSE_RUN = 1500
#: ... unless the teasers hold more than twice as much text
PROSE_RUN_OVER_TEASERS = 0.5
#: paragraphs adding up to this much (and 3x the teasers' text) on a page its
#: publisher calls an article: an article laid out in many boxes
PROSE_TOTAL = 5000
PROSE_TOTAL_OVER_TEASERS = 3
#: a page its publisher does not call an article, with less main text than this, at


def _in_furniture(el: etree._Element) -> bool:
    """Inside site navigation, a sidebar, or the page's own header/footer."""
    ancestors = list(el.iterancestors())
    for i, a in enumerate(ancestors):
        if a.tag in _NAV_TAGS or (a.get("role") or "").lower() in ("navigation", "banner"):
            return True
        if a.tag in ("header", "footer") and not any(
            x.tag in ("article", "main") for x in ancestors[i + 1 :]
        ):
            return True
    return False


def _own_inline_text(block: etree._Element) -> str:
    """A block's text without the text of block-level descendants (its "line")."""
    parts = [block.text or ""]
    for child in block:
        if isinstance(child.tag, str) and child.tag not in _BLOCKISH:
            parts.append(child.text_content() or "")
        parts.append(child.tail or "")
    return _WS.sub(" ", "".join(parts)).strip()


def _headline_like(text: str) -> bool:
    words = _WORD.findall(text)
    if len(text) > 250:
        return False
    if len(words) >= 3 and len(text) >= 25:
        return True
    # scripts without spaces between words
    return len(text) >= 12 and sum(1 for ch in text if ord(ch) > 0x2E80) >= 8


def _headline_links(body: etree._Element) -> dict[etree._Element, str]:
    """Links that stand as a headline: in a heading, or alone on their line."""
    found: dict[etree._Element, str] = {}
    for a in body.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        text = _text(a)
        if not _headline_like(text) or _in_furniture(a):
            continue
        block = None
        for anc in a.iterancestors():
            if anc.tag in _BLOCKISH:
                block = anc
                break
        if block is None:
            continue
        heading = block.tag in _HEADINGS or any(
            d.tag in _HEADINGS for d in a.iterdescendants() if isinstance(d.tag, str)
        )
        line = _own_inline_text(block)
        if heading or len(text) >= 0.6 * max(len(line), 1):
            found[a] = href.split("#", 1)[0]
    return found


@dataclass
class _Teasers:
    count: int = 0
    #: characters in teaser units, bare link lines counted at half weight
    chars: float = 0.0
    texts: tuple[str, ...] = ()
    #: the teaser units themselves (their text is not the page's own)
    units: tuple[etree._Element, ...] = ()


def _teasers(body: etree._Element) -> _Teasers:
    """Teaser units: the largest element around a headline link holding no other one."""
    links = _headline_links(body)
    if len(links) < 2:
        return _Teasers()
    # distinct targets below each element (a teaser links its headline, image and
    # "read more" to the same URL)
    below: dict[etree._Element, set[str]] = {}
    for a, href in links.items():
        for anc in a.iterancestors():
            below.setdefault(anc, set()).add(href)
    units: dict[etree._Element, etree._Element] = {}
    for a in links:
        unit = a
        for anc in a.iterancestors():
            if len(below.get(anc, ())) > 1 or anc.tag in ("body", "html"):
                break
            unit = anc
        units.setdefault(unit, a)
    out = _Teasers()
    texts: list[str] = []
    kept: list[etree._Element] = []
    for unit, a in units.items():
        text = _text(unit)
        if len(text) > 1200:
            continue
        # a teaser starts with its headline (after a date, a label or an image) and
        # holds at most one paragraph of running text: anything else is content
        if len(_text_before(unit, a)) > 80:
            continue
        running = sum(
            1
            for d in unit.iter("p", "div", "li", "blockquote", "dd")
            if d is not unit and len(_own_inline_text(d)) >= 50 and d not in a.iterancestors()
        )
        if running >= 2:
            continue
        link_text = _text(a)
        bare = len(text) <= len(link_text) + 25
        out.count += 1
        out.chars += text_size(text) * (0.5 if bare else 1.0)
        texts.append(_WS.sub(" ", text))
        kept.append(unit)
    out.texts = tuple(texts)
    out.units = tuple(kept)
    return out


@dataclass
class _Prose:
    #: characters in the page's longest run of paragraphs (under one parent)
    run: int = 0
    #: characters in all its paragraphs outside teasers and furniture
    total: int = 0


def _prose(body: etree._Element, teasers: tuple[etree._Element, ...]) -> _Prose:
    """The page's own paragraphs, read from the page (the body extractor may miss them).

    Paragraphs are `p` elements of real sentences (mostly not link text) outside
    teaser units and site furniture. A listing's snippets each sit in their own
    teaser; an article's paragraphs sit side by side (one long run), or, on pages
    built from widgets, in many boxes that still add up to a long text.
    """
    runs: dict[etree._Element, int] = {}
    for p in body.iter("p"):
        line = _own_inline_text(p)
        size = text_size(line)  # Han/kana characters weigh more: sizes, not lengths
        if size < PROSE_MIN_LINE:
            continue
        linked = sum(len(_text(a)) for a in p.iter("a"))
        parent = p.getparent()
        if linked > 0.5 * len(line) or parent is None:
            continue
        runs[parent] = runs.get(parent, 0) + size
    skip = set(teasers)
    out = _Prose()
    for parent, chars in runs.items():
        if parent in skip or any(a in skip for a in parent.iterancestors()):
            continue
        if not _in_furniture(parent):
            out.total += chars
            out.run = max(out.run, chars)
    return out


def _article_prose(prose: _Prose, teasers: _Teasers, is_article: bool) -> bool:
    """The page's own paragraphs make an article whatever teasers sit around it."""
    if prose.run >= PROSE_RUN and prose.run >= PROSE_RUN_OVER_TEASERS * teasers.chars:
        return True
    # split over widgets: trust it when the publisher calls the page an article
    return (
        is_article
        and prose.total >= PROSE_TOTAL
        and prose.total >= PROSE_TOTAL_OVER_TEASERS * teasers.chars
    )


def _text_before(unit: etree._Element, a: etree._Element) -> str:
    """Text of `unit` that comes before the link `a` in document order."""
    out: list[str] = []

    def walk(node: etree._Element) -> bool:
        if node is a:
            return True
        out.append(node.text or "")
        for child in node:
            if walk(child):
                return True
            out.append(child.tail or "")
        return False

    walk(unit)
    return _WS.sub(" ", "".join(out)).strip()
