"""Live progress of a crawl, read from the crawlers' own stats.

On a terminal: a rich table refreshed a few times a second. Elsewhere (cron, CI,
pipes): a plain line per source every `interval` seconds, so a log shows a long
crawl is alive without flooding it. Both read `crawler.stats` from a LoopingCall in
the reactor thread, the thread that updates them, so no locking is needed.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, TextIO

from twisted.internet import task

from newsbot import stats as stat_keys

#: rich table refreshes per second
REFRESHES_PER_SECOND = 4
#: seconds between plain progress lines (NEWSBOT_PROGRESS_INTERVAL overrides)
DEFAULT_INTERVAL = 30.0


def snapshot(stats: Mapping[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """The figures shown for one source, from its Scrapy stats."""

    def count(key: str) -> int:
        value = stats.get(key, 0)
        return int(value) if isinstance(value, int | float) else 0

    start, finish = stats.get("start_time"), stats.get("finish_time")
    elapsed = 0.0
    if isinstance(start, datetime):
        end = finish if isinstance(finish, datetime) else (now or datetime.now(UTC))
        if start.tzinfo is None:
            start = start.replace(tzinfo=UTC)
        if end.tzinfo is None:
            end = end.replace(tzinfo=UTC)
        elapsed = max(0.0, (end - start).total_seconds())
    return {
        "state": str(stats.get("finish_reason") or ("running" if start else "waiting")),
        "pages": count("downloader/response_count"),
        "articles": count(stat_keys.STORE_NEW) + count(stat_keys.STORE_UPDATED),
        "reposts": count(stat_keys.STORE_REPOSTS),
        "dropped": sum(
            int(v)
            for k, v in stats.items()
            if k.startswith(stat_keys.DROPPED_PREFIX) and isinstance(v, int)
        ),
        "errors": stat_keys.error_count(stats),
        "elapsed": elapsed,
    }


def _elapsed(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


def plain_line(name: str, row: Mapping[str, Any]) -> str:
    return (
        f"progress {name}: {row['state']}, {row['pages']} pages, {row['articles']} articles, "
        f"{row['reposts']} reposts, {row['dropped']} dropped, {row['errors']} errors, "
        f"{_elapsed(row['elapsed'])} elapsed"
    )


class Progress:
    """Shows the progress of crawlers (name → Scrapy Crawler) while the reactor runs.

    Call `start()` before the CrawlerProcess exists (a rich display captures stderr,
    and Scrapy's log handler must be created writing to the captured stream, so log
    lines scroll above the table), `attach(crawlers)` before `process.start()`, and
    `stop()` after it returns.
    """

    def __init__(
        self, mode: str = "auto", interval: float | None = None, stream: TextIO | None = None
    ) -> None:
        self.stream = stream or sys.stderr
        self.mode = _resolved_mode(mode, self.stream)  # "rich", "plain" or "off"
        self.interval = _interval(interval)
        self.crawlers: dict[str, Any] = {}
        self._live: Any = None
        self._loop: task.LoopingCall | None = None
        self._last_plain = time.monotonic()

    def start(self) -> None:
        if self.mode != "rich":
            return
        from rich.console import Console
        from rich.live import Live

        console = Console(file=self.stream)
        self._live = Live(
            self._table(),
            console=console,
            refresh_per_second=REFRESHES_PER_SECOND,
            redirect_stdout=False,
            redirect_stderr=True,
            transient=False,
        )
        self._live.start()

    def attach(self, crawlers: Mapping[str, Any]) -> None:
        """Begin polling the crawlers' stats from the reactor once it runs."""
        self.crawlers = dict(crawlers)
        if self.mode == "off":
            return
        period = 1 / REFRESHES_PER_SECOND if self.mode == "rich" else min(1.0, self.interval)
        self._loop = task.LoopingCall(self._tick)
        self._loop.start(period, now=False).addErrback(lambda _failure: None)

    def stop(self) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        if self._live is not None:
            self._live.update(self._table(), refresh=True)
            self._live.stop()
            self._live = None

    def rows(self) -> dict[str, dict[str, Any]]:
        now = datetime.now(UTC)
        return {
            name: snapshot(crawler.stats.get_stats() if crawler.stats else {}, now)
            for name, crawler in self.crawlers.items()
        }

    def _tick(self) -> None:
        if self.mode == "rich" and self._live is not None:
            self._live.update(self._table())
        elif self.mode == "plain" and time.monotonic() - self._last_plain >= self.interval:
            self._last_plain = time.monotonic()
            for name, row in self.rows().items():
                print(plain_line(name, row), file=self.stream, flush=True)

    def _table(self) -> Any:
        from rich.table import Table

        table = Table(title="newsbot crawl", title_justify="left", expand=False)
        table.add_column("source")
        table.add_column("state")
        for column in ("pages", "articles", "reposts", "dropped", "errors", "elapsed"):
            table.add_column(column, justify="right")
        for name, row in self.rows().items():
            table.add_row(
                name,
                row["state"],
                *(str(row[k]) for k in ("pages", "articles", "reposts", "dropped", "errors")),
                _elapsed(row["elapsed"]),
            )
        return table


def _resolved_mode(mode: str, stream: TextIO) -> str:
    """The mode "auto" stands for: "rich" on a terminal, else "plain"; others as given."""
    if mode == "auto":
        return "rich" if _is_terminal(stream) else "plain"
    return mode


def _interval(interval: float | None) -> float:
    """Seconds between plain lines: the given one, else NEWSBOT_PROGRESS_INTERVAL, else
    DEFAULT_INTERVAL."""
    env = os.environ.get("NEWSBOT_PROGRESS_INTERVAL")
    return interval or (float(env) if env else DEFAULT_INTERVAL)


def _is_terminal(stream: TextIO) -> bool:
    if os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


class CountProgress:
    """Progress of a job over a known number of pages (`newsbot reprocess`, `ingest`): a
    rich bar on a terminal, else a plain line every `interval` seconds (cron, pipes)."""

    def __init__(
        self,
        title: str,
        total: int | None,
        mode: str = "auto",
        interval: float | None = None,
        stream: TextIO | None = None,
    ) -> None:
        self.title = title
        self.total = total
        self.stream = stream or sys.stderr
        self.mode = _resolved_mode(mode, self.stream)
        self.interval = _interval(interval)
        self._bar: Any = None
        self._task: Any = None
        self._started = self._last = time.monotonic()

    def __enter__(self) -> CountProgress:
        if self.mode == "rich":
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[counts]}"),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=Console(file=self.stream),
            )
            self._bar.start()
            self._task = self._bar.add_task(self.title, total=self.total, counts="")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def update(self, done: int, counts: Mapping[str, int]) -> None:
        """`done` pages so far; `counts` by outcome (shown as "changed 3 · unchanged 9")."""
        shown = " · ".join(f"{k} {v}" for k, v in counts.items() if v)
        if self._bar is not None:
            self._bar.update(self._task, completed=done, counts=shown)
        elif self.mode == "plain" and time.monotonic() - self._last >= self.interval:
            self._last = time.monotonic()
            rate = done / max(1e-9, self._last - self._started) * 60
            of = f"/{self.total}" if self.total is not None else ""
            print(
                f"{self.title}: {done}{of} pages, {rate:.0f}/min; {shown or 'nothing yet'}",
                file=self.stream,
                flush=True,
            )
