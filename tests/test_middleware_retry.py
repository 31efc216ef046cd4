"""BackoffRetryMiddleware: 429 and 5xx are retried after Retry-After or a backoff, capped."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from scrapy import Request, Spider
from scrapy.http import Response
from scrapy.utils.test import get_crawler
from twisted.internet.error import TCPTimedOutError

import middlewares.retry as retry_module
from middlewares.retry import BackoffRetryMiddleware, retry_after_seconds
from newsbot import stats as stat_keys


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits the middleware asks for, instead of waiting them."""
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr(retry_module, "sleep", record)
    return waits


def _middleware(settings: dict | None = None) -> BackoffRetryMiddleware:
    crawler = get_crawler(Spider, {"RETRY_TIMES": 2, **(settings or {})})
    crawler.spider = crawler._create_spider("s")
    crawler.stats.open_spider()
    return BackoffRetryMiddleware.from_crawler(crawler)


def _respond(middleware: BackoffRetryMiddleware, request: Request, response: Response):
    return asyncio.run(middleware.process_response(request, response))


def test_a_429_with_retry_after_is_retried_after_that_many_seconds(slept: list[float]) -> None:
    middleware = _middleware()
    request = Request("https://news.example/a")
    response = Response(request.url, status=429, headers={"Retry-After": "7"}, request=request)
    result = _respond(middleware, request, response)
    assert isinstance(result, Request)
    assert result.url == request.url
    assert result.meta["retry_times"] == 1
    assert slept == [7.0]
    assert middleware.crawler.stats.get_value(stat_keys.RETRY_BACKOFF_SECONDS) == 7.0


def test_retry_after_is_capped_by_the_max_delay(slept: list[float]) -> None:
    middleware = _middleware({"NEWSBOT_RETRY_MAX_DELAY": 5})
    request = Request("https://news.example/a")
    response = Response(request.url, status=429, headers={"Retry-After": "3600"}, request=request)
    assert isinstance(_respond(middleware, request, response), Request)
    assert slept == [5.0]
    assert middleware.crawler.stats.get_value(stat_keys.RETRY_BACKOFF_SECONDS) == 5.0


def test_without_retry_after_the_delay_doubles_per_attempt(slept: list[float]) -> None:
    middleware = _middleware({"NEWSBOT_RETRY_BASE_DELAY": 2, "RETRY_TIMES": 3})
    request = Request("https://news.example/a")
    for _ in range(3):
        request = _respond(middleware, request, Response(request.url, status=503, request=request))
        assert isinstance(request, Request)
    assert slept == [2.0, 4.0, 8.0]
    assert middleware.crawler.stats.get_value(stat_keys.RETRY_BACKOFF_SECONDS) == 14.0


def test_when_retries_are_used_up_the_response_is_returned_without_waiting(
    slept: list[float],
) -> None:
    middleware = _middleware({"RETRY_TIMES": 1})
    request = Request("https://news.example/a", meta={"retry_times": 1})
    response = Response(request.url, status=503, request=request)
    assert _respond(middleware, request, response) is response
    assert slept == []
    assert middleware.crawler.stats.get_value(stat_keys.RETRY_BACKOFF_SECONDS) is None


def test_a_200_passes_through(slept: list[float]) -> None:
    middleware = _middleware()
    request = Request("https://news.example/a")
    response = Response(request.url, status=200, request=request)
    assert _respond(middleware, request, response) is response
    assert slept == []


def test_a_connection_error_is_retried_after_the_backoff(slept: list[float]) -> None:
    middleware = _middleware({"NEWSBOT_RETRY_BASE_DELAY": 3})
    request = Request("https://news.example/a")
    result = asyncio.run(middleware.process_exception(request, TCPTimedOutError()))
    assert isinstance(result, Request)
    assert slept == [3.0]


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = datetime(2024, 3, 10, 12, 0, tzinfo=UTC)
    assert retry_after_seconds(b"120") == 120.0
    assert retry_after_seconds(format_datetime(now + timedelta(seconds=90)), now=now) == 90.0
    assert retry_after_seconds(format_datetime(now - timedelta(seconds=90)), now=now) == 0.0
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("soon") is None
