"""DatesPipeline: raw date candidates → published/modified, aware datetimes, never guessed."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from scrapy import Spider
from scrapy.utils.test import get_crawler

from newsbot import stages
from newsbot import stats as stat_keys
from newsbot.items import Article
from pipelines.dates import DatesPipeline

PAGE = (
    "<html><head><title>Grain ships leave Odesa</title>"
    '<meta property="article:published_time" content="2024-03-08T09:30:00+02:00"></head>'
    "<body><article><h1>Grain ships leave Odesa</h1>"
    + "<p>Officials said the grain corridor would keep working through the spring.</p>" * 8
    + "</article></body></html>"
)


def _pipeline() -> DatesPipeline:
    crawler = get_crawler(Spider, {"NEWSBOT_STAGE_WORKERS": 0})
    crawler.stats.open_spider()
    return DatesPipeline.from_crawler(crawler)


def _extracted(html: str) -> Article:
    article = Article(url="http://127.0.0.1/a", source="s", html=html, fetched_at=datetime.now(UTC))
    return stages.extract(article)


def test_the_published_time_becomes_an_aware_datetime_and_is_counted() -> None:
    pipeline = _pipeline()
    item = asyncio.run(pipeline.process_item(_extracted(PAGE)))
    assert item.published is not None
    assert item.published.utc == datetime(2024, 3, 8, 7, 30, tzinfo=UTC)
    assert item.stages_done == ["dates"]
    assert pipeline.stats.get_value(stat_keys.stage_ok("dates")) == 1


def test_a_page_without_any_date_gets_none_not_a_guess() -> None:
    item = asyncio.run(_pipeline().process_item(_extracted(PAGE.replace("article:published", "x"))))
    assert item.published is None
    assert item.modified is None
