"""ExtractPipeline: HTML → metadata and blocks; pages that are not articles are counted drops."""

from __future__ import annotations

import asyncio

import pytest
from scrapy.exceptions import DropItem

from newsbot import stats as stat_keys
from pipelines.extract import ExtractPipeline
from tests.support.stage_kit import article, build, page

PAGE = page(
    '<link rel="canonical" href="http://127.0.0.1/grain">'
    '<meta property="article:published_time" content="2024-03-08T09:30:00Z">'
)


def _pipeline() -> ExtractPipeline:
    return build(ExtractPipeline)


def test_an_article_page_gets_its_metadata_and_blocks_and_is_counted() -> None:
    pipeline = _pipeline()
    item = asyncio.run(pipeline.process_item(article(PAGE)))
    assert item.title == "Grain ships leave Odesa"
    assert item.canonical_url == "http://127.0.0.1/grain"
    assert item.date_candidates and item.blocks
    assert item.stages_done == ["extract"]
    assert pipeline.stats.get_value(stat_keys.stage_ok("extract")) == 1


def test_an_empty_page_is_dropped_with_its_reason_counted() -> None:
    pipeline = _pipeline()
    item = article("   ")
    with pytest.raises(DropItem, match="empty_page"):
        asyncio.run(pipeline.process_item(item))
    assert item.drop_reason == "empty_page"
    assert pipeline.stats.get_value(stat_keys.dropped("empty_page")) == 1
    assert pipeline.stats.get_value(stat_keys.stage_ok("extract")) is None


def test_an_item_that_is_not_an_article_passes_untouched() -> None:
    other = {"url": "http://127.0.0.1/a"}
    assert asyncio.run(_pipeline().process_item(other)) is other


def test_an_item_whose_extract_ran_in_an_earlier_trip_is_not_extracted_again() -> None:
    pipeline = _pipeline()
    item = article("")  # would be dropped as empty if extracted
    item.stages_done.append("extract")
    assert asyncio.run(pipeline.process_item(item)) is item
    assert pipeline.stats.get_value(stat_keys.stage_ok("extract")) is None
