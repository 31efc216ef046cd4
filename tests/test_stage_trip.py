"""Offloaded stages travel to a worker process together: one trip, attributed counts."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from newsbot import stages
from newsbot.items import Article
from pipelines.base import StagePipeline
from pipelines.boilerplate import BoilerplatePipeline
from pipelines.dates import DatesPipeline
from pipelines.dedup import DedupPipeline
from pipelines.extract import ExtractPipeline
from tests.support.stage_kit import page

PAGE = page('<meta property="article:published_time" content="2024-03-08T09:30:00Z">')


def boom(article: Article) -> Article:
    raise ValueError("boom")


class BoomPipeline(StagePipeline):
    stage = staticmethod(boom)
    name = "boom"


def _crawler(pipelines: dict[str, int], workers: int):
    return get_crawler(
        settings_dict={"ITEM_PIPELINES": pipelines, "NEWSBOT_STAGE_WORKERS": workers}
    )


FOUR = {
    "pipelines.extract.ExtractPipeline": 100,
    "pipelines.dates.DatesPipeline": 200,
    "pipelines.boilerplate.BoilerplatePipeline": 300,
    "pipelines.dedup.DedupPipeline": 400,
}


def _article() -> Article:
    return Article(url="http://127.0.0.1/a", source="s", html=PAGE, fetched_at=datetime.now(UTC))


def test_the_first_offloaded_stage_carries_the_following_ones() -> None:
    crawler = _crawler(FOUR, 1)
    first = ExtractPipeline.from_crawler(crawler)
    assert [name for name, _ in first.trip] == ["extract", "dates", "boilerplate", "dedup"]
    later = DatesPipeline.from_crawler(crawler)
    assert [name for name, _ in later.trip] == ["dates"]  # its own, only if not done yet


def test_one_trip_gives_what_the_stages_give_in_line_and_counts_each_stage() -> None:
    crawler = _crawler(FOUR, 1)
    crawler.stats.open_spider()
    chain = [p.from_crawler(crawler) for p in (ExtractPipeline, DatesPipeline,
                                                 BoilerplatePipeline, DedupPipeline)]  # fmt: skip

    async def run() -> Article:
        item = _article()
        for pipeline in chain:
            item = await pipeline.process_item(item)
        return item

    done = asyncio.run(run())
    expected = stages.process(_article())
    assert done.stages_done == ["extract", "dates", "boilerplate", "dedup"]
    assert (done.title, done.body, done.published_at, done.content_hash) == (
        expected.title, expected.body, expected.published_at, expected.content_hash,
    )  # fmt: skip
    assert done.html == ""  # the page does not travel back
    for name in ("extract", "dates", "boilerplate", "dedup"):
        assert crawler.stats.get_value(f"newsbot/{name}/ok") == 1


@pytest.mark.parametrize("workers", [0, 1])
def test_a_failing_stage_in_a_trip_is_named_and_the_earlier_ones_counted(workers: int) -> None:
    pipelines = {
        "pipelines.extract.ExtractPipeline": 100,
        "tests.test_stage_trip.BoomPipeline": 150,
        "pipelines.dates.DatesPipeline": 200,
    }
    crawler = _crawler(pipelines, workers)
    crawler.stats.open_spider()
    chain = [p.from_crawler(crawler) for p in (ExtractPipeline, BoomPipeline, DatesPipeline)]

    async def run() -> None:
        item = _article()
        for pipeline in chain:
            item = await pipeline.process_item(item)

    with pytest.raises(DropItem, match="boom failed"):
        asyncio.run(run())
    assert crawler.stats.get_value("newsbot/extract/ok") == 1
    assert crawler.stats.get_value("newsbot/dropped/boom_error") == 1
    assert crawler.stats.get_value("newsbot/dates/ok") is None
