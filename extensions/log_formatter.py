"""Scrapy's log lines about items, short: a dropped page is one line naming its URL and why.

Scrapy's own LogFormatter logs every dropped item at WARNING with the whole item (the raw
HTML included: lines of hundreds of kilobytes). A drop is the pipeline doing its job (a
listing, a page without an article body, a duplicate), counted in the stats by reason
(`newsbot/dropped/<reason>`): here it is one INFO line, `dropped <url>: <reason>`, and an
item is never written to the log. Scraped items are logged at DEBUG, without their fields.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.http import Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from twisted.python.failure import Failure

from newsbot.errors import message_of

#: the longest reason written for a drop (exception messages may quote page content)
MAX_REASON = 200


def _url(item: Any, response: Response | Failure | None) -> str:
    try:
        url = item.get("url") if hasattr(item, "get") else None
    except Exception:  # an item type without url: fall back to the response
        url = None
    if not url and isinstance(response, Response):
        url = response.url
    return str(url or "<unknown url>")


def _reason(exception: BaseException, url: str) -> str:
    reason = message_of(exception)
    reason = reason.removeprefix(f"{url}: ")  # the pipeline's messages name the URL first
    return reason if len(reason) <= MAX_REASON else reason[: MAX_REASON - 1] + "…"


class QuietLogFormatter(LogFormatter):
    def dropped(
        self,
        item: Any,
        exception: BaseException,
        response: Response | Failure | None,
        spider: Spider,
    ) -> LogFormatterResult:
        url = _url(item, response)
        return {
            "level": logging.INFO,
            "msg": "dropped %(url)s: %(reason)s",
            "args": {"url": url, "reason": _reason(exception, url)},
        }

    def scraped(
        self, item: Any, response: Response | Failure | None, spider: Spider
    ) -> LogFormatterResult:
        return {
            "level": logging.DEBUG,
            "msg": "scraped %(url)s",
            "args": {"url": _url(item, response)},
        }

    def item_error(
        self,
        item: Any,
        exception: BaseException,
        response: Response | Failure | None,
        spider: Spider,
    ) -> LogFormatterResult:
        return {
            "level": logging.ERROR,
            "msg": "error processing %(url)s",
            "args": {"url": _url(item, response)},
        }
