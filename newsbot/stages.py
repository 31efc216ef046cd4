"""The processing stages, as plain functions on an `Article`.

Scrapy pipelines (`pipelines/`) call one stage each; `newsbot extract` calls
`process()`, which runs the same functions in the same order. Each stage raises
`PageRejected` for a page that must be dropped, with a short reason.
"""

from __future__ import annotations

from collections.abc import Callable

import newsbot
from newsbot import boilerplate, dates
from newsbot.errors import PageRejected
from newsbot.extraction import extract_page, second_opinion
from newsbot.extraction.html import text_size
from newsbot.extraction.pagetype import EMPTY
from newsbot.items import Article
from newsbot.reposts.fingerprint import content_hash
from newsbot.reposts.similarity import anchors

#: Bump this when a change to the stages changes what is stored for some pages: rows made
#: by an older revision are then found, and re-extracted from their archived raw pages,
#: by `newsbot reprocess --older-than-version` (docs/architecture.md, "Where to change what")
RULES_REVISION = 1
#: what made an article (articles.extractor_version): the package version plus the rules
#: revision, a PEP 440 version ("0.1.0+rules.1") so that versions compare in order
EXTRACTOR_VERSION = f"{newsbot.__version__}+rules.{RULES_REVISION}"

#: pages shorter than this (characters of cleaned body) are not articles
MIN_BODY_CHARS = 80


def extract(article: Article) -> Article:
    """HTML → metadata, raw date candidates and the main content's text blocks.

    A page that is not an article is dropped here with its page type as the reason
    (listing, error_page, login_wall, no_article_body).
    """
    if not article.html or not article.html.strip():
        raise PageRejected("empty_page", article.url)
    article.extractor_version = EXTRACTOR_VERSION
    result = extract_page(
        article.html,
        article.url,
        hints=article.hints,
        headers=article.headers,
        language_hint=article.language_hint,
        overrides=article.overrides,
    )
    article.title = result.title
    article.authors = result.authors
    article.lead = result.lead
    article.language = result.language
    article.canonical_url = result.canonical_url
    article.site_name = result.site_name
    article.section = result.section
    article.tags = result.tags
    article.image_url = result.image_url
    article.date_candidates = result.date_candidates
    article.blocks = result.blocks
    article.prose_words = result.prose_words
    if result.page_type == EMPTY and result.prose_words >= second_opinion.MIN_PROSE_WORDS:
        # our blocks are near-empty but the page holds prose: the boilerplate stage asks
        # a second extractor before the page is judged empty
        return article
    if result.page_type != "article":
        # listings, error pages, login walls, near-empty pages: a counted drop (the
        # fields above stay filled in, for `newsbot extract` to show)
        raise PageRejected(result.page_type, result.page_type_reason)
    return article


def normalise_dates(article: Article) -> Article:
    """Raw candidates → published/modified as aware datetimes (never guessed from nothing)."""
    article.published, article.modified = dates.resolve_dates(
        article.date_candidates,
        fetched_at=article.fetched_at,
        timezone=article.timezone,
        language=article.language or article.language_hint,
        html=article.html,
        url=article.url,
    )
    return article


def strip_boilerplate(article: Article) -> Article:
    """Blocks → the article's own body text, without comments, share bars, banners…"""
    cleaned = boilerplate.clean(
        article.blocks,
        title=article.title,
        language=article.language,
    )
    article.body = cleaned.body
    article.body_by = "newsbot"
    article.credited_source = cleaned.credited_source
    article.comments = cleaned.comments
    forced = bool(article.overrides and article.overrides.body)  # the site named its body
    if not forced and second_opinion.doubtful(
        article.body, article.prose_words, min_chars=MIN_BODY_CHARS
    ):
        other = boilerplate.clean(
            second_opinion.trafilatura_blocks(article.html, article.url),
            title=article.title,
            language=article.language,
        )
        choice = second_opinion.choose(article.body or "", other.body)
        if choice.by != "newsbot":
            article.body, article.body_by = choice.body, choice.by
            article.credited_source = cleaned.credited_source or other.credited_source
    if text_size(article.body) < MIN_BODY_CHARS:  # a Han/kana character counts 3 times
        raise PageRejected("no_article_body", f"{len(article.body or '')} characters of text")
    if not article.title:
        raise PageRejected("no_title", article.url)
    return article


def fingerprint(article: Article) -> Article:
    """Content identity for repost detection: a hash of the normalised body."""
    article.content_hash = content_hash(article.body or "")
    article.anchors = anchors(article.body or "")
    return article


STAGES: tuple[Callable[[Article], Article], ...] = (
    extract,
    normalise_dates,
    strip_boilerplate,
    fingerprint,
)


def process(article: Article) -> Article:
    """Run every stage in crawl order (what `newsbot extract` does with a saved page)."""
    for stage in STAGES:
        article = stage(article)
    return article
