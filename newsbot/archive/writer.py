"""Writing fetched pages to rotating, gzip-compressed WARC files.

Each fetch becomes a `response` record (status line, headers and the body as received,
with block and payload digests) followed by its `request` record (WARC-Concurrent-To),
each record its own gzip member, so one page can be read back from its offset without
the rest of the file. A file is rotated once it passes `max_bytes` (about 1 GB, as web
archives do) and named by time, host and process, so workers never share a file.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import newsbot

#: rotate a file once it holds this many (compressed) bytes: NEWSBOT_ARCHIVE_MAX_BYTES
DEFAULT_MAX_BYTES = 1_000_000_000

#: hop-by-hop framing already undone by the HTTP client: kept, the stored body would not
#: match it (Content-Encoding stays: the body is stored still encoded, as sent)
_FRAMING = frozenset({"transfer-encoding"})


@dataclass(frozen=True)
class Location:
    """Where a page's response record starts: an absolute file path and a byte offset."""

    file: str
    offset: int


@dataclass
class Exchange:
    """One fetch: what was asked and what came back, as the HTTP client saw it."""

    url: str
    status: int
    #: response headers in their order, values as sent (bytes decoded as latin-1)
    headers: list[tuple[str, str]]
    #: the response body as received (still content-encoded when the headers say so)
    body: bytes
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    method: str = "GET"
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    request_body: bytes = b""
    ip_address: str | None = None
    protocol: str = "HTTP/1.1"


def _warc_date(moment: datetime) -> str:
    """WARC 1.1 dates: UTC, ISO 8601, with microseconds (several fetches a second)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _request_target(url: str) -> str:
    """The request line's target: path and query, as HTTP/1.1 sends it."""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


#: gzip level of each record: zlib's default (6) is about three times as fast as the 9
#: warcio uses, for files a few percent larger (most bodies arrive gzip-encoded anyway)
GZIP_LEVEL = 6


def _builder() -> tuple[WARCWriter, BytesIO]:
    """A warcio writer into memory: it makes the records (headers, digests, ids)."""
    buffer = BytesIO()
    return WARCWriter(buffer, gzip=False, warc_version="1.1"), buffer


def _member(builder: WARCWriter, buffer: BytesIO, record: object) -> bytes:
    """One record as its own gzip member, so that it can be read from its offset alone."""
    buffer.seek(0)
    buffer.truncate()
    builder.write_record(record)
    packer = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    return packer.compress(buffer.getvalue()) + packer.flush()


def _records(exchange: Exchange) -> tuple[bytes, bytes]:
    """The fetch's response record and its request record, each a gzip member."""
    builder, buffer = _builder()
    date = _warc_date(exchange.fetched_at)
    headers = [(k, v) for k, v in exchange.headers if k.lower() not in _FRAMING]
    http = StatusAndHeaders(_status_line(exchange.status), headers, protocol=exchange.protocol)
    warc_headers = {"WARC-Date": date}
    if exchange.ip_address:
        warc_headers["WARC-IP-Address"] = exchange.ip_address
    response = builder.create_warc_record(
        exchange.url,
        "response",
        payload=BytesIO(exchange.body),
        length=len(exchange.body),
        warc_headers_dict=warc_headers,
        http_headers=http,
    )
    request_http = StatusAndHeaders(
        f"{exchange.method} {_request_target(exchange.url)} {exchange.protocol}",
        exchange.request_headers,
        is_http_request=True,
    )
    request = builder.create_warc_record(
        exchange.url,
        "request",
        payload=BytesIO(exchange.request_body),
        length=len(exchange.request_body),
        warc_headers_dict={
            "WARC-Date": date,
            "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID"),
        },
        http_headers=request_http,
    )
    return _member(builder, buffer, response), _member(builder, buffer, request)


