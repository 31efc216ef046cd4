"""StorePipeline: batches written by writer threads against a real PostgreSQL, dropped
pages remembered, the run id taken from the signal, and the flush a worker asks for."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from scrapy import Spider
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from newsbot import signals as newsbot_signals
from newsbot import stats as stat_keys
from newsbot.config import Source
from newsbot.items import Article, DroppedPage
from newsbot.reposts import fingerprint
from newsbot.storage.runs import start_run
from pipelines.store import StorePipeline
from tests.support.reactor_thread import call

SOURCE = Source("store-test", feeds=("http://127.0.0.1:9/rss",))


class SourceSpider(Spider):
    name = "store-test"
    source = SOURCE


def _article(n: int) -> Article:
    body = f"Story {n}: the council voted to rebuild the bridge over the river by spring. " * 4
    article = Article(
        url=f"http://127.0.0.1:9/news/{n}",
        source=SOURCE.name,
        html="",
        fetched_at=datetime.now(UTC),
    )
    article.title = f"Bridge story {n}"
    article.body = body
    article.content_hash = fingerprint.content_hash(body)
    return article


@pytest.fixture
def spool_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NEWSBOT_SPOOL_DIR", str(tmp_path))
    return tmp_path


def _opened(database_url: str, **settings: object) -> StorePipeline:
    crawler = get_crawler(SourceSpider, {"NEWSBOT_DATABASE_URL": database_url, **settings})
    crawler.spider = crawler._create_spider()
    crawler.stats.open_spider()
    pipeline = StorePipeline.from_crawler(crawler)
    call(pipeline.open_spider, crawler.spider)
    call(crawler.signals.send_catch_log, signal=newsbot_signals.run_started, run_id=None)
    return pipeline


def _urls(db: psycopg.Connection, table: str = "articles") -> list[str]:
    db.commit()  # a fresh snapshot: the writers committed in their own connections
    return [r["url"] for r in db.execute(f"SELECT url FROM {table} ORDER BY url").fetchall()]


def test_articles_are_written_in_batches_under_the_run_the_signal_names(
    db: psycopg.Connection, database_url: str, spool_dir: Path
) -> None:
    pipeline = _opened(database_url, NEWSBOT_STORE_BATCH_SIZE=2)
    run_id = start_run(db, [SOURCE.name])
    pipeline.crawler.signals.send_catch_log(newsbot_signals.run_started, run_id=run_id)
    for n in range(5):
        item = _article(n)
        assert call(pipeline.process_item, item) is item
    call(pipeline.close_spider)
    stats = pipeline.crawler.stats
    assert _urls(db) == [f"http://127.0.0.1:9/news/{n}" for n in range(5)]
    assert stats.get_value(stat_keys.STORE_NEW) == 5
    assert stats.get_value(stat_keys.STORE_BATCHES) == 3  # 2 + 2 + the last one at close
    runs = {r["last_run_id"] for r in db.execute("SELECT last_run_id FROM articles").fetchall()}
    assert runs == {run_id}


def test_a_copy_is_linked_to_its_original_and_counted_as_a_repost(
    db: psycopg.Connection, database_url: str, spool_dir: Path
) -> None:
    # no date tells them apart: the smaller URL is the original, whichever was stored first
    pipeline = _opened(database_url, NEWSBOT_STORE_BATCH_SIZE=1, NEWSBOT_STORE_WRITERS=1)
    original, copy = _article(1), _article(1)
    copy.url = "http://127.0.0.1:9/reposts/copied"
    call(pipeline.process_item, original)
    call(pipeline.process_item, copy)
    call(pipeline.close_spider)
    assert pipeline.crawler.stats.get_value(stat_keys.STORE_REPOSTS) == 1
    db.commit()
    row = db.execute(
        "SELECT o.url FROM articles c JOIN articles o ON o.id = c.duplicate_of WHERE c.url = %s",
        (copy.url,),
    ).fetchone()
    assert row is not None and row["url"] == original.url


def test_dropped_pages_are_remembered_for_recrawls(
    db: psycopg.Connection, database_url: str, spool_dir: Path
) -> None:
    pipeline = _opened(database_url)
    page = DroppedPage(
        url="http://127.0.0.1:9/report.pdf", source=SOURCE.name, drop_reason="not_html"
    )
    with pytest.raises(DropItem, match="not an article"):
        call(pipeline.process_item, page)
    listing = _article(7)
    listing.drop_reason = "listing"
    # a later stage dropped it: Scrapy's item_dropped signal tells the store
    pipeline.item_dropped(listing, None, DropItem("listing"), pipeline.crawler.spider)
    buggy = _article(8)
    buggy.drop_reason = "stage_error"  # a bug, not the page: fetch it again next time
    pipeline.item_dropped(buggy, None, DropItem("bug"), pipeline.crawler.spider)
    call(pipeline.close_spider)
    assert _urls(db, "dropped_pages") == [listing.url, page.url]
    assert _urls(db) == []


def test_the_flush_a_worker_asks_for_hands_over_what_waits(
    db: psycopg.Connection, database_url: str, spool_dir: Path
) -> None:
    pipeline = _opened(database_url, NEWSBOT_STORE_BATCH_SIZE=50)
    call(pipeline.process_item, _article(1))
    assert _urls(db) == []  # a batch of one waits for more

    def ask() -> list[bool]:
        answers = pipeline.crawler.signals.send_catch_log(newsbot_signals.store_flush)
        return [busy for _receiver, busy in answers]

    assert call(ask) == [True]  # handed to a writer, being written
    call(pipeline.flush)  # returns once every writer is idle
    assert call(ask) == [False]
    assert _urls(db) == ["http://127.0.0.1:9/news/1"]
    call(pipeline.close_spider)


def test_a_database_that_goes_away_gets_the_batch_spooled_not_lost(
    db: psycopg.Connection, database_url: str, spool_dir: Path
) -> None:
    pipeline = _opened(database_url, NEWSBOT_STORE_BATCH_SIZE=1, NEWSBOT_SPOOL_RETRY_INTERVAL=60)
    for lane in pipeline.lanes:  # the server is gone: nothing listens on port 9
        lane.writer.database_url = "postgresql://postgres@127.0.0.1:9/nowhere"
    call(pipeline.process_item, _article(1))
    call(pipeline.flush)
    assert pipeline.crawler.stats.get_value(stat_keys.STORE_SPOOLED) == 1
    assert _urls(db) == []
    # the spool's own writer still reaches the database: the article is stored at close
    call(pipeline.close_spider)
    assert _urls(db) == ["http://127.0.0.1:9/news/1"]
    assert pipeline.crawler.stats.get_value(stat_keys.STORE_RESPOOLED) == 1
    assert not list(spool_dir.rglob("*.jsonl"))
