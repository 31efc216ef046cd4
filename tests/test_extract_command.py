"""`newsbot extract --candidates`: each date candidate, its parsed value, why the winner won."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsbot.cli import main

PAGE = """<html><head>
<meta property="article:published_time" content="2025-03-04T09:30:00+02:00">
<meta property="article:modified_time" content="2025-03-06T12:00:00+02:00">
</head><body><article><h1>Trams return to the old town</h1>
<div class="byline">By Jane Roe, March 4, 2025</div>
<p>The council voted on Tuesday to bring the trams back to the old town, after forty years
without them, and the first line opens in the spring of next year.</p>
<p>Shop owners welcomed the decision at the hearing, and cyclists asked for racks.</p>
</article><aside class="related"><time>2 March 2025</time></aside></body></html>"""


def test_candidates_say_what_each_date_parsed_to_and_why_the_winner_won(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    assert main(["extract", "--candidates", "--url", "https://city.example/trams", str(page)]) == 0
    data = json.loads(capsys.readouterr().out.splitlines()[0])
    assert data["published_at"].startswith("2025-03-04T09:30:00")
    rows = {(r["evidence"], r["key"]): r for r in data["date_candidates"]}
    meta = rows[("meta", "article:published_time")]
    assert meta["supports"] == "published" and meta["trust"] > 0
    assert rows[("meta", "article:modified_time")]["supports"] == "modified"
    assert all("parsed" in r and "trust" in r for r in data["date_candidates"])
    assert data["published_by"].startswith("meta article:published_time")
    assert "agreed by byline" in data["published_by"]


def test_candidates_show_where_the_title_and_authors_came_from(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "page.html"
    head = (
        '<meta property="og:title" content="Trams return to the old town | City Times">'
        '<meta name="author" content="Jane Roe">'
    )
    page.write_text(PAGE.replace("<head>", f"<head>{head}"), encoding="utf-8")
    assert main(["extract", "--candidates", "--url", "https://city.example/trams", str(page)]) == 0
    data = json.loads(capsys.readouterr().out.splitlines()[0])
    assert data["title"] == "Trams return to the old town"
    sources = {t["source"]: t["chosen"] for t in data["title_candidates"]}
    assert sources["h1"] and sources["og:title"]
    assert data["title_by"].startswith("the visible <h1>, confirmed by og:title")
    assert data["authors"] == ["Jane Roe"]
    assert any(a["chosen"] and a["source"] == "meta author" for a in data["author_candidates"])


def test_candidates_show_the_values_the_chooser_saw() -> None:
    """A time printed without a zone is read in the zone the page's other dates show; the
    explanation must show that reading, not a second parse of its own."""
    from datetime import UTC, datetime

    from newsbot.dates import explain, resolve_dates
    from newsbot.items import DateCandidate

    cands = [
        DateCandidate("2025-03-04T23:30:00", "published", "meta", "article:published_time"),
        DateCandidate("2025-03-05T10:00:00-05:00", "modified", "meta", "article:modified_time"),
    ]
    fetched = datetime(2025, 6, 1, tzinfo=UTC)
    pub, mod = resolve_dates(cands, fetched_at=fetched)
    rows = explain(cands, published=pub, modified=mod, fetched_at=fetched)
    assert pub is not None and rows[0]["parsed"] == pub.value.isoformat()
    assert rows[0]["parsed"] == "2025-03-04T23:30:00-05:00"
    assert rows[0]["supports"] == "published"
