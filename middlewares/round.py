"""Distributed mode: every request found on a page belongs to the round of that page.

The round id (request.meta["newsbot_round"], set on entry points by `newsbot enqueue`)
scopes the shared fingerprint set (newsbot.run.frontier.components.RoundDupeFilter), so
the next round may fetch a changed page again while one round fetches it only once.

Once a feed, sitemap or listing page has handed over every request it found (each
one pushed to the frontier), it leaves the round's discovery in flight
(newsbot.run.frontier.hints): workers extract pages once that has settled.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from newsbot.run.frontier.components import ROUND
from newsbot.run.frontier.hints import DISCOVERING_KINDS, HintBoard, request_token


def _stamp(response: Response, output: Any) -> Any:
    round_id = response.meta.get(ROUND)
    if round_id is not None and isinstance(output, Request) and ROUND not in output.meta:
        output.meta[ROUND] = round_id
    return output


class RoundMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._board: HintBoard | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RoundMiddleware:
        # one crawl process has no rounds: no layer around every page's output
        if not crawler.settings.getbool("NEWSBOT_DISTRIBUTED"):
            raise NotConfigured  # no message: Scrapy would log a WARNING every run
        return cls(crawler)

    def _discovered(self, response: Response) -> None:
        """The page's requests are all in the frontier: its discovery is over."""
        meta = response.meta
        if meta.get("newsbot_kind") not in DISCOVERING_KINDS:
            return
        source = getattr(getattr(self.crawler.spider, "source", None), "name", None)
        if not source:
            return
        if self._board is None:
            self._board = HintBoard.from_settings(self.crawler.settings, source)
        url = response.request.url if response.request is not None else response.url
        self._board.discovered(meta.get(ROUND), request_token(url, meta))

    def process_spider_output(
        self, response: Response, result: Iterable[Any], spider: Any = None
    ) -> Iterable[Any]:
        for output in result:
            yield _stamp(response, output)
        self._discovered(response)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any], spider: Any = None
    ) -> AsyncIterator[Any]:
        async for output in result:
            yield _stamp(response, output)
        self._discovered(response)
