"""SharedPaceMiddleware: a request waits for its site's send slot, shared through Redis."""

from __future__ import annotations

import asyncio

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

import middlewares.shared_pace as pace_module
from middlewares.shared_pace import SharedPaceMiddleware
from newsbot import stats as stat_keys


class Slots:
    """A frontier whose send slots are busy for the waits given, then free."""

    def __init__(self, waits: list[float]) -> None:
        self.waits = list(waits)
        self.asked: list[tuple[str, float]] = []

    def try_slot(self, site: str, interval: float) -> float:
        self.asked.append((site, interval))
        return self.waits.pop(0) if self.waits else 0.0


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits the middleware asks of the reactor, answered at once."""
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr(pace_module, "sleep", record)
    return waits


def _crawler(settings: dict | None = None):
    crawler = get_crawler(
        Spider, {"NEWSBOT_DISTRIBUTED": True, "NEWSBOT_PACE_INTERVAL": 2.0, **(settings or {})}
    )
    crawler.stats.open_spider()
    return crawler


def _process(middleware: SharedPaceMiddleware, url: str) -> None:
    return asyncio.run(middleware.process_request(Request(url)))


def test_a_free_slot_sends_at_once(slept: list[float]) -> None:
    slots = Slots([])
    middleware = SharedPaceMiddleware(_crawler(), slots)
    assert _process(middleware, "http://News.Example:8080/a") is None
    assert slots.asked == [("news.example:8080", 2.0)]  # the site is host and port
    assert slept == []
    assert middleware.crawler.stats.get_value(stat_keys.PACE_WAITS) is None


def test_a_busy_slot_waits_then_asks_again_and_counts_one_wait(slept: list[float]) -> None:
    slots = Slots([1.5, 0.5])
    middleware = SharedPaceMiddleware(_crawler(), slots)
    assert _process(middleware, "http://news.example/a") is None
    assert len(slots.asked) == 3
    # each wait is the slot's, plus up to a quarter interval of jitter
    assert 1.5 <= slept[0] <= 1.5 + 0.5
    assert 0.5 <= slept[1] <= 0.5 + 0.5
    assert len(slept) == 2
    assert middleware.crawler.stats.get_value(stat_keys.PACE_WAITS) == 1


def test_one_crawl_process_has_no_shared_pace() -> None:
    with pytest.raises(NotConfigured):
        SharedPaceMiddleware.from_crawler(get_crawler(Spider, {"NEWSBOT_DISTRIBUTED": False}))


def test_two_workers_share_one_slot_per_site_in_redis(redis_url: str, slept: list[float]) -> None:
    # a short interval: the stand-in for sleep answers at once, so the waiting worker
    # asks Redis again until the slot is free
    settings = {
        "REDIS_URL": redis_url,
        "NEWSBOT_REDIS_PREFIX": "pace-test",
        "NEWSBOT_PACE_INTERVAL": 0.2,
    }
    first = SharedPaceMiddleware.from_crawler(_crawler(settings))
    second = SharedPaceMiddleware.from_crawler(_crawler(settings))
    _process(first, "http://news.example/a")
    assert slept == []
    _process(second, "http://news.example/b")  # the other worker took the slot: wait
    assert slept and 0 < slept[0] <= 0.2 + 0.05
    assert second.crawler.stats.get_value(stat_keys.PACE_WAITS) == 1
    _process(second, "http://other.example/c")  # another site has its own slot
    assert second.crawler.stats.get_value(stat_keys.PACE_WAITS) == 1
