"""`newsbot sources check`: try a sources file's entry points before scheduling it.

Fetches each source's feeds, sitemaps (or those robots.txt names) and listing pages
with plain urllib, shows what they yield, and runs one article through the crawl's
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
from urllib.parse import urljoin

from newsbot.commands import EXIT_OK, EXIT_SOURCE_FAILED

SAMPLES = 3
MAX_CHILD_SITEMAPS = 5
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


def _error(exc: Exception) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code}"
    reason = getattr(exc, "reason", None) or exc
    return " ".join(str(reason).split()) or type(exc).__name__


def _is_article(source: Any, url: str) -> bool:
    from newsbot.urls import looks_like_article

    match = source.matches_article(url)
    return looks_like_article(url) if match is None else match


def _robots_sitemaps(source: Any, timeout: float) -> list[str]:
    found: list[str] = []
    for host in source.robots_hosts:
        try:
            body, _headers, _url = fetch(host + "/robots.txt", timeout)
        except (OSError, ValueError):
            continue
        for line in body.decode("utf-8", "replace").splitlines():
            key, _, value = line.partition(":")
            if key.strip().lower() == "sitemap" and value.strip():
                found.append(value.strip())
    return found


_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")


def _linked_feeds(tree: Any, base: str, hosts: frozenset[str]) -> list[str]:
    """Feeds a page links to (`<link rel=alternate>`, comments feeds left out), on its
    own site: those the crawl autodiscovers."""
    from newsbot.urls import same_site

    found: list[str] = []
    for link in tree.xpath('//link[@href and contains(concat(" ", @rel, " "), " alternate ")]'):
        href = link.get("href").strip()
        if (link.get("type") or "").lower() not in _FEED_TYPES or "comments" in href.lower():
            continue
        url = urljoin(base, href)
        if same_site(url, hosts) and url not in found:
            found.append(url)
    return found


def check_source(source: Any, timeout: float) -> dict[str, Any]:
    """What each entry point of one source yields, and one article through the stages."""
    import lxml.html

    from newsbot.discovery import parse_document

    report: dict[str, Any] = {"feeds": [], "sitemaps": [], "start_urls": [], "failures": []}
    candidates: list[str] = []

    def document(url: str, kind: str) -> dict[str, Any]:
        entry: dict[str, Any] = {"url": url}
        try:
            body, _headers, _final = fetch(url, timeout)
        except (OSError, ValueError) as exc:
            entry["error"] = _error(exc)
            report["failures"].append(f"{kind} {url}: {entry['error']}")
            return entry
        parsed = parse_document(body, url)
        entry["kind"] = parsed.kind
        entry["entries"] = len(parsed.entries)
        if parsed.kind == "unknown":
            entry["error"] = "not a feed or sitemap"
            report["failures"].append(f"{kind} {url}: not a feed or sitemap")
        candidates.extend(e.url for e in parsed.entries)
        if parsed.sitemaps:
            entry["sitemaps"] = len(parsed.sitemaps)
            entry["children"] = [
                document(child, "sitemap")
                for child in parsed.sitemaps[:MAX_CHILD_SITEMAPS]
                if child != url
            ]
        return entry

    # the crawl's discovery methods (the source's `discover`, Source.discovery)
    methods = source.discovery
    report["discover"] = sorted(methods)
    report["feeds"] = [document(url, "feed") for url in source.feeds]
    sitemaps = list(source.sitemaps)
    if "robots" in methods:
        robots = [s for s in _robots_sitemaps(source, timeout) if s not in sitemaps]
        report["robots_sitemaps"] = robots
        sitemaps += robots
    report["sitemaps"] = [document(url, "sitemap") for url in sitemaps]
    autodiscover = "feeds" in methods and not source.feeds
    for url in source.start_urls:
        entry: dict[str, Any] = {"url": url}
        try:
            body, _headers, final = fetch(url, timeout)
            tree = lxml.html.fromstring(body)
            if autodiscover:
                for feed in _linked_feeds(tree, final, source.hosts):
                    if feed not in {f["url"] for f in report["feeds"]}:
                        report["feeds"].append(document(feed, "feed"))
            if "links" in methods:
                links = {urljoin(final, href.strip()) for href in tree.xpath("//a/@href")}
                articles = sorted(link for link in links if _is_article(source, link))
                entry.update(links=len(links), article_links=len(articles))
                candidates.extend(articles)
        except (OSError, ValueError) as exc:
            entry["error"] = _error(exc)
            report["failures"].append(f"start_url {url}: {entry['error']}")
        report["start_urls"].append(entry)

    from newsbot.urls import normalize_url

    samples = list(dict.fromkeys(normalize_url(u) for u in candidates if _is_article(source, u)))
    report["articles_found"] = len(samples)
    report["sample_urls"] = samples[:SAMPLES]
    report["sample"] = extract_sample(source, samples[0], timeout) if samples else None
    return report


def extract_sample(source: Any, url: str, timeout: float) -> dict[str, Any]:
    """One article through the crawl's own stages: title, date, start of the body."""
    from newsbot import sites
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
        html=body.decode("utf-8", "replace"),
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
