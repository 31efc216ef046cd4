"""The Article dataclass is the one declaration of the article's fields: the spool, the
articles columns, the export and `newsbot extract` derive from its field metadata.

A field added to Article fails here until it is handled: it must be given a test value
(`_value`), and either a place (spool, columns, export, extract) or be listed as internal.
"""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from types import UnionType
from typing import Any, Union, get_args, get_origin, get_type_hints

import pytest

from newsbot.cli import main
from newsbot.items import (
    Article,
    Block,
    DateCandidate,
    Hints,
    PageDate,
    export_columns,
    extract_json,
    fields_of,
    row_columns,
)
from newsbot.sites.base import SiteOverrides
from newsbot.storage import articles as store
from newsbot.storage import export
from newsbot.storage.spool import from_record, to_record

PAGES = Path(__file__).resolve().parent / "pages"

#: fields that stay inside the pipeline: in no spool, column, export or extract output
INTERNAL = {
    "html",
    "headers",
    "overrides",
    "date_candidates",
    "blocks",
    "prose_words",
    "drop_reason",
    "stages_done",
}
#: contracts: `newsbot extract`'s JSON keys and the export columns, in their order
EXTRACT_KEYS = [
    "file",
    "url",
    "title",
    "authors",
    "published_at",
    "modified_at",
    "language",
    "lead",
    "body",
    "body_by",
    "canonical_url",
    "site_name",
    "section",
    "tags",
    "image_url",
    "credited_source",
    "comments",
    "date_evidence",
    "content_hash",
    "extractor_version",
]
EXPORT_COLUMNS = (
    "id",
    "url",
    "canonical_url",
    "source",
    "title",
    "authors",
    "body",
    "lead",
    "language",
    "published_at",
    "published_precision",
    "modified_at",
    "date_evidence",
    "fetched_at",
    "content_hash",
    "duplicate_of",
    "credited_source",
    "site_name",
    "section",
    "tags",
    "image_url",
    "dedup_method",
    "similarity",
)
KYIV = timezone(timedelta(hours=2))


def _value(name: str, hint: Any) -> Any:
    """A value for the field that differs from its default (fails for a type not known here)."""
    args = [a for a in get_args(hint) if a is not type(None)]
    if get_origin(hint) in (UnionType, Union) and len(args) == 1:
        hint = args[0]
    simple = {
        str: f"{name} value ünï",
        int: 203,
        datetime: datetime(2024, 3, 10, 9, 30, 15, tzinfo=KYIV),
        PageDate: PageDate(datetime(2024, 3, 9, 8, 5, tzinfo=KYIV), "minute", f"{name}-ev"),
        Hints: Hints("t", "2024-01-01", "2024-02-02", ["A"], "feed", "https://x.example/rss"),
        SiteOverrides: SiteOverrides(body=("article",)),
        dict[str, str]: {"content-type": "text/html"},
        list[str]: [f"{name} 1", f"{name}; 2"],
        list[int]: [5, -3, 2**62],
        list[DateCandidate]: [DateCandidate("2024-03-09", "published", "meta", "k")],
        list[Block]: [Block("text", "h", "entry", 0.5)],
    }
    if hint not in simple:
        raise AssertionError(f"Article.{name}: add a test value for {hint} in _value")
    return simple[hint]


def full_article() -> Article:
    """An Article with every field set to a value other than its default."""
    hints = get_type_hints(Article)
    return Article(**{f.name: _value(f.name, hints[f.name]) for f in fields(Article)})


def test_every_field_has_a_place_or_is_internal() -> None:
    places = ("spool", "columns", "export", "extract")
    for f in fields(Article):
        assert set(places) <= set(f.metadata), f"Article.{f.name}: declare it with _field()"
        placed = any(f.metadata[p] for p in places)
        assert placed != (f.name in INTERNAL), f"Article.{f.name}: give it a place or INTERNAL"
    # what the store writes must survive the spool; what is exported must be stored
    assert {f.name for f in fields_of("columns")} <= {f.name for f in fields_of("spool")}
    for f in fields_of("export"):
        assert set(f.metadata["export"]) <= set(f.metadata["columns"]), f.name


