"""Distributed mode: a source's `max_pages` and `max_duration` hold per round, not per worker.

One `newsbot crawl` stops a source at its limits (spiders.news). N workers would
each fetch `max_pages` pages and each time `max_duration` from its own start. Here
the frontier counts instead: before a request of a limited source is sent, its round's
count in Redis is raised by one (newsbot.run.frontier.Frontier.count_fetch), whichever
worker sends it, and the request is dropped once that count is above `max_pages`
or the round started more than `max_duration` seconds ago (Redis clock). Every
request counts (feeds, listings, articles, retries), robots.txt aside: the limit is
what the site sees. The rest of the source's queue is then taken and dropped
unfetched, so the round still ends.
"""

from __future__ import annotations

import logging

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.httpobj import urlparse_cached

from newsbot import stats as stat_keys
from newsbot.run import frontier
from newsbot.run.frontier.components import ROUND

logger = logging.getLogger(__name__)


class RoundLimitReached(IgnoreRequest):
    """A request dropped unfetched: its source reached a limit of the round."""


class RoundLimitsMiddleware:
    def __init__(self, crawler: Crawler, front: frontier.Frontier) -> None:
        self.crawler = crawler
        self.frontier = front
        self.said: set[tuple[int | None, str]] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RoundLimitsMiddleware:
        if not crawler.settings.getbool("NEWSBOT_DISTRIBUTED"):
            raise NotConfigured  # no message: Scrapy would log a WARNING every run
        return cls(crawler, frontier.Frontier.from_settings(crawler.settings))

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        source = getattr(spider or self.crawler.spider, "source", None)
        if source is None or not (source.max_pages or source.max_duration):
            return
        if urlparse_cached(request).path == "/robots.txt":
            return
        round_id = request.meta.get(ROUND)
        count, elapsed = self.frontier.count_fetch(source.name, round_id)
        reason = None
        if source.max_pages and count > source.max_pages:
            reason = "max_pages"
        elif source.max_duration and elapsed > source.max_duration:
            reason = "max_duration"
        if reason is None:
            return
        if (round_id, reason) not in self.said:
            self.said.add((round_id, reason))
            logger.info("source %s: %s of round %s reached", source.name, reason, round_id)
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(stat_keys.ROUND_LIMIT_DROPPED)
        raise RoundLimitReached(f"{reason} of round {round_id} reached")
