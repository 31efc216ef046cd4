"""What every stage pipeline shares: run one core stage, turn rejections into counted drops."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, ClassVar

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from newsbot.errors import PageRejected
from newsbot.items import Article

logger = logging.getLogger(__name__)


class StagePipeline:
    """Wraps one function of `newsbot.stages`; subclasses only name it."""

    #: the core stage this pipeline runs (a function Article → Article)
    stage: ClassVar[Callable[[Article], Article]]
    #: short name used in stats keys: newsbot/<name>/ok, newsbot/dropped/<reason>
    name: ClassVar[str]

    def __init__(self, stats: StatsCollector | None = None) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StagePipeline:
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        try:
            result = type(self).stage(item)
        except PageRejected as exc:
            item.drop_reason = exc.reason
            self._inc(f"newsbot/dropped/{exc.reason}")
            raise DropItem(f"{item.url}: {exc}") from None
        except Exception as exc:  # a bug or a page we cannot handle must not stop the crawl
            self._inc(f"newsbot/dropped/{self.name}_error")
            logger.exception("%s stage failed on %s", self.name, item.url)
            raise DropItem(f"{item.url}: {self.name} failed: {exc!r}") from None
        self._inc(f"newsbot/{self.name}/ok")
        return result

    def _inc(self, key: str, count: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(key, count)
