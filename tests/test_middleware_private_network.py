"""PrivateNetworkMiddleware: no trip into private networks unless the sources file names it."""

from __future__ import annotations

import asyncio

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.test import get_crawler

from middlewares.private_network import PrivateNetworkMiddleware, is_public
from newsbot import stats as stat_keys
from newsbot.config import Source


class SourceSpider(Spider):
    name = "src"
    source = Source(name="local", feeds=("http://127.0.0.2:8080/rss",))


def _middleware(settings: dict | None = None) -> PrivateNetworkMiddleware:
    crawler = get_crawler(SourceSpider, settings)
    crawler.spider = crawler._create_spider()
    crawler.stats.open_spider()
    return PrivateNetworkMiddleware.from_crawler(crawler)


def _process(middleware: PrivateNetworkMiddleware, url: str) -> None:
    return asyncio.run(middleware.process_request(Request(url)))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.1.2.3:8000/intranet",
        "http://[::1]/x",
        "http://[::ffff:192.168.0.1]/x",
    ],
)
def test_a_link_to_a_private_address_from_another_host_is_refused_and_counted(url: str) -> None:
    middleware = _middleware()
    with pytest.raises(IgnoreRequest, match="private or local address"):
        _process(middleware, url)
    assert middleware.crawler.stats.get_value(stat_keys.REFUSED_PRIVATE_ADDRESS) == 1


def test_a_host_the_sources_file_names_is_allowed_though_private() -> None:
    middleware = _middleware()
    assert _process(middleware, "http://127.0.0.2:8080/news/1.html") is None
    assert middleware.crawler.stats.get_value(stat_keys.REFUSED_PRIVATE_ADDRESS) is None


def test_a_public_address_passes() -> None:
    middleware = _middleware()
    assert _process(middleware, "http://93.184.216.34/news/1.html") is None
    assert middleware.crawler.stats.get_value(stat_keys.REFUSED_PRIVATE_ADDRESS) is None


def test_each_refusal_is_counted() -> None:
    middleware = _middleware()
    for url in ("http://127.0.0.1/a", "http://10.0.0.1/b"):
        with pytest.raises(IgnoreRequest):
            _process(middleware, url)
    assert middleware.crawler.stats.get_value(stat_keys.REFUSED_PRIVATE_ADDRESS) == 2


def test_the_setting_turns_the_middleware_off() -> None:
    crawler = get_crawler(SourceSpider, {"NEWSBOT_BLOCK_PRIVATE_NETWORKS": False})
    with pytest.raises(NotConfigured):
        PrivateNetworkMiddleware.from_crawler(crawler)


def test_is_public_unwraps_ipv4_mapped_and_rejects_multicast() -> None:
    assert is_public("93.184.216.34")
    assert not is_public("::ffff:127.0.0.1")
    assert not is_public("224.0.0.1")
    assert not is_public("fe80::1%eth0")
