"""What every discovery path found about a page, whichever worker of a round fetches it.

A worker extracts a page as one process would: it waits until the source's discovery
in flight (feeds, sitemaps, listings other workers took but have not parsed) has
settled, at most NEWSBOT_HINTS_SETTLE seconds, then merges what every worker found
(newsbot.run.frontier.hints) with what the request carries.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from typing import Any

import scrapy
from scrapy.utils.asyncio import sleep

from newsbot import settings as defaults
from newsbot import stats as stat_keys
from newsbot.config import Source
from newsbot.items import Hints, merge_all
from newsbot.run.frontier.components import ROUND
from newsbot.run.frontier.hints import HintBoard, request_token


def source_version(source: Source) -> str:
    """A short digest of a source's settings that shape extraction (overrides, zone,
    language, rendering): carried with each article request, checked at fetch."""
    settings = (source.name, source.extract, source.timezone, source.language, source.render_js)
    return hashlib.sha1(repr(settings).encode()).hexdigest()[:12]


class RoundHints:
    """One source's share of the round's hints, for one worker's spider."""

    def __init__(
        self,
        source: Source,
        settings: Any,
        inc: Callable[[str], None],
        logger: logging.LoggerAdapter | logging.Logger,
        source_version: str,
    ) -> None:
        self.source = source
        self.settings = settings
        self.inc = inc
        self.logger = logger
        self.source_version = source_version
        #: discovery requests of a round given up waiting for (NEWSBOT_HINTS_SETTLE)
        self.stale: dict[Any, set[str]] = {}
        self.version_warned = False
        self._board: HintBoard | None = None

    def board(self) -> HintBoard:
        """The round's shared hints in Redis (newsbot.run.frontier.hints.HintBoard)."""
        if self._board is None:
            self._board = HintBoard.from_settings(self.settings, self.source.name)
        return self._board

    def discovery_done(self, request: scrapy.Request) -> None:
        """A discovery request is over: out of the round's discovery in flight."""
        try:
            token = request_token(request.url, request.meta)
            self.board().discovered(request.meta.get(ROUND), token)
        except Exception as exc:  # Redis away: pages will wait NEWSBOT_HINTS_SETTLE at most
            self.logger.warning("source %s: cannot update the frontier: %s", self.source.name, exc)

    async def final(
        self, request: scrapy.Request, url: str, found: list[Hints], stopped: Callable[[], bool]
    ) -> Hints:
        """`found` (this worker's) plus every other worker's hints for `url`, merged."""
        version = request.meta.get("newsbot_source_version")
        if version and version != self.source_version:
            self.inc(stat_keys.SOURCE_VERSION_MISMATCH)
            if not self.version_warned:
                self.version_warned = True
                self.logger.warning(
                    "source %s: %s was found by a worker with other settings for the source "
                    "(a different sources file?): extracted with this worker's",
                    self.source.name,
                    url,
                )
        board = self.board()
        round_id = request.meta.get(ROUND)
        settle = self.settings.getfloat("NEWSBOT_HINTS_SETTLE", defaults.NEWSBOT_HINTS_SETTLE)
        deadline = time.monotonic() + settle
        stale = self.stale.setdefault(round_id, set())
        try:
            # the hints are read with each look at the discovery in flight: the last
            # look's are those known once it settled (or was given up on)
            waiting, shared = board.pending_and_read(round_id, url, stale)
            while waiting:
                if stopped():
                    break  # the worker is stopping: finish the page with what is known
                if time.monotonic() >= deadline:
                    # given up on once (a worker killed mid-discovery, say): later pages
                    # of the round do not wait for these again
                    self.inc(stat_keys.HINTS_UNSETTLED)
                    stale.update(waiting)
                    break
                await sleep(0.1)
                waiting, shared = board.pending_and_read(round_id, url, stale)
            found.extend(shared)
        except Exception as exc:  # Redis away: what the request carries
            self.logger.warning(
                "source %s: cannot read the shared hints of %s: %s", self.source.name, url, exc
            )
        return merge_all(found)
