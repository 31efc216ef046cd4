"""Export stored articles as JSON lines, CSV or Parquet, streamed from a server-side cursor.

A named cursor sends rows in chunks, so memory use stays flat whatever the table size;
the whole export reads one snapshot (one query in one transaction). Also home of the
article filters (`ArticleFilter`) that `newsbot search` shares.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import psycopg
from psycopg import sql
from psycopg.rows import tuple_row

from newsbot.errors import NewsbotError
from newsbot.exit_codes import EXIT_USAGE
from newsbot.items import export_columns

#: columns the store computes, which no Article field fills, with their export positions
ROW_ONLY_COLUMNS = {"id": 0, "duplicate_of": 15, "dedup_method": 21, "similarity": 22}
_POSITIONS = {**export_columns(), **ROW_ONLY_COLUMNS}
#: The exported columns: the article columns of docs/schema.md, in this order (the item's
#: fields say which they fill and where: their "export" metadata, newsbot.items.Article).
COLUMNS: tuple[str, ...] = tuple(sorted(_POSITIONS, key=_POSITIONS.__getitem__))
if sorted(_POSITIONS.values()) != list(range(len(COLUMNS))):
    raise AssertionError(f"export positions must be 0..n-1, each once: {_POSITIONS}")
LIST_COLUMNS = frozenset({"authors", "tags"})
TIME_COLUMNS = frozenset({"published_at", "modified_at", "fetched_at"})
FORMATS = ("jsonl", "csv", "parquet")
#: rows fetched per round trip: ~4 MB of typical articles, held twice (libpq, Python)
CHUNK_ROWS = 1_000
#: rows per Parquet row group: big enough for good compression and fast column scans
ROW_GROUP_ROWS = 10_000

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ExportError(NewsbotError):
    """An export that cannot be done as asked (exit code 2: bad usage)."""

    exit_code = EXIT_USAGE


def parse_time_bound(text: str, *, end: bool = False) -> datetime:
    """A --since/--until value as an aware UTC datetime.

    `YYYY-MM-DD` means the start of that UTC day for --since and the end of it for --until
    (so `--until 2024-03-10` includes the 10th); a full ISO 8601 time without an offset is
    taken as UTC.
    """
    text = text.strip()
    try:
        if _DATE_ONLY.match(text):
            day = date.fromisoformat(text)
            value = datetime(day.year, day.month, day.day, tzinfo=UTC)
            return value + timedelta(days=1) if end else value
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"not a date: {text!r} (expected YYYY-MM-DD or ISO 8601)") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


@dataclass(frozen=True)
class ArticleFilter:
    """Which articles a search or an export covers.

    `since` is inclusive, `until` exclusive (`parse_time_bound(..., end=True)` turns a day
    into the start of the next one); both compare `published_at`, so articles without a
    trustworthy date are left out when either is given. `unique` keeps originals only.
    """

    source: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    unique: bool = False

    def conditions(self, alias: str = "a") -> tuple[list[sql.Composable], dict[str, Any]]:
        """SQL conditions on the articles table aliased `alias`, with their parameters."""
        col = sql.Identifier(alias)
        where: list[sql.Composable] = []
        params: dict[str, Any] = {}
        if self.source is not None:
            where.append(sql.SQL("{}.source = %(f_source)s").format(col))
            params["f_source"] = self.source
        if self.since is not None:
            where.append(sql.SQL("{}.published_at >= %(f_since)s").format(col))
            params["f_since"] = self.since
        if self.until is not None:
            where.append(sql.SQL("{}.published_at < %(f_until)s").format(col))
            params["f_until"] = self.until
        if self.unique:
            where.append(sql.SQL("{}.duplicate_of IS NULL").format(col))
        return where, params


def _where(conditions: list[sql.Composable]) -> sql.Composable:
    if not conditions:
        return sql.SQL("")
    return sql.SQL("WHERE ") + sql.SQL(" AND ").join(conditions)


def iter_chunks(
    conn: psycopg.Connection, filters: ArticleFilter, chunk_rows: int = CHUNK_ROWS
) -> Iterator[list[tuple]]:
    """The selected articles in id order, `chunk_rows` tuples (COLUMNS order) at a time."""
    conditions, params = filters.conditions("a")
    query = sql.SQL("SELECT {cols} FROM articles a {where} ORDER BY a.id").format(
        cols=sql.SQL(", ").join(sql.SQL("a.") + sql.Identifier(c) for c in COLUMNS),
        where=_where(conditions),
    )
    with conn.transaction():
        # timestamps come back in UTC whatever the server's or the role's TimeZone
        conn.execute("SET LOCAL TIME ZONE 'UTC'")
        with conn.cursor(name="newsbot_export", row_factory=tuple_row) as cursor:
            cursor.itersize = chunk_rows
            cursor.execute(query, params)
            while rows := cursor.fetchmany(chunk_rows):
                yield rows


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


def _json_ready(row: tuple) -> dict[str, Any]:
    record = dict(zip(COLUMNS, row, strict=True))
    for name in TIME_COLUMNS:
        record[name] = _iso(record[name])
    return record


def write_jsonl(chunks: Iterator[list[tuple]], out: IO[str]) -> int:
    """One JSON object per line; lists as JSON arrays, timestamps ISO 8601 UTC, NULL → null."""
    count = 0
    for rows in chunks:
        for row in rows:  # line by line: the stream's buffer, not a chunk-sized string
            out.write(json.dumps(_json_ready(row), ensure_ascii=False))
            out.write("\n")
        count += len(rows)
    return count


def _csv_cell(name: str, value: Any) -> Any:
    if value is None:
        return ""
    if name in LIST_COLUMNS:
        return json.dumps(value, ensure_ascii=False)
    if name in TIME_COLUMNS:
        return _iso(value)
    return value


def write_csv(chunks: Iterator[list[tuple]], out: IO[str]) -> int:
    """RFC 4180 CSV with a header; lists as JSON arrays (authors' names may contain ';'),
    timestamps ISO 8601 UTC, NULL as an empty field."""
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    count = 0
    for rows in chunks:
        writer.writerows([_csv_cell(n, v) for n, v in zip(COLUMNS, r, strict=True)] for r in rows)
        count += len(rows)
    return count


def parquet_schema() -> Any:
    """The Arrow schema of the Parquet export: the SQL types, lists as list<string>."""
    import pyarrow as pa

    types = {
        "id": pa.int64(),
        "duplicate_of": pa.int64(),
        "authors": pa.list_(pa.string()),
        "tags": pa.list_(pa.string()),
        "published_at": pa.timestamp("us", tz="UTC"),
        "modified_at": pa.timestamp("us", tz="UTC"),
        "fetched_at": pa.timestamp("us", tz="UTC"),
        "similarity": pa.float32(),
    }
    return pa.schema([pa.field(c, types.get(c, pa.string()), nullable=c != "id") for c in COLUMNS])


def write_parquet(
    chunks: Iterator[list[tuple]], path: Path, row_group_rows: int = ROW_GROUP_ROWS
) -> int:
    """Parquet (zstd) in row groups of `row_group_rows`.

    Each fetched chunk becomes an Arrow record batch at once (its Python objects are freed),
    and a row group is written as soon as enough batches are held: memory stays about one
    row group's worth of Arrow data whatever the number of rows.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = parquet_schema()
    count = 0
    pending: list[pa.RecordBatch] = []
    pending_rows = 0

    def flush() -> None:
        nonlocal pending, pending_rows
        if pending:
            table = pa.Table.from_batches(pending, schema=schema)
            writer.write_table(table, row_group_size=max(pending_rows, 1))
            pending, pending_rows = [], 0

    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for rows in chunks:
            columns = list(zip(*rows, strict=True))
            pending.append(
                pa.RecordBatch.from_arrays(
                    [
                        pa.array(col, type=field.type)
                        for col, field in zip(columns, schema, strict=True)
                    ],
                    schema=schema,
                )
            )
            del columns, rows
            pending_rows += pending[-1].num_rows
            count += pending[-1].num_rows
            if pending_rows >= row_group_rows:
                flush()
        flush()
        if count == 0:
            writer.write_table(schema.empty_table())
    return count


def export(
    conn: psycopg.Connection,
    fmt: str,
    filters: ArticleFilter,
    out: Path | None = None,
    stdout: IO[str] | None = None,
    chunk_rows: int = CHUNK_ROWS,
    row_group_rows: int = ROW_GROUP_ROWS,
) -> int:
    """Write the selected articles to `out` (or `stdout`); return how many.

    A file is written under a temporary name and renamed when complete, so an interrupted
    export never leaves a truncated file behind that looks finished.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if out is None and fmt == "parquet":
        raise ExportError("--format parquet needs --out FILE (Parquet cannot be streamed)")
    chunks = iter_chunks(conn, filters, chunk_rows)
    if out is None:
        assert stdout is not None
        return write_jsonl(chunks, stdout) if fmt == "jsonl" else write_csv(chunks, stdout)
    partial = out.with_name(out.name + ".partial")
    try:
        if fmt == "parquet":
            count = write_parquet(chunks, partial, row_group_rows)
        else:
            with partial.open("w", encoding="utf-8", newline="") as handle:
                count = write_jsonl(chunks, handle) if fmt == "jsonl" else write_csv(chunks, handle)
        os.replace(partial, out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return count