def test_spool_round_trip_keeps_every_spooled_field() -> None:
    article = full_article()
    plain = Article("u", "s", "", datetime(2000, 1, 1, tzinfo=UTC))
    for f in fields(Article):
        assert getattr(article, f.name) != getattr(plain, f.name), f"{f.name}: a default"
    line = json.dumps(to_record(article, 7), ensure_ascii=False, separators=(",", ":"))
    back, run_id = from_record(json.loads(line))
    assert run_id == 7
    spooled = {f.name for f in fields_of("spool")}
    for f in fields(Article):
        if f.name in spooled:
            assert getattr(back, f.name) == getattr(article, f.name), f.name
        elif f.name == "html":
            assert back.html == ""
        else:
            assert getattr(back, f.name) == getattr(plain, f.name), f"{f.name} not spooled"
    assert row_columns(back) == row_columns(article)  # the store writes the same row


def test_old_spool_lines_still_read() -> None:
    """A line as the spool wrote it before the fields were declared on the item."""
    line = (
        '{"url":"https://w.example/1","source":"wire","status":200,"timezone":null,'
        '"language_hint":null,"title":"T","authors":["A"],"lead":null,"language":"en",'
        '"canonical_url":null,"site_name":null,"section":null,"tags":[],"image_url":null,'
        '"body":"B","credited_source":null,"comments":[],"content_hash":"h","anchors":[1],'
        '"fetched_at":"2024-03-10T09:30:00+00:00","published":{"value":'
        '"2024-03-09T10:05:00+02:00","precision":"minute","evidence":"jsonld"},'
        '"modified":null,"hints_modified":"2024-03-09","run_id":3}'
    )
    article, run_id = from_record(json.loads(line))
    assert run_id == 3 and article.title == "T" and article.anchors == [1]
    assert article.published == PageDate(datetime(2024, 3, 9, 8, 5, tzinfo=UTC), "minute", "jsonld")
    assert article.hints.modified == "2024-03-09" and article.modified is None
    record = to_record(article, 3)  # written again in today's layout (whole hints)...
    assert from_record(json.loads(json.dumps(record))) == (article, 3)  # ...and read back
    with pytest.raises(TypeError):  # a torn line without fetched_at is skipped, not stored
        from_record({k: v for k, v in json.loads(line).items() if k != "fetched_at"})


def test_extract_json_derives_from_the_item(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = full_article()
    shown = extract_json(article)
    assert ["file", *shown] == EXTRACT_KEYS
    assert shown["published_at"] == article.published.isoformat()
    assert shown["date_evidence"] == article.published.evidence
    for f in fields_of("extract"):
        for key, (_rank, attribute) in f.metadata["extract"].items():
            if attribute is None:
                assert shown[key] == getattr(article, f.name), key
    assert main(["extract", "--url", "https://x.example/a", str(PAGES / "blogger.html")]) == 0
    assert list(json.loads(capsys.readouterr().out)) == EXTRACT_KEYS


def test_export_and_store_columns_derive_from_the_item() -> None:
    assert export.COLUMNS == EXPORT_COLUMNS
    item = export_columns()
    assert set(item) | set(export.ROW_ONLY_COLUMNS) == set(EXPORT_COLUMNS)
    assert not set(item) & set(export.ROW_ONLY_COLUMNS)
    row = row_columns(full_article())
    assert tuple(row) == store._ITEM_COLUMNS
    for column in row:  # every column the item fills is written by the upsert
        assert f"%({column})s" in store._INSERT, column
        assert column in store._IDENTITY or f"{column} = %({column})s" in store._UPDATE
    assert set(item) <= set(row)
    assert all(v is not None for v in row.values())
