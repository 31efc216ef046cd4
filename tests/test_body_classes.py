"""Body text on the failure classes seen on real pages, one small page of our own each.

Each page runs the crawl's stages (`stages.process`, what `newsbot extract` runs), so a
test holds whichever part of the pipeline fixes its class: container choice, pruning,
the standfirst, text-level cleaning or the second extractor's opinion.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newsbot import stages
from newsbot.errors import PageRejected
from newsbot.extraction import second_opinion
from newsbot.items import Article, Block

URL = "https://citytimes.example/2025/03/04/bus-routes-expand"

#: distinct sentences, so that no rule that drops repeated text can hide a loss
SENTENCES = [
    "The council voted on Tuesday to expand the city's bus network by four routes.",
    "The new lines will serve neighbourhoods on the eastern edge, officials said.",
    "Drivers will be hired over the winter, and training starts in January.",
    "Fares stay the same for everyone, the transport committee confirmed.",
    "Residents had asked for evening services for years, according to the survey.",
    "The routes connect the harbour, the hospital and the university campus.",
    "Two of the lines will run every ten minutes at peak hours on weekdays.",
    "The budget for the expansion comes from a regional climate fund.",
    "Shop owners near the market welcomed the decision at the hearing.",
    "A review of the first six months is planned for the autumn session.",
    "Cyclists asked for racks on the new buses, and the operator agreed.",
    "Night services on the weekend will be tested on two of the routes.",
]


def para(start: int, count: int = 2) -> str:
    return " ".join(SENTENCES[(start + i) % len(SENTENCES)] for i in range(count))


def page(body: str, *, title: str = "Bus network expands | City Times") -> str:
    return (
        f"<html><head><title>{title}</title></head><body>"
        "<header><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></header>"
        f"{body}<footer><p>© City Times. All rights reserved.</p></footer></body></html>"
    )


def process(html: str) -> Article:
    article = Article(url=URL, source="test", html=html, fetched_at=datetime.now(UTC))
    return stages.process(article)


def words(text: str) -> list[str]:
    return text.split()


# ---------------------------------------------------------------- missing text


def test_intro_paragraph_in_a_hero_box_starts_the_body() -> None:
    html = page(
        "<section class='hero'><h1>Bus network expands</h1>"
        f"<div class='hero-copy'><p>{para(0)}</p></div></section>"
        f"<div class='post-body'><p>{para(2)}</p><p>{para(4)}</p><p>{para(6)}</p>"
        f"<p>{para(8)}</p></div>"
    )
    article = process(html)
    assert article.body.startswith(SENTENCES[0])
    assert SENTENCES[9] in article.body
    assert article.body.count(SENTENCES[0]) == 1


def test_tables_become_rows_with_cells_split_by_bars() -> None:
    html = page(
        f"<article><h1>Bus network expands</h1><p>{para(0, 3)}</p>"
        "<table><tr><th>Route</th><th>Stops</th></tr><tr><td>41</td><td>12</td></tr>"
        f"<tr><td>42</td><td>9</td></tr></table><p>{para(3, 3)}</p></article>"
    )
    body = process(html).body
    assert "Route | Stops\n41 | 12\n42 | 9" in body
    assert body.index(SENTENCES[0]) < body.index("Route | Stops") < body.index(SENTENCES[3])


def test_lists_and_definition_lists_stay_one_item_a_line() -> None:
    html = page(
        f"<article><h1>Bus network expands</h1><p>{para(0, 3)}</p>"
        "<ul><li>Route 41 runs to the harbour</li><li>Route 42 runs to the hospital</li></ul>"
        "<dl><dt>Peak hours</dt><dd>Every ten minutes on weekdays</dd></dl>"
        f"<p>{para(3, 3)}</p></article>"
    )
    lines = process(html).body.splitlines()
    for item in (
        "Route 41 runs to the harbour",
        "Route 42 runs to the hospital",
        "Peak hours",
        "Every ten minutes on weekdays",
    ):
        assert item in lines


def test_text_split_by_ad_slots_is_joined_in_reading_order() -> None:
    html = page(
        f"<article><h1>Bus network expands</h1><p>{para(0)}</p>"
        "<div class='ad-slot'>Advertisement</div>"
        "<p><strong>Q: When do the routes start?</strong></p>"
        "<p>A: In May, after the council approved the budget for drivers.</p>"
        "<div class='ad-slot'><span>Advertisement</span></div>"
        f"<p>{para(2)}</p><p>{para(4)}</p></article>"
    )
    body = process(html).body
    order = [
        SENTENCES[0],
        "Q: When do the routes start?",
        "A: In May",
        SENTENCES[2],
        SENTENCES[4],
    ]
    positions = [body.index(text) for text in order]
    assert positions == sorted(positions)
    assert "Advertisement" not in body


# ---------------------------------------------------------------- over-eager cleaning


def test_page_builder_widgets_do_not_take_the_article_with_them() -> None:
    """Elementor-style pages wrap every paragraph in `*-widget-*` classes."""
    widgets = "".join(
        "<div class='elementor-element elementor-widget elementor-widget-text-editor'>"
        f"<div class='elementor-widget-container'><p>{para(2 * i)}</p></div></div>"
        for i in range(5)
    )
    article = process(page(f"<h1>Bus network expands</h1><div class='elementor'>{widgets}</div>"))
    for i in range(10):
        assert SENTENCES[i] in article.body


# ---------------------------------------------------------------- the second opinion


def test_doubtful_only_when_our_body_misses_most_of_the_prose() -> None:
    body = para(0, 6)
    assert not second_opinion.doubtful(body, len(words(body)), min_chars=80)
    assert second_opinion.doubtful(body, 3 * len(words(body)), min_chars=80)
    assert second_opinion.doubtful("Too short.", 500, min_chars=80)
    # a page without prose never needs one (nothing better to find)
    assert not second_opinion.doubtful(body, 10, min_chars=80)


def test_choose_keeps_ours_unless_clearly_shorter() -> None:
    ours, longer = para(0, 4), para(0, 10)
    assert second_opinion.choose(ours, longer).by == "trafilatura"
    assert second_opinion.choose(ours, para(0, 5)).by == "newsbot"
    assert second_opinion.choose(ours, "").by == "newsbot"


def test_second_body_comes_in_our_shape() -> None:
    text = "Title\nFirst paragraph.\n- one\n- two\n| A | B |\n|---|---|\n| 1 | 2 |\nLast one."
    blocks = second_opinion.text_blocks(text)
    assert [(b.kind, b.text) for b in blocks] == [
        ("p", "Title"),
        ("p", "First paragraph."),
        ("li", "one"),
        ("li", "two"),
        ("table", "A | B\n1 | 2"),
        ("p", "Last one."),
    ]


def test_when_our_blocks_miss_the_article_the_second_extractor_body_wins() -> None:
    """The boilerplate stage, given blocks that hold only a teaser of a page whose prose
    is much longer (a wrong container), takes the second extractor's body instead."""
    html = page(
        "<article><h1>Bus network expands</h1>"
        + "".join(f"<p>{para(i, 2)}</p>" for i in range(0, 12, 2))
        + "</article>"
    )
    article = stages.extract(
        Article(url=URL, source="test", html=html, fetched_at=datetime.now(UTC))
    )
    assert article.prose_words > 100
    article.blocks = [Block(para(0, 2), "p")]  # what a wrong container choice leaves
    article = stages.strip_boilerplate(article)
    assert article.body_by == "trafilatura"
    for sentence in SENTENCES:
        assert sentence in article.body
    assert not article.body.startswith("Bus network expands")  # the headline is not body


