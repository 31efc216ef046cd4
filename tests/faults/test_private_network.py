"""SSRF: a public page must not make the crawler fetch a private or local address."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psycopg
import pytest

from middlewares.private_network import is_public
from tests.faults.ledger import LEDGER
from tests.test_crawl import newsbot

pytestmark = pytest.mark.slow  # the fault suite: `make test`, not `make test-fast`

ARTICLE = (
    "<html><head><title>Harbour reopens</title></head><body><article><h1>Harbour reopens</h1>"
    + "<p>The harbour reopened to ships on Monday after a week of repairs to its cranes.</p>" * 4
    + "</article></body></html>"
)


def _server(handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_links_and_redirects_into_local_addresses_are_refused(
    db: psycopg.Connection, database_url: str, tmp_path: Path
) -> None:
    internal_hits: list[str] = []
    public_hits: list[str] = []

    class Internal(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            internal_hits.append(self.path)
            body = ARTICLE.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    internal = _server(Internal)
    secret = f"http://localhost:{internal.server_address[1]}"

    class Public(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            public_hits.append(self.path)
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            if self.path == "/rss.xml":
                items = "".join(
                    f"<item><link>{url}</link></item>"
                    for url in (
                        f"{base}/news/harbour-reopens-100001.html",
                        f"{secret}/admin/secret-report-100002.html",  # a link into a private host
                        f"{base}/news/moved-story-100003.html",  # redirects into it
                    )
                )
                body, kind = f'<rss version="2.0"><channel>{items}</channel></rss>', "text/xml"
            elif self.path == "/news/moved-story-100003.html":
                self.send_response(302)
                self.send_header("Location", f"{secret}/internal/metadata-100004.html")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            elif self.path.startswith("/news/"):
                body, kind = ARTICLE, "text/html"
            else:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    public = _server(Public)
    try:
        sources = tmp_path / "sources.toml"
        sources.write_text(
            f'[[sources]]\nname = "public"\n'
            f'feeds = ["http://127.0.0.1:{public.server_address[1]}/rss.xml"]\n'
        )
        result = newsbot("crawl", "--sources", str(sources), database_url=database_url)
    finally:
        for server in (public, internal):
            server.shutdown()
            server.server_close()
    if "/rss.xml" in public_hits:  # the feed links to the private host
        LEDGER.fault("ssrf/link-to-private-host")
    if "/news/moved-story-100003.html" in public_hits:
        LEDGER.fault("ssrf/redirect-to-private-host")
    LEDGER.crawl_result(result)
    base = f"http://127.0.0.1:{public.server_address[1]}"
    LEDGER.measure(db, [f"{base}/news/harbour-reopens-100001.html"])
    assert result.returncode == 0, result.stderr[-3000:]
    assert internal_hits == []  # nothing reached the private host
    urls = [r["url"] for r in db.execute("SELECT url FROM articles")]
    assert len(urls) == 1 and urls[0].endswith("/news/harbour-reopens-100001.html")
    counters = db.execute("SELECT counters FROM crawl_runs").fetchone()["counters"]["public"]
    assert counters["newsbot/refused/private_address"] == 2


def test_public_addresses() -> None:
    assert is_public("93.184.216.34")
    assert is_public("2606:2800:220:1:248:1893:25c8:1946")
    for address in (
        "127.0.0.1",
        "10.1.2.3",
        "192.168.0.1",
        "172.16.5.4",
        "169.254.169.254",
        "::1",
        "fe80::1",
        "fd00::1",
        "0.0.0.0",
        "::ffff:127.0.0.1",
        "100.64.0.1",
    ):
        assert not is_public(address), address
