"""The article model that travels through the pipeline stages.

Plain data classes, no Scrapy import: the same objects flow through a crawl
(via itemadapter) and through `newsbot extract`, so both share one code path.
"""

from __future__ import annotations

from dataclasses import MISSING, Field, dataclass, field, fields
from datetime import UTC, date, datetime
from typing import Any

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

    def as_json(self) -> dict[str, Any] | None:
        """The hints as stored (articles.discovery_hints), None when discovery said nothing."""
        values = {k: v for k, v in vars(self).items() if v}
        return values or None

    @classmethod
    def from_json(cls, values: dict[str, Any] | None) -> Hints:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (values or {}).items() if k in known})


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


def _hints_order(hints: Hints) -> tuple:
    return (
        _VIA_RANK.get(hints.via, 9),
        hints.found_on or "",
        hints.published or "",
        hints.modified or "",
        hints.title or "",
        hints.authors,
    )


def merge_all(found: list[Hints]) -> Hints:
    """The hints of every discovery path that found one URL, merged in a fixed order (the
    best path first, then by where it was found), so the result is the same whatever
    order the paths were read in, by one process or by several workers."""
    ordered = sorted(found, key=_hints_order)
    if not ordered:
        return Hints()
    merged = ordered[0]
    for hints in ordered[1:]:
        merged = merge_hints(merged, hints)
    return merged


def _field(
    default: Any = MISSING,
    *,
    factory: Any = MISSING,
    spool: bool = False,
    columns: dict[str, str | None] | None = None,
    export: dict[str, int] | None = None,
    extract: dict[str, tuple[int, str | None]] | None = None,
) -> Any:
    """An Article field and where it goes outside the pipeline (see `Article`)."""
    return field(
        default=default,
        default_factory=factory,
        metadata={
            "spool": spool,
            "columns": columns or {},
            "export": export or {},
            "extract": extract or {},
        },
    )


def _stored(name: str, default: Any = MISSING, *, factory: Any = MISSING, **places: Any) -> Any:
    """A field stored as the articles column of its own name, and spooled."""
    return _field(default, factory=factory, spool=True, columns={name: None}, **places)


