"""Export to JSON lines, CSV and Parquet, read back with standard readers, against the DB."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pyarrow.parquet as pq
import pytest

from newsbot import cli
from newsbot.config import Source
from newsbot.items import Article, PageDate
from newsbot.reposts import fingerprint as dedup
from newsbot.storage.articles import ensure_sources, save_batch
from newsbot.storage.export import COLUMNS, ArticleFilter, export, parse_time_bound

T0 = datetime(2024, 3, 10, 9, 30, tzinfo=UTC)
BODY = (
    "Armed clashes began in Mitrovica in northern Kosovo on Sunday.\n\n"
    'Local residents heard gunfire, "sirens", commas; and sirens were turned on in the city.'
)


@pytest.fixture
def stored(db: psycopg.Connection) -> list[dict]:
    """An original, its repost (with a credit line and similarity), an undated Ukrainian page."""
    ensure_sources(db, [Source(n, feeds=(f"https://{n}.example/rss",)) for n in ("wire", "blog")])
    original = Article(url="https://wire.example/1", source="wire", html="", fetched_at=T0)
    original.title = "Clashes in Kosovo"
    original.authors = ["Jane Roe", "Doe; John"]
    original.body = BODY
    original.lead = "Gunfire in Mitrovica."
    original.language = "en"
    original.canonical_url = "https://wire.example/1"
    original.tags = ["kosovo", "serbia"]
    original.section = "World"
    original.published = PageDate(T0, "minute", "jsonld")
    original.modified = PageDate(T0 + timedelta(hours=2), "second", "jsonld")
    repost = Article(url="https://blog.example/k", source="blog", html="", fetched_at=T0)
    repost.title = "Kosovo: clashes"
    repost.body = BODY + "\n\n(C)WIRE 2024"
    repost.language = "en"
    repost.credited_source = "WIRE"
    repost.site_name = "A blog"
    repost.image_url = "https://blog.example/k.jpg"
    repost.published = PageDate(T0 + timedelta(hours=5), "day", "url")
    undated = Article(url="https://wire.example/2", source="wire", html="", fetched_at=T0)
    undated.title = "Мер балотується вдруге"
    undated.body = "Київський міський голова оголосив про участь у виборах.\n\nРядок два."
    undated.language = "uk"
    for article in (original, repost, undated):
        article.content_hash = dedup.content_hash(article.body or "")
    results = save_batch(db, [original, repost, undated])
    assert [r.outcome for r in results] == ["new"] * 3
    assert results[1].duplicate_of == results[0].article_id
    db.execute("UPDATE articles SET similarity = 0.85 WHERE id = %s", (results[1].article_id,))
    db.commit()
    return db.execute(
        "SELECT "
        + ", ".join(COLUMNS)
        + " FROM articles ORDER BY id"  # the expected rows, straight from the table
    ).fetchall()


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def _as_json(row: dict) -> dict:
    return {c: _iso(row[c]) if c.endswith("_at") else row[c] for c in COLUMNS}


def test_jsonl_round_trip(db: psycopg.Connection, stored: list[dict]) -> None:
    out = io.StringIO()
    assert export(db, "jsonl", ArticleFilter(), stdout=out, chunk_rows=2) == 3
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [list(r) for r in records] == [list(COLUMNS)] * 3
    assert records == [_as_json(row) for row in stored]
    assert records[1]["similarity"] == pytest.approx(0.85)
    assert records[0]["published_at"] == "2024-03-10T09:30:00+00:00"
    assert records[0]["authors"] == ["Jane Roe", "Doe; John"]
    assert records[1]["duplicate_of"] == records[0]["id"]
    assert records[1]["dedup_method"] == "exact"
    assert records[2]["published_at"] is None


def test_csv_round_trip(db: psycopg.Connection, stored: list[dict], tmp_path: Path) -> None:
    path = tmp_path / "articles.csv"
    assert export(db, "csv", ArticleFilter(), path, chunk_rows=2) == 3
    assert not (tmp_path / "articles.csv.partial").exists()
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == COLUMNS
        records = list(reader)
    assert len(records) == 3
    for record, row in zip(records, stored, strict=True):
        for column in COLUMNS:
            value = row[column]
            if value is None:
                expected = ""
            elif column in ("authors", "tags"):
                assert json.loads(record[column]) == value
                continue
            elif column.endswith("_at"):
                expected = _iso(value)
            elif column == "similarity":
                assert float(record[column]) == pytest.approx(value)
                continue
            else:
                expected = str(value)
            assert record[column] == expected, column
    assert records[0]["body"] == BODY  # newlines, quotes and commas survive


def test_parquet_round_trip(db: psycopg.Connection, stored: list[dict], tmp_path: Path) -> None:
    path = tmp_path / "articles.parquet"
    assert export(db, "parquet", ArticleFilter(), path, chunk_rows=1, row_group_rows=2) == 3
    parquet = pq.ParquetFile(path)
    assert [parquet.metadata.row_group(i).num_rows for i in range(2)] == [2, 1]
    table = parquet.read()
    assert table.column_names == list(COLUMNS)
    assert str(table.schema.field("published_at").type) == "timestamp[us, tz=UTC]"
    records = table.to_pylist()
    for record, row in zip(records, stored, strict=True):
        expected = dict(row)
        if expected["similarity"] is not None:  # float32 in Parquet, as `real` in PostgreSQL
            assert record.pop("similarity") == pytest.approx(expected.pop("similarity"))
        assert record == expected
    assert records[1]["duplicate_of"] == records[0]["id"]
    assert records[0]["authors"] == ["Jane Roe", "Doe; John"]


def test_filters_and_unique(db: psycopg.Connection, stored: list[dict]) -> None:
    def ids(filters: ArticleFilter) -> list[int]:
        out = io.StringIO()
        export(db, "jsonl", filters, stdout=out)
        return [json.loads(line)["id"] for line in out.getvalue().splitlines()]

    original, repost, undated = (r["id"] for r in stored)
    assert ids(ArticleFilter(unique=True)) == [original, undated]
    assert ids(ArticleFilter(source="blog")) == [repost]
    assert ids(ArticleFilter(since=parse_time_bound("2024-03-10T12:00:00Z"))) == [repost]
    assert ids(ArticleFilter(until=parse_time_bound("2024-03-10", end=True))) == [
        original,
        repost,
    ]
    assert ids(ArticleFilter(until=parse_time_bound("2024-03-09", end=True))) == []


def test_cli_export(
    db: psycopg.Connection,
    stored: list[dict],
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("NEWSBOT_DATABASE_URL", database_url)
    assert cli.main(["export", "--format", "csv", "--unique", "--source", "wire"]) == 0
    captured = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(captured.out)))
    assert [int(r["id"]) for r in rows] == [stored[0]["id"], stored[2]["id"]]
    assert "exported 2 article(s)" in captured.err
    assert cli.main(["export", "--format", "parquet"]) == 2  # Parquet needs a file
    assert "--out" in capsys.readouterr().err
    out = tmp_path / "a.parquet"
    assert cli.main(["export", "--format", "parquet", "--out", str(out)]) == 0
    assert pq.read_table(out).num_rows == 3
