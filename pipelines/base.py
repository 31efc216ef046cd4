"""What every stage pipeline shares: run one core stage, turn rejections into counted drops."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any, ClassVar

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread
from twisted.python.failure import Failure

from newsbot.errors import PageRejected
from newsbot.items import Article
from newsbot.workers import default_workers, run_stage
from newsbot.workers import pool as workers_pool

logger = logging.getLogger(__name__)


class StagePipeline:
    """Wraps one function of `newsbot.stages`; subclasses only name it."""

    #: the core stage this pipeline runs (a function Article → Article)
    stage: ClassVar[Callable[[Article], Article]]
    #: short name used in stats keys: newsbot/<name>/ok, newsbot/dropped/<reason>
    name: ClassVar[str]

    #: run the stage in the worker pool (NEWSBOT_STAGE_WORKERS) instead of on the reactor
    #: thread: the stages are pure functions of the article, so any of them can move
    offload: ClassVar[bool] = True

    def __init__(self, stats: StatsCollector | None = None, workers: int = 0) -> None:
        self.stats = stats
        self.executor: Executor | None = workers_pool(workers) if self.offload else None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StagePipeline:
        configured = crawler.settings.get("NEWSBOT_STAGE_WORKERS")
        workers = default_workers() if configured in (None, "") else int(configured)
        return cls(crawler.stats, workers)

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        try:
            if self.executor is not None:
                future = self.executor.submit(run_stage, type(self).stage, item)
                # wait on a reactor thread-pool thread: the reactor itself goes on meanwhile
                result = await maybe_deferred_to_future(deferToThread(future.result))
            else:
                result = type(self).stage(item)
        except Exception as exc:
            return self._failed(Failure(exc), item)
        return self._done(result)

    def _done(self, result: Article) -> Article:
        self._inc(f"newsbot/{self.name}/ok")
        return result

    def _failed(self, failure: Failure, item: Article) -> None:
        exc = failure.value
        if isinstance(exc, PageRejected):
            item.drop_reason = exc.reason
            self._inc(f"newsbot/dropped/{exc.reason}")
            raise DropItem(f"{item.url}: {exc}")
        # a bug or a page we cannot handle must not stop the crawl
        self._inc(f"newsbot/dropped/{self.name}_error")
        logger.error(
            "%s stage failed on %s: %s", self.name, item.url, failure.getTraceback().strip()
        )
        raise DropItem(f"{item.url}: {self.name} failed: {exc!r}")

    def _inc(self, key: str, count: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(key, count)
