"""HTML page → metadata, raw date candidates and main-content blocks.

Pure library code (no Scrapy, no storage): the crawl pipeline and `newsbot extract`
both call `extract_page`, which never raises on bad input.
"""

from __future__ import annotations

import contextlib
import copy
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from lxml import etree
from lxml.cssselect import CSSSelector

from newsbot.dates import collect_candidates
from newsbot.extraction.body import COMMENT_MARK, _remove, extract_blocks
from newsbot.extraction.html import header, parse, text_of
from newsbot.extraction.language import detect, normalise
from newsbot.extraction.metadata import Metadata, clean_authors, extract_metadata
from newsbot.extraction.pagetype import PAGE_TYPES, classify
from newsbot.extraction.second_opinion import prose_words
from newsbot.extraction.standfirst import lead_blocks
from newsbot.extraction.titles import cap
from newsbot.items import Block, DateCandidate, Hints
from newsbot.sites.base import SiteOverrides

__all__ = ["PAGE_TYPES", "Extraction", "extract_page"]

log = logging.getLogger(__name__)


@dataclass
class Extraction:
    """What one page yields before dates are resolved and boilerplate is stripped."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    lead: str | None = None
    language: str | None = None
    canonical_url: str | None = None
    site_name: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    image_url: str | None = None
    date_candidates: list[DateCandidate] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    #: "article", "listing", "error_page", "login_wall" or "no_article_body" (near-empty)
    page_type: str = "article"
    #: why a page is not an article (empty for articles)
    page_type_reason: str = ""
    #: words in the page's `<p>` elements (how much prose the page holds), for the
    #: boilerplate stage's second opinion (see extraction.second_opinion)
    prose_words: int = 0
    #: (source, raw value) of every title and author candidate (`extract --candidates`)
    title_sources: list[tuple[str, str]] = field(default_factory=list)
    author_sources: list[tuple[str, str]] = field(default_factory=list)


@lru_cache(maxsize=512)
def _css(selector: str) -> CSSSelector | None:
    """A compiled CSS selector (cached); None, logged once, for one that does not parse."""
    try:
        return CSSSelector(selector)
    except Exception as exc:  # cssselect raises several error types
        log.warning("ignoring the CSS selector %r: %s", selector, exc)
        return None


def _select(tree: etree._Element, selectors: tuple[str, ...] | str | None) -> list:
    """Elements matching any of the selectors, in document order, each once."""
    if not selectors:
        return []
    if isinstance(selectors, str):
        selectors = (selectors,)
    found: set = set()
    for sel in selectors:
        compiled = _css(sel)
        if compiled is None:
            continue
        try:
            found.update(compiled(tree))
        except Exception:
            continue
    if not found:
        return []
    return [el for el in tree.iter() if el in found]


def _texts(tree: etree._Element, selector: str | None) -> list[str]:
    return [t for t in (text_of(el) for el in _select(tree, selector)) if t]


def _drop(tree: etree._Element, selectors: tuple[str, ...]) -> None:
    for el in _select(tree, selectors):
        if el.getparent() is not None and el.tag not in ("html", "body"):
            _remove(el)


def extract_page(
    html: str | bytes,
    url: str,
    *,
    hints: Hints | None = None,
    headers: Mapping[str, str] | None = None,
    language_hint: str | None = None,
    overrides: SiteOverrides | None = None,
) -> Extraction:
    """Extract everything the later stages need from one page; never raises on bad HTML.

    `overrides` (CSS selectors of a per-site override) drop elements before anything
    is read, name the article's container(s), and take title/authors/lead from the
    DOM when their selectors match.
    """
    declared = None
    content_type = header(headers, "content-type")
    if content_type and "charset=" in content_type.lower():
        declared = content_type.lower().split("charset=", 1)[1].split(";")[0].strip(" \"'")
    tree = parse(html, declared=declared)
    result = Extraction()
    if tree is None:
        result.language = normalise(header(headers, "content-language")) or normalise(language_hint)
        if hints:
            result.title = cap(hints.title)
            result.authors = clean_authors(hints.authors)
        result.page_type, result.page_type_reason = "no_article_body", "nothing to parse"
        return result
    if overrides and overrides.drop:  # the tree is our own: drop in place
        with contextlib.suppress(Exception):
            _drop(tree, overrides.drop)

    try:
        meta = extract_metadata(tree, url)
    except Exception:  # metadata is best effort: a bad page must still give its body
        meta = Metadata()
    # a feed's title or a site override's selector is held to the same hard limit
    result.title = meta.title or cap(hints.title if hints else None)
    result.authors = meta.authors or clean_authors(
        hints.authors if hints else [], [meta.site_name or ""]
    )
    result.lead = meta.description
    result.title_sources, result.author_sources = meta.title_sources, meta.author_sources
    result.canonical_url = meta.canonical_url
    result.site_name = meta.site_name
    result.section = meta.section
    result.tags = meta.tags
    result.image_url = meta.image_url
    if overrides:
        try:
            title = _texts(tree, overrides.title)
            if title:
                result.title = cap(title[0])
            authors = clean_authors(_texts(tree, overrides.authors), [meta.site_name or ""])
            if authors:
                result.authors = authors
            lead = _texts(tree, overrides.lead)
            if lead:
                result.lead = lead[0]
        except Exception:  # a bad selector must not cost us the page
            pass

    try:  # reads the tree without changing it; the body is cut from a copy below
        result.date_candidates = list(
            collect_candidates(tree, url, jsonld=meta.jsonld, headers=headers, hints=hints)
        )
    except Exception:  # a dates bug must not cost us the page's text
        result.date_candidates = []

    with contextlib.suppress(Exception):
        result.prose_words = prose_words(tree)
    forced = False
    try:
        doc = copy.deepcopy(tree)
        roots = _select(doc, overrides.body) if overrides else []
        forced = bool(roots)
        result.blocks = extract_blocks(doc, article_body=meta.article_body, roots=roots)
    except Exception:
        result.blocks = []
    if not forced:
        try:  # the lead paragraph that the container choice left out, back on top
            own = [b for b in result.blocks if COMMENT_MARK not in b.context]
            result.blocks[:0] = lead_blocks(tree, own, result.title)
        except Exception:
            log.debug("standfirst search failed on %s", url, exc_info=True)

    try:
        kind = classify(
            tree,
            result.blocks,
            title=result.title,
            jsonld_types=meta.schema_types,
            og_type=meta.og_type,
            forced_body=forced,
        )
        result.page_type, result.page_type_reason = kind.kind, kind.reason
    except Exception:  # when in doubt, an article (the body-length check still applies)
        pass

    result.language = (
        meta.language
        or normalise(header(headers, "content-language"))
        or normalise(language_hint)
        or detect(" ".join(b.text for b in result.blocks[:40]) or text_of(tree)[:5000])
    )
    return result
