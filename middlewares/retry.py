"""Retries that back off: 429 and 5xx answers are retried later, not at once.

Scrapy's RetryMiddleware re-queues a failed request immediately, which turns a
struggling server's 503 into a burst of retries. Here the retry waits for the
server's Retry-After (seconds or an HTTP date) when it gives one, else for an
exponential backoff, capped by NEWSBOT_RETRY_MAX_DELAY seconds.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy import Request, Spider
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.asyncio import sleep

from newsbot import settings as defaults
from newsbot import stats as stat_keys


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds asked for by a Retry-After header (delta-seconds or HTTP-date); None if absent."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.base_delay = settings.getfloat(
            "NEWSBOT_RETRY_BASE_DELAY", defaults.NEWSBOT_RETRY_BASE_DELAY
        )
        self.max_delay = settings.getfloat(
            "NEWSBOT_RETRY_MAX_DELAY", defaults.NEWSBOT_RETRY_MAX_DELAY
        )

    def _delay(self, retry: Request, response: Response | None) -> float:
        asked = retry_after_seconds(response.headers.get(b"Retry-After")) if response else None
        if asked is not None:
            return min(asked, self.max_delay)
        attempt = retry.meta.get("retry_times", 1)
        return min(self.base_delay * 2 ** (attempt - 1), self.max_delay)

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        result = super().process_response(request, response)
        if isinstance(result, Request):
            delay = self._delay(result, response)
            self.crawler.stats.inc_value(stat_keys.RETRY_BACKOFF_SECONDS, delay)
            await sleep(delay)
        return result

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> Request | Response | None:
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            await sleep(self._delay(result, None))
        return result
