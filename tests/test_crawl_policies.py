"""Crawling like a good citizen: discovery from a home page, limits, backoff."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psycopg
import pytest

from middlewares.retry import retry_after_seconds
from newsbot.demo.webserver import serve_sites
from newsbot.urls import normalize_url
from tests.support.fixtureweb import SiteSpec, build_web
from tests.test_crawl import newsbot

pytestmark = pytest.mark.slow  # crawls of local servers: `make test`, not `make test-fast`

SPECS = (
    SiteSpec("dailywire", "dated", 45),
    SiteSpec("metronews", "id", 45),
    SiteSpec("worldpost", "slug", 45),
)


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict, dict[str, str]]]:
    root = tmp_path_factory.mktemp("web")
    sites = build_web(root, SPECS)
    with serve_sites({name: site.root for name, site in sites.items()}) as bases:
        yield sites, bases


def test_discovery_from_a_bare_home_page(
    db: psycopg.Connection, database_url: str, web: tuple[dict, dict[str, str]], tmp_path: Path
) -> None:
    sites, bases = web
    sources = tmp_path / "sources.toml"
    sources.write_text(
        "".join(
            f'[[sources]]\nname = "{name}"\nstart_urls = ["{bases[name]}/"]\nmax_depth = 3\n\n'
            for name in sites
        )
    )
    result = newsbot(
        "crawl", "--sources", str(sources), "-s", "DOWNLOAD_DELAY=0", database_url=database_url
    )
    assert result.returncode == 0, result.stderr[-3000:]
    for name, site in sites.items():
        stored = {
            r["url"] for r in db.execute("SELECT url FROM articles WHERE source = %s", (name,))
        }
        expected = {normalize_url(bases[name] + path) for path in site.articles}
        found = len(stored & expected) / len(expected)
        assert found >= 0.95, (name, found)
        assert stored <= expected, stored - expected  # nothing that is not an article


@pytest.mark.parametrize(
    ("limit", "settings", "most_stored", "most_pages"),
    [
        # with no delay, pages already fetched are parsed after the stop: no bound on pages
        ("max_pages = 5", ["DOWNLOAD_DELAY=0", "CONCURRENT_REQUESTS_PER_DOMAIN=1"], 5, None),
        # paced at one request a second, 45 articles cannot be fetched in 3 s: 4 requests
        # at most, and one under way
        ("max_duration = 3\ndownload_delay = 1\nconcurrency = 1", [], 44, 5),
    ],
    ids=["max_pages", "max_duration"],
)
def test_a_limit_stops_one_source_cleanly(
    db: psycopg.Connection,
    database_url: str,
    web: tuple[dict, dict[str, str]],
    tmp_path: Path,
    limit: str,
    settings: list[str],
    most_stored: int,
    most_pages: int | None,
) -> None:
    """The source stops at its limit, at once (the requests queued behind its download
    delay are dropped, not fetched first), says why in crawl_runs, and the other
    source goes on to the end."""
    _sites, bases = web
    reason = limit.split()[0]
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f'[[sources]]\nname = "dailywire"\nsitemaps = ["{bases["dailywire"]}/sitemap.xml"]\n'
        f"{limit}\n\n"
        f'[[sources]]\nname = "metronews"\nfeeds = ["{bases["metronews"]}/rss.xml"]\n'
        "download_delay = 0\n"
    )
    options = [
        arg for setting in ["AUTOTHROTTLE_ENABLED=False", *settings] for arg in ("-s", setting)
    ]
    result = newsbot(
        "crawl", "--sources", str(sources), "--json", *options, database_url=database_url
    )
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout)["sources"]
    assert summary["dailywire"]["finish_reason"] == reason
    assert summary["metronews"]["finish_reason"] == "finished"
    if most_pages is not None:
        assert summary["dailywire"]["pages"] <= most_pages, summary["dailywire"]
    counts = {
        r["source"]: r["count"]
        for r in db.execute("SELECT source, count(*) FROM articles GROUP BY source")
    }
    assert counts.get("dailywire", 0) <= most_stored
    assert counts["metronews"] == 45  # the feed lists all 45
    run = db.execute("SELECT status, counters FROM crawl_runs").fetchone()
    assert run["status"] == "finished"
    assert run["counters"]["dailywire"]["finish_reason"] == reason


def test_max_age_days_skips_old_entries_before_fetching(
    db: psycopg.Connection, database_url: str, web: tuple[dict, dict[str, str]], tmp_path: Path
) -> None:
    sites, bases = web
    newest = max(when for _, when in sites["metronews"].articles.values())
    days = (datetime.now(UTC) - newest).days + 5  # keeps the articles of the last ~5 days
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f'[[sources]]\nname = "metronews"\nfeeds = ["{bases["metronews"]}/rss.xml"]\n'
        f"max_age_days = {days}\n"
    )
    result = newsbot(
        "crawl",
        "--sources",
        str(sources),
        "--json",
        "-s",
        "DOWNLOAD_DELAY=0",
        database_url=database_url,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    stored = db.execute("SELECT count(*) AS n FROM articles").fetchone()["n"]
    cutoff = datetime.now(UTC) - timedelta(days=days)  # as the spider judges it
    recent = sum(1 for _, when in sites["metronews"].articles.values() if when >= cutoff)
    assert stored == recent > 0


class _Flaky(BaseHTTPRequestHandler):
    """503 with Retry-After on the first request for a page, then the page."""

    seen: dict[str, int] = {}

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        if self.path == "/rss.xml":
            body = (
                f'<rss version="2.0"><channel><item><link>{base}/news/long-slug-about-the-'
                "storm-1234567.html</link></item></channel></rss>"
            ).encode()
        else:
            count = self.seen[self.path] = self.seen.get(self.path, 0) + 1
            if count == 1 and self.path.startswith("/news/"):
                self.send_response(503)
                self.send_header("Retry-After", "1")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if not self.path.startswith("/news/"):
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            text = "The storm cut power to thousands of homes overnight. " * 12
            body = (
                f"<html><head><title>Storm cuts power</title></head><body><article>"
                f"<h1>Storm cuts power</h1><p>{text}</p><p>{text}</p></article>"
                f"</body></html>"
            ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html" if b"<html" in body else "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_503_is_retried_after_the_servers_retry_after(
    db: psycopg.Connection, database_url: str, tmp_path: Path
) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        sources = tmp_path / "sources.toml"
        sources.write_text(f'[[sources]]\nname = "flaky"\nfeeds = ["{base}/rss.xml"]\n')
        result = newsbot("crawl", "--sources", str(sources), database_url=database_url)
    finally:
        server.shutdown()
        server.server_close()
    assert result.returncode == 0, result.stderr[-3000:]
    assert db.execute("SELECT title FROM articles").fetchone()["title"] == "Storm cuts power"
    counters = db.execute("SELECT counters FROM crawl_runs").fetchone()["counters"]["flaky"]
    assert counters["retry/count"] == 1
    assert counters["newsbot/retry/backoff_seconds"] == 1.0  # waited as the server asked


def test_retry_after_parsing() -> None:
    now = datetime(2024, 3, 10, 12, 0, tzinfo=UTC)
    assert retry_after_seconds(b"120") == 120.0
    assert retry_after_seconds("Sun, 10 Mar 2024 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("Sun, 10 Mar 2024 11:00:00 GMT", now) == 0.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None
