"""A process pool for CPU-heavy stages, so that a crawl uses more than one core.

Scrapy runs item pipelines on its reactor thread, and extraction is pure Python
work under the GIL: in-line, it stalls downloads and parsing. Handing the
extraction stage to worker processes lets the reactor keep fetching while pages
are being extracted. One pool per crawler process, shared by its sources.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor

from newsbot.items import Article
from newsbot.run.deathsig import die_with_parent, ignore_stop_signals

_pool: ProcessPoolExecutor | None = None
_size = 0


def default_workers() -> int:
    """One worker per core: the reactor mostly waits on sockets, and on two cores two
    workers kept the machine busier than one (bench/crawl.py)."""
    return os.cpu_count() or 1


def _warm() -> None:
    """Import the extraction code once per worker, before the first page arrives.

    A worker ignores SIGINT and SIGTERM (its fork server already does, see
    newsbot.run.forkserver_init): the crawler shuts the pool down once the pages in
    flight are through (`shutdown`, at exit).
    """
    die_with_parent()
    ignore_stop_signals()
    import newsbot.stages  # noqa: F401


def pool(workers: int) -> Executor | None:
    """The shared pool with `workers` processes; None when workers is 0 (run in-line)."""
    global _pool, _size
    if workers <= 0:
        return None
    if _pool is None or _size != workers:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
        # forkserver: never fork a process that runs a reactor and threads
        context = multiprocessing.get_context("forkserver")
        # the fork server itself must also end with the crawler, and ignore the
        # terminal's signals (see newsbot.run.forkserver_init)
        context.set_forkserver_preload(["newsbot.run.forkserver_init"])
        _pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_warm)
        _size = workers
        # start every worker now, not at the first pages: their imports then overlap the
        # crawl's start-up (feeds, sitemaps) instead of delaying the first articles
        for _ in range(workers):
            _pool.submit(_ready)
    return _pool


def _ready() -> None:
    """A no-op task: submitting it starts a worker process."""


@atexit.register
def shutdown() -> None:
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
        _pool = None


def run_stages(
    stages: Sequence[tuple[str, Callable[[Article], Article]]], article: Article
) -> Article:
    """Run consecutive stages in one worker trip, naming each in `article.stages_done`.

    One trip instead of one per stage: the article crosses the process boundary twice,
    not eight times. The raw HTML is not sent back (no later stage needs it). An error
    carries the name of the stage that raised it in its ``stage`` attribute.
    """
    for name, stage in stages:
        try:
            article = stage(article)
        except Exception as exc:
            exc.stage = name  # type: ignore[attr-defined]
            raise
        article.stages_done.append(name)
    article.html = ""
    return article
