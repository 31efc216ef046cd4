"""extract_page on saved pages: metadata, blocks with context, and robustness."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsbot.extraction import Extraction, extract_page
from newsbot.extraction.metadata import clean_authors, strip_site
from newsbot.items import Hints

PAGES = Path(__file__).parent / "pages"


def page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def test_jsonld_graph_metadata() -> None:
    ex = extract_page(page("jsonld_graph.html"), "https://news.example.ua/uryad-shkoly/")
    assert ex.title == "Уряд схвалив нову програму ремонту шкіл"
    assert ex.authors == ["Олена Коваль"]  # "Редакція" and the organisation are not people
    assert ex.section == "Освіта"
    assert ex.tags == ["школи", "ремонт", "освіта"]
    assert ex.image_url == "https://news.example.ua/images/school.jpg"
    assert ex.canonical_url == "https://news.example.ua/uryad-shkoly/"
    assert ex.site_name == "Новини Прикарпаття"
    assert ex.language == "uk"


def test_wordpress_page_metadata_and_blocks() -> None:
    ex = extract_page(page("wordpress_repost.html"), "https://balkanwatch.example.org/?p=1234")
    assert ex.title == (
        "Shots and siren: armed clashes began on the border of Kosovo and Serbia – media"
    )
    assert ex.authors == []  # "admin" is not a person
    assert ex.language == "en"
    assert ex.canonical_url == "https://balkanwatch.example.org/2022/07/31/shots-and-siren/"
    kinds = {b.kind for b in ex.blocks}
    assert {"p", "h", "caption"} <= kinds
    heading = next(b for b in ex.blocks if b.kind == "h")
    assert heading.text == "Barricades near the bridge"
    assert "entry-content" in heading.context.split()
    # share bars and navigation are gone already; comment blocks are marked
    texts = [b.text for b in ex.blocks]
    assert "Share this:" not in texts
    assert "Home" not in texts
    comment = next(b for b in ex.blocks if b.text.startswith("I can’t agree"))
    assert "comment-content" in comment.context.split()
    link = next(b for b in ex.blocks if b.text.startswith("It is reported by"))
    assert 0.3 < link.link_density < 0.8


def test_title_suffix_and_authors_from_meta() -> None:
    ex = extract_page(page("disqus.html"), "https://elbkurier.example.de/bruecke")
    assert ex.title == "Neue Brücke über die Elbe eröffnet"
    assert ex.authors == ["Anna Schmidt", "Jonas Weber"]
    assert ex.language == "de"


def test_dom_byline_rel_author() -> None:
    ex = extract_page(page("facebook_comments.html"), "https://example.fr/marche")
    assert ex.authors == ["Claire Martin"]
    assert ex.title == "Le marché de Noël revient place Kléber"


def test_blogger_br_paragraphs_and_microdata_author() -> None:
    ex = extract_page(page("blogger.html"), "https://gardennotes.example.com/2022/10/garlic.html")
    assert ex.title == "Planting garlic in October"
    assert ex.authors == ["Margaret Hale"]
    body = [b.text for b in ex.blocks if "post-body" in b.context.split()]
    assert len(body) == 3
    assert body[0].startswith("Garlic is one of the easiest crops")
    assert body[2].startswith("By July the leaves turn yellow")


_HEADLINE = "Shots and siren: armed clashes began on the border of Kosovo and Serbia – media"


def _masthead_page(masthead: str, post_heading: str) -> str:
    return f"""<html lang="en"><head><title>{_HEADLINE} &#8211; Balkan Notes</title></head>
