"""Page types on shapes met on real pages: articles that look like listings stay articles,
listings, collections, search and product pages that look like articles do not.

The fixtures are small pages written for these tests (no copied pages).
"""

from __future__ import annotations

import pytest

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
    assert _kind(html) == "article"  # and through the real extraction path


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
    # through the crawl's stages: our blocks miss the boxes, the second extractor finds the
    # text, and the page is stored as an article, not dropped as a listing
    from datetime import UTC, datetime

    from newsbot import stages
    from newsbot.items import Article

    marked = html.replace("<head>", "<head><meta property='og:type' content='article'>")
    url = "https://courier.example/news/tram-line"
    stored = stages.process(Article(url=url, source="t", html=marked, fetched_at=datetime.now(UTC)))
    assert SENTENCE in (stored.body or "")


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


def _post_excerpts(n: int) -> str:
    """A few posts shown in full or in part, as archive pages show them."""
    return "".join(
        f"<div class='post'><h2>Post {i} on the tram</h2>{_paragraphs(2)}</div>" for i in range(n)
    )


@pytest.mark.parametrize(
    ("canonical", "why"),
    [
        ("https://courier.example/tag/trams/", "tag archive"),
        ("https://courier.example/category/city/", "category page"),
        ("https://courier.blogspot.com/2024/05/", "Blogger month archive"),
        ("https://courier.blogspot.com/search/label/trams", "Blogger label page"),
        ("https://courier.example/?s=tram", "search results"),
        ("https://courier.example/news/page/3/", "a later page of a listing"),
    ],
)
def test_listing_urls_are_listings(canonical: str, why: str) -> None:
    """Archives that show whole posts look like articles but for their own URL."""
    html = _page(
        "<h1>Trams</h1>" + _post_excerpts(2),
        f'<link rel="canonical" href="{canonical}">',
        title="Trams",
    )
    assert _kind(html, canonical) == "listing", why


def test_an_article_marked_as_one_is_not_a_listing_for_its_url() -> None:
    head = (
        '<link rel="canonical" href="https://courier.example/category/city/tram-line">'
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Tram"}</script>'
    )
    html = _page("<article><h1>The tram line goes north</h1>" + _paragraphs(6) + "</article>", head)
    assert _kind(html) == "article"


def test_product_page_is_not_an_article() -> None:
    head = '<meta property="og:type" content="product">'
    html = _page(
        "<h1>Tram model, 1:87</h1>" + _paragraphs(3) + "<p>$24.99</p><button>Add to cart</button>",
        head,
    )
    assert _kind(html, "https://shop.example/products/tram-model") == "listing"


def test_shop_page_with_cart_buttons_is_not_an_article() -> None:
    tiles = "".join(
        f"<div class='tile'><h3>Tram model {i}</h3><p>{SENTENCE}</p>"
        f"<span>$2{i}.00</span><button>Add to cart</button></div>"
        for i in range(4)
    )
    html = _page("<h1>Tram models</h1>" + tiles)
    assert _kind(html, "https://shop.example/models") == "listing"


def test_forum_thread_is_not_an_article() -> None:
    head = (
        '<script type="application/ld+json">'
        '{"@type": "DiscussionForumPosting", "headline": "Tram line?"}</script>'
    )
    posts = "".join(f"<div class='post'><p>{SENTENCE}</p></div>" for _ in range(5))
    html = _page("<h1>Tram line?</h1>" + posts, head)
    assert _kind(html, "https://forum.example/t/tram-line/123") == "listing"


# ------------------------------------------------- card grids and thin pages


def _tiles(n: int) -> str:
    """A shop's product tiles: picture, linked name, price, no running text."""
    return "".join(
        f'<li class="product-tile tile-{i}"><a href="/p/oak-desk-{i}"><img src="/i/{i}.jpg" '
        f'alt=""></a><a class="name" href="/p/oak-desk-{i}">Oak desk {i}</a>'
        f'<span class="price">${100 + i}.00</span><span class="stars">4.{i} (12)</span></li>'
        for i in range(12)
    )


def test_shop_category_grid_is_a_listing() -> None:
    """Product tiles beside the shop's SEO text (which the body extractor takes)."""
    seo = (
        "<div class='seo'><div>Our oak desks are made from solid timber in our own workshop "
        "and finished by hand with natural oils, so that each one ages well in a home office. "
        "Pick a size, a finish and a height, and we deliver within two weeks.</div></div>"
    )
    html = _page(f"<h1>Oak desks</h1><ul class='grid'>{_tiles(12)}</ul>{seo}", title="Oak desks")
    assert _kind(html, "https://shop.example/desks") == "listing"


