"""Distributed-mode tests: a sources file for a
generated web (tests/support/fixtureweb.py), and N `newsbot worker` processes run
together, as on separate machines."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from tests.support.cli import newsbot

#: a local web: no AutoThrottle, eight requests at a time per site
LOCAL = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"]


def web_sources(path: Path, bases: dict[str, str], delay: float, extra: str = "") -> Path:
    """A sources file with one source per site of `bases` (name → base URL): its feed,
    sitemap and start page, two links deep, `delay` s apart, plus the `extra` lines."""
    path.write_text(
        "".join(
            f'[[sources]]\nname = "{n}"\nfeeds = ["{b}/rss.xml"]\nsitemaps = ["{b}/sitemap.xml"]\n'
            f'start_urls = ["{b}/"]\nmax_depth = 2\ndownload_delay = {delay}\n{extra}\n'
            for n, b in bases.items()
        )
    )
    return path


@dataclass
class Exited:
    """How one worker process ended."""

    code: int
    stderr: str
    #: time.time() when it had exited
    ended: float

    def __str__(self) -> str:
        return f"exit {self.code}\n{self.stderr[-3000:]}"


class Workers:
    """`count` `newsbot worker ARGS` processes started at once, a thread waiting on each."""

    def __init__(
        self, count: int, args: list[str], env: dict[str, str], timeout: float = 240
    ) -> None:
        self._results: list[Exited | BaseException | None] = [None] * count
        self._threads = [
            threading.Thread(target=self._run, args=(i, args, env, timeout)) for i in range(count)
        ]
        for thread in self._threads:
            thread.start()

    def _run(self, i: int, args: list[str], env: dict[str, str], timeout: float) -> None:
        try:
            done = newsbot("worker", *args, env=env, timeout=timeout)
            self._results[i] = Exited(done.returncode, done.stderr, time.time())
        except BaseException as exc:  # a timeout: raised by wait(), not lost in the thread
            self._results[i] = exc

    def wait(self) -> list[Exited]:
        """Every worker's exit, in start order, once all have exited."""
        for thread in self._threads:
            thread.join()
        exited = []
        for result in self._results:
            if isinstance(result, BaseException):
                raise result
            assert result is not None
            exited.append(result)
        return exited


def run_workers(
    count: int, args: list[str], env: dict[str, str], timeout: float = 240
) -> list[Exited]:
    """Run `count` workers together to their end (see `Workers`)."""
    return Workers(count, args, env, timeout).wait()
