"""`newsbot demo` end to end: the bundled web, crawled twice into a real PostgreSQL."""

from __future__ import annotations

import psycopg
import pytest

from tests.test_crawl import newsbot

pytestmark = pytest.mark.slow  # the demo crawl: `make test`, not `make test-fast`

BOILERPLATE = (
    "Leave a Reply",
    "Liked by",
    "Like this:",
    "Share this:",
    "Akismet",
    "You are commenting using",
    "Connecting to %s",
    "Notify me of new",
    "cookies",
)


def test_demo_stores_the_sample_web_once_and_marks_reposts(
    db: psycopg.Connection, database_url: str
) -> None:
    first = newsbot("demo", database_url=database_url)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "13 articles stored (11 stories, 2 reposts)" in first.stdout
    assert "this run: 13 new" in first.stdout

    rows = db.execute(
        """SELECT a.id, a.url, a.source, a.title, a.body, a.duplicate_of, a.credited_source,
                  a.published_at, o.url AS original_url
           FROM articles a LEFT JOIN articles o ON o.id = a.duplicate_of ORDER BY a.id"""
    ).fetchall()
    assert len(rows) == 13
    reposts = {r["url"].rsplit("/", 2)[-2]: r for r in rows if r["duplicate_of"]}
    assert set(reposts) == {
        "first-grain-ships-prepare-to-leave-odesa-as-insurers-cut-premiums",
        "shots-and-sirens-armed-clashes-break-out-on-the-kosovo-serbia-border",
    }
    for repost in reposts.values():
        assert repost["original_url"].startswith("http://kyivwire.example/news/2022/07/")
        assert repost["credited_source"] == "KYIV WIRE"
        assert repost["body"].rstrip().endswith("(C)KYIV WIRE 2022")
    for row in rows:
        assert row["published_at"] is not None, row["url"]
        for phrase in BOILERPLATE:
            assert phrase not in row["body"], (row["url"], phrase)
    comments = db.execute("SELECT count(*) AS n FROM article_comments").fetchone()["n"]
    assert comments >= 2

    second = newsbot("demo", database_url=database_url)
    assert second.returncode == 0, second.stderr[-3000:]
    assert "this run: 0 new, 0 updated, 0 unchanged, 13 skipped as already stored" in second.stdout
    assert db.execute("SELECT count(*) AS n FROM articles").fetchone()["n"] == 13