@dataclass
class Article:
    """A fetched page and everything the stages learn about it.

    This is the one declaration of the article's fields. Each field's metadata says where
    it goes outside the pipeline, and the places that write articles out derive from it:

    - "spool": kept in the spool file (newsbot.storage.spool): what the store needs;
    - "columns": the `articles` columns it fills, each with the attribute of the value
      that goes there (None: the value itself); newsbot.storage.articles writes them;
    - "export": which of those columns `newsbot export` writes, at which position
      (newsbot.storage.export adds the columns the store computes: id, duplicate_of...);
    - "extract": the keys of `newsbot extract`'s JSON, each with its position and the
      attribute of the value shown (a method is called).

    A field with none of these is internal to the stages (raw html, text blocks...).
    `fields_of`, `row_columns`, `extract_json` read it; tests/test_items.py checks that
    a new field is handled everywhere.
    """

    # --- set by the spider (or by `newsbot extract` from a saved file) ---
    url: str = _stored("url", export={"url": 1}, extract={"url": (1, None)})
    source: str = _stored("source", export={"source": 3})
    html: str = _field()
    fetched_at: datetime = _stored("fetched_at", export={"fetched_at": 13})
    headers: dict[str, str] = _field(factory=dict)
    status: int = _field(200, spool=True)
    #: only `modified` (the discovery lastmod) leaves the pipeline
    hints: Hints = _field(
        factory=Hints,
        spool=True,
        columns={"discovery_lastmod": "modified", "discovery_hints": "as_json"},
    )
    #: source settings the stages need (no Scrapy objects): timezone, language, overrides
    timezone: str | None = _field(None, spool=True)
    language_hint: str | None = _field(None, spool=True)
    #: per-site extraction overrides (sources file [sources.extract] or newsbot/sites/)
    overrides: SiteOverrides | None = _field(None)
    #: where the raw response is archived as WARC (file, offset of its response record);
    #: None when the source does not archive (newsbot.archive)
    warc_file: str | None = _stored("warc_file", None)
    warc_offset: int | None = _stored("warc_offset", None)
    #: the extraction code that made the fields below (newsbot.stages.EXTRACTOR_VERSION)
    extractor_version: str | None = _stored(
        "extractor_version", None, extract={"extractor_version": (19, None)}
    )

    # --- extract stage ---
    title: str | None = _stored("title", None, export={"title": 4}, extract={"title": (2, None)})
    authors: list[str] = _stored(
        "authors", factory=list, export={"authors": 5}, extract={"authors": (3, None)}
    )
    lead: str | None = _stored("lead", None, export={"lead": 7}, extract={"lead": (7, None)})
    language: str | None = _stored(
        "language", None, export={"language": 8}, extract={"language": (6, None)}
    )
    canonical_url: str | None = _stored(
        "canonical_url", None, export={"canonical_url": 2}, extract={"canonical_url": (10, None)}
    )
    site_name: str | None = _stored(
        "site_name", None, export={"site_name": 17}, extract={"site_name": (11, None)}
    )
    section: str | None = _stored(
        "section", None, export={"section": 18}, extract={"section": (12, None)}
    )
    tags: list[str] = _stored(
        "tags", factory=list, export={"tags": 19}, extract={"tags": (13, None)}
    )
    image_url: str | None = _stored(
        "image_url", None, export={"image_url": 20}, extract={"image_url": (14, None)}
    )
    date_candidates: list[DateCandidate] = _field(factory=list)
    blocks: list[Block] = _field(factory=list)
    #: words of prose (`<p>` text) on the whole page: how much the body may hold
    prose_words: int = _field(0)

    # --- dates stage ---
    published: PageDate | None = _field(
        None,
        spool=True,
        columns={
            "published_at": "utc",
            "published_precision": "precision",
            "date_evidence": "evidence",
        },
        export={"published_at": 9, "published_precision": 10, "date_evidence": 12},
        extract={"published_at": (4, "isoformat"), "date_evidence": (17, "evidence")},
    )
    modified: PageDate | None = _field(
        None,
        spool=True,
        columns={"modified_at": "utc", "modified_precision": "precision"},
        export={"modified_at": 11},
        extract={"modified_at": (5, "isoformat")},
    )

    # --- boilerplate stage ---
    body: str | None = _stored("body", None, export={"body": 6}, extract={"body": (8, None)})
    credited_source: str | None = _stored(
        "credited_source",
        None,
        export={"credited_source": 16},
        extract={"credited_source": (15, None)},
    )
    #: stored in article_comments, one row each
    comments: list[str] = _field(factory=list, spool=True, extract={"comments": (16, None)})
    #: which extractor's text the body is: "newsbot", or "trafilatura" when ours looked
    #: like the wrong part of the page (extraction.second_opinion)
    body_by: str | None = _field(None, extract={"body_by": (9, None)})

    # --- dedup stage ---
    content_hash: str | None = _stored(
        "content_hash", None, export={"content_hash": 14}, extract={"content_hash": (18, None)}
    )
    #: sampled shingle hashes of the body (newsbot.reposts.similarity), for near-duplicate
    #: search: stored in article_anchors (and counted in anchor_count)
    anchors: list[int] = _field(factory=list, spool=True)

    #: the short reason a stage rejected the page (set when it is dropped)
    drop_reason: str | None = _field(None)
    #: stages already run on this article (several can run in one worker trip)
    stages_done: list[str] = _field(factory=list)

    @property
    def published_at(self) -> datetime | None:
        return self.published.utc if self.published else None

    @property
    def modified_at(self) -> datetime | None:
        return self.modified.utc if self.modified else None


def fields_of(place: str) -> list[Field]:
    """The Article fields that go to `place` ("spool", "columns", "export", "extract"),
    in declaration order."""
    return [f for f in fields(Article) if f.metadata[place]]


#: the fields that fill articles columns (fixed: worked out once, not per stored article)
_COLUMN_FIELDS = fields_of("columns")


def _view(value: Any, attribute: str | None) -> Any:
    """`attribute` of `value` (a method is called); the value itself for None."""
    if value is None or attribute is None:
        return value
    found = getattr(value, attribute)
    return found() if callable(found) else found


def row_columns(article: Article) -> dict[str, Any]:
    """The articles columns the item fills, by name, in declaration order (lists copied)."""
    row: dict[str, Any] = {}
    for f in _COLUMN_FIELDS:
        value = getattr(article, f.name)
        for column, attribute in f.metadata["columns"].items():
            found = _view(value, attribute)
            row[column] = list(found) if isinstance(found, list) else found
    return row


def export_columns() -> dict[str, int]:
    """The exported columns the item fills, with their positions in the export."""
    return {c: rank for f in fields_of("export") for c, rank in f.metadata["export"].items()}


def extract_json(article: Article) -> dict[str, Any]:
    """The article as `newsbot extract` shows it, keys in their output order."""
    shown = [
        (rank, key, _view(getattr(article, f.name), attribute))
        for f in fields_of("extract")
        for key, (rank, attribute) in f.metadata["extract"].items()
    ]
    return {key: value for _rank, key, value in sorted(shown, key=lambda s: s[0])}


@dataclass
class DroppedPage:
    """A fetched page that is no article and never will be as it is (a PDF or an image at
    an article URL, a page over the size cap): the store records it in dropped_pages, so
    that re-crawls skip it until discovery says it changed."""

    url: str
    source: str
    drop_reason: str
    hints: Hints = field(default_factory=Hints)
