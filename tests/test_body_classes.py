"""Body text on the failure classes seen on real pages, one small page of our own each.

Each page runs the crawl's stages (`stages.process`, what `newsbot extract` runs), so a
test holds whichever part of the pipeline fixes its class: container choice, pruning,
the standfirst, text-level cleaning or the second extractor's opinion.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import lxml.html
import pytest

from newsbot import boilerplate, stages
from newsbot.errors import PageRejected
from newsbot.extraction import extract_page, second_opinion
from newsbot.extraction.html import word_count
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


LEAKS = {
    "photo credit": "<p>Photo: Anna Berg / City Times</p>",
    "gallery counter": "<p>3 / 7</p>",
    "instagram chrome": (
        "<p>View this post on Instagram</p><p>A post shared by City Buses (@citybus)</p>"
    ),
    "app call to action": "<p>Download our app for breaking news alerts on your phone.</p>",
    "newsletter call to action": (
        "<div class='newsletter-signup'><p>Get the morning briefing in your inbox, every "
        "weekday, with the stories that matter to the city.</p></div>"
    ),
    "promo box": (
        "<div class='promo-box'><p>Save 50% on a year of unlimited digital access to every "
        "story, puzzle and archive page we have.</p></div>"
    ),
    "reading time": "<p>4 min read</p><p>Jun 8, 2023 • 11 Minute Read</p>",
    "image chrome": (
        "<p>Photo Illustration: City Times, Getty Images</p>"
        "<p>Press enter or click to view image in full size</p><p>View post on imgur.com</p>"
    ),
    "view counter": "<p>(Visited 1,902 times, 364 visits today)</p>",
    "related label": "<p>Related Articles from the City Times blog:</p>",
    "inbox call to action": "<p>Get news and event info delivered right to your inbox:</p>",
    "author box chrome": "<p>Latest posts by Jane Roe (see all)</p>",
    "byline repeated": "<p>By Jane Roe</p><p>March 4, 2025</p>",
    "related link list": (
        "<ul><li><a href='/a'>Trams return to the old town</a></li>"
        "<li><a href='/b'>Ferry fares rise in spring</a></li>"
        "<li><a href='/c'>A new bridge for cyclists</a></li></ul>"
    ),
}


@pytest.mark.parametrize("kind", list(LEAKS))
def test_furniture_in_the_text_stays_out(kind: str) -> None:
    leak = LEAKS[kind]
    html = page(
        f"<article><h1>Bus network expands</h1>{leak if kind == 'byline repeated' else ''}"
        f"<p>{para(0, 3)}</p>{'' if kind == 'byline repeated' else leak}<p>{para(3, 3)}</p>"
        f"<p>{para(6, 3)}</p></article>"
    )
    body = process(html).body
    assert SENTENCES[8] in body and SENTENCES[0] in body
    for text in re.findall(r">([^<>]{3,})<", leak):
        assert text not in body


def test_a_related_label_inside_the_text_cuts_nothing() -> None:
    """ "Related:" and "Read more" also label links in the middle of an article."""
    html = page(
        f"<article><h1>Bus network expands</h1><p>{para(0, 3)}</p><p>{para(3, 3)}</p>"
        f"<p>Related:</p><p>{para(6, 3)}</p><p>Read more</p><p>{para(9, 3)}</p></article>"
    )
    body = process(html).body
    assert SENTENCES[8] in body and SENTENCES[11] in body


# ---------------------------------------------------------------- our own extractor
#
# The classes below must be fixed in newsbot's own extractor, not only rescued by the
# second opinion: `ours` reads the body straight from extract_page's blocks, and
# `process_alone` runs the stages with the second extractor switched off.


def ours(html: str) -> str:
    """Our extractor's cleaned body, with no second opinion anywhere near it."""
    result = extract_page(html, URL)
    return boilerplate.clean(result.blocks, title=result.title).body


@pytest.fixture
def process_alone(monkeypatch: pytest.MonkeyPatch):
    """`process`, with the second extractor returning nothing (so ours must do)."""
    monkeypatch.setattr(second_opinion, "trafilatura_blocks", lambda html, url: [])

    def run(html: str) -> Article:
        article = process(html)
        assert article.body_by == "newsbot"
        return article

    return run


def article_paragraphs(count: int = 5, start: int = 0) -> str:
    return "".join(f"<p>{para(start + 2 * i)}</p>" for i in range(count))


def test_article_only_in_noscript_is_kept(process_alone) -> None:
    html = page(
        "<h1>Bus network expands</h1><div class='lazy-article' data-src='/api/story/41'></div>"
        f"<noscript>{article_paragraphs()}</noscript>"
        "<noscript><img src='https://px.example/p.gif' width='1' height='1'>"
        "<iframe src='https://tags.example/ns.html'></iframe></noscript>"
        "<noscript><p>Please enable JavaScript to use all features of this site.</p></noscript>"
    )
    for body in (ours(html), process_alone(html).body):
        for i in range(10):
            assert SENTENCES[i] in body
        assert "enable JavaScript" not in body
        assert body.count(SENTENCES[0]) == 1


