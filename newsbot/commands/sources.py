"""`newsbot sources check`: try a sources file's entry points before scheduling it.

Fetches each source's feeds, sitemaps (or those robots.txt names) and listing pages
with plain urllib, finds their articles with the crawl's own discovery decisions (so
the count is what a crawl finds), shows what they yield, and runs one article through the crawl's
own stages (`newsbot.stages.process`), so an operator sees at once whether a new
source gives dated, clean articles. Nothing is stored.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from newsbot.commands import EXIT_OK, EXIT_SOURCE_FAILED
from newsbot.errors import message_of

SAMPLES = 3
MAX_BYTES = 20 * 1024 * 1024


def register(commands: argparse._SubParsersAction) -> None:
    sources = commands.add_parser("sources", help="work with sources files")
    sub = sources.add_subparsers(dest="sources_command", required=True, metavar="SUBCOMMAND")
    check = sub.add_parser(
        "check", help="validate a sources file and try each source's entry points"
    )
    check.add_argument("file", metavar="FILE", help="sources file (TOML)")
    check.add_argument("names", nargs="*", metavar="NAME", help="sources to check (default: all)")
    check.add_argument(
        "--timeout", type=float, default=15.0, metavar="SECONDS", help="per request (15)"
    )
    check.add_argument("--json", action="store_true", help="print JSON instead of text")
    check.set_defaults(run=run)


def fetch(url: str, timeout: float) -> tuple[bytes, dict[str, str], str]:
    """GET a URL: body, headers and final URL; raises OSError (incl. HTTPError) on failure."""
    from newsbot.settings import USER_AGENT

    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = response.read(MAX_BYTES)
        return body, dict(response.headers.items()), response.geturl()


def _content_type(headers: dict[str, str]) -> str | None:
    return next((v for k, v in headers.items() if k.lower() == "content-type"), None)


def _error(exc: Exception) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code}"
    return message_of(getattr(exc, "reason", None) or exc) or type(exc).__name__


class _Robots:
    """The sites' robots.txt, read once per host: the sitemaps they name, and whether
    they let the crawl fetch a URL (the crawl obeys them: ROBOTSTXT_OBEY)."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.parsed: dict[str, Any] = {}

    def _of(self, url: str) -> Any:
        from protego import Protego

        parts = urlsplit(url)
        host = f"{parts.scheme}://{parts.netloc}"
        if host not in self.parsed:
            try:
                body, _headers, _url = fetch(host + "/robots.txt", self.timeout)
                self.parsed[host] = Protego.parse(body.decode("utf-8", "replace"))
            except (OSError, ValueError):
                self.parsed[host] = None  # no robots.txt: everything is allowed
        return self.parsed[host]

    def allowed(self, url: str) -> bool:
        from newsbot.settings import USER_AGENT

        robots = self._of(url)
        return robots is None or robots.can_fetch(url, USER_AGENT)

    def sitemaps(self, url: str) -> list[str]:
        robots = self._of(url)
        return list(robots.sitemaps) if robots is not None else []


def check_source(source: Any, timeout: float) -> dict[str, Any]:
    """What each entry point of one source yields, and one article through the stages.

    Discovery makes the crawl's own decisions (spiders.follow: which sitemaps robots.txt
    adds, which entries and links are articles, which listing pages are followed to
    max_depth, which feeds a page names, what robots.txt disallows), so that
    `articles_found` is the number of article URLs a crawl of the source finds.
    """
    from scrapy.responsetypes import responsetypes

    from newsbot import settings as defaults
    from newsbot.discovery import parse_document
    from newsbot.urls import normalize_url
    from spiders.follow import (
        autodiscovered_feeds,
        entry_skipped,
        link_extractor,
        listing_targets,
        reads_robots_sitemaps,
        robots_warning,
    )

    report: dict[str, Any] = {"feeds": [], "sitemaps": [], "start_urls": [], "failures": []}
    candidates: list[str] = []
    robots = _Robots(timeout)
    seen: set[str] = set()

    def refused(url: str, kind: str, entry: dict[str, Any], optional: bool = False) -> bool:
        if robots.allowed(url):
            return False
        entry["error"] = "disallowed by robots.txt"
        if not optional:
            report["failures"].append(f"{kind} {url}: {robots_warning(url)}")
        return True

    def document(url: str, kind: str, optional: bool = False) -> dict[str, Any]:
        entry: dict[str, Any] = {"url": url}
        seen.add(url)
        if refused(url, kind, entry, optional):
            return entry
        try:
            body, _headers, _final = fetch(url, timeout)
        except (OSError, ValueError) as exc:
            entry["error"] = _error(exc)
            if not optional:
                report["failures"].append(f"{kind} {url}: {entry['error']}")
            return entry
        parsed = parse_document(body, url, max_entries=defaults.NEWSBOT_DISCOVERY_MAX_ENTRIES)
        entry["kind"] = parsed.kind
        entry["entries"] = len(parsed.entries)
        if parsed.kind == "unknown":
            entry["error"] = "not a feed or sitemap"
            report["failures"].append(f"{kind} {url}: not a feed or sitemap")
        for found in parsed.entries:
            article = urljoin(url, found.url)
            if entry_skipped(source, article, found.hints) is None:
                candidates.append(article)
        if parsed.sitemaps:
            entry["sitemaps"] = len(parsed.sitemaps)
            children = [urljoin(url, child) for child in parsed.sitemaps]
            entry["children"] = [
                document(child, "sitemap", optional=True) for child in children if child not in seen
            ]
        return entry

    def listing(url: str, depth: int) -> dict[str, Any]:
        """A listing page and those it leads to (within max_depth), as the crawl reads them."""
        entry: dict[str, Any] = {"url": url}
        seen.add(normalize_url(url))
        if refused(url, "start_url", entry, optional=depth > 0):
            return entry
        try:
            body, headers, final = fetch(url, timeout)
        except (OSError, ValueError) as exc:
            entry["error"] = _error(exc)
            if depth == 0:
                report["failures"].append(f"start_url {url}: {entry['error']}")
            return entry
        cls = responsetypes.from_args(headers=headers, url=final, body=body)
        response = cls(url=final, body=body, headers=headers)
        if not hasattr(response, "css"):
            entry.update(links=0, article_links=0)
            return entry
        for feed in autodiscovered_feeds(source, response):
            if feed not in seen:
                report.setdefault("autodiscovered_feeds", []).append(
                    document(feed, "feed", optional=True)
                )
        if "links" not in source.discovery:
            return entry  # discover leaves links out: the page is read for its feeds only
        articles, listings = listing_targets(source, response, depth, link_extractor())
        links = {urljoin(final, href.strip()) for href in response.xpath("//a/@href").getall()}
        entry.update(links=len(links), article_links=len(set(articles)))
        candidates.extend(articles)
        for follow in listings:
            if normalize_url(follow) not in seen:
                entry.setdefault("pages", []).append(listing(follow, depth + 1))
        return entry

    # the crawl's discovery methods (the source's `discover`, Source.discovery)
    report["discover"] = sorted(source.discovery)
    report["feeds"] = [document(url, "feed") for url in source.feeds]
    sitemaps = list(source.sitemaps)
    if reads_robots_sitemaps(source):
        named = (m for host in source.robots_hosts for m in robots.sitemaps(host + "/"))
        report["robots_sitemaps"] = [m for m in dict.fromkeys(named) if m not in sitemaps]
        sitemaps += report["robots_sitemaps"]
    report["sitemaps"] = [
        document(url, "sitemap", optional=url not in source.sitemaps) for url in sitemaps
    ]
    report["start_urls"] = [listing(url, 0) for url in source.start_urls]

    samples = list(dict.fromkeys(normalize_url(u) for u in candidates))
    report["articles_found"] = len(samples)
    report["sample_urls"] = samples[:SAMPLES]
    report["sample"] = extract_sample(source, samples[0], timeout) if samples else None
    return report


