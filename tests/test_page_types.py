"""Pages that are not articles are named as such; articles that look a bit like them are not."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsbot import stages
from newsbot.errors import PageRejected
from newsbot.extraction import extract_page
from newsbot.items import Article

PAGES = Path(__file__).parent / "pages"
TYPES = PAGES / "types"
DEMO = Path(__file__).resolve().parent.parent / "newsbot" / "demo" / "site"


def page_type(path: Path) -> tuple[str, str]:
    ex = extract_page(path.read_text(encoding="utf-8"), "https://courier.example/news/x")
    return ex.page_type, ex.page_type_reason


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("listing.html", "listing"),
        ("error404.html", "error_page"),
        ("error404_uk.html", "error_page"),
        ("login.html", "login_wall"),
        ("paywall.html", "login_wall"),
        ("near_empty.html", "no_article_body"),
        # articles that look a bit like listings
        ("article_related.html", "article"),
        ("brief.html", "article"),
    ],
)
def test_page_types(name: str, expected: str) -> None:
    kind, reason = page_type(TYPES / name)
    assert kind == expected, reason
    assert bool(reason) == (expected != "article")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("listing.html", "listing"),
        ("error404.html", "error_page"),
        ("wordpress_repost.html", "article"),
        ("cookie_share_related.html", "article"),
        ("blogger.html", "article"),
        ("disqus.html", "article"),
        ("facebook_comments.html", "article"),
        ("jsonld_graph.html", "article"),
    ],
)
def test_older_saved_pages(name: str, expected: str) -> None:
    assert page_type(PAGES / name)[0] == expected


def _demo(pattern: str) -> list[Path]:
    found = sorted(DEMO.glob(pattern))
    assert found, pattern
    return found


@pytest.mark.parametrize(
    "path",
    _demo("agency/news/2022/**/*.html") + _demo("blog/20*/**/index.html"),
    ids=lambda p: str(p.relative_to(DEMO)),
)
def test_demo_articles_are_articles(path: Path) -> None:
    assert page_type(path) == ("article", "")


@pytest.mark.parametrize(
    "path",
    [
        DEMO / "agency/index.html",
        DEMO / "agency/news/index.html",
        DEMO / "agency/news/page/2/index.html",
        DEMO / "blog/index.html",
    ],
    ids=lambda p: str(p.relative_to(DEMO)),
)
def test_demo_listings_are_listings(path: Path) -> None:
    assert page_type(path)[0] == "listing"


def test_extract_stage_drops_a_listing_with_its_type_as_reason() -> None:
    from datetime import UTC, datetime

    article = Article(
        url="https://courier.example/news/",
        source="courier",
        html=(TYPES / "listing.html").read_text(encoding="utf-8"),
        fetched_at=datetime.now(UTC),
    )
    with pytest.raises(PageRejected) as info:
        stages.extract(article)
    assert info.value.reason == "listing"
    assert article.title == "Local news"  # the fields are filled in all the same
