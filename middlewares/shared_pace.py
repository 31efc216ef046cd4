"""Distributed mode: one request rate per domain across every worker, kept in Redis.

Each worker's own DOWNLOAD_DELAY (the source's `download_delay`) spaces only its own
requests: N workers would hit a site N times as often. Before a request is sent this
middleware takes the site's send slot in Redis (newsbot.run.frontier.Frontier.try_slot),
free NEWSBOT_PACE_INTERVAL seconds (the source's `download_delay`) after the previous
request whichever worker sent it, waiting until it is free. The worker turns the
local delays off (DOWNLOAD_DELAY, its randomisation, AutoThrottle): a request held
back locally after its slot would arrive late and bunch up with the next one.
"""

from __future__ import annotations

import random

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import sleep
from scrapy.utils.httpobj import urlparse_cached

from newsbot import settings as defaults
from newsbot import stats as stat_keys
from newsbot.run import frontier


class SharedPaceMiddleware:
    def __init__(self, crawler: Crawler, pace: frontier.Frontier) -> None:
        self.crawler = crawler
        self.frontier = pace

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedPaceMiddleware:
        if not crawler.settings.getbool("NEWSBOT_DISTRIBUTED"):
            raise NotConfigured  # no message: Scrapy would log a WARNING every run
        return cls(crawler, frontier.Frontier.from_settings(crawler.settings))

    def interval(self) -> float:
        return self.crawler.settings.getfloat(
            "NEWSBOT_PACE_INTERVAL", defaults.NEWSBOT_PACE_INTERVAL
        )

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        # host and port: what a "site" is, also for several test sites on one address
        site = urlparse_cached(request).netloc.lower()
        interval = self.interval()
        waited = False
        while (wait := self.frontier.try_slot(site, interval)) > 0:
            waited = True
            # a little jitter: requests waiting for one site do not all ask at once
            await sleep(wait + random.random() * interval / 4)
        if waited and self.crawler.stats is not None:
            self.crawler.stats.inc_value(stat_keys.PACE_WAITS)
