"""BoilerplatePipeline: blocks → the article body; a page without body or title is dropped."""

from __future__ import annotations

import asyncio

import pytest
from scrapy.exceptions import DropItem

from newsbot import stats as stat_keys
from pipelines.boilerplate import BoilerplatePipeline
from tests.support.stage_kit import build, extracted, page

PAGE = page(after='<div class="share">Share on Facebook Share on Twitter</div>')


def _pipeline() -> BoilerplatePipeline:
    return build(BoilerplatePipeline)


def test_the_body_is_the_story_without_the_share_bar_and_is_counted() -> None:
    pipeline = _pipeline()
    item = asyncio.run(pipeline.process_item(extracted(PAGE)))
    assert "Paragraph 0: officials said" in item.body
    assert "Paragraph 7:" in item.body
    assert "Share on Facebook" not in item.body
    assert item.stages_done == ["boilerplate"]
    assert pipeline.stats.get_value(stat_keys.stage_ok("boilerplate")) == 1


def test_a_page_without_a_title_is_dropped_and_counted() -> None:
    pipeline = _pipeline()
    item = extracted(PAGE)
    item.title = None
    with pytest.raises(DropItem, match="no_title"):
        asyncio.run(pipeline.process_item(item))
    assert item.drop_reason == "no_title"
    assert pipeline.stats.get_value(stat_keys.dropped("no_title")) == 1
    assert pipeline.stats.get_value(stat_keys.stage_ok("boilerplate")) is None