def extract_sample(source: Any, url: str, timeout: float) -> dict[str, Any]:
    """One article through the crawl's own stages: title, date, start of the body."""
    from newsbot import sites
    from newsbot.decoding import decode_html
    from newsbot.errors import PageRejected
    from newsbot.items import Article
    from newsbot.stages import process

    try:
        body, headers, final = fetch(url, timeout)
    except (OSError, ValueError) as exc:
        return {"url": url, "error": _error(exc)}
    article = Article(
        url=final,
        source=source.name,
        html=decode_html(body, _content_type(headers))[1],
        fetched_at=datetime.now(UTC),
        headers=headers,
        timezone=source.timezone,
        language_hint=source.language,
        overrides=sites.for_url(final, source.extract),
    )
    try:
        article = process(article)
    except PageRejected as exc:
        return {"url": url, "error": f"dropped: {exc}"}
    return {
        "url": url,
        "title": article.title,
        "published": article.published.isoformat() if article.published else None,
        "authors": article.authors,
        "body": (article.body or "")[:200],
    }


def _print(name: str, report: dict[str, Any]) -> None:
    print(f"{name}:")

    def show(entry: dict[str, Any], label: str, indent: str = "  ") -> None:
        if "error" in entry and "kind" not in entry:
            print(f"{indent}{label} {entry['url']}: FAILED ({entry['error']})")
            return
        what = f"{entry['kind']}, {entry['entries']} entries"
        if "sitemaps" in entry:
            what += f", {entry['sitemaps']} sitemaps"
        if "error" in entry:
            what += f" — FAILED ({entry['error']})"
        print(f"{indent}{label} {entry['url']}: {what}")
        for child in entry.get("children", []):
            show(child, "sitemap", indent + "  ")

    for entry in report["feeds"]:
        show(entry, "feed")
    if "robots_sitemaps" in report:
        print(f"  robots.txt names {len(report['robots_sitemaps'])} sitemaps")
    for entry in report["sitemaps"]:
        show(entry, "sitemap")
    for entry in report["start_urls"]:
        if "error" in entry:
            print(f"  listing {entry['url']}: FAILED ({entry['error']})")
        elif "links" not in entry:
            print(f"  listing {entry['url']}: read for its feeds only (discover)")
        else:
            print(
                f"  listing {entry['url']}: {entry['links']} links, "
                f"{entry['article_links']} article links"
            )
    print(f"  articles found: {report['articles_found']}")
    for url in report["sample_urls"]:
        print(f"    {url}")
    sample = report["sample"]
    if sample and "error" in sample:
        print(f"  sample {sample['url']}: {sample['error']}")
    elif sample:
        print(f"  sample title: {sample['title']}")
        print(f"  sample date: {sample['published'] or 'none found'}")
        print(f"  sample authors: {', '.join(sample['authors']) or 'none found'}")
        print(f"  sample body: {' '.join(sample['body'].split())}")


def run(args: argparse.Namespace) -> int:
    from newsbot.config import load_sources, select_sources

    sources = select_sources(load_sources(args.file), args.names, args.file)
    reports = {s.name: check_source(s, args.timeout) for s in sources}
    if args.json:
        print(json.dumps({"sources": reports}, indent=2))
    else:
        for name, report in reports.items():
            _print(name, report)
    failed = [f"{name}: {f}" for name, r in reports.items() for f in r["failures"]]
    for failure in failed:
        print(f"newsbot: {failure}", file=sys.stderr)
    return EXIT_SOURCE_FAILED if failed else EXIT_OK
