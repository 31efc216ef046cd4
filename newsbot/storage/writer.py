"""Writing batches of articles so that none is lost: retry once, else spool.

A crawl must not lose what it fetched because the database blinked. A writer holds
one connection; on a lost connection it reconnects and tries again once, and when
the database is still away the batch goes to the spool (fsynced) and is written when
the database answers again. Plain threads and psycopg: the store pipeline runs each
writer in a thread of its own, off the reactor.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import psycopg

from newsbot.errors import DatabaseUnavailable, message_of
from newsbot.items import Article, DroppedPage
from newsbot.storage.articles import SaveResult, save_batch, save_dropped
from newsbot.storage.connection import connect, for_ingest, mask_url, resolve_database_url
from newsbot.storage.spool import Spool

logger = logging.getLogger(__name__)

#: errors that mean "the database is away", not "this article is wrong"
UNAVAILABLE = (psycopg.OperationalError, DatabaseUnavailable)


def one_line(exc: BaseException) -> str:
    """An error as one log line, with any password in a URL masked."""
    return mask_url(message_of(exc))


@dataclass
class Batcher:
    """Articles wait here until a batch is full (or the crawl asks for what is left)."""

    size: int
    articles: list[Article] = field(default_factory=list)
    #: pages dropped as not (usable) articles, remembered so re-crawls skip them
    dropped: list[Article | DroppedPage] = field(default_factory=list)

    def add(self, article: Article) -> bool:
        """Keep an article; True when a batch is full."""
        self.articles.append(article)
        return len(self.articles) >= self.size

    def take(self) -> tuple[list[Article], list[Article | DroppedPage]]:
        """Everything waiting, emptied."""
        batch, self.articles = self.articles, []
        dropped, self.dropped = self.dropped, []
        return batch, dropped

    def __bool__(self) -> bool:
        return bool(self.articles or self.dropped)


@dataclass
class WriteOutcome:
    """What a write did: the save results, or the batch went to the spool (or was lost)."""

    results: list[SaveResult] | None
    #: connections lost and re-opened while writing it
    reconnects: int = 0
    #: articles appended to the spool because the database could not take them
    spooled: int = 0


class BatchWriter:
    """One writer: its own connection, used from one thread at a time."""

    def __init__(self, database_url: str | None, spool: Spool | None) -> None:
        self.database_url = database_url
        self.spool = spool
        self.conn: psycopg.Connection | None = None

    def connect(self) -> psycopg.Connection:
        return for_ingest(connect(self.database_url or resolve_database_url()))

    def write(
        self,
        batch: list[Article],
        dropped: list[Article | DroppedPage],
        run_id: int | None,
    ) -> WriteOutcome:
        """Store a batch; on a lost connection reconnect and retry once, then spool.

        Dropped pages are not spooled: a later run fetches them again, nothing more.
        """
        reconnects = 0
        for attempt in (1, 2):
            try:
                if self.conn is None or self.conn.closed:
                    if attempt == 2:
                        reconnects += 1
                    self.conn = self.connect()
                if dropped:
                    save_dropped(self.conn, dropped)
                    dropped = []
                return WriteOutcome(save_batch(self.conn, batch, run_id), reconnects)
            except UNAVAILABLE as exc:
                logger.warning(
                    "database error while storing %d articles (attempt %d): %s",
                    len(batch),
                    attempt,
                    one_line(exc),
                )
                self.close()
        if not batch or self.spool is None:
            return WriteOutcome(None, reconnects)
        try:
            self.spool.append(batch, run_id)
        except OSError as exc:
            logger.error("could not spool %d articles: %s", len(batch), exc)
            return WriteOutcome(None, reconnects)
        logger.warning(
            "database unavailable: %d articles spooled to %s, to be stored when it is back",
            len(batch),
            self.spool.path,
        )
        return WriteOutcome(None, reconnects, spooled=len(batch))

    def drain_spool(self, run_id: int | None) -> tuple[int, int] | None:
        """Write the spool: (stored, rejected), or None when the database is still away."""
        if self.spool is None:
            return None
        try:
            stored = self.spool.drain(self.connect, run_id=run_id)
        except UNAVAILABLE as exc:
            logger.warning(
                "spooled articles not stored yet, database unavailable: %s", one_line(exc)
            )
            return None
        except Exception:  # a bug must not stop every later run at open: keep the spool
            logger.exception("could not store the spooled articles in %s", self.spool.path)
            return None
        return stored, self.spool.rejected

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.conn = None
