"""Pages from an archive through the crawl's stages again, on every core, resumably.

`newsbot reprocess` (stored articles, their raw pages read back from WARC) and
`newsbot ingest` (anyone's WARC files) share this. Pages are read in order and sent to
the crawl's own stage pool (newsbot.run.stage_pool, one worker trip for all four
stages); results come back in the same order and are stored in batches by the crawl's
own store code (newsbot.storage.articles: same upserts, same repost linking). After each
batch a checkpoint records the position of its last page, on the same connection: a
run stopped by Ctrl-C finishes the pages in flight, stores them, checkpoints and
returns; the rerun starts after the checkpoint and does nothing twice.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime
from types import FrameType
from typing import Any

import psycopg

from newsbot import sites, stages
from newsbot.archive import RawPage
from newsbot.config import Source, source_from_config
from newsbot.decoding import decode_html
from newsbot.errors import KEEP_DROPPED, DatabaseUnavailable, PageRejected, SourceLocked, message_of
from newsbot.items import Article, Hints
from newsbot.run.stage_pool import pool, run_stages
from newsbot.run.stage_pool import shutdown as shutdown_pool
from newsbot.storage import connect, for_ingest, resolve_database_url, upgrade
from newsbot.storage.articles import ensure_sources, save_batch, save_dropped
from newsbot.storage.reextraction import source_settings, try_job_lock

logger = logging.getLogger(__name__)

#: every stage in one worker trip, named as the crawl names them in its stats
TRIP = tuple((stage.__name__, stage) for stage in stages.STAGES)
#: pages handed to the pool ahead of the oldest unfinished one, per worker: enough to keep
#: the workers busy while the main thread stores a batch
AHEAD_PER_WORKER = 16
#: a lost database connection is retried this many times (1, 2, 4, 8, 16 s apart)
DB_ATTEMPTS = 6


@dataclass
class Page:
    """One record of work, in reading order."""

    #: the checkpoint once this page is stored (an article id, an offset after a record)
    position: Any
    #: the page to run through the stages; None when there is nothing to extract
    article: Article | None = None
    #: for a page that never reaches the stages: what it counts as ("skipped/not_html"…)
    outcome: str | None = None


@dataclass
class Done:
    """A page back from the stages."""

    page: Page
    article: Article | None
    #: "stored" (see the save result), "dropped/<reason>", "failed", or the page's outcome
    outcome: str
    detail: str = ""


@dataclass
class Summary:
    """What a run did: counts by outcome, and whether a signal stopped it."""

    counts: Counter[str] = field(default_factory=Counter)
    #: the signal that stopped the run (SIGINT, SIGTERM), None when it ran to the end
    stopped_by: int | None = None
    #: pages dropped by the stages: (url, reason), for the summary
    dropped: list[tuple[str, str]] = field(default_factory=list)


class StopRequest:
    """The first SIGINT/SIGTERM asks for a clean stop (finish what is in flight, store,
    checkpoint); a second one stops at once (the rerun repeats the last batch at most)."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> StopRequest:
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.signum is not None:
            raise KeyboardInterrupt
        self.signum = signum

    def __bool__(self) -> bool:
        return self.signum is not None


def staged(pages: Iterable[Page], workers: int, stop: StopRequest) -> Iterator[Done]:
    """Each page through the stages, results in reading order.

    With workers the pages go to the crawl's stage pool, a bounded number ahead; with 0
    they run here, in-line (tests, debugging). Once `stop` is set no new page is read:
    those already handed out are finished and given back. A worker that dies (killed,
    out of memory) takes the pool down: a new pool gets the pages in flight again, and a
    page that brings a second pool down is counted failed.
    """
    executor = pool(workers)
    if executor is None:
        for page in pages:
            if stop:
                return
            yield _settle(page, None)
        return
    ahead = max(1, workers) * AHEAD_PER_WORKER
    waiting: deque[tuple[Page, Future | None]] = deque()
    broke: set[int] = set()  # pages (by id) in flight when a pool broke
    source = iter(pages)
    exhausted = False
    while True:
        while not exhausted and not stop and len(waiting) < ahead:
            page = next(source, None)
            if page is None:
                exhausted = True
                break
            waiting.append((page, _submit(executor, page)))
        if not waiting:
            return
        page, future = waiting[0]
        if future is not None and isinstance(future.exception(), BrokenProcessPool):
            if id(page) in broke:  # it broke a fresh pool too: it is the page's doing
                waiting.popleft()
                yield Done(page, page.article, "failed", "a stage worker died on it")
            logger.error(
                "a stage worker died: a new pool takes the %d pages in flight", len(waiting)
            )
            broke.update(id(p) for p, _ in waiting)
            shutdown_pool()
            executor = pool(workers)
            assert executor is not None
            waiting = deque((p, _submit(executor, p)) for p, _ in waiting)
            continue
        waiting.popleft()
        yield _settle(page, future)


