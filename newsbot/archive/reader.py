"""Reading pages back from WARC (and ARC) files: one page by its offset, or a whole file.

Any producer's files are read (newsbot's, wget --warc-file, Heritrix, Common Crawl's
CC-NEWS): gzip per record or not, WARC 1.0 or 1.1, ARC converted on the fly. Only
responses that carry an HTML page become a `RawPage`; every other record is reported
as `Skipped` with its kind, so an ingest can say what it left out and why.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataReader, DecompressingBufferedReader

from newsbot.archive.writer import Location

#: Content-Types of pages the stages read (as the spider's check)
HTML_TYPES = ("text/html", "application/xhtml+xml")
#: how an HTML page starts when no Content-Type says what it is
_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<title")


@dataclass
class RawPage:
    """A fetched HTML page as the archive holds it."""

    url: str
    fetched_at: datetime
    status: int
    #: response headers, repeated ones joined by ", " (as the spider passes them on)
    headers: dict[str, str]
    #: the body with any Content-Encoding undone (the bytes the page's charset applies to)
    body: bytes
    location: Location

    @property
    def content_type(self) -> str | None:
        for key, value in self.headers.items():
            if key.lower() == "content-type":
                return value
        return None


@dataclass
class Skipped:
    """A record that is no HTML page: `kind` says what it was, for the per-file counts."""

    #: "warcinfo", "request", "metadata", "revisit", "not_html", "http_status", "truncated",
    #: "unreadable"…
    kind: str
    url: str | None
    location: Location


def _parse_date(text: str | None) -> datetime:
    if text:
        value = text.strip().rstrip("Z")
        for form in ("%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S", "%Y%m%d%H%M%S"):
            try:
                return datetime.strptime(value, form).replace(tzinfo=UTC)
            except ValueError:
                continue
    return datetime.now(UTC)


def _headers(http: Any) -> dict[str, str]:
    joined: dict[str, str] = {}
    for key, value in http.headers if http is not None else ():
        joined[key] = f"{joined[key]}, {value}" if key in joined else value
    return joined


def _looks_html(content_type: str | None, body: bytes) -> bool:
    if content_type:
        return content_type.split(";")[0].strip().lower().startswith(HTML_TYPES)
    return body[:512].lstrip().lower().startswith(_HTML_STARTS)


def _body(record: Any) -> bytes:
    """The payload with chunking and Content-Encoding undone; the raw bytes when the
    declared encoding does not decode (a producer that stored the body decoded)."""
    raw = record.raw_stream.read()
    try:
        encoding = (record.http_headers.get_header("Content-Encoding") or "").strip().lower()
        chunked = "chunked" in (record.http_headers.get_header("Transfer-Encoding") or "")
        if not encoding and not chunked:
            return raw
        reader_class = ChunkedDataReader if chunked else DecompressingBufferedReader
        kind = encoding if encoding in ("gzip", "deflate", "br") else None
        return reader_class(BytesIO(raw), decomp_type=kind).read()
    except Exception:  # a wrong header must not lose the page
        return raw


def _page_or_skip(record: Any, location: Location) -> RawPage | Skipped:
    kind = record.rec_type
    url = (record.rec_headers.get_header("WARC-Target-URI") or "").strip("<>") or None
    if kind not in ("response", "resource"):
        return Skipped(kind or "unknown", url, location)
    if not url or not url.lower().startswith(("http://", "https://")):
        return Skipped("not_http", url, location)
    if record.rec_headers.get_header("WARC-Truncated"):
        # the archiving crawler cut the page short (a size or time limit): half an article
        return Skipped("truncated", url, location)
    http = record.http_headers if kind == "response" else None
    if kind == "response":
        if http is None or not http.statusline:
            return Skipped("unreadable", url, location)
        try:
            status = int(http.get_statuscode())
        except (TypeError, ValueError):
            return Skipped("unreadable", url, location)
        headers = _headers(http)
        if not 200 <= status < 300:
            return Skipped("http_status", url, location)
        body = _body(record)
    else:  # a resource record holds the page itself, its type in the WARC headers
        status = 200
        content_type = record.rec_headers.get_header("Content-Type")
        headers = {"Content-Type": content_type} if content_type else {}
        body = record.raw_stream.read()
    page = RawPage(
        url=url,
        fetched_at=_parse_date(record.rec_headers.get_header("WARC-Date")),
        status=status,
        headers=headers,
        body=body,
        location=location,
    )
    if not _looks_html(page.content_type, body):
        return Skipped("not_html", url, location)
    return page


def _record_at(stream: BinaryIO, path: str, offset: int) -> RawPage | Skipped:
    stream.seek(offset)
    record = next(iter(ArchiveIterator(stream, arc2warc=True)), None)
    if record is None:
        raise ValueError(f"{path}: no WARC record at offset {offset}")
    return _page_or_skip(record, Location(path, offset))


def read_page(file: str | Path, offset: int) -> RawPage | Skipped:
    """The record that starts at `offset` of `file` (what an article row points at)."""
    path = str(Path(file))
    with open(path, "rb") as stream:
        return _record_at(stream, path, offset)


class PageReader:
    """`read_page` for many pages in a row, keeping the last file open: pages read in
    article order mostly lie in the same file (a crawl writes them one after another),
    which is then opened once per run of pages rather than once per page."""

    def __init__(self) -> None:
        self._path: str | None = None
        self._stream: BinaryIO | None = None

    def read(self, file: str | Path, offset: int) -> RawPage | Skipped:
        path = str(Path(file))
        if self._stream is None or path != self._path:
            self.close()
            self._stream = open(path, "rb")  # noqa: SIM115  (kept open until close())
            self._path = path
        return _record_at(self._stream, path, offset)

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
        self._stream = self._path = None

    def __enter__(self) -> PageReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def iter_pages(file: str | Path, start: int = 0) -> Iterator[tuple[RawPage | Skipped, int]]:
    """Every record of `file` from byte `start`, each with the offset after it (where a
    resumed read starts). A truncated or corrupt tail ends the iteration with one
    `Skipped("unreadable")` instead of an exception: what came before is kept."""
    path = str(Path(file).resolve())
    with open(path, "rb") as stream:
        size = os.fstat(stream.fileno()).st_size
        stream.seek(start)
        records = ArchiveIterator(stream, arc2warc=True)
        offset = start
        try:
            for record in records:
                found = _page_or_skip(record, Location(path, offset))
                records.read_to_end()  # now the record's own offset and length are known
                begin = records.get_record_offset()
                if _cut(records, record):
                    yield Skipped("unreadable", found.url, Location(path, begin)), begin
                    return
                offset = begin + records.get_record_length()
                found.location = Location(path, begin)
                yield found, offset
        except Exception:  # warcio raises several kinds on a broken tail
            yield Skipped("unreadable", None, Location(path, offset)), offset
            return
        # warcio ends quietly on a gzip member cut before its WARC headers end
        stream.seek(offset)
        if stream.read(_TAIL_CHECK).strip(b"\r\n\t \x00") or stream.tell() < size:
            yield Skipped("unreadable", None, Location(path, offset)), offset


#: bytes after the last whole record that may only be blank lines (or zero padding)
_TAIL_CHECK = 64 * 1024


def _cut(records: ArchiveIterator, record: Any) -> bool:
    """Whether the record just read ends before its end: a block shorter than its
    Content-Length, or a gzip member that stops before its end. warcio passes both as a
    whole (shorter) record; its page must not be stored cut. A WARC record without a
    Content-Length had its headers cut."""
    if str(record.format).startswith("warc") and not record.rec_headers.get_header(
        "Content-Length"
    ):
        return True
    if getattr(record.raw_stream, "limit", 0) > 0:  # the LimitReader of Content-Length
        return True
    decompressor = getattr(records.reader, "decompressor", None)
    return decompressor is not None and not getattr(decompressor, "eof", True)
