"""Per-site overrides (CSS selectors) in extract_page and the extract stage."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from newsbot import boilerplate, stages
from newsbot.extraction import extract_page
from newsbot.items import Article
from newsbot.sites import SiteOverrides

PAGE = Path(__file__).parent / "pages" / "overrides" / "sidebar_essay.html"
URL = "https://harbour.example/ferry"
SHORT = "The island ferry will leave fifteen minutes earlier"
ESSAY = "Every spring the harbour changes its face"
PROMO = "Get the Harbour Post app"


def body(overrides: SiteOverrides | None) -> str:
    ex = extract_page(PAGE.read_text(encoding="utf-8"), URL, overrides=overrides)
    return boilerplate.clean(ex.blocks, title=ex.title).body


def test_generic_extraction_picks_the_long_sidebar_essay() -> None:
    text = body(None)
    # why the site needs an override: generic extraction keeps the sidebar essay
    assert ESSAY in text


def test_body_selector_names_the_article_container() -> None:
    text = body(SiteOverrides(body=(".col-a .txt",)))
    assert text.startswith(SHORT)
    assert "first train from the mainland" in text
    assert ESSAY not in text
    assert PROMO in text  # nothing dropped yet


def test_drop_removes_an_in_article_promo() -> None:
    text = body(SiteOverrides(body=(".col-a .txt",), drop=(".x-app",)))
    assert PROMO not in text
    assert text.startswith(SHORT) and text.endswith("mainland station.")


def test_several_body_selectors_in_document_order() -> None:
    text = body(SiteOverrides(body=(".col-b", ".col-a .txt")))
    assert text.index(SHORT) < text.index(ESSAY)


def test_a_body_selector_that_matches_nothing_falls_back_to_generic() -> None:
    assert ESSAY in body(SiteOverrides(body=(".no-such-thing",)))


def test_title_authors_and_lead_selectors() -> None:
    overrides = SiteOverrides(title="h1.headline-x", authors=".who .nm", lead=".txt p")
    ex = extract_page(PAGE.read_text(encoding="utf-8"), URL, overrides=overrides)
    assert ex.title == "Ferry timetable changes from Monday"
    assert ex.authors == ["Mira Holm"]  # the site's name is not an author
    assert ex.lead is not None and ex.lead.startswith(SHORT)


def test_bad_selectors_are_ignored() -> None:
    overrides = SiteOverrides(body=("div[[",), drop=("::nope",), title="h1(")
    ex = extract_page(PAGE.read_text(encoding="utf-8"), URL, overrides=overrides)
    assert ex.title == "Ferry timetable changes from Monday"  # the page's own <h1>
    assert ex.blocks


def test_extract_stage_passes_the_articles_overrides() -> None:
    article = Article(
        url=URL,
        source="harbour",
        html=PAGE.read_text(encoding="utf-8"),
        fetched_at=datetime.now(UTC),
        overrides=SiteOverrides(body=(".col-a .txt",), drop=(".x-app",), title="h1"),
    )
    article = stages.process(article)
    assert article.title == "Ferry timetable changes from Monday"
    assert article.body is not None and article.body.startswith(SHORT)
    assert PROMO not in article.body and ESSAY not in article.body