def _submit(executor: Executor, page: Page) -> Future | None:
    """The page handed to the pool (None: nothing to extract); a pool already broken
    gives a future that says so, dealt with when the page's turn comes."""
    if page.article is None:
        return None
    try:
        return executor.submit(run_stages, TRIP, page.article)
    except BrokenProcessPool as exc:
        broken: Future = Future()
        broken.set_exception(exc)
        return broken


def _settle(page: Page, future: Future | None) -> Done:
    if page.article is None:
        return Done(page, None, page.outcome or "skipped/unknown")
    try:
        article = future.result() if future is not None else run_stages(TRIP, page.article)
    except PageRejected as exc:
        return Done(page, page.article, f"dropped/{exc.reason}", str(exc))
    except Exception as exc:  # a bug or an unreadable page must not stop the run
        stage = getattr(exc, "stage", "stages")
        logger.error("%s stage failed on %s: %r", stage, page.article.url, exc)
        return Done(page, page.article, "failed", f"{stage}: {exc!r}")
    return Done(page, article, "stored")


class Store:
    """Stores batches on one connection, reconnecting when the database blinks."""

    def __init__(
        self, database_url: str | None, *, reextracted: bool, capture: bool = False
    ) -> None:
        self.database_url = resolve_database_url(database_url)
        #: stored rows extracted again (reprocess), or anyone's captures (ingest): see
        #: newsbot.storage.articles.save_article
        self.reextracted = reextracted
        self.capture = capture
        self.conn: psycopg.Connection | None = None
        #: connections holding job locks, closed with the store
        self.locks: list[psycopg.Connection] = []

    def connection(self) -> psycopg.Connection:
        if self.conn is None or self.conn.closed:
            self.conn = for_ingest(connect(self.database_url))
        return self.conn

    def open(self) -> psycopg.Connection:
        conn = self.connection()
        upgrade(conn)
        return conn

    def hold(self, job: str, what: str) -> None:
        """Hold `job`'s lock for the whole command, on a connection of its own (the
        store's may be replaced after a lost connection): SourceLocked when another
        process runs it. `what` names the job in the message."""
        lock = connect(self.database_url, autocommit=True)
        if not try_job_lock(lock, job):
            lock.close()
            raise SourceLocked(
                f"{what} is already running (another process holds it); "
                "wait for it to finish, or stop it with Ctrl-C, then rerun"
            )
        self.locks.append(lock)

    def write(
        self,
        batch: list[Done],
        checkpoint: Callable[[psycopg.Connection, Any, Counter[str]], None],
        record_drops: bool,
    ) -> Counter[str]:
        """Store a batch's articles (and, for an ingest, its lasting drops), then the
        checkpoint (given the store's outcomes); returns those outcomes. Retried whole
        on a lost connection (storing is idempotent: a repeat finds the rows unchanged)."""
        delay = 1.0
        for attempt in range(1, DB_ATTEMPTS + 1):
            try:
                return self._write_once(batch, checkpoint, record_drops)
            except (psycopg.OperationalError, DatabaseUnavailable) as exc:
                if attempt == DB_ATTEMPTS:
                    raise DatabaseUnavailable(
                        f"the database stayed unavailable while storing re-extracted pages "
                        f"({' '.join(str(exc).split())}); rerun the command to resume "
                        f"after the last stored batch"
                    ) from None
                logger.warning("database error, retrying in %.0f s: %s", delay, message_of(exc))
                self.close()
                time.sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")

    def _write_once(
        self,
        batch: list[Done],
        checkpoint: Callable[[psycopg.Connection, Any, Counter[str]], None],
        record_drops: bool,
    ) -> Counter[str]:
        conn = self.connection()
        outcomes: Counter[str] = Counter()
        articles = [d.article for d in batch if d.outcome == "stored" and d.article]
        saved = save_batch(conn, articles, None, reextracted=self.reextracted, capture=self.capture)
        for result in saved:
            outcomes[result.outcome] += 1
            if result.outcome != "failed" and result.duplicate_of is not None:
                outcomes["reposts"] += 1
        if record_drops:
            lasting = []
            for done in batch:
                reason = done.outcome.removeprefix("dropped/")
                if done.article is not None and reason in KEEP_DROPPED:
                    done.article.drop_reason = reason
                    lasting.append(done.article)
            if lasting:
                save_dropped(conn, lasting)
        checkpoint(conn, batch[-1].page.position, outcomes)
        return outcomes

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.conn = None

    def release(self) -> None:
        """Close the store's connection and let go of the job locks."""
        self.close()
        for lock in self.locks:
            lock.close()
        self.locks.clear()


