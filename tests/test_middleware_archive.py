"""ArchiveMiddleware: every fetched response kept as WARC, as sent; the articles point at theirs."""

from __future__ import annotations

import contextlib
import gzip
import ipaddress
import logging
import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psycopg
import pytest
from scrapy import Request, Spider
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, HtmlResponse, Response
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from middlewares.archive import ArchiveMiddleware
from newsbot import settings as defaults
from newsbot import stats as stat_keys
from newsbot.archive import META_KEY, Location, read_page
from newsbot.archive.writer import DEFAULT_MAX_BYTES
from newsbot.config import Source
from tests import fixture_web
from tests.support.cli import environment, newsbot

FEED = ("https://wire.example/rss.xml",)
PAGE = fixture_web.article_html(1, "https://wire.example").encode()


class SourceSpider(Spider):
    name = "wire"


def _crawler(tmp_path: Path, source: Source | None = None, **settings) -> tuple:
    crawler = get_crawler(SourceSpider, settings)
    crawler.spider = crawler._create_spider(source=source or Source("wire", feeds=FEED))
    crawler.stats.open_spider()
    return crawler, crawler.spider


@contextlib.contextmanager
def opened(tmp_path: Path, source: Source | None = None, **settings) -> Iterator:
    """The middleware as a crawl has it between spider_opened and spider_closed."""
    crawler, spider = _crawler(tmp_path, source, **settings)
    middleware = ArchiveMiddleware.from_crawler(crawler)
    middleware.spider_opened(spider)
    try:
        yield middleware
    finally:
        middleware.spider_closed(spider)


def _fetch(middleware: ArchiveMiddleware, url: str, body: bytes = PAGE, **kwargs) -> Response:
    request = Request(url, headers={"Accept-Encoding": "gzip, deflate"})
    response = HtmlResponse(
        url,
        body=body,
        request=request,
        headers=kwargs.pop("headers", {"Content-Type": "text/html; charset=utf-8"}),
        **kwargs,
    )
    returned = middleware.process_response(request, response)
    assert returned is response  # unchanged
    return response


def _responses(directory: Path) -> list[dict]:
    found = []
    for path in sorted(directory.glob("*.warc.gz")):
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "request":
                    found.append({"request_of": record.rec_headers["WARC-Concurrent-To"]})
                if record.rec_type != "response":
                    continue
                raw = record.raw_stream.read()
                headers = record.http_headers
                decoded = gzip.decompress(raw) if headers["Content-Encoding"] == "gzip" else raw
                found.append(
                    {
                        "id": record.rec_headers["WARC-Record-ID"],
                        "url": record.rec_headers["WARC-Target-URI"],
                        "date": record.rec_headers["WARC-Date"],
                        "digest": record.rec_headers["WARC-Payload-Digest"],
                        "ip": record.rec_headers["WARC-IP-Address"],
                        "status": int(headers.get_statuscode()),
                        "headers": headers.headers,
                        "raw": raw,
                        "body": decoded,
                    }
                )
    return found


# -- the component --------------------------------------------------------------------


def test_without_the_setting_or_the_key_it_is_not_configured(tmp_path: Path) -> None:
    crawler, _spider = _crawler(tmp_path)
    with pytest.raises(NotConfigured):
        ArchiveMiddleware.from_crawler(crawler)


def test_the_setting_archives_a_source_and_its_own_key_wins(tmp_path: Path) -> None:
    everyone, own = tmp_path / "all", tmp_path / "own"
    with opened(tmp_path, NEWSBOT_ARCHIVE_DIR=str(everyone)) as middleware:
        _fetch(middleware, "https://wire.example/a.html")
    keeps = Source("wire", feeds=FEED, archive=str(own))
    with opened(tmp_path, keeps, NEWSBOT_ARCHIVE_DIR=str(everyone)) as middleware:
        _fetch(middleware, "https://wire.example/b.html")
    assert [r["url"] for r in _responses(everyone) if "url" in r] == ["https://wire.example/a.html"]
    assert [r["url"] for r in _responses(own) if "url" in r] == ["https://wire.example/b.html"]


