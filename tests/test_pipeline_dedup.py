"""DedupPipeline: a content hash for repost detection, and one item per page within a run."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from scrapy import Spider
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from newsbot import dedup
from newsbot import stats as keys
from newsbot.items import Article
from pipelines.dedup import DedupPipeline

BODY = "Officials said the grain corridor would keep working through the spring. " * 6


def _pipeline() -> DedupPipeline:
    crawler = get_crawler(Spider, {"NEWSBOT_STAGE_WORKERS": 0})
    crawler.stats.open_spider()
    return DedupPipeline.from_crawler(crawler)


def _article(url: str, canonical: str | None = None) -> Article:
    article = Article(url=url, source="s", html="", fetched_at=datetime.now(UTC))
    article.body = BODY
    article.canonical_url = canonical
    return article


def test_an_article_gets_its_content_hash_and_is_counted() -> None:
    pipeline = _pipeline()
    item = asyncio.run(pipeline.process_item(_article("http://127.0.0.1/a")))
    assert item.content_hash == dedup.content_hash(BODY)
    assert item.anchors
    assert pipeline.stats.get_value(keys.stage_ok("dedup")) == 1


def test_different_pages_with_the_same_text_both_pass_for_the_store_to_link() -> None:
    pipeline = _pipeline()
    asyncio.run(pipeline.process_item(_article("http://127.0.0.1/a")))
    assert asyncio.run(pipeline.process_item(_article("http://127.0.0.1/b")))


# Known bug (commit b056b14): in DedupPipeline.process_item the local set `keys` shadows the
# stats module it meant (`keys.DROPPED_SAME_PAGE_TWICE`), which is not even imported there, so
# the second sighting raises AttributeError instead of a counted DropItem. strict: this test
# fails once the pipeline is fixed, as a reminder to drop the mark.
@pytest.mark.xfail(strict=True, raises=AttributeError, reason="stats key shadowed (b056b14)")
@pytest.mark.parametrize(
    "second",
    [
        ("http://127.0.0.1/a", None),  # the same URL again
        ("http://127.0.0.1/a?utm_source=x", "http://127.0.0.1/a"),  # its canonical is seen
    ],
)
def test_the_same_page_twice_in_a_run_is_dropped_and_counted(second) -> None:
    pipeline = _pipeline()
    asyncio.run(pipeline.process_item(_article("http://127.0.0.1/a")))
    with pytest.raises(DropItem, match="already processed"):
        asyncio.run(pipeline.process_item(_article(*second)))
    assert pipeline.stats.get_value(keys.DROPPED_SAME_PAGE_TWICE) == 1
