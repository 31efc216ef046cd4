"""HTML page → metadata, raw date candidates and main-content blocks.

Pure library code (no Scrapy, no storage): the crawl pipeline and `newsbot extract`
both call `extract_page`, which never raises on bad input.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field

from newsbot.dates import collect_candidates
from newsbot.extraction.body import extract_blocks
from newsbot.extraction.html import header, parse, text_of
from newsbot.extraction.language import detect, normalise
from newsbot.extraction.metadata import Metadata, clean_authors, extract_metadata
from newsbot.items import Block, DateCandidate, Hints

__all__ = ["Extraction", "extract_page"]


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


def extract_page(
    html: str | bytes,
    url: str,
    *,
    hints: Hints | None = None,
    headers: Mapping[str, str] | None = None,
    language_hint: str | None = None,
) -> Extraction:
    """Extract everything the later stages need from one page; never raises on bad HTML."""
    declared = None
    content_type = header(headers, "content-type")
    if content_type and "charset=" in content_type.lower():
        declared = content_type.lower().split("charset=", 1)[1].split(";")[0].strip(" \"'")
    tree = parse(html, declared=declared)
    result = Extraction()
    if tree is None:
        result.language = normalise(header(headers, "content-language")) or normalise(language_hint)
        if hints:
            result.title = hints.title
            result.authors = clean_authors(hints.authors)
        return result

    try:
        meta = extract_metadata(tree, url)
    except Exception:  # metadata is best effort: a bad page must still give its body
        meta = Metadata()
    result.title = meta.title or (hints.title if hints else None)
    result.authors = meta.authors or clean_authors(
        hints.authors if hints else [], [meta.site_name or ""]
    )
    result.lead = meta.description
    result.canonical_url = meta.canonical_url
    result.site_name = meta.site_name
    result.section = meta.section
    result.tags = meta.tags
    result.image_url = meta.image_url

    try:  # reads the tree without changing it; the body is cut from a copy below
        result.date_candidates = list(
            collect_candidates(tree, url, jsonld=meta.jsonld, headers=headers, hints=hints)
        )
    except Exception:  # a dates bug must not cost us the page's text
        result.date_candidates = []

    try:
        result.blocks = extract_blocks(copy.deepcopy(tree), article_body=meta.article_body)
    except Exception:
        result.blocks = []

    result.language = (
        meta.language
        or normalise(header(headers, "content-language"))
        or normalise(language_hint)
        or detect(" ".join(b.text for b in result.blocks[:40]) or text_of(tree)[:5000])
    )
    return result
