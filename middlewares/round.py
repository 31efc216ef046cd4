"""Distributed mode: every request found on a page belongs to the round of that page.

The round id (request.meta["newsbot_round"], set on entry points by `newsbot enqueue`)
scopes the shared fingerprint set (newsbot.run.frontier.components.RoundDupeFilter), so
the next round may fetch a changed page again while one round fetches it only once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from newsbot.run.frontier.components import ROUND


def _stamp(response: Response, output: Any) -> Any:
    round_id = response.meta.get(ROUND)
    if round_id is not None and isinstance(output, Request) and ROUND not in output.meta:
        output.meta[ROUND] = round_id
    return output


class RoundMiddleware:
    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RoundMiddleware:
        # one crawl process has no rounds: no layer around every page's output
        if not crawler.settings.getbool("NEWSBOT_DISTRIBUTED"):
            raise NotConfigured  # no message: Scrapy would log a WARNING every run
        return cls()

    def process_spider_output(
        self, response: Response, result: Iterable[Any], spider: Any = None
    ) -> Iterable[Any]:
        for output in result:
            yield _stamp(response, output)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any], spider: Any = None
    ) -> AsyncIterator[Any]:
        async for output in result:
            yield _stamp(response, output)
