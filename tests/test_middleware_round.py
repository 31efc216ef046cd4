"""RoundMiddleware: in distributed mode, what a page yields belongs to that page's round."""

from __future__ import annotations

import asyncio

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from middlewares.round import RoundMiddleware
from newsbot.run.frontier.components import ROUND


def _middleware() -> RoundMiddleware:
    return RoundMiddleware.from_crawler(get_crawler(Spider, {"NEWSBOT_DISTRIBUTED": True}))


def _page(meta: dict) -> HtmlResponse:
    request = Request("https://news.example/", meta=meta)
    return HtmlResponse(request.url, body=b"<html></html>", request=request)


def test_requests_found_on_a_page_take_its_round_and_items_pass_unchanged() -> None:
    item = {"url": "https://news.example/a"}
    output = list(
        _middleware().process_spider_output(
            _page({ROUND: "r7"}), [Request("https://news.example/a"), item]
        )
    )
    assert output[0].meta[ROUND] == "r7"
    assert output[1] is item


def test_a_request_that_names_its_own_round_keeps_it() -> None:
    request = Request("https://news.example/a", meta={ROUND: "r8"})
    (output,) = _middleware().process_spider_output(_page({ROUND: "r7"}), [request])
    assert output.meta[ROUND] == "r8"


def test_a_page_without_a_round_stamps_nothing() -> None:
    (output,) = _middleware().process_spider_output(_page({}), [Request("https://news.example/a")])
    assert ROUND not in output.meta


def test_the_async_output_is_stamped_too() -> None:
    async def found():
        yield Request("https://news.example/a")

    async def collect() -> list:
        return [
            o async for o in _middleware().process_spider_output_async(_page({ROUND: 3}), found())
        ]

    (output,) = asyncio.run(collect())
    assert output.meta[ROUND] == 3


def test_one_crawl_process_has_no_rounds() -> None:
    with pytest.raises(NotConfigured):
        RoundMiddleware.from_crawler(get_crawler(Spider, {"NEWSBOT_DISTRIBUTED": False}))