def test_a_response_is_kept_as_sent_and_the_request_knows_where(tmp_path: Path) -> None:
    source = Source("wire", feeds=FEED, archive=str(tmp_path / "warc"))
    packed = gzip.compress(PAGE)
    headers = Headers({"Content-Type": "text/html", "Content-Encoding": "gzip"})
    headers.appendlist("Set-Cookie", "a=1")
    headers.appendlist("Set-Cookie", "b=2")
    headers["Transfer-Encoding"] = "chunked"
    with opened(tmp_path, source) as middleware:
        response = _fetch(
            middleware,
            "https://wire.example/news/1.html",
            packed,
            headers=headers,
            status=200,
            ip_address=ipaddress.ip_address("192.0.2.7"),
            protocol="HTTP/1.1",
        )
        stats = middleware.crawler.stats
    location = response.meta[META_KEY]
    assert isinstance(location, Location)
    (kept,) = [r for r in _responses(tmp_path / "warc") if "url" in r]
    assert kept["raw"] == packed and kept["body"] == PAGE  # still gzip, as the server sent it
    assert ("Set-Cookie", "a=1") in kept["headers"] and ("Set-Cookie", "b=2") in kept["headers"]
    assert not any(k.lower() == "transfer-encoding" for k, _ in kept["headers"])
    assert kept["ip"] == "192.0.2.7" and kept["digest"].startswith("sha1:")
    assert read_page(location.file, location.offset).body == PAGE
    assert stats.get_value(stat_keys.ARCHIVE_RESPONSES) == 1
    assert stats.get_value(stat_keys.ARCHIVE_BYTES) == os.path.getsize(location.file)
    requests = [r for r in _responses(tmp_path / "warc") if "request_of" in r]
    assert requests == [{"request_of": kept["id"]}]


def test_the_last_fetch_of_a_redirect_carries_its_own_location(tmp_path: Path) -> None:
    with opened(tmp_path, NEWSBOT_ARCHIVE_DIR=str(tmp_path)) as middleware:
        first = Request("https://wire.example/old")
        moved = Response(first.url, status=301, headers={"Location": "/new"}, request=first)
        middleware.process_response(first, moved)
        second = first.replace(url="https://wire.example/new")  # as RedirectMiddleware does
        assert second.meta[META_KEY] == first.meta[META_KEY]
        final = _fetch(middleware, second.url)
    page = read_page(final.meta[META_KEY].file, final.meta[META_KEY].offset)
    assert page.url == "https://wire.example/new" and page.body == PAGE


def test_a_new_file_is_started_past_the_max_bytes(tmp_path: Path) -> None:
    assert defaults.NEWSBOT_ARCHIVE_MAX_BYTES == DEFAULT_MAX_BYTES
    with opened(
        tmp_path, NEWSBOT_ARCHIVE_DIR=str(tmp_path), NEWSBOT_ARCHIVE_MAX_BYTES=len(PAGE) // 4
    ) as middleware:
        kept = [_fetch(middleware, f"https://wire.example/{n}.html") for n in range(3)]
    files = sorted(tmp_path.glob("*.warc.gz"))
    assert len(files) == 3
    assert sorted(r.meta[META_KEY].file for r in kept) == [str(f) for f in files]
    for n, response in enumerate(kept):
        location = response.meta[META_KEY]
        assert read_page(location.file, location.offset).url == f"https://wire.example/{n}.html"


def test_a_write_error_is_counted_logged_once_and_the_response_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    directory = tmp_path / "warc"
    with opened(
        tmp_path, NEWSBOT_ARCHIVE_DIR=str(directory), NEWSBOT_ARCHIVE_MAX_BYTES=1
    ) as middleware:
        ok = _fetch(middleware, "https://wire.example/1.html")
        shutil.rmtree(directory)
        directory.write_text("in the way")  # each next file would go inside a file
        with caplog.at_level(logging.ERROR):
            lost = [_fetch(middleware, f"https://wire.example/{n}.html") for n in (2, 3)]
        stats = middleware.crawler.stats
    assert META_KEY in ok.meta and not any(META_KEY in r.meta for r in lost)
    assert stats.get_value(stat_keys.ARCHIVE_ERRORS) == 2
    assert stats.get_value(stat_keys.ARCHIVE_RESPONSES) == 1
    assert len([r for r in caplog.records if "cannot archive" in r.getMessage()]) == 1
    assert stat_keys.error_count(stats.get_stats()) == 2