def test_a_page_with_no_prose_at_all_is_still_dropped() -> None:
    with pytest.raises(PageRejected) as raised:
        process(page("<h1>Bus network expands</h1><div><img src='a.jpg'></div>"))
    assert raised.value.reason == "no_article_body"


# ---------------------------------------------------------------- leaks


@pytest.mark.parametrize(
    "label, section",
    [
        ("About the Author", "Jane Roe covers transport for the City Times since 2015."),
        ("You might also like", "Ten things to do in the harbour this weekend"),
        ("Sponsored Content", "Discover the best holiday deals for families this winter."),
        ("Disclaimer:", "This article is for information only and is not advice."),
        ("Article Sources", "https://example.org/report-2024"),
    ],
)
def test_end_matter_after_the_text_stays_out(label: str, section: str) -> None:
    html = page(
        f"<article><h1>Bus network expands</h1><p>{para(0, 3)}</p><p>{para(3, 3)}</p>"
        f"<p>{para(6, 3)}</p><h3>{label}</h3><p>{section}</p></article>"
    )
    body = process(html).body
    assert SENTENCES[8] in body
    assert label.rstrip(":") not in body
    assert section not in body


def test_a_related_label_inside_the_text_cuts_nothing() -> None:
    """ "Related:" and "Read more" also label links in the middle of an article."""
    html = page(
        f"<article><h1>Bus network expands</h1><p>{para(0, 3)}</p><p>{para(3, 3)}</p>"
        f"<p>Related:</p><p>{para(6, 3)}</p><p>Read more</p><p>{para(9, 3)}</p></article>"
    )
    body = process(html).body
    assert SENTENCES[8] in body and SENTENCES[11] in body
