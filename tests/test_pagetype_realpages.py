"""Page types on shapes met on real pages: articles that look like listings stay articles,
listings, collections, search and product pages that look like articles do not.

The fixtures are small pages written for these tests (no copied pages).
"""

from __future__ import annotations

from newsbot.extraction import extract_page
from newsbot.extraction.html import parse
from newsbot.extraction.pagetype import classify
from newsbot.items import Block

SENTENCE = (
    "The council voted on Tuesday to extend the tram line to the northern suburbs, "
    "after a decade of debate about cost and the route through the old market. "
)


def _paragraphs(n: int, link_every: int = 0) -> str:
    out = []
    for i in range(n):
        link = (
            f' See <a href="/ref/{i}">the report</a>.' if link_every and i % link_every == 0 else ""
        )
        out.append(f"<p>{SENTENCE}{SENTENCE}{link}</p>")
    return "\n".join(out)


def _teasers(n: int, path: str = "/news/story-") -> str:
    return "\n".join(
        f'<div class="card"><h3><a href="{path}{i}">Story number {i} about the tram line'
        f"</a></h3><p>A short summary of story {i} for the reader.</p></div>"
        for i in range(n)
    )


def _page(body: str, head: str = "", title: str = "The tram line") -> str:
    return (
        f"<html><head><title>{title}</title>{head}</head><body>"
        f'<nav><a href="/">Home</a> <a href="/news">News</a></nav>{body}'
        "<footer>© Courier</footer></body></html>"
    )


def _kind(html: str, url: str = "https://courier.example/news/tram-line") -> str:
    ex = extract_page(html, url)
    return ex.page_type


def test_article_whose_body_the_extractor_missed_is_not_a_listing() -> None:
    """Related-post teasers beside an article the body stage found nothing in."""
    html = _page(
        "<main><h1>The tram line goes north</h1><div class='entry'>"
        + _paragraphs(8, link_every=2)
        + "</div><section class='related'>"
        + _teasers(6)
        + "</section></main>"
    )
    tree = parse(html)
    assert tree is not None
    found = [Block(text="The tram line goes north", kind="h"), Block(text=SENTENCE)]
    kind = classify(tree, found, title=None)
    assert kind.kind == "article", kind.reason


def test_article_in_widget_boxes_is_not_a_listing() -> None:
    """A page builder puts each paragraph in its own box; the publisher says article."""
    boxes = "".join(
        f"<div class='widget'><div class='box'>{_paragraphs(1)}</div></div>" for _ in range(24)
    )
    html = _page(
        f"<h1>The tram line goes north</h1>{boxes}<aside>{_teasers(6)}</aside>{_teasers(6)}"
    )
    tree = parse(html)
    assert tree is not None
    kind = classify(tree, [Block(text=SENTENCE)], title=None, og_type="article")
    assert kind.kind == "article", kind.reason


def test_long_article_with_many_links_is_an_article() -> None:
    html = _page(
        "<article><h1>The tram line goes north</h1>" + _paragraphs(20, link_every=1) + "</article>"
    )
    assert _kind(html) == "article"


def test_short_post_is_an_article() -> None:
    head = (
        '<meta property="og:type" content="article">'
        '<meta property="article:published_time" content="2025-03-04T10:00:00Z">'
    )
    html = _page(
        "<article><h1>Tram line approved</h1>"
        "<p>The council approved the northern tram extension on Tuesday by 31 votes to 12.</p>"
        "<p>Work starts in spring.</p></article>"
        + "<section class='more'>"
        + _teasers(3)
        + "</section>",
        head,
    )
    assert _kind(html) == "article"


def test_listing_of_teasers_is_a_listing() -> None:
    html = _page("<h1>News</h1>" + _teasers(12))
    assert _kind(html, "https://courier.example/news/") == "listing"
