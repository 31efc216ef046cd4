"""What every stage pipeline shares: run one core stage, turn rejections into counted drops."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any, ClassVar

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.settings import BaseSettings
from scrapy.statscollectors import StatsCollector
from scrapy.utils.conf import build_component_list
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.misc import load_object
from twisted.internet import reactor
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from newsbot import stats as stat_keys
from newsbot.errors import PageRejected
from newsbot.items import Article
from newsbot.run.stage_pool import default_workers, run_stages
from newsbot.run.stage_pool import pool as workers_pool

logger = logging.getLogger(__name__)

Stage = Callable[[Article], Article]


class StagePipeline:
    """Wraps one function of `newsbot.stages`; subclasses only name it."""

    #: the core stage this pipeline runs (a function Article → Article)
    stage: ClassVar[Stage]
    #: short name used in stats keys: newsbot/<name>/ok, newsbot/dropped/<name>_error
    name: ClassVar[str]

    #: run the stage in the worker pool (NEWSBOT_STAGE_WORKERS) instead of on the reactor
    #: thread: the stages are pure functions of the article, so any of them can move
    offload: ClassVar[bool] = True

    def __init__(self, stats: StatsCollector | None = None, workers: int = 0) -> None:
        self.stats = stats
        self.executor: Executor | None = workers_pool(workers) if self.offload else None
        #: the stages this pipeline sends to a worker in one trip: its own, then those of
        #: the offloading stage pipelines right after it (which then find them done)
        self.trip: tuple[tuple[str, Stage], ...] = ((self.name, type(self).stage),)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StagePipeline:
        configured = crawler.settings.get("NEWSBOT_STAGE_WORKERS")
        workers = default_workers() if configured in (None, "") else int(configured)
        pipeline = cls(crawler.stats, workers)
        if pipeline.executor is not None:
            pipeline.trip = _trip_from(cls, crawler.settings) or pipeline.trip
        return pipeline

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        if self.name in item.stages_done:
            return item  # ran in an earlier pipeline's worker trip, and counted there
        before = set(item.stages_done)  # in-line stages change the item itself
        try:
            if self.executor is not None:
                result = await _result_of(self.executor.submit(run_stages, self.trip, item))
            else:
                result = type(self).stage(item)
                result.stages_done.append(self.name)
        except Exception as exc:
            return self._failed(exc, item)
        for name in result.stages_done:
            if name not in before:
                self._inc(stat_keys.stage_ok(name))
        return result

    def _failed(self, exc: Exception, item: Article) -> None:
        stage = getattr(exc, "stage", self.name)
        for name, _ in self.trip:  # the stages before the failing one did their work
            if name == stage:
                break
            self._inc(stat_keys.stage_ok(name))
        if isinstance(exc, PageRejected):
            item.drop_reason = exc.reason
            self._inc(stat_keys.dropped(exc.reason))
            raise DropItem(f"{item.url}: {exc}")
        # a bug or a page we cannot handle must not stop the crawl
        self._inc(stat_keys.dropped(f"{stage}_error"))
        self._inc(stat_keys.STAGE_ERRORS)
        logger.error(
            "%s stage failed on %s: %s", stage, item.url, Failure(exc).getTraceback().strip()
        )
        raise DropItem(f"{item.url}: {stage} failed: {exc!r}")

    def _inc(self, key: str, count: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(key, count)


def _trip_from(first: type, settings: BaseSettings) -> tuple[tuple[str, Stage], ...]:
    """The stages of `first` and of the offloading stage pipelines that follow it directly
    in ITEM_PIPELINES; empty when the pipeline before `first` offloads too (its trip
    already covers `first`)."""
    order = [
        load_object(path) for path in build_component_list(settings.getwithbase("ITEM_PIPELINES"))
    ]
    if first not in order:
        return ()
    index = order.index(first)

    def offloads(component: Any) -> bool:
        return (
            isinstance(component, type)
            and issubclass(component, StagePipeline)
            and component.offload
        )

    if index > 0 and offloads(order[index - 1]):
        return ()
    trip = []
    for component in order[index:]:
        if not offloads(component):
            break
        trip.append((component.name, component.stage))
    return tuple(trip)


async def _result_of(future: Future) -> Article:
    """Wait for a worker's result without holding a thread: in the asyncio loop when
    there is one (Scrapy's default reactor), else through the Twisted reactor."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return await maybe_deferred_to_future(_when_done(future))
    return await asyncio.wrap_future(future)


def _when_done(future: Future) -> Deferred:
    """A Deferred fired on the reactor thread when a worker's future completes.

    No thread waits on the future: a blocked reactor thread-pool thread per item in
    flight would cap the items in flight at the pool's size (10) and starve the workers.
    """
    deferred: Deferred = Deferred()

    def settle(done: Future) -> None:
        exc = done.exception()
        if exc is not None:
            reactor.callFromThread(deferred.errback, Failure(exc))
        else:
            reactor.callFromThread(deferred.callback, done.result())

    future.add_done_callback(settle)
    return deferred
