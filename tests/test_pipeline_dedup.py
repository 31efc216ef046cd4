"""DedupPipeline: a content hash for repost detection, and one item per page within a run."""

from __future__ import annotations

import asyncio

import pytest
from scrapy.exceptions import DropItem

from newsbot import stats as stat_keys
from newsbot.items import Article
from newsbot.reposts import fingerprint as dedup
from pipelines.dedup import DedupPipeline
from tests.support.stage_kit import article, build

BODY = "Officials said the grain corridor would keep working through the spring. " * 6


def _pipeline() -> DedupPipeline:
    return build(DedupPipeline)


def _article(url: str, canonical: str | None = None) -> Article:
    item = article("", url)
    item.body = BODY
    item.canonical_url = canonical
    return item


def test_an_article_gets_its_content_hash_and_is_counted() -> None:
    pipeline = _pipeline()
    item = asyncio.run(pipeline.process_item(_article("http://127.0.0.1/a")))
    assert item.content_hash == dedup.content_hash(BODY)
    assert item.anchors
    assert pipeline.stats.get_value(stat_keys.stage_ok("dedup")) == 1


def test_different_pages_with_the_same_text_both_pass_for_the_store_to_link() -> None:
    pipeline = _pipeline()
    asyncio.run(pipeline.process_item(_article("http://127.0.0.1/a")))
    assert asyncio.run(pipeline.process_item(_article("http://127.0.0.1/b")))


# A regression test: a local name once hid the stats module here, and the second sighting
# raised AttributeError instead of being a counted drop.
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
    assert pipeline.stats.get_value(stat_keys.DROPPED_SAME_PAGE_TWICE) == 1