<body><header id="masthead">{masthead}</header>
<article class="post"><header class="entry-header">{post_heading}</header>
<div class="entry-content"><p>{"Kosovo police reported shots near the border. " * 4}</p>
</div></article></body></html>"""


@pytest.mark.parametrize(
    ("masthead", "post_heading"),
    [
        # the site's name in a masthead <h1> before the post's <h1>
        ("<h1>Balkan Notes</h1>", f'<h1 class="entry-title">{_HEADLINE}</h1>'),
        # the masthead <h1> alone: the post's heading is an <h2>
        ("<h1>Balkan Notes</h1>", f'<h2 class="entry-title">{_HEADLINE}</h2>'),
        # the logo <h1> links to the home page
        ('<a href="/"><h1>Notes from the Balkans</h1></a>', f"<h1>{_HEADLINE}</h1>"),
    ],
)
def test_site_name_in_masthead_h1_is_not_the_title(masthead: str, post_heading: str) -> None:
    ex = extract_page(_masthead_page(masthead, post_heading), "https://balkannotes.example/?p=7")
    assert ex.title == _HEADLINE


def test_title_never_the_site_name_from_metadata() -> None:
    html = f"""<html><head><title>{_HEADLINE} | Balkan Notes</title>
<meta property="og:site_name" content="Balkan Notes">
<meta property="og:title" content="Balkan Notes"></head>
<body><h1>Balkan Notes</h1><article><h1>{_HEADLINE}</h1>
<p>{"Kosovo police reported shots near the border. " * 4}</p></article></body></html>"""
    assert extract_page(html, "https://balkannotes.example/a").title == _HEADLINE


def test_short_h1_matching_part_of_title_does_not_win() -> None:
    html = """<html><head><title>Atkins diet (14 days) - lose up to 10 kg. Reviews</title></head>
<body><h1>Atkins diet: lose up to 10 kilograms in 14 days</h1><p>Text.</p>
<h1>Reviews</h1><p>Some reviews.</p></body></html>"""
    # "Reviews" is one part of <title>, but the headline is the first <h1>, the one
    # the reader sees over the article (metadata titles are often SEO variants)
    assert extract_page(html, "https://diets.example/atkins").title == (
        "Atkins diet: lose up to 10 kilograms in 14 days"
    )


@pytest.mark.parametrize(
    ("title", "site", "expected"),
    [
        ("Big news today | Example Times", "Example Times", "Big news today"),
        ("Example Times - Big news today", "Example Times", "Big news today"),
        ("Big news: what it means – Example", "Example", "Big news: what it means"),
        ("Report: rates rise", "Other", "Report: rates rise"),
    ],
)
def test_strip_site(title: str, site: str, expected: str) -> None:
    assert strip_site(title, [site]) == expected


def test_clean_authors() -> None:
    raw = ["By Jane Doe and John Roe", "jane doe", "Staff", "Example Times", "https://x.org/a"]
    assert clean_authors(raw, ["Example Times"]) == ["Jane Doe", "John Roe"]
    assert clean_authors(["Anna Smith, Bob Jones"]) == ["Anna Smith", "Bob Jones"]


def test_language_from_header_and_hint() -> None:
    html = "<html><body><p>" + "Some text here. " * 5 + "</p></body></html>"
    ex = extract_page(html, "https://x.org/", headers={"Content-Language": "fr-FR"})
    assert ex.language == "fr"
    ex = extract_page(html, "https://x.org/", language_hint="uk")
    assert ex.language == "uk"


def test_hints_fill_missing_metadata() -> None:
    hints = Hints(title="Feed title", authors=["By Mary Major"])
    ex = extract_page("<html><body><div></div></body></html>", "https://x.org/", hints=hints)
    assert ex.title == "Feed title"
    assert ex.authors == ["Mary Major"]


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   ",
        "<html>",
        "<html><head><script>var a = 1;</script></head></html>",
        "<p>truncated <div><span>page",
        "\x00\x00<html><body><p>NUL\x00 bytes</p></body></html>",
        b"\xff\xfe\x00\x00garbage",
        '<?xml version="1.0" encoding="utf-8"?><html><body><p>xml decl</p></body></html>',
        "<html><body>" + "<div>" * 3000 + "deep" + "</div>" * 3000 + "</body></html>",
    ],
)
def test_never_raises_on_bad_html(html: str | bytes) -> None:
    ex = extract_page(html, "https://x.org/")
    assert isinstance(ex, Extraction)
    assert isinstance(ex.blocks, list)


def test_bytes_in_legacy_encoding() -> None:
    text = "<html><head><meta charset='windows-1251'></head><body><p>{}</p></body></html>"
    raw = text.format("Привіт, світе! " * 10).encode("windows-1251")
    ex = extract_page(raw, "https://x.org/")
    assert ex.blocks and ex.blocks[0].text.startswith("Привіт, світе!")


def test_listing_and_error_pages_have_little_text() -> None:
    for name in ("listing.html", "error404.html"):
        ex = extract_page(page(name), "https://example.org/")
        assert sum(len(b.text) for b in ex.blocks) < 80, name


def _body(html: str) -> str:
    from newsbot import boilerplate

    ex = extract_page(html, "https://news.example/story")
    return boilerplate.clean(ex.blocks, title=ex.title).body


_PARA = "The council met on Monday and voted, after a long debate, to repair the bridge. "


def test_hover_card_inside_a_sentence_is_dropped() -> None:
    card = (
        '<span class="card"><img src="/p.jpg"><a href="/people/jane-roe">Jane Roe</a>'
        '<a href="/a/1">Roe proposes a new budget for the schools of the city</a> '
        '<a href="/a/2">Council delays the vote on the bridge repairs again</a> '
        '<a href="/people/jane-roe">MORE</a></span>'
    )
    html = f"""<html><body><article><h1>Bridge to be repaired</h1>
