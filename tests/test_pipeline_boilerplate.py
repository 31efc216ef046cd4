"""BoilerplatePipeline: blocks → the article body; a page without body or title is dropped."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from scrapy import Spider
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from newsbot import stages
from newsbot import stats as stat_keys
from newsbot.items import Article
from pipelines.boilerplate import BoilerplatePipeline

STORY = "".join(
    f"<p>Paragraph {i}: officials said the grain corridor would keep working through the "
    f"spring, and port workers loaded {i * 3} ships in the first week of March.</p>"
    for i in range(8)
)
PAGE = (
    "<html><head><title>Grain ships leave Odesa</title></head><body><article>"
    f"<h1>Grain ships leave Odesa</h1>{STORY}"
    '<div class="share">Share on Facebook Share on Twitter</div>'
    "</article></body></html>"
)


def _pipeline() -> BoilerplatePipeline:
    crawler = get_crawler(Spider, {"NEWSBOT_STAGE_WORKERS": 0})
    crawler.stats.open_spider()
    return BoilerplatePipeline.from_crawler(crawler)


def _extracted(html: str) -> Article:
    article = Article(url="http://127.0.0.1/a", source="s", html=html, fetched_at=datetime.now(UTC))
    return stages.extract(article)


def test_the_body_is_the_story_without_the_share_bar_and_is_counted() -> None:
    pipeline = _pipeline()
    item = asyncio.run(pipeline.process_item(_extracted(PAGE)))
    assert "Paragraph 0: officials said" in item.body
    assert "Paragraph 7:" in item.body
    assert "Share on Facebook" not in item.body
    assert item.stages_done == ["boilerplate"]
    assert pipeline.stats.get_value(stat_keys.stage_ok("boilerplate")) == 1


def test_a_page_without_a_title_is_dropped_and_counted() -> None:
    pipeline = _pipeline()
    item = _extracted(PAGE)
    item.title = None
    with pytest.raises(DropItem, match="no_title"):
        asyncio.run(pipeline.process_item(item))
    assert item.drop_reason == "no_title"
    assert pipeline.stats.get_value(stat_keys.dropped("no_title")) == 1
    assert pipeline.stats.get_value(stat_keys.stage_ok("boilerplate")) is None
