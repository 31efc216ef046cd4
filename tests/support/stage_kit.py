"""One page and the helpers the pipeline component tests share: a stage pipeline built
from a Scrapy test crawler (stages run in-line), and an article fresh from a page."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TypeVar

from scrapy import Spider
from scrapy.utils.test import get_crawler

from newsbot import stages
from newsbot.items import Article

#: eight distinct paragraphs, so no rule that drops repeated text can hide a loss
STORY = "".join(
    f"<p>Paragraph {i}: officials said the grain corridor would keep working through the "
    f"spring, and port workers loaded {i * 3} ships in the first week of March.</p>"
    for i in range(8)
)


def page(head: str = "", after: str = "") -> str:
    """The grain-ships story as an article page; `head` adds to <head>, `after` follows
    the story inside the <article>."""
    return (
        f"<html><head><title>Grain ships leave Odesa</title>{head}</head><body><article>"
        f"<h1>Grain ships leave Odesa</h1>{STORY}{after}</article></body></html>"
    )


P = TypeVar("P")


def build(pipeline: type[P], **settings: object) -> P:
    """The pipeline as a crawl builds it, its stage run in-line (no worker processes)."""
    crawler = get_crawler(Spider, {"NEWSBOT_STAGE_WORKERS": 0, **settings})
    crawler.stats.open_spider()
    return pipeline.from_crawler(crawler)  # type: ignore[attr-defined]


def article(html: str, url: str = "http://127.0.0.1/a") -> Article:
    return Article(url=url, source="s", html=html, fetched_at=datetime.now(UTC))


def extracted(html: str, url: str = "http://127.0.0.1/a") -> Article:
    """An article that has been through the extract stage (what later stages receive)."""
    return stages.extract(article(html, url))
