"""Serve the demo sites under stable names (http://kyivwire.example/…) through one proxy.

The demo must be repeatable: a second `newsbot demo` must find the same URLs and
add no rows. Free ports change between runs, so the crawler reaches the sites
through a local HTTP proxy (on a free port of 127.0.0.1) that answers for the
reserved `.example` names itself; nothing leaves the machine.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from newsbot.demo import webserver


class _ProxyServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = True
    request_queue_size = 256  # see webserver._SiteServer

    def __init__(self, roots: Mapping[str, Path], bases: Mapping[str, str]) -> None:
        #: host name → document root
        self.sites = {
            (urlsplit(bases[name]).hostname or name): Path(root).resolve()
            for name, root in roots.items()
        }
        self.bases = dict(bases)
        super().__init__(("127.0.0.1", 0), _ProxyHandler)

    def handle_error(self, request: object, client_address: object) -> None:
        return None


class _ProxyHandler(BaseHTTPRequestHandler):
    server: _ProxyServer
    server_version = "newsbot-demo/1.0"
    sys_version = ""
    timeout = 30

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the demo prints its own summary."""

    def do_GET(self) -> None:
        target = urlsplit(self.path)
        host = (target.hostname or self.headers.get("Host", "").split(":")[0]).lower()
        root = self.server.sites.get(host)
        path = webserver._resolve(root, target.path or "/") if root else None
        if path is None or path.is_dir():
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        body = path.read_bytes()
        if path.suffix.lower() in webserver._TEXT_SUFFIXES:
            body = webserver.fill_bytes(body, self.server.bases)
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", webserver._content_type(path))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", webserver.LAST_MODIFIED)
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serve_through_proxy(roots: Mapping[str, Path], bases: Mapping[str, str]) -> Iterator[str]:
    """Serve each site at its stable base URL; yield the proxy URL to crawl through."""
    server = _ProxyServer(roots, bases)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
