"""A static news web that misbehaves on purpose: a share of its responses are faults.

Used by `bench/soak.py`. It serves generated sites (tests.support.fixtureweb) like
newsbot.demo.webserver does — keep-alive HTTP/1.1, ``{{site}}`` placeholders filled with
the live base URLs — but a `FaultPlan` decides, for every request, whether to answer
with a fault instead. The plan is a pure function of (site, path, attempt): the same web
and seed give the same faults on every run, whatever order the crawler asks in.

Two families of faults:

* transient, on any page (feeds, sitemaps, archives, robots.txt, articles): a 500 or a
  503, a 429 with ``Retry-After: 1``, a connection reset before any answer, a body cut
  short of its Content-Length, or a body dripped slowly that does finish. A URL fails
  at most on its first two requests (``MAX_TRANSIENT`` ≤ the crawler's RETRY_TIMES),
  so a crawler that retries gets the page in the end;
* permanent, on some article URLs only: always 500, binary noise served as text/html,
  an empty 200, or a PDF. No retry helps; such a page must not become an article.

Every request is logged (one tab-separated line: time, site, method, path, attempt,
fault or ``-``, status or ``-``) and every fault counted by kind.
"""

from __future__ import annotations

import hashlib
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import unquote, urlsplit

from newsbot.demo.webserver import (
    _TEXT_SUFFIXES,
    _base_url,
    _content_type,
    _resolve,
    _SiteHandler,
    _SiteServer,
    fill_bytes,
    serving,
)

__all__ = ["PERMANENT", "TRANSIENT", "FaultPlan", "FaultyWeb"]

#: faults a retry gets past, with their weights in the mix
TRANSIENT: dict[str, int] = {
    "http_500": 20,
    "http_503": 15,
    "http_429": 20,
    "reset": 15,
    "truncated": 15,
    "drip": 15,
}
#: faults of a page itself: every request for it gets the same one
PERMANENT: dict[str, int] = {"always_500": 1, "garbage": 1, "empty": 1, "not_html": 1}

#: a URL is faulty transiently on at most this many of its requests (its first ones)
MAX_TRANSIENT = 2

#: how long a dripped body takes in all, and in how many pieces
DRIP_SECONDS = 2.0
DRIP_PIECES = 8


def _unit(*parts: object) -> float:
    """A deterministic number in [0, 1) for the parts (a stable hash, not Python's)."""
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def _pick(weights: Mapping[str, int], u: float) -> str:
    total = sum(weights.values())
    mark = u * total
    for kind, weight in weights.items():
        if mark < weight:
            return kind
        mark -= weight
    return next(reversed(weights))


@dataclass(frozen=True)
class FaultPlan:
    """Which request gets which fault; `rate` is the share of faulty responses aimed at.

    A fifth of the faults are permanent (article URLs only), the rest transient: a URL's
    first request fails with probability `first`, its second (only asked for after a
    failure) with probability `second`, later ones never.
    """

    rate: float = 0.05
    seed: int = 0
    #: share of article URLs that are permanently faulty, as a share of `rate`
    permanent_share: float = 0.2
    #: chance that a URL whose first request failed fails again on its second
    second: float = 0.25

    @property
    def first(self) -> float:
        # faulty responses per URL ≈ first × (1 + second × share not drip) + permanent ones
        # (an always-500 page is asked for three times). Most faults cost a retry, so
        # there are more responses than URLs: aim at rate / (1 - 0.8 rate) per URL
        per_url = self.rate / (1 - 0.8 * self.rate)
        permanent = self.rate * self.permanent_share
        again = 1 + self.second * (1 - TRANSIENT["drip"] / sum(TRANSIENT.values()))
        return max(0.0, (per_url - permanent * 1.5) / again)

    def permanent(self, site: str, path: str) -> str | None:
        """The permanent fault of an article URL, or None for a good page."""
        if _unit(self.seed, "permanent", site, path) >= self.rate * self.permanent_share:
            return None
        return _pick(PERMANENT, _unit(self.seed, "permanent-kind", site, path))

    def transient(self, site: str, path: str, attempt: int) -> str | None:
        """The fault of the `attempt`-th request (1-based) for a URL, or None."""
        if attempt > MAX_TRANSIENT:
            return None
        chance = self.first if attempt == 1 else self.second
        if _unit(self.seed, "transient", site, path, attempt) >= chance:
            return None
        return _pick(TRANSIENT, _unit(self.seed, "transient-kind", site, path, attempt))


