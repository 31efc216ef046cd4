"""A local hostile web server for fault tests: one route table, one ThreadingHTTPServer.

Each route is a function `(handler) -> None` that answers (or fails to answer) one
request. Helpers below build the usual ones: a fixed body, a redirect, a status
storm, a page that never answers, a reset connection, a slow drip, a truncated
body. Every wait is bounded and ends when the server stops, so a test never hangs
on the server itself. Only 127.0.0.1 is ever bound.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Route = Callable[[BaseHTTPRequestHandler], None]

#: how long a "never answers" or dripping route holds on at most (seconds)
MAX_HOLD = 30.0


class HostileServer(ThreadingHTTPServer):
    request_queue_size = 256
    daemon_threads = True

    def __init__(self, routes: dict[str, Route]) -> None:
        self.routes = routes
        self.hits: Counter[str] = Counter()
        self.stopping = threading.Event()
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: HostileServer
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        self.server.hits[path] += 1
        route = self.server.routes.get(path)
        if route is None:
            body(b"not here", status=404, content_type="text/plain")(self)
            return
        # the crawler giving up on us is the point of several routes
        with suppress(BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            route(self)

    def do_HEAD(self) -> None:
        self.do_GET()


@contextmanager
def serve(routes: dict[str, Route]) -> Iterator[HostileServer]:
    server = HostileServer(routes)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# -- routes ------------------------------------------------------------------------------


def body(
    data: bytes | str,
    *,
    status: int = 200,
    content_type: str | None = "text/html; charset=utf-8",
    headers: dict[str, str] | None = None,
) -> Route:
    payload = data.encode("utf-8") if isinstance(data, str) else data

    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(status)
        if content_type is not None:
            h.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            h.send_header(name, value)
        h.send_header("Content-Length", str(len(payload)))
        h.end_headers()
        if h.command != "HEAD":
            h.wfile.write(payload)

    return route


def redirect(location: str, status: int = 302) -> Route:
    return body(b"", status=status, content_type=None, headers={"Location": location})


def storm(status: int = 503, retry_after: str = "1") -> Route:
    """Every request answered with `status` and a Retry-After."""
    return body(
        b"busy", status=status, content_type="text/plain", headers={"Retry-After": retry_after}
    )


def never_answers(h: BaseHTTPRequestHandler) -> None:
    """Accept the request, then say nothing until the client leaves or the server stops."""
    h.server.stopping.wait(MAX_HOLD)  # type: ignore[attr-defined]
    h.close_connection = True


def reset(h: BaseHTTPRequestHandler) -> None:
    """Close the socket without answering, with an RST (SO_LINGER 0)."""
    h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    h.close_connection = True
    h.connection.close()


def drip(data: bytes, interval: float = 0.5) -> Route:
    """Headers at once, then the body one byte every `interval` seconds."""

    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.flush()
        deadline = time.monotonic() + MAX_HOLD
        for i in range(len(data)):
            if h.server.stopping.wait(interval) or time.monotonic() > deadline:  # type: ignore[attr-defined]
                break
            h.wfile.write(data[i : i + 1])
            h.wfile.flush()
        h.close_connection = True

    return route


def truncated(data: bytes, announced: int) -> Route:
    """Content-Length says `announced` bytes; `data` (shorter) is sent, then the socket closes."""

    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", str(announced))
        h.end_headers()
        h.wfile.write(data)
        h.wfile.flush()
        h.close_connection = True

    return route


def rss(links: list[str]) -> str:
    items = "".join(f"<item><title>item</title><link>{link}</link></item>" for link in links)
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>hostile</title><link>http://127.0.0.1/</link>{items}</channel></rss>"
    )


def article(title: str, paragraphs: list[str], *, published: str = "2024-03-08T09:30:00Z",
            head: str = "", charset: str | None = "utf-8") -> str:  # fmt: skip
    meta = f'<meta charset="{charset}">' if charset else ""
    text = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head>{meta}<title>{title}</title>"
        f'<meta property="og:title" content="{title}">'
        f'<meta property="article:published_time" content="{published}">{head}</head>'
        f"<body><article><h1>{title}</h1>{text}</article></body></html>"
    )