def test_noscript_copy_of_visible_text_is_not_doubled() -> None:
    html = page(
        f"<article><h1>Bus network expands</h1>{article_paragraphs()}"
        f"<noscript>{article_paragraphs(2)}</noscript></article>"
    )
    body = ours(html)
    assert body.count(SENTENCES[0]) == 1 and SENTENCES[9] in body


FOLDS = [
    "style='display: none'",
    "hidden",
    "class='read-more-content is-hidden'",
    "class='collapsed' aria-hidden='true'",
    "class='expandable d-none'",
]


@pytest.mark.parametrize("fold", FOLDS)
def test_folded_rest_behind_read_more_is_kept_in_order(fold: str, process_alone) -> None:
    html = page(
        f"<article><h1>Bus network expands</h1><div class='story'>{article_paragraphs(4)}"
        f"<div {fold}><p>{para(8)}</p><p>{para(10)}</p></div>"
        "<button class='toggle'>Continue reading</button></div>"
        "<div class='modal' style='display:none'><p>Sign in to your account to save "
        "articles for later and to get our daily briefing by email, every morning.</p></div>"
        "<ul class='menu' hidden><li>Sections</li><li>Weather</li></ul></article>"
    )
    for body in (ours(html), process_alone(html).body):
        positions = [body.index(SENTENCES[i]) for i in range(12)]
        assert positions == sorted(positions)
        assert "Sign in" not in body and "Weather" not in body


#: text of boxes that are not the article, longer than it
BOX_SENTENCES = [
    "Our partners, advertisers and vendors may use, store, combine or share this data.",
    "You can change your choices at any time, on any page, in the settings at the bottom.",
    "Some partners process data on the basis of legitimate interest, which you can refuse.",
    "Details, lists of vendors, retention periods and purposes are listed in our notice.",
    "Choices apply to this site, its apps, its newsletters and its partner services.",
    "Withdrawing consent, objecting or complaining is possible, at any time, by email.",
    "Data may be transferred outside the region, with safeguards, as the law requires.",
    "Questions, comments and requests, of any kind, go to our data protection officer.",
]


def box_text(count: int = 8) -> str:
    return "".join(f"<p>{s} {s}</p>" for s in BOX_SENTENCES[:count])


BOXES = {
    "consent dialog": (
        "<div id='privacy-prompt' role='dialog' aria-label='Privacy choices'>"
        f"<h2>We value your privacy</h2>{box_text()}<button>Accept all</button></div>"
    ),
    "newsletter modal": (
        "<div class='newsletter-modal' aria-modal='true'><h2>Get the morning briefing</h2>"
        f"{box_text()}<input type='email'><button>Sign up</button></div>"
    ),
    "login modal": (
        f"<div class='login-panel'><h2>Welcome back</h2>{box_text()}"
        "<input type='password'><button>Log in</button></div>"
    ),
    "author bio": (
        f"<div class='author-box'><img src='jane.jpg'><h3>Jane Roe</h3>{box_text()}</div>"
    ),
    "rating widget": f"<div class='rating-widget'><h3>Rate this story</h3>{box_text()}</div>",
    "comment thread": (
        "<section class='discussion'><h3>42 comments</h3><ol class='comment-list'>"
        + "".join(
            f"<li class='comment'><div class='comment-body'><p>{s} {s}</p></div></li>"
            for s in BOX_SENTENCES
        )
        + "</ol></section>"
    ),
    "product box": (
        f"<div class='product-box'><h3>CityRider 3000 e-bike</h3>{box_text()}"
        "<span class='price'>$1,299</span><a href='https://shop.example/buy'>Buy now</a></div>"
    ),
}


@pytest.mark.parametrize("kind", list(BOXES))
def test_a_longer_box_is_not_taken_for_the_shorter_article(kind: str, process_alone) -> None:
    html = page(
        f"<div class='story'><h1>Bus network expands</h1>{article_paragraphs(3)}</div>{BOXES[kind]}"
    )
    for body in (ours(html), process_alone(html).body):
        for i in range(6):
            assert SENTENCES[i] in body
        for sentence in BOX_SENTENCES:
            assert sentence not in body


WRAPPERS = [
    "<div class='post-content has-comments'>",
    "<div class='widget-area'>",
    "<div class='promo-layout share-enabled'>",
    "<div id='sidebar-right-layout'>",
    "<div class='modal-ready hidden-print'>",
]


@pytest.mark.parametrize("wrapper", WRAPPERS)
def test_a_class_word_does_not_prune_the_article_wrapper(wrapper: str, process_alone) -> None:
    """The wrapper holds the page's paragraphs; reader comments and a sidebar add more
    paragraph text elsewhere, so "most of the page's prose" alone would not save it."""
    html = page(
        f"<h1>Bus network expands</h1>{wrapper}{article_paragraphs(5)}</div>"
        "<div id='comments' class='comments-area'>"
        + "".join(f"<div class='comment'><p>{s} {s}</p></div>" for s in BOX_SENTENCES)
        + "</div>"
    )
    for body in (ours(html), process_alone(html).body):
        for i in range(10):
            assert SENTENCES[i] in body
        for sentence in BOX_SENTENCES:
            assert sentence not in body