<p>{_PARA}</p><p>Councillor <a href="/people/jane-roe">Jane Roe</a>{card} (Green) said it
was overdue.</p><p>{_PARA * 2}</p></article></body></html>"""
    body = _body(html)
    assert "Councillor Jane Roe (Green) said it was overdue." in body
    assert "Roe proposes" not in body and "MORE" not in body
    # a sentence that links three things keeps them
    html = html.replace(card, "").replace(
        "said it\nwas overdue.",
        'thanked <a href="/a">the engineers</a>, <a href="/b">the firemen</a> and '
        '<a href="/c">the mayor of the city</a>.',
    )
    assert "the engineers, the firemen and the mayor of the city" in _body(html)


def test_trailing_teaser_grid_in_the_article_container_is_dropped() -> None:
    teasers = "".join(
        f'<div class="tile"><a href="/diet-{i}"><img src="/{i}.jpg"></a>'
        f'<div class="title"><a href="/diet-{i}">Another popular diet number {i}</a></div>'
        f"<div>Lose weight in {i + 7} days with a simple menu.</div></div>"
        for i in range(4)
    )
    html = f"""<html><body><div class="main"><h1>The Atkins diet</h1>
<p>{_PARA * 2}</p><p>{_PARA * 2}</p><ul><li>Step one: <a href="/a">read the menu
of the first week</a> before you start</li><li>Step two: weigh yourself</li></ul>
<div id="popular"><h2>Most popular diets</h2>{teasers}</div></div></body></html>"""
    body = _body(html)
    assert "Another popular diet" not in body and "Most popular diets" not in body
    assert "Step one: read the menu of the first week before you start" in body


@pytest.mark.parametrize(
    ("title", "host", "expected"),
    [
        ("Grain deal extended | BBC News", "bbc.co.uk", "Grain deal extended"),
        ("Grain deal extended - The Guardian", "theguardian.com", "Grain deal extended"),
        # the host's name inside a headline does not make the headline the site's name
        (
            "Why CNN changed its logo | Media Weekly",
            "cnn.com",
            "Why CNN changed its logo | Media Weekly",
        ),
        # an address names no site: "127" must not match a headline's number
        (
            "Port moves on (report 290127) | Ledger",
            "127.0.0.1",
            "Port moves on (report 290127) | Ledger",
        ),
    ],
)
def test_site_suffix_split_by_host(title: str, host: str, expected: str) -> None:
    from newsbot.extraction.metadata import _split_site

    kept, _ = _split_site(title, [], host)
    assert kept == expected
