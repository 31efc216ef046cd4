"""The article model that travels through the pipeline stages.

Plain data classes, no Scrapy import: the same objects flow through a crawl
(via itemadapter) and through `newsbot extract`, so both share one code path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from newsbot.sites.base import SiteOverrides


@dataclass
class DateCandidate:
    """A raw date string found somewhere on (or about) a page, before parsing."""

    raw: str
    #: "published", "modified" or "unknown" (what the evidence claims the date is)
    role: str
    #: where it came from: "jsonld", "meta", "microdata", "time", "byline", "url",
    #: "feed", "sitemap", "http", "text"
    evidence: str
    #: the attribute or key that held it (e.g. "article:published_time"), for debugging
    key: str = ""


@dataclass
class PageDate:
    """A normalised date: an aware datetime in the page's own offset, and how precise it is."""

    value: datetime
    #: "day" (the page gave only a date), "minute" or "second"
    precision: str = "second"
    #: the evidence kind it was chosen from (see DateCandidate.evidence)
    evidence: str = ""

    @property
    def date_only(self) -> bool:
        return self.precision == "day"

    @property
    def utc(self) -> datetime:
        return self.value.astimezone(UTC)

    def isoformat(self) -> str:
        """ISO 8601 keeping the page's own offset; YYYY-MM-DD for a date-only value."""
        if self.date_only:
            return self.value.date().isoformat()
        return self.value.isoformat()

    def as_date(self) -> date:
        return self.value.date()


@dataclass
class Block:
    """One block of text from the main content area, in reading order."""

    text: str
    #: "p" paragraph, "h" heading, "li" list item, "quote", "pre", "caption", "table"
    kind: str = "p"
    #: lower-cased class/id/role tokens of the block and its ancestors, space separated:
    #: what boilerplate rules look at ("comment-respond sharedaddy ...")
    context: str = ""
    #: share of the block's characters that sit inside links
    link_density: float = 0.0


@dataclass
class Hints:
    """What a feed or sitemap said about an article before it was fetched."""

    title: str | None = None
    published: str | None = None
    modified: str | None = None
    authors: list[str] = field(default_factory=list)
    #: "feed", "sitemap" or "link": how the URL was discovered
    via: str | None = None
    #: the feed/sitemap/listing URL it was found on
    found_on: str | None = None


_VIA_RANK = {"feed": 0, "sitemap": 1, "link": 2}


def merge_hints(first: Hints, other: Hints) -> Hints:
    """Hints from several discovery paths: fields the first lacks are taken from the other.

    A feed is preferred to a sitemap and both to a plain link, whichever was seen first,
    so the result does not depend on the order in which responses happened to arrive.
    """
    if _VIA_RANK.get(other.via, 9) < _VIA_RANK.get(first.via, 9):
        first, other = other, first
    return Hints(
        title=first.title or other.title,
        published=first.published or other.published,
        modified=first.modified or other.modified,
        authors=first.authors or other.authors,
        via=first.via or other.via,
        found_on=first.found_on or other.found_on,
    )


@dataclass
class Article:
    """A fetched page and everything the stages learn about it."""

    # --- set by the spider (or by `newsbot extract` from a saved file) ---
    url: str
    source: str
    html: str
    fetched_at: datetime
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 200
    hints: Hints = field(default_factory=Hints)
    #: source settings the stages need (no Scrapy objects): timezone, language, overrides
    timezone: str | None = None
    language_hint: str | None = None
    #: per-site extraction overrides (sources file [sources.extract] or newsbot/sites/)
    overrides: SiteOverrides | None = None

    # --- extract stage ---
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
    #: words of prose (`<p>` text) on the whole page: how much the body may hold
    prose_words: int = 0

    # --- dates stage ---
    published: PageDate | None = None
    modified: PageDate | None = None

    # --- boilerplate stage ---
    body: str | None = None
    credited_source: str | None = None
    comments: list[str] = field(default_factory=list)
    #: which extractor's text the body is: "newsbot", or "trafilatura" when ours looked
    #: like the wrong part of the page (extraction.second_opinion)
    body_by: str | None = None

    # --- dedup stage ---
    content_hash: str | None = None
    #: sampled shingle hashes of the body (newsbot.reposts.similarity), for near-duplicate search
    anchors: list[int] = field(default_factory=list)

    #: the short reason a stage rejected the page (set when it is dropped)
    drop_reason: str | None = None
    #: stages already run on this article (several can run in one worker trip)
    stages_done: list[str] = field(default_factory=list)

    @property
    def published_at(self) -> datetime | None:
        return self.published.utc if self.published else None

    @property
    def modified_at(self) -> datetime | None:
        return self.modified.utc if self.modified else None


@dataclass
class DroppedPage:
    """A fetched page that is no article and never will be as it is (a PDF or an image at
    an article URL, a page over the size cap): the store records it in dropped_pages, so
    that re-crawls skip it until discovery says it changed."""

    url: str
    source: str
    drop_reason: str
    hints: Hints = field(default_factory=Hints)
