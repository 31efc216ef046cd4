"""DatesPipeline: raw date candidates → published/modified, aware datetimes, never guessed."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from newsbot import stats as stat_keys
from pipelines.dates import DatesPipeline
from tests.support.stage_kit import build, extracted, page

PAGE = page('<meta property="article:published_time" content="2024-03-08T09:30:00+02:00">')


def _pipeline() -> DatesPipeline:
    return build(DatesPipeline)


def test_the_published_time_becomes_an_aware_datetime_and_is_counted() -> None:
    pipeline = _pipeline()
    item = asyncio.run(pipeline.process_item(extracted(PAGE)))
    assert item.published is not None
    assert item.published.utc == datetime(2024, 3, 8, 7, 30, tzinfo=UTC)
    assert item.stages_done == ["dates"]
    assert pipeline.stats.get_value(stat_keys.stage_ok("dates")) == 1


def test_a_page_without_any_date_gets_none_not_a_guess() -> None:
    item = asyncio.run(_pipeline().process_item(extracted(PAGE.replace("article:published", "x"))))
    assert item.published is None
    assert item.modified is None