class WarcArchive:
    """A directory of WARC files written by this process; `write` is thread-safe."""

    def __init__(
        self, directory: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES
    ) -> None:
        self.directory = Path(directory).expanduser().resolve()
        self.max_bytes = max_bytes
        self.directory.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._file: BinaryIO | None = None
        self._path: Path | None = None
        self._serial = 0
        #: bytes the files grew by (compressed; warcinfo records included), for stats
        self.bytes_written = 0
        self.files: list[Path] = []

    @property
    def path(self) -> Path | None:
        """The file being written (None before the first page)."""
        return self._path

    def write(self, exchange: Exchange) -> Location:
        """Append a fetch; returns where its response record starts. On an OSError (disk
        full, no permission) nothing of the fetch stays in the file: the next write starts
        where this one did (or in a new file), so one failure cannot corrupt the rest."""
        # records are built and compressed before the lock: zlib and hashlib let go of the
        # GIL, so threads writing to one archive compress at once
        response, request = _records(exchange)
        with self._lock:
            if self._file is None or self._file.tell() >= self.max_bytes:
                try:
                    self._rotate(exchange.fetched_at)
                except BaseException:
                    self._forget_file()  # a new file is tried on the next write
                    raise
                assert self._file is not None
                self.bytes_written += self._file.tell()  # its warcinfo record
            assert self._file is not None and self._path
            offset = self._file.tell()
            try:
                self._file.write(response)
                self._file.write(request)
                self._file.flush()  # readers (reprocess, tests) may open it while we crawl
            except BaseException:
                self._undo(offset)
                raise
            self.bytes_written += self._file.tell() - offset
            return Location(str(self._path), offset)

    def _undo(self, offset: int) -> None:
        """Cut a half-written fetch off the file; when even that fails, leave the file
        (what it holds up to `offset` is whole) and start a new one on the next write."""
        assert self._file is not None
        try:
            self._file.seek(offset)
            self._file.truncate()
            self._file.flush()
        except OSError:
            self._forget_file()

    def _forget_file(self) -> None:
        """Stop writing the current file without another word to it (it failed)."""
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.close()
        self._file = None

    def _rotate(self, moment: datetime) -> None:
        self._close_file()
        self._serial += 1
        stamp = moment.astimezone(UTC).strftime("%Y%m%dT%H%M%S")
        host = socket.gethostname().split(".")[0] or "host"
        name = f"newsbot-{stamp}-{host}-{os.getpid()}-{self._serial:05d}.warc.gz"
        self._path = self.directory / name
        self._file = open(self._path, "xb")  # noqa: SIM115  (kept open across writes)
        builder, buffer = _builder()
        info = builder.create_warcinfo_record(
            name,
            {
                "software": f"newsbot/{newsbot.__version__} (warcio)",
                "hostname": socket.gethostname(),
                "format": "WARC File Format 1.1",
                "conformsTo": "https://iipc.github.io/warc-specifications/",
            },
        )
        self._file.write(_member(builder, buffer, info))
        self.files.append(self._path)

    def _close_file(self) -> None:
        if self._file is not None:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
        self._file = None

    def close(self) -> None:
        with self._lock:
            self._close_file()


#: one archive per directory in a process, shared by the crawlers (sources) writing there
_open: dict[Path, tuple[WarcArchive, int]] = {}
_registry_lock = threading.Lock()


def archive_for(
    directory: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES
) -> WarcArchive:
    """The process's archive for `directory` (sources archiving to one place share files);
    each call must be paired with `release`."""
    path = Path(directory).expanduser().resolve()
    with _registry_lock:
        archive, users = _open.get(path, (None, 0))
        if archive is None:
            archive = WarcArchive(path, max_bytes)
        _open[path] = (archive, users + 1)
        return archive


def release(archive: WarcArchive) -> None:
    """One user is done; the last one closes the file (flushed and fsynced)."""
    with _registry_lock:
        archive_now, users = _open.get(archive.directory, (archive, 1))
        if users <= 1:
            _open.pop(archive.directory, None)
            archive.close()
        else:
            _open[archive.directory] = (archive_now, users - 1)
