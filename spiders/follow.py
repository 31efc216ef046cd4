"""Which URLs a source's crawl follows: the decisions the spider and `newsbot sources
check` share, so that the check previews exactly what a crawl would fetch (which
sitemaps robots.txt adds, which feed and sitemap entries are skipped, which links of a
listing page are articles and which are listing pages followed to max_depth, which
feeds a page names)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from scrapy.http import TextResponse
from scrapy.linkextractors import LinkExtractor

from newsbot import stats as stat_keys
from newsbot.config import Source
from newsbot.dates import parse_date
from newsbot.items import Hints
from newsbot.urls import looks_like_article, normalize_url, same_site

_PAGINATION = ("/page/", "?page=", "&page=", "/p/")
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")


def robots_warning(url: str) -> str:
    """What to tell the operator about a feed, sitemap or start page robots.txt disallows."""
    return (
        f"robots.txt of {urlsplit(url).netloc} disallows {url}: use the site's feed or "
        "sitemap, or remove the URL from the sources file"
    )


def reads_robots_sitemaps(source: Source) -> bool:
    """The sitemaps robots.txt names are read ("robots" in the source's discovery: by
    default, a source that lists neither feeds nor sitemaps)."""
    return "robots" in source.discovery


def too_old(source: Source, hints: Hints) -> bool:
    """max_age_days, judged on the feed's or sitemap's own dates before fetching."""
    if not source.max_age_days:
        return False
    now = datetime.now(UTC)
    raw = hints.published or hints.modified
    parsed = parse_date(raw, fetched_at=now, timezone=source.timezone) if raw else None
    return parsed is not None and parsed.utc < now - timedelta(days=source.max_age_days)


def entry_skipped(source: Source, url: str, hints: Hints) -> str | None:
    """Why an article a feed or sitemap lists is not fetched (its stats key), or None."""
    if source.matches_article(url) is False:
        return stat_keys.DISCOVERY_SKIPPED_BY_PATTERN
    if too_old(source, hints):
        return stat_keys.SKIPPED_TOO_OLD
    return None


def is_article(source: Source, url: str) -> bool:
    matched = source.matches_article(url)
    return looks_like_article(url) if matched is None else matched


def is_listing(source: Source, url: str, is_next: bool) -> bool:
    matched = source.matches_follow(url)
    if matched is not None:
        return matched
    return is_next or any(marker in url for marker in _PAGINATION)


def listing_targets(
    source: Source, response: TextResponse, depth: int, links: LinkExtractor
) -> tuple[list[str], list[str]]:
    """A listing page's article links, and the listing pages it leads to within max_depth."""
    next_links = set(
        response.css('link[rel="next"]::attr(href), a[rel="next"]::attr(href)').getall()
    )
    next_urls = {normalize_url(response.urljoin(h)) for h in next_links}
    articles: list[str] = []
    listings: list[str] = []
    for link in links.extract_links(response):
        url = link.url
        if not same_site(url, source.hosts):
            continue
        if is_article(source, url):
            articles.append(url)
        elif depth < source.max_depth and is_listing(source, url, normalize_url(url) in next_urls):
            listings.append(url)
    for url in next_urls:
        if depth < source.max_depth and same_site(url, source.hosts):
            listings.append(url)
    return articles, listings


def autodiscovered_feeds(source: Source, response: TextResponse) -> list[str]:
    """`<link rel=alternate type=application/rss+xml>` of a listing page, when the source
    names no feeds: a site's own list of its articles."""
    if source.feeds or "feeds" not in source.discovery:
        return []
    found = []
    for link in response.css('link[rel~="alternate"]'):
        kind = (link.attrib.get("type") or "").lower()
        href = link.attrib.get("href")
        if not href or kind not in _FEED_TYPES or "comments" in href.lower():
            continue
        url = normalize_url(response.urljoin(href))
        if same_site(url, source.hosts):
            found.append(url)
    return found


def link_extractor() -> LinkExtractor:
    return LinkExtractor(unique=True, deny_extensions=None)
