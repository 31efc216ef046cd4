"""`newsbot story ID`: an original and its copies, with the evidence, from any member's id."""

from __future__ import annotations

import json

import psycopg
import pytest

from newsbot.cli import main
from newsbot.storage import stories
from tests.story_texts import body, story
from tests.test_stories import make, store  # noqa: F401  (fixture)


@pytest.fixture
def three(db: psycopg.Connection, store) -> dict[str, int]:  # noqa: F811
    """An original, a near copy crediting it and an exact copy, stored in that order."""
    text = story(41)
    tweaked = text[:3] + text[4:] + ["(C)WIRE 2022"]
    store(
        make("https://wire.example/41", body(text)),
        make("https://blog.example/41", body(tweaked), source="blog", hours=3, credited="WIRE"),
        make("https://daily.example/41", body(text), source="daily", hours=5),
    )
    rows = db.execute("SELECT id, url FROM articles").fetchall()
    return {r["url"].split("//")[1].split(".")[0]: r["id"] for r in rows}


def test_story_from_any_member(db: psycopg.Connection, three: dict[str, int]) -> None:
    for asked in three.values():
        found = stories.story(db, asked)
        assert found is not None and found.asked == asked
        assert found.original.id == three["wire"]
        assert found.original.duplicate_of is None and found.original.dedup_method is None
        assert [c.source for c in found.copies] == ["blog", "daily"]  # by publication
    blog, daily = stories.story(db, three["wire"]).copies
    assert (blog.dedup_method, blog.credited_source) == ("near", "WIRE")
    assert 0.85 < blog.similarity <= 1  # containment: the shorter text in the longer
    assert (daily.dedup_method, daily.similarity) == ("exact", 1.0)
    assert stories.story(db, 999_999) is None


def test_cli_story_text_and_json(
    three: dict[str, int],
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("NEWSBOT_DATABASE_URL", database_url)
    assert main(["story", str(three["blog"])]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"story #{three['wire']}: A story — 2 copies besides the original"
    assert out[1].startswith(f"  original #{three['wire']}  2022-07-31 16:40  wire  ")
    assert out[2].strip() == "the earliest published copy; no credit line"
    assert out[3].startswith(f"* copy     #{three['blog']}  2022-07-31 19:40  blog  ")
    assert out[4].strip().startswith("near copy, containment ")
    assert out[4].endswith("; credits WIRE")
    assert out[6].strip() == "exact copy (same text), containment 1.00; no credit line"

    assert main(["story", str(three["wire"]), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["asked"] == three["wire"]
    assert data["original"]["url"] == "https://wire.example/41"
    assert data["original"]["published_at"] == "2022-07-31T16:40:00+00:00"
    assert [(c["source"], c["dedup_method"]) for c in data["copies"]] == [
        ("blog", "near"),
        ("daily", "exact"),
    ]
    assert data["copies"][0]["credited_source"] == "WIRE"
    assert data["copies"][1]["similarity"] == 1.0


def test_cli_unknown_id_is_one_line_exit_2(
    db: psycopg.Connection,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("NEWSBOT_DATABASE_URL", database_url)
    assert main(["story", "424242"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("newsbot: no article with id 424242")
    assert captured.err.count("\n") == 1
