"""Full-text search against a real PostgreSQL: ranking, language stemming, filters, stories."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from newsbot import cli
from newsbot.config import Source
from newsbot.items import Article, PageDate
from newsbot.reposts import fingerprint as dedup
from newsbot.storage.articles import ensure_sources, save_batch
from newsbot.storage.export import ArticleFilter, parse_time_bound
from newsbot.storage.search import search

T0 = datetime(2024, 3, 10, 9, 30, tzinfo=UTC)


def make(
    url: str,
    *,
    title: str,
    body: str,
    source: str = "wire",
    language: str | None = "en",
    lead: str | None = None,
    published: datetime | None = T0,
) -> Article:
    article = Article(url=url, source=source, html="", fetched_at=T0 + timedelta(days=1))
    article.title = title
    article.body = body
    article.lead = lead
    article.language = language
    article.published = PageDate(published, "minute", "jsonld") if published else None
    article.content_hash = dedup.content_hash(body)
    return article


def store(db: psycopg.Connection, *articles: Article) -> list[int]:
    ensure_sources(
        db,
        [Source(name, feeds=(f"https://{name}.example/rss",)) for name in ("wire", "blog")],
    )
    results = save_batch(db, list(articles))
    assert all(r.outcome == "new" for r in results), results
    return [r.article_id for r in results]  # type: ignore[misc]


FILLER = (
    "The council met on Tuesday to discuss the budget for the coming year.\n\n"
    "Members asked for more detail on the road repairs planned for the spring."
)


def test_title_match_outranks_body_only_match(db: psycopg.Connection) -> None:
    body_only, in_title = store(
        db,
        make(
            "https://wire.example/1",
            title="Council approves budget",
            body=FILLER + "\n\nA volcano was mentioned once in passing.",
        ),
        make("https://wire.example/2", title="Volcano erupts near the coast", body=FILLER),
    )
    hits = search(db, "volcano")
    assert [h.id for h in hits] == [in_title, body_only]
    assert hits[0].rank > hits[1].rank
    assert "**volcano**" in hits[1].headline.lower()


def test_english_stemming_and_ukrainian_with_simple(db: psycopg.Connection) -> None:
    english, ukrainian = store(
        db,
        make(
            "https://wire.example/en",
            title="Mayor runs for a second term",
            body="The mayor runs again. " + FILLER,
        ),
        make(
            "https://wire.example/uk",
            title="Мер балотується вдруге",
            body="Київський міський голова оголосив про участь у виборах.\n\n"
            "Депутати обговорили бюджет на наступний рік.",
            language="uk",
        ),
    )
    assert [h.id for h in search(db, "running")] == [english]
    # no Ukrainian configuration: parsed with 'simple', an exact (lower-cased) word matches
    assert [h.id for h in search(db, "Депутати бюджет")] == [ukrainian]
    assert search(db, "депутат") == []  # ... and there is no stemming
    config = db.execute("SELECT newsbot_text_search_config('uk')::text AS c").fetchone()
    assert config == {"c": "simple"}
    # a German stem in a German article: "Häuser" finds "Haus"
    (german,) = store(
        db,
        make(
            "https://wire.example/de",
            title="Neues Haus",
            body="Das Haus wurde gebaut.",
            language="de",
        ),
    )
    assert [h.id for h in search(db, "Häuser")] == [german]


def test_phrase_and_exclusion_syntax(db: psycopg.Connection) -> None:
    a, b = store(
        db,
        make("https://wire.example/a", title="Border crossing reopens", body=FILLER),
        make(
            "https://wire.example/b",
            title="Crossing the border at night",
            body="Football fans travelled. " + FILLER,
        ),
    )
    assert [h.id for h in search(db, '"border crossing"')] == [a]
    assert {h.id for h in search(db, "border crossing")} == {a, b}
    assert [h.id for h in search(db, "border -football")] == [a]


def test_filters_source_and_dates(db: psycopg.Connection) -> None:
    early, late, undated, blog = store(
        db,
        make("https://wire.example/e", title="Flood warning", body=FILLER, published=T0),
        make(
            "https://wire.example/l",
            title="Flood waters recede",
            body="Rivers fell overnight.",
            published=T0 + timedelta(days=3),
        ),
        make("https://wire.example/u", title="Flood map", body="A map.", published=None),
        make(
            "https://blog.example/f",
            title="Flood photos",
            body="Pictures from the river bank.",
            source="blog",
        ),
    )
    assert {h.id for h in search(db, "flood")} == {early, late, undated, blog}
    assert {h.id for h in search(db, "flood", ArticleFilter(source="blog"))} == {blog}
    since = parse_time_bound("2024-03-11")
    assert {h.id for h in search(db, "flood", ArticleFilter(since=since))} == {late}
    until = parse_time_bound("2024-03-10", end=True)  # the whole day of the 10th
    assert {h.id for h in search(db, "flood", ArticleFilter(until=until))} == {early, blog}
    window = ArticleFilter(source="wire", since=parse_time_bound("2024-03-10T09:00:00"))
    assert {h.id for h in search(db, "flood", window)} == {early, late}
    assert len(search(db, "flood", limit=2)) == 2


def test_unique_collapses_reposts_to_their_original(db: psycopg.Connection) -> None:
    body = (
        "Armed clashes began in Mitrovica in northern Kosovo on Sunday.\n\n"
        "Local residents heard gunfire and sirens were turned on in the city."
    )
    original, repost = store(
        db,
        make("https://wire.example/k", title="Clashes in Kosovo", body=body),
        make(
            "https://blog.example/k",
            title="Kosovo: clashes in Mitrovica",
            body=body + "\n\n(C)WIRE 2024",
            source="blog",
            published=T0 + timedelta(hours=4),
        ),
    )
    stored = db.execute("SELECT duplicate_of FROM articles WHERE id = %s", (repost,)).fetchone()
    assert stored == {"duplicate_of": original}

    hits = search(db, "mitrovica")
    assert {h.id for h in hits} == {original, repost}
    (shown_repost,) = [h for h in hits if h.id == repost]
    assert (shown_repost.duplicate_of, shown_repost.original_source) == (original, "wire")
    assert shown_repost.original_title == "Clashes in Kosovo"

    (story,) = search(db, "mitrovica", ArticleFilter(unique=True))
    assert (story.id, story.duplicate_of, story.matched_copies) == (original, None, 2)
    # only the blog's copy is selected: the story is still shown as its original
    (story,) = search(db, "mitrovica", ArticleFilter(source="blog", unique=True))
    assert (story.id, story.source, story.matched_copies) == (original, "wire", 1)


def test_search_vector_follows_updates(db: psycopg.Connection) -> None:
    (article_id,) = store(db, make("https://wire.example/x", title="Storm", body=FILLER))
    assert search(db, "hurricane") == []
    db.execute("UPDATE articles SET title = 'Hurricane' WHERE id = %s", (article_id,))
    db.commit()
    assert [h.id for h in search(db, "hurricane")] == [article_id]


def test_articles_per_source_day(db: psycopg.Connection) -> None:
    body = "Armed clashes began in Mitrovica.\n\nLocal residents heard gunfire in the city."
    store(
        db,
        make("https://wire.example/1", title="One", body=body, published=T0),
        make(
            "https://blog.example/1",
            title="One again",
            body=body,
            source="blog",
            published=T0 + timedelta(hours=20),  # 05:30 UTC on the 11th
        ),
        make("https://wire.example/2", title="Two", body=FILLER, published=T0 + timedelta(hours=1)),
    )
    rows = db.execute(
        "SELECT source, day::text, articles, originals, reposts FROM articles_per_source_day "
        "ORDER BY day, source"
    ).fetchall()
    assert rows == [
        {"source": "wire", "day": "2024-03-10", "articles": 2, "originals": 2, "reposts": 0},
        {"source": "blog", "day": "2024-03-11", "articles": 1, "originals": 0, "reposts": 1},
    ]


def test_cli_search_json(
    db: psycopg.Connection,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (article_id,) = store(
        db, make("https://wire.example/v", title="Volcano erupts", body=FILLER, lead="Ash cloud.")
    )
    monkeypatch.setenv("NEWSBOT_DATABASE_URL", database_url)
    assert cli.main(["search", "volcano", "--json", "--since", "2024-03-01"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    hit = json.loads(line)
    assert (hit["id"], hit["source"], hit["title"]) == (article_id, "wire", "Volcano erupts")
    assert hit["published_at"] == "2024-03-10T09:30:00+00:00"
    assert cli.main(["search", "volcano", "--source", "blog"]) == 0
    assert capsys.readouterr().out == ""
    assert cli.main(["search", "volcano"]) == 0
    out = capsys.readouterr().out
    assert f"#{article_id}" in out and "Volcano erupts" in out
