"""Content hash for repost detection, and one item per page within a run.

Linking reposts to their original happens in the store stage, inside the database
transaction, so it holds across runs and across crawler processes.
"""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from newsbot import stages
from newsbot import stats as stat_keys
from newsbot.items import Article
from newsbot.urls import usable_canonical
from pipelines.base import StagePipeline


class DedupPipeline(StagePipeline):
    stage = staticmethod(stages.fingerprint)
    name = "dedup"

    def __init__(self, stats: StatsCollector | None = None, workers: int = 0) -> None:
        super().__init__(stats, workers)
        self._seen: set[str] = set()

    async def process_item(self, item: Any) -> Any:
        item = await super().process_item(item)
        if not isinstance(item, Article):
            return item
        keys = {item.url}
        if canonical := usable_canonical(item.url, item.canonical_url):
            keys.add(canonical)
        if keys & self._seen:
            self._inc(stat_keys.DROPPED_SAME_PAGE_TWICE)
            raise DropItem(f"{item.url}: already processed in this run (same URL or canonical)")
        self._seen |= keys
        return item
