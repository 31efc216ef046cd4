"""A tiny static web server for the bundled demo sites.

`newsbot demo` and the tests need a small but realistic news web that works offline on
any machine. Its pages link to each other with absolute URLs, yet the ports are only known
at run time, so the text files carry ``{{agency}}``-style placeholders that are replaced
with the live base URLs while they are served. Standard library only, so the demo has no
moving parts beyond the crawler it exercises.
"""

from __future__ import annotations

import hashlib
import re
import socket
import socketserver
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

__all__ = ["LAST_MODIFIED", "render_sources", "serve_sites"]

#: One fixed "deploy time" for every file: realistic for a static site, and it keeps the
#: HTTP date evidence deterministic (it is deliberately later than every publication date).
LAST_MODIFIED = "Mon, 01 Aug 2022 18:00:00 GMT"

_PLACEHOLDER = re.compile(r"\{\{([A-Za-z0-9_-]+)\}\}")

#: Suffixes whose content gets placeholders substituted before it is sent.
_TEXT_SUFFIXES = frozenset({".html", ".xml", ".txt", ".toml", ""})

_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".toml": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".css": "text/css; charset=utf-8",
    ".jpg": "image/jpeg",
    ".png": "image/png",
}


def _fill(text: str, bases: Mapping[str, str], *, strict: bool) -> str:
    """Replace ``{{name}}`` with ``bases[name]``; unknown names raise only when strict."""

    def repl(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in bases:
            return bases[name]
        if strict:
            raise KeyError(f"no base URL for placeholder {match.group(0)}")
        return match.group(0)

    return _PLACEHOLDER.sub(repl, text)


def fill_bytes(body: bytes, bases: Mapping[str, str]) -> bytes:
    """Fill placeholders in a served file, passing any invalid UTF-8 through untouched.

    Test pages are sometimes broken on purpose (junk bytes, NULs); the server must
    deliver them as they are rather than fail.
    """
    text = body.decode("utf-8", "surrogateescape")
    return _fill(text, bases, strict=False).encode("utf-8", "surrogateescape")


def render_sources(template: Path, bases: dict[str, str]) -> str:
    """Return *template* with ``{{site}}`` placeholders filled with the served base URLs.

    The demo's sources file can only name its URLs once the servers have their ports;
    a placeholder without a base URL is an error rather than a silently broken URL.
    """
    return _fill(Path(template).read_text(encoding="utf-8"), bases, strict=True)


def _content_type(path: Path) -> str:
    """Content type by file name; feeds get their specific XML types like real sites send."""
    suffix = path.suffix.lower()
    if suffix == ".xml":
        stem = path.stem.lower()
        if "rss" in stem:
            return "application/rss+xml"
        if "atom" in stem:
            return "application/atom+xml"
    if not suffix:  # extension-less pretty URLs (/world/some-slug) are pages
        return "text/html; charset=utf-8"
    return _CONTENT_TYPES.get(suffix, "application/octet-stream")


class _SiteServer(ThreadingHTTPServer):
    """One site: a document root plus the placeholder map shared by all sites."""

    daemon_threads = True
    block_on_close = True  # server_close() joins the request threads
    # a crawler opens many connections at once; the default backlog of 5 drops SYNs and
    # costs the client a one-second retransmit each time
    request_queue_size = 256

    def __init__(self, host: str, root: Path) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.root = root.resolve()
        self.bases: dict[str, str] = {}
        self.name = ""
        #: (time, site, path) of every request, when the caller asked for a log
        self.log: list[tuple[float, str, str]] | None = None
        super().__init__((host, 0), _SiteHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind does a reverse DNS lookup (getfqdn), which can stall
        # offline; the name is never used here.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that hangs up mid-response is normal for a crawler; stay quiet.
        return None


class _SiteHandler(BaseHTTPRequestHandler):
    """Static files only: no directory listings, no writes, nothing outside the root."""

    server: _SiteServer
    server_version = "newsbot-demo/1.0"
    protocol_version = "HTTP/1.1"  # keep-alive, as real news sites serve
    sys_version = ""
    timeout = 30  # never let a stuck client keep a thread (and shutdown) waiting

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def log_message(self, format: str, *args: object) -> None:
        """Silence the per-request log lines: the demo prints its own progress."""

    def _respond(self, *, send_body: bool) -> None:
        split = urlsplit(self.path)
        if self.server.log is not None:
            self.server.log.append((time.time(), self.server.name, self.path))
        target = _resolve(self.server.root, split.path)
        if target is None:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        if target.is_dir():
            # /news -> /news/ like a real server, so relative links keep working.
            location = split.path + "/" + (f"?{split.query}" if split.query else "")
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = target.read_bytes()
        if target.suffix.lower() in _TEXT_SUFFIXES:
            body = fill_bytes(body, self.server.bases)
        etag = '"' + hashlib.blake2b(body, digest_size=8).hexdigest() + '"'
        if self.headers.get("If-None-Match") == etag:
            # unchanged since the client's copy: what well-run news sites answer to re-polls
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", _content_type(target))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", LAST_MODIFIED)
        self.send_header("ETag", etag)
        self.end_headers()
        if send_body:
            self.wfile.write(body)


def _resolve(root: Path, url_path: str) -> Path | None:
    """Map a URL path to a file (or a directory to redirect), or None for a 404.

    ``/`` and ``/dir/`` mean ``index.html``; a directory without one is a 404, never a
    listing. Dot segments, hidden names and anything resolving outside *root* are refused.
    """
    decoded = unquote(url_path)
    if "\x00" in decoded or "\\" in decoded:
        return None
    parts = [part for part in decoded.split("/") if part]
    if any(part.startswith(".") for part in parts):
        return None
    target = root.joinpath(*parts)
    try:
        resolved = target.resolve()
    except OSError:
        return None
    if not resolved.is_relative_to(root):
        return None
    if resolved.is_dir():
        if not decoded.endswith("/"):
            return resolved
        resolved = resolved / "index.html"
    return resolved if resolved.is_file() else None


def _base_url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


@contextmanager
def serving(servers: Mapping[str, socketserver.BaseServer], label: str) -> Iterator[None]:
    """Each server in a thread of its own while the block runs; then each is shut down
    and its thread joined (closing the sockets is the caller's)."""
    running: list[tuple[socketserver.BaseServer, threading.Thread]] = []
    try:
        for name, srv in servers.items():
            thread = threading.Thread(
                target=srv.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"{label}-{name}",
                daemon=True,
            )
            thread.start()
            running.append((srv, thread))
        yield
    finally:
        for srv, _ in running:
            srv.shutdown()
        for _, thread in running:
            thread.join()


@contextmanager
def serve_sites(
    roots: Mapping[str, Path],
    *,
    host: str = "127.0.0.1",
    log: list[tuple[float, str, str]] | None = None,
) -> Iterator[dict[str, str]]:
    """Serve each site root on its own free port and yield ``{name: base_url}``.

    With `log`, every request is appended to it as (time, site name, path): tests count
    fetches per page and measure request rates with it.

    All servers are bound before any starts, so every page can already be rendered with
    the final URLs of all sites (cross-site links). On exit the servers are shut down,
    their request threads joined and their sockets closed.
    """
    servers: dict[str, _SiteServer] = {}
    try:
        for name, root in roots.items():
            servers[name] = _SiteServer(host, Path(root))
        bases = {name: _base_url(host, srv.server_port) for name, srv in servers.items()}
        for name, srv in servers.items():
            srv.bases = dict(bases)
            srv.name = name
            srv.log = log
        with serving(servers, "newsbot-demo"):
            yield dict(bases)
    finally:
        for srv in servers.values():
            srv.server_close()