def _story_cards(n: int) -> str:
    """Story cards as news fronts draw them: picture, headline, summary, section label."""
    return "".join(
        f'<div class="story-card"><a href="/news/2025/03/story-{i}"><img src="/i/{i}.jpg" '
        f'alt=""></a><h3><a href="/news/2025/03/story-{i}">Story {i} about the tram line'
        f"</a></h3><p>A summary of story {i}: the council met on Tuesday and the tram line "
        f"came up again, with the budget and the route through the market.</p>"
        f'<a class="label" href="/city/">City</a> <time>4 March 2025</time></div>'
        for i in range(n)
    )


def test_news_front_of_teaser_cards_is_a_listing() -> None:
    """Each card also links its section, so a card's summary reads as the page's own text."""
    intro = "<div class='intro'>" + _paragraphs(2) + "</div>"
    html = _page(f"<h1>City news</h1>{intro}<div class='cards'>{_story_cards(10)}</div>")
    assert _kind(html, "https://courier.example/city/") == "listing"


def test_tag_archive_without_a_listing_url_is_a_listing() -> None:
    """A tag archive under a plain URL: post cards with excerpts, nothing else."""
    head = '<meta property="og:type" content="website">'
    html = _page(
        f"<h1>Posts tagged: trams</h1><div class='posts'>{_story_cards(8)}</div>", head, "Trams"
    )
    assert _kind(html, "https://courier.example/trams") == "listing"


FILTERS = ("Size", "Colour", "Material", "Price range", "Sort by", "Brand", "Width", "Sale")


def test_page_with_no_text_but_a_scripted_grid_is_a_listing() -> None:
    """A category page whose tiles are drawn by script: a title, one line, no paragraphs."""
    filters = "".join(f"<div class='filter'><span>{f}</span></div>" for f in FILTERS)
    html = _page(
        "<h1>Sneakers for men</h1><div>Leather and canvas sneakers for every day, with free "
        "delivery on orders over $50 this week.</div>"
        f"{filters}<div id='grid' data-src='/api/grid'></div>"
    )
    assert _kind(html, "https://shop.example/men/sneakers") == "listing"


def _comments(n: int) -> str:
    return (
        "<ol class='comment-list'>"
        + "".join(
            f"<li class='comment'><div class='author'>"
            f"<a href='https://reader{i}.example/'>Reader {i}</a></div>"
            f"<p>I take this tram every day and the extension is long overdue, {i}.</p></li>"
            for i in range(n)
        )
        + "</ol>"
    )


def test_article_with_related_grid_and_comments_is_an_article() -> None:
    """No article markup: its own long run of paragraphs outweighs every grid around it."""
    html = _page(
        "<main><h1>The tram line goes north</h1><div class='entry'>"
        + _paragraphs(6)
        + "</div><h2>Related</h2><div class='related'>"
        + _story_cards(12)
        + "</div>"
        + _comments(8)
        + "</main>"
    )
    assert _kind(html) == "article"


def test_short_article_with_teaser_cards_beside_is_an_article() -> None:
    """Three paragraphs, no markup, a box of four picture teasers beside them."""
    teasers = "".join(
        f'<div class="teaser"><a href="/news/more-{i}"><img src="/i/{i}.jpg" alt="">'
        f"<span>More on trams {i}</span></a></div>"
        for i in range(4)
    )
    html = _page(
        "<div class='layout'><div class='main'><h1>Tram line approved</h1>"
        + "".join(f"<p>{SENTENCE}</p>" for _ in range(3))
        + f"</div><div class='more'>{teasers}</div></div>"
    )
    assert _kind(html) == "article"


def test_a_grid_the_body_extractor_sees_nothing_in_is_dropped_as_a_listing() -> None:
    """Our blocks are near-empty (the tiles sit in a pruned widget, the shop's copy in a
    script template) but the page holds prose, which would hand it to the second
    extractor and store it: the grid decides first."""
    from datetime import UTC, datetime

    from newsbot import stages
    from newsbot.errors import PageRejected
    from newsbot.items import Article

    promo = "<template>" + _paragraphs(2) + "</template>"
    html = _page(
        f"<h1>Oak desks</h1><ul class='grid-widget'>{_tiles(12)}</ul>{promo}", title="Desks"
    )
    assert _kind(html, "https://shop.example/desks") == "listing"
    article = Article(
        url="https://shop.example/desks", source="t", html=html, fetched_at=datetime.now(UTC)
    )
    with pytest.raises(PageRejected) as err:
        stages.process(article)
    assert err.value.reason == "listing"
