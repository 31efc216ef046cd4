"""Storage against a real PostgreSQL: migrations, idempotent upserts, repost links."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from newsbot.config import Source
from newsbot.errors import DatabaseUnavailable
from newsbot.items import Article, PageDate
from newsbot.reposts import fingerprint as dedup
from newsbot.storage import connect, mask_url, upgrade
from newsbot.storage.articles import ensure_sources, save_article, save_batch
from newsbot.storage.migrate import pending
from newsbot.storage.runs import finish_run, record_source, start_run

BODY = (
    "Armed clashes began in Mitrovica in northern Kosovo on Sunday.\n\n"
    "Local residents heard gunfire and sirens were turned on in the city."
)
T0 = datetime(2022, 7, 31, 16, 40, tzinfo=UTC)


def make(
    url: str,
    *,
    source: str = "wire",
    body: str = BODY,
    published: datetime | None = T0,
    canonical: str | None = None,
    title: str = "Clashes in Kosovo",
) -> Article:
    article = Article(url=url, source=source, html="", fetched_at=datetime(2024, 1, 1, tzinfo=UTC))
    article.title = title
    article.body = body
    article.canonical_url = canonical
    article.published = PageDate(published, "minute", "jsonld") if published else None
    article.content_hash = dedup.content_hash(body)
    return article


@pytest.fixture
def sources(db: psycopg.Connection) -> None:
    ensure_sources(
        db,
        [
            Source("wire", feeds=("https://w.example/rss",)),
            Source("blog", feeds=("https://b.example/feed",)),
        ],
    )


def rows(db: psycopg.Connection) -> list[dict]:
    return db.execute("SELECT id, url, source, duplicate_of FROM articles ORDER BY id").fetchall()


def test_upgrade_is_idempotent(db: psycopg.Connection) -> None:
    assert upgrade(db) == []
    assert pending(db) == []
    versions = [r["version"] for r in db.execute("SELECT version FROM schema_migrations")]
    assert versions == sorted(versions) and versions[0] == 1


def test_new_unchanged_updated(db: psycopg.Connection, sources: None) -> None:
    (first,) = save_batch(db, [make("https://w.example/news/1")])
    assert first.outcome == "new"
    (again,) = save_batch(db, [make("https://w.example/news/1")])
    assert (again.outcome, again.article_id) == ("unchanged", first.article_id)
    (changed,) = save_batch(db, [make("https://w.example/news/1", title="Clashes in north Kosovo")])
    assert changed.outcome == "updated"
    assert len(rows(db)) == 1
    stored = db.execute("SELECT title, published_at, published_precision FROM articles").fetchone()
    assert stored == {
        "title": "Clashes in north Kosovo",
        "published_at": T0,
        "published_precision": "minute",
    }


def test_declared_canonical_finds_the_same_row(db: psycopg.Connection, sources: None) -> None:
    save_batch(db, [make("https://w.example/news/1")])
    (amp,) = save_batch(
        db, [make("https://w.example/amp/news/1", canonical="https://w.example/news/1")]
    )
    assert amp.outcome in ("unchanged", "updated")
    assert len(rows(db)) == 1


def test_site_root_canonical_is_ignored(db: psycopg.Connection, sources: None) -> None:
    save_batch(db, [make("https://w.example/news/1", canonical="https://w.example/")])
    save_batch(
        db,
        [
            make(
                "https://w.example/news/2",
                canonical="https://w.example/",
                body=BODY + "\n\nAnother story entirely.",
            )
        ],
    )
    assert len(rows(db)) == 2


def test_repost_points_at_earliest_published_copy(db: psycopg.Connection, sources: None) -> None:
    original, repost = save_batch(
        db,
        [
            make("https://w.example/news/1"),
            make(
                "https://b.example/2022/08/01/kosovo/",
                source="blog",
                body=BODY + "\n\n(C)WIRE 2022",
                published=T0 + timedelta(hours=5),
            ),
        ],
    )
    assert original.duplicate_of is None
    assert repost.duplicate_of == original.article_id


def test_earlier_copy_found_later_becomes_the_original(
    db: psycopg.Connection, sources: None
) -> None:
    late = make("https://b.example/1", source="blog", published=T0 + timedelta(days=1))
    later = make("https://b.example/2", source="blog", published=T0 + timedelta(days=2))
    save_batch(db, [late, later])
    first = {r["url"]: r for r in rows(db)}
    assert first["https://b.example/2"]["duplicate_of"] == first["https://b.example/1"]["id"]
    (orig,) = save_batch(db, [make("https://w.example/news/1")])
    after = rows(db)
    assert [r["duplicate_of"] for r in after] == [orig.article_id, orig.article_id, None]


def test_changed_body_leaves_the_story(db: psycopg.Connection, sources: None) -> None:
    a, b = save_batch(
        db,
        [
            make("https://w.example/1"),
            make("https://b.example/1", source="blog", published=T0 + timedelta(hours=1)),
        ],
    )
    assert b.duplicate_of == a.article_id
    save_batch(
        db, [make("https://w.example/1", body="A completely different text now, about grain.")]
    )
    by_url = {r["url"]: r for r in rows(db)}
    assert by_url["https://b.example/1"]["duplicate_of"] is None


def test_bad_text_is_cleaned_and_batch_survives(db: psycopg.Connection, sources: None) -> None:
    nul = make(
        "https://w.example/nul", body="Text with a NUL\x00 byte and a lone \ud800 surrogate."
    )
    orphan = make("https://x.example/1", source="not-a-source", body="Orphan story body text.")
    good = make("https://w.example/good", body="A good article body that stands alone.")
    results = save_batch(db, [nul, orphan, good])
    assert [r.outcome for r in results] == ["new", "failed", "new"]
    body = db.execute(
        "SELECT body FROM articles WHERE url = %s", ("https://w.example/nul",)
    ).fetchone()
    assert "\x00" not in body["body"]


def test_comments_are_stored_apart(db: psycopg.Connection, sources: None) -> None:
    article = make("https://b.example/c")
    article.comments = ["I can't agree with you guys.", "Second comment"]
    (saved,) = save_batch(db, [article])
    stored = db.execute(
        "SELECT position, body FROM article_comments WHERE article_id = %s ORDER BY position",
        (saved.article_id,),
    ).fetchall()
    assert [c["body"] for c in stored] == article.comments
    assert "agree" not in db.execute("SELECT body FROM articles").fetchone()["body"]


def test_views(db: psycopg.Connection, sources: None) -> None:
    save_batch(
        db,
        [
            make("https://w.example/1"),
            make("https://b.example/1", source="blog", published=T0 + timedelta(hours=2)),
        ],
    )
    unique = db.execute("SELECT url, repost_count FROM unique_articles").fetchall()
    assert unique == [{"url": "https://w.example/1", "repost_count": 1}]
    repost = db.execute("SELECT url, original_url FROM reposts").fetchone()
    assert repost == {"url": "https://b.example/1", "original_url": "https://w.example/1"}


def test_run_records(db: psycopg.Connection) -> None:
    run_id = start_run(db, ["wire"], "newsbot crawl --sources s.toml")
    record_source(db, run_id, "wire", {"newsbot/store/new": 3})
    record_source(db, run_id, "blog", {"newsbot/store/new": 1})
    finish_run(db, run_id, "finished", "finished")
    run = db.execute(
        "SELECT status, counters, finished_at FROM crawl_runs WHERE id = %s", (run_id,)
    ).fetchone()
    assert run["status"] == "finished" and run["finished_at"] is not None
    assert run["counters"] == {"wire": {"newsbot/store/new": 3}, "blog": {"newsbot/store/new": 1}}


def test_unreachable_database_is_one_clear_line() -> None:
    url = "postgresql://newsbot:s3cret@127.0.0.1:1/newsbot"
    with pytest.raises(DatabaseUnavailable) as info:
        connect(url, timeout=2)
    message = str(info.value)
    assert "s3cret" not in message and "***" in message
    assert "\n" not in message and "NEWSBOT_DATABASE_URL" in message


def test_mask_url() -> None:
    assert mask_url("postgresql://u:pw@h/db") == "postgresql://u:***@h/db"
    assert mask_url("host=h password=pw dbname=x") == "host=h password=*** dbname=x"
    assert mask_url("postgresql:///db?host=/tmp") == "postgresql:///db?host=/tmp"


def test_save_article_needs_its_source(db: psycopg.Connection) -> None:
    with pytest.raises(psycopg.errors.ForeignKeyViolation), db.transaction():
        save_article(db, make("https://w.example/1"))
