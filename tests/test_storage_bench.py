"""The storage functions benches measure and fill through (storage.measures, scratch,
bulk_load, synthetic): they give the figures the bench reports printed before they
moved out of bench/, and leave a scratch database as usable as before."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import psycopg
import pytest

from newsbot.config import Source
from newsbot.items import Article
from newsbot.reposts import fingerprint as dedup
from newsbot.storage import connect, upgrade
from newsbot.storage.articles import ensure_sources, save_batch
from newsbot.storage.bulk_load import drop_for_load, restore_after_load, resume_article_ids
from newsbot.storage.measures import (
    article_count,
    article_count_and_max_id,
    article_ids,
    article_url_counts,
    articles_with_links,
    body_size_summary,
    database_sizes,
    dropped_reasons,
    duplicate_links,
    run_statuses,
    stored_texts,
)
from newsbot.storage.runs import start_run
from newsbot.storage.scratch import (
    database_url,
    drop_database,
    drop_search_vector,
    empty_crawl_tables,
    recreate_database,
    vacuum_analyze,
)
from newsbot.storage.synthetic import (
    create_paragraph_pool,
    drop_paragraph_pool,
    insert_export_articles,
)

BODY = "Armed clashes began in Mitrovica on Sunday.\n\nResidents heard gunfire and sirens."


def article(url: str, source: str = "wire") -> Article:
    a = Article(url=url, source=source, html="", fetched_at=datetime(2024, 1, 1, tzinfo=UTC))
    a.title, a.body, a.content_hash = "Clashes", BODY, dedup.content_hash(BODY)
    return a


def test_measures_of_a_small_store(db: psycopg.Connection) -> None:
    ensure_sources(db, [Source("wire"), Source("blog")])
    start_run(db, ["wire"])
    # no date tells the copies apart: the smaller URL is the original
    save_batch(db, [article("https://w.example/a"), article("https://x.example/a", "blog")])
    assert article_count(db) == 2
    n, max_id = article_count_and_max_id(db)
    assert (n, max_id) == (2, 2)
    assert article_url_counts(db) == {"rows": 2, "urls": 2, "keys": 2}
    links = {r["url"]: r for r in duplicate_links(db)}
    assert links["https://x.example/a"]["duplicate_of"] == links["https://w.example/a"]["id"]
    assert article_ids(db, ["https://w.example/a", "https://nowhere.example/"]) == {
        "https://w.example/a": 1
    }
    assert [r["source"] for r in articles_with_links(db)] == ["wire", "blog"]
    assert {r["url"] for r in stored_texts(db)} == set(links)
    assert dropped_reasons(db) == {}
    assert run_statuses(db) == ["running"]
    sizes = database_sizes(db)
    assert sizes["n"] == 2 and sizes["db"] > sizes["articles"] > 0
    assert body_size_summary(db)["n"] == 2
    empty_crawl_tables(db)
    assert article_count(db) == 0 and run_statuses(db) == []


def test_measures_take_tuple_row_connections(database_url: str) -> None:
    with psycopg.connect(database_url) as conn:
        assert isinstance(article_count(conn), int)


@pytest.fixture
def scratch(pg_server: str) -> Iterator[str]:
    url = recreate_database(pg_server, "newsbot_test_bench_scratch")
    yield url
    drop_database(pg_server, "newsbot_test_bench_scratch")


def test_scratch_database_fill_and_bulk_load(pg_server: str, scratch: str) -> None:
    assert scratch == database_url(pg_server, "newsbot_test_bench_scratch")
    with connect(scratch) as conn:
        upgrade(conn)
        drop_search_vector(conn)
        ensure_sources(conn, [Source(n) for n in ("wire", "blog", "daily", "portal")])
        create_paragraph_pool(conn, [f"Paragraph {i} of the pool." for i in range(2000)])
        conn.commit()
        dropped = drop_for_load(conn)
        assert dropped.indexes and dropped.constraints
        insert_export_articles(conn, 1, 20)
        conn.commit()
        drop_paragraph_pool(conn)
        conn.commit()
    restore_after_load(scratch, dropped)
    vacuum_analyze(scratch, ["articles"])
    with connect(scratch, autocommit=True) as conn:
        resume_article_ids(conn)
        assert article_count_and_max_id(conn) == (20, 20)
        # a repost row (id 0 mod 5) points at the row before it, and the keys are back
        assert {r["id"]: r["duplicate_of"] for r in duplicate_links(conn)}[5] == 4
        again = drop_for_load(conn)
        assert sorted(again.indexes) == sorted(dropped.indexes)
        assert sorted(again.constraints) == sorted(dropped.constraints)
        restore_after_load(scratch, again)