def run(
    pages: Iterable[Page],
    store: Store,
    *,
    workers: int,
    checkpoint: Callable[[psycopg.Connection, Any, Counter[str]], None],
    record_drops: bool = False,
    batch_size: int,
    progress: Callable[[Counter[str]], None] | None = None,
    stop: StopRequest | None = None,
) -> Summary:
    """Run `pages` through the stages and store them in batches, each followed by
    `checkpoint(conn, position of its last page, counts so far)`."""
    summary = Summary()
    stop = stop if stop is not None else StopRequest()
    batch: list[Done] = []

    def flush() -> None:
        if not batch:
            return
        counts = Counter(d.outcome for d in batch if d.outcome != "stored")
        counts.update(
            store.write(
                batch,
                lambda conn, position, stored: checkpoint(
                    conn, position, summary.counts + counts + stored
                ),
                record_drops,
            )
        )
        summary.counts.update(counts)
        summary.dropped.extend(
            (d.article.url, d.outcome.removeprefix("dropped/"))
            for d in batch
            if d.article is not None and d.outcome.startswith("dropped/")
        )
        batch.clear()
        if progress is not None:
            progress(summary.counts)

    for done in staged(pages, workers, stop):
        batch.append(done)
        if len(batch) >= batch_size:
            flush()
    flush()
    summary.stopped_by = stop.signum
    return summary


class SourceSettings:
    """Each source's extraction settings (timezone, language, [sources.extract]) as the
    sources table keeps them from its last crawl, read once per run. A source not recorded
    yet (an ingested page's site) is recorded bare when `record`: articles reference it."""

    def __init__(self, store: Store, *, record: bool) -> None:
        self.store = store
        self.record = record
        self.known: dict[str, Source] = {}

    def get(self, name: str) -> Source:
        if name not in self.known:
            conn = self.store.connection()
            config = source_settings(conn, name)
            source = source_from_config(config) if config else Source(name)
            if config is None and self.record:
                ensure_sources(conn, [source])
            conn.commit()
            self.known[name] = source
        return self.known[name]


def article_of(
    raw: RawPage, url: str, source: Source, fetched_at: datetime, hints: Hints | None = None
) -> Article:
    """An archived page as the crawl's spider hands a response to the stages: decoded as
    the crawl decodes it, with its source's settings and where its raw page is."""
    return Article(
        url=url,
        source=source.name,
        html=decode_html(raw.body, raw.content_type)[1],
        fetched_at=fetched_at,
        headers=raw.headers,
        status=raw.status,
        hints=hints or Hints(),
        timezone=source.timezone,
        language_hint=source.language,
        overrides=sites.for_url(url, source.extract),
        warc_file=raw.location.file,
        warc_offset=raw.location.offset,
    )