class FaultyWeb:
    """Serves generated sites through a `FaultPlan`; counts and logs what it did.

    `articles` names each site's article paths: only those can be permanently faulty.
    """

    def __init__(
        self,
        roots: Mapping[str, Path],
        plan: FaultPlan,
        articles: Mapping[str, Collection[str]],
        *,
        log: Path | None = None,
    ) -> None:
        self.roots = {name: Path(root) for name, root in roots.items()}
        self.plan = plan
        self.articles = {name: frozenset(paths) for name, paths in articles.items()}
        self.log_path = log
        self._log: IO[str] | None = None
        self._lock = threading.Lock()
        #: (site, path) → requests so far
        self.attempts: Counter[tuple[str, str]] = Counter()
        #: fault kind → responses it spoiled
        self.faults: Counter[str] = Counter()
        self.requests = 0
        self.started = time.monotonic()

    # -- what the plan says ------------------------------------------------------------

    def permanent(self, site: str, path: str) -> str | None:
        if path not in self.articles.get(site, ()):
            return None
        return self.plan.permanent(site, path)

    def decide(self, site: str, path: str) -> tuple[int, str | None]:
        """Count one request for site+path; (its attempt number, the fault to inject)."""
        with self._lock:
            self.requests += 1
            self.attempts[(site, path)] += 1
            attempt = self.attempts[(site, path)]
        fault = self.permanent(site, path) or self.plan.transient(site, path, attempt)
        if fault is not None:
            with self._lock:
                self.faults[fault] += 1
        return attempt, fault

    def record(
        self, site: str, method: str, path: str, attempt: int, fault: str | None, status: object
    ) -> None:
        if self._log is None:
            return
        line = (
            f"{time.monotonic() - self.started:.3f}\t{site}\t{method}\t{path}\t{attempt}\t"
            f"{fault or '-'}\t{status if status is not None else '-'}\n"
        )
        with self._lock:
            self._log.write(line)

    @property
    def faulty_responses(self) -> int:
        return sum(self.faults.values())

    # -- serving -------------------------------------------------------------------------

    @contextmanager
    def serve(self, *, host: str = "127.0.0.1") -> Iterator[dict[str, str]]:
        """Serve every site on its own free port; yield ``{name: base_url}``."""
        servers: dict[str, _FaultyServer] = {}
        if self.log_path is not None:
            self._log = self.log_path.open("w", encoding="utf-8", buffering=1 << 16)
            self._log.write("seconds\tsite\tmethod\tpath\tattempt\tfault\tstatus\n")
        try:
            for name, root in self.roots.items():
                servers[name] = _FaultyServer(host, root, name, self)
            bases = {name: _base_url(host, srv.server_port) for name, srv in servers.items()}
            for srv in servers.values():
                srv.bases = dict(bases)
            with serving(servers, "faultyweb"):
                self.started = time.monotonic()
                yield bases
        finally:
            for srv in servers.values():
                srv.server_close()
            if self._log is not None:
                with self._lock:
                    self._log.close()
                    self._log = None


class _FaultyServer(_SiteServer):
    def __init__(self, host: str, root: Path, name: str, web: FaultyWeb) -> None:
        super().__init__(host, root)
        self.RequestHandlerClass = _FaultyHandler
        self.name = name
        self.web = web
        self.stopping = threading.Event()

    def shutdown(self) -> None:
        self.stopping.set()  # a slow drip in progress ends now, not after its last piece
        super().shutdown()