def test_a_directory_that_cannot_be_made_is_an_error_not_a_crash(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("in the way")
    with opened(tmp_path, NEWSBOT_ARCHIVE_DIR=str(blocked / "warc")) as middleware:
        response = _fetch(middleware, "https://wire.example/1.html")
        stats = middleware.crawler.stats
    assert META_KEY not in response.meta
    assert stats.get_value(stat_keys.ARCHIVE_ERRORS) == 1


# -- a crawl ----------------------------------------------------------------------------


@dataclass
class Sent:
    path: str
    status: int
    #: the body as sent (gzip bytes for the gzip page) and as the page reads
    raw: bytes
    body: bytes


@dataclass
class Site:
    """A small news site with the awkward cases: a gzip page, a redirect, a 404, an image
    at an article URL, a 503 that works the second time. Logs what it sent."""

    base: str = ""
    sent: list[Sent] = field(default_factory=list)
    #: called (once) when a path is first served, before the answer goes out
    on_serve: dict[str, Callable[[], None]] = field(default_factory=dict)

    GZIP, MOVED, GONE, IMAGE, FLAKY = 4, 5, 6, 7, 8
    ARTICLES = (1, 2, 3, GZIP, MOVED, GONE, IMAGE, FLAKY)
    PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4

    def feed(self) -> bytes:
        items = "".join(
            f"<item><title>{n}</title><link>{self.base}{self.path(n)}</link></item>"
            for n in self.ARTICLES
        )
        return (
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>{items}'
            "</channel></rss>"
        ).encode()

    @staticmethod
    def path(n: int) -> str:
        return fixture_web.article_path(n)

    def answer(self, path: str) -> tuple[int, list[tuple[str, str]], bytes, bytes]:
        """(status, headers, raw body, body)."""
        html = [("Content-Type", "text/html; charset=utf-8")]
        if path == "/robots.txt":
            text = b"User-agent: *\nDisallow: /private/\n"
            return 200, [("Content-Type", "text/plain")], text, text
        if path == "/rss.xml":
            return 200, [("Content-Type", "application/rss+xml")], self.feed(), self.feed()
        if path == self.path(self.MOVED):
            return (
                301,
                [("Location", self.path(self.MOVED).replace(".html", "-new.html"))],
                b"",
                b"",
            )
        if path == self.path(self.MOVED).replace(".html", "-new.html"):
            page = fixture_web.article_html(self.MOVED, self.base).encode()
            return 200, html, page, page
        if path == self.path(self.IMAGE):
            return 200, [("Content-Type", "image/png")], self.PNG, self.PNG
        if path == self.path(self.FLAKY) and not any(s.path == path for s in self.sent):
            return 503, [("Content-Type", "text/plain"), ("Retry-After", "0")], b"busy", b"busy"
        for n in (1, 2, 3, self.GZIP, self.FLAKY):
            if path == self.path(n):
                page = fixture_web.article_html(n, self.base).encode()
                if n == self.GZIP:
                    return 200, [*html, ("Content-Encoding", "gzip")], gzip.compress(page), page
                return 200, html, page, page
        return 404, [("Content-Type", "text/html")], b"<h1>Not found</h1>", b"<h1>Not found</h1>"


@contextlib.contextmanager
def serving(site: Site) -> Iterator[Site]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            hook = site.on_serve.pop(self.path, None)
            if hook is not None:
                hook()
            status, headers, raw, body = site.answer(self.path)
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)
            site.sent.append(Sent(self.path, status, raw, body))

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def crawl(sources: Path, database_url: str, *settings: str) -> subprocess.CompletedProcess:
    env = environment(database_url)
    env.pop("NEWSBOT_ARCHIVE_DIR", None)
    options = ["AUTOTHROTTLE_ENABLED=False", "NEWSBOT_RETRY_BASE_DELAY=0.05", *settings]
    result = newsbot(
        "crawl",
        "--sources",
        str(sources),
        *[arg for option in options for arg in ("-s", option)],
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def _sources(tmp_path: Path, sites: dict[str, tuple[Site, str | None]]) -> Path:
    text = ""
    for name, (site, archive) in sites.items():
        text += (
            f'[[sources]]\nname = "{name}"\nfeeds = ["{site.base}/rss.xml"]\n'
            'article_pattern = "/news/"\ndownload_delay = 0\n'
        )
        if archive:
            text += f'archive = "{archive}"\n'
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _stored(db: psycopg.Connection, source: str) -> dict[str, dict]:
    rows = db.execute(
        "SELECT url, warc_file, warc_offset FROM articles WHERE source = %s", (source,)
    ).fetchall()
    return {row["url"]: row for row in rows}


@pytest.mark.slow
def test_a_crawl_keeps_every_response_and_each_article_points_at_its_page(
    db: psycopg.Connection, database_url: str, tmp_path: Path
) -> None:
    with serving(Site()) as kept, serving(Site()) as plain:
        sources = _sources(tmp_path, {"kept": (kept, "warc"), "plain": (plain, None)})
        started = datetime.now(UTC)
        crawl(sources, database_url)
        finished = datetime.now(UTC)

    warc = tmp_path / "warc"
    assert set(tmp_path.rglob("*.warc.gz")) == set(warc.glob("*.warc.gz"))  # plain: none
    archived = [r for r in _responses(warc) if "url" in r]
    requests = [r["request_of"] for r in _responses(warc) if "request_of" in r]
    assert all(r["url"].startswith(kept.base + "/") for r in archived)
    # every response the server sent, byte for byte, in the order of sending per URL
    sent = sorted((kept.base + s.path, s.status, s.raw, s.body) for s in kept.sent)
    got = sorted((r["url"], r["status"], r["raw"], r["body"]) for r in archived)
    assert got == sent
    paths = {s.path for s in kept.sent}
    assert {"/robots.txt", "/rss.xml", Site.path(Site.GONE), Site.path(Site.IMAGE)} <= paths
    assert [s.status for s in kept.sent if s.path == Site.path(Site.FLAKY)] == [503, 200]
    gzipped = next(r for r in archived if r["url"].endswith(Site.path(Site.GZIP)))
    assert gzipped["raw"][:2] == b"\x1f\x8b" and gzipped["raw"] != gzipped["body"]
    for record in archived:
        when = datetime.strptime(record["date"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        assert started <= when <= finished
        assert record["digest"].startswith("sha1:")
        assert record["ip"] == "127.0.0.1"
        assert requests.count(record["id"]) == 1  # its request record

    rows = _stored(db, "kept")
    expected = {1, 2, 3, Site.GZIP, Site.MOVED, Site.FLAKY}
    moved = kept.base + Site.path(Site.MOVED).replace(".html", "-new.html")
    urls = {kept.base + Site.path(n) for n in expected - {Site.MOVED}} | {moved}
    assert set(rows) == urls
    for url, row in rows.items():
        page = read_page(row["warc_file"], row["warc_offset"])
        assert page.url == url and page.status == 200
        ok = [s.body for s in kept.sent if kept.base + s.path == url and s.status == 200]
        assert [page.body] == ok
    assert len(_stored(db, "plain")) == len(expected)
    assert all(r["warc_file"] is None for r in _stored(db, "plain").values())


@pytest.mark.slow
def test_a_crawl_whose_archive_fails_still_stores_its_articles(
    db: psycopg.Connection, database_url: str, tmp_path: Path
) -> None:
    warc = tmp_path / "warc"

    def block() -> None:  # the feed's answer and everything after it cannot be kept
        shutil.rmtree(warc)
        warc.write_text("in the way")

    site = Site(on_serve={"/rss.xml": block})
    with serving(site):
        sources = _sources(tmp_path, {"kept": (site, None)})
        result = crawl(
            sources, database_url, f"NEWSBOT_ARCHIVE_DIR={warc}", "NEWSBOT_ARCHIVE_MAX_BYTES=1"
        )
    assert len(_stored(db, "kept")) == 6
    assert all(r["warc_file"] is None for r in _stored(db, "kept").values())
    run = db.execute("SELECT counters FROM crawl_runs ORDER BY id DESC").fetchone()
    counters = run["counters"]["kept"]
    assert counters[stat_keys.ARCHIVE_RESPONSES] == 1  # robots.txt, before the feed
    assert counters[stat_keys.ARCHIVE_ERRORS] == len(site.sent) - 1
    assert result.stderr.count("cannot archive") == 1