def test_article_inside_an_unclosed_header_button_is_found(process_alone) -> None:
    html = page(
        "<div class='shell'><button class='menu-toggle'>Menu<div class='icon'></div>"
        f"<main><h1>Bus network expands</h1>{article_paragraphs()}</main></div>"
    )
    assert "<button class='menu-toggle'>" in html
    for body in (ours(html), process_alone(html).body):
        for i in range(10):
            assert SENTENCES[i] in body


def test_article_in_streamed_hidden_chunks_is_found(process_alone) -> None:
    """React streaming: the shell shows a skeleton, the article arrives in
    `<div hidden id="S:n">` chunks that a script moves into place."""
    chunks = "".join(
        f"<div hidden id='S:{i}'><p>{para(4 * i)}</p><p>{para(4 * i + 2)}</p></div>"
        for i in range(3)
    )
    html = page(
        "<main><h1>Bus network expands</h1><div id='B:0'><p>Loading…</p></div></main>"
        f"<aside><p>{' '.join(BOX_SENTENCES[:4])}</p></aside>{chunks}"
        "<script>$RC('B:0','S:0')</script>"
    )
    for body in (ours(html), process_alone(html).body):
        for i in range(12):
            assert SENTENCES[i] in body


# ---------------------------------------------------------------- scripts without spaces

ZH = [
    "市议会周二投票决定扩大城市公交网络。",
    "新线路将服务东部边缘的社区，官员说。",
    "司机将在冬季招聘，培训从一月开始。",
    "所有人的票价保持不变，委员会确认。",
    "居民多年来一直要求开通夜间服务。",
]
JA = [
    "市議会は火曜日、バス路線の拡大を決めた。",
    "新しい路線は東部の住宅地を結ぶという。",
    "運転手は冬の間に採用され、研修は一月から。",
    "運賃は全員据え置きと委員会が確認した。",
    "住民は長年、夜間の運行を求めていた。",
]
HE = [
    "מועצת העיר הצביעה ביום שלישי על הרחבת רשת האוטובוסים בארבעה קווים.",
    "הקווים החדשים ישרתו את השכונות בקצה המזרחי של העיר, כך נמסר.",
    "נהגים יגויסו במהלך החורף, וההכשרה תתחיל בינואר.",
    "המחיר נשאר זהה לכולם, כך אישרה ועדת התחבורה.",
    "התושבים ביקשו שירותי ערב במשך שנים, לפי הסקר.",
]


def script_page(sentences: list[str], lang: str, direction: str = "ltr") -> str:
    return (
        f"<html lang='{lang}' dir='{direction}'><head><title>{sentences[0][:8]}</title>"
        "</head><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<div class='story'><h1>{sentences[0][:8]}</h1>"
        + "".join(f"<p>{s}</p>" for s in sentences)
        + "</div><div class='site-info'><p>City Times is an independent newspaper, "
        "founded in 1921, published daily.</p></div></body></html>"
    )


@pytest.mark.parametrize(
    "sentences, lang, direction", [(ZH, "zh", "ltr"), (JA, "ja", "ltr"), (HE, "he", "rtl")]
)
def test_five_paragraphs_in_any_script_give_the_whole_body(
    sentences: list[str], lang: str, direction: str, process_alone
) -> None:
    html = script_page(sentences, lang, direction)
    result = extract_page(html, URL)
    body = ours(html)
    for s in sentences:
        assert s in body
    assert "independent newspaper" not in body
    assert not second_opinion.doubtful(body, result.prose_words, min_chars=80)
    article = process_alone(html)
    for s in sentences:
        assert s in article.body


def test_a_han_character_counts_as_a_word() -> None:
    assert word_count("".join(ZH)) >= 70  # 78 characters, 9 punctuation
    assert word_count("東京タワー is tall") == 7
    page_prose = second_opinion.prose_words(lxml.html.fromstring(script_page(ZH, "zh")))
    assert page_prose >= second_opinion.MIN_PROSE_WORDS


def test_a_chinese_page_whose_blocks_miss_the_text_gets_a_second_opinion() -> None:
    """With `\\w+` runs, a Chinese page's prose looked like a handful of words: under
    MIN_PROSE_WORDS, so a wrong container was never second-guessed."""
    html = script_page(ZH * 3, "zh")
    article = stages.extract(
        Article(url=URL, source="test", html=html, fetched_at=datetime.now(UTC))
    )
    assert article.prose_words >= 3 * second_opinion.MIN_PROSE_WORDS
    assert second_opinion.doubtful(ZH[0] * 6, article.prose_words, min_chars=80)