class _FaultyHandler(_SiteHandler):
    server: _FaultyServer
    server_version = "newsbot-faultyweb/1.0"
    #: the status sent for the current request (None: no answer, e.g. a reset)
    _status: int | None = None

    def send_response(self, code: int, message: str | None = None) -> None:
        self._status = code
        super().send_response(code, message)

    def _respond(self, *, send_body: bool) -> None:
        self._status = None
        raw = urlsplit(self.path).path
        path = unquote(raw)  # as the site knows it: /world/kraków-…, not /world/krak%C3%B3w-…
        target = _resolve(self.server.root, raw)
        if target is None or target.is_dir():  # 404s and redirects: never faulty
            attempt, fault = 0, None
        else:
            attempt, fault = self.server.web.decide(self.server.name, path)
        try:
            if fault is None:
                super()._respond(send_body=send_body)
            else:
                with suppress(BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
                    getattr(self, f"_{fault}")(target, send_body)
        finally:
            self.server.web.record(
                self.server.name, self.command, path, attempt, fault, self._status
            )

    # -- helpers ---------------------------------------------------------------------------

    def _page(self, target: Path) -> bytes:
        body = target.read_bytes()
        if target.suffix.lower() in _TEXT_SUFFIXES:
            body = fill_bytes(body, self.server.bases)
        return body

    def _send(
        self,
        status: int,
        body: bytes,
        send_body: bool,
        content_type: str | None = "text/html; charset=utf-8",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    # -- transient faults ------------------------------------------------------------------

    def _http_500(self, target: Path, send_body: bool) -> None:
        self._send(500, b"<html><body><h1>Internal Server Error</h1></body></html>", send_body)

    def _http_503(self, target: Path, send_body: bool) -> None:
        self._send(503, b"<html><body><h1>Service Unavailable</h1></body></html>", send_body)

    def _http_429(self, target: Path, send_body: bool) -> None:
        self._send(429, b"Too Many Requests", send_body, "text/plain", {"Retry-After": "1"})

    def _reset(self, target: Path, send_body: bool) -> None:
        """Close the socket without an answer, with an RST (SO_LINGER 0)."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def _truncated(self, target: Path, send_body: bool) -> None:
        """The full Content-Length announced, 60% of the body sent, the connection closed."""
        body = self._page(target)
        self.send_response(200)
        self.send_header("Content-Type", _content_type(target))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body[: len(body) * 3 // 5])
            self.wfile.flush()
        self.close_connection = True

    def _drip(self, target: Path, send_body: bool) -> None:
        """The whole body, slowly: DRIP_PIECES pieces over DRIP_SECONDS (well under any timeout)."""
        body = self._page(target)
        self.send_response(200)
        self.send_header("Content-Type", _content_type(target))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.flush()
        if not send_body:
            return
        step = -(-len(body) // DRIP_PIECES) or 1
        for start in range(0, len(body), step):
            if self.server.stopping.wait(DRIP_SECONDS / DRIP_PIECES):
                self.close_connection = True
                return
            self.wfile.write(body[start : start + step])
            self.wfile.flush()

    # -- permanent faults ------------------------------------------------------------------

    def _always_500(self, target: Path, send_body: bool) -> None:
        self._http_500(target, send_body)

    def _garbage(self, target: Path, send_body: bool) -> None:
        """Binary noise (deterministic per page) sent as an HTML page."""
        seed = hashlib.blake2b(str(target).encode(), digest_size=16).digest()
        noise = b"".join(hashlib.blake2b(seed + i.to_bytes(4, "big")).digest() for i in range(96))
        self._send(200, noise, send_body)

    def _empty(self, target: Path, send_body: bool) -> None:
        self._send(200, b"", send_body)

    def _not_html(self, target: Path, send_body: bool) -> None:
        pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n" * 40
        self._send(200, pdf + b"%%EOF\n", send_body, "application/pdf")
