"""boilerplate.clean on real extractions of saved pages, and on hand-made blocks."""

from __future__ import annotations

from pathlib import Path

from newsbot import boilerplate
from newsbot.extraction import extract_page
from newsbot.items import Block

PAGES = Path(__file__).parent / "pages"


def cleaned(name: str) -> boilerplate.Cleaned:
    ex = extract_page((PAGES / name).read_text(encoding="utf-8"), "https://example.org/a")
    return boilerplate.clean(ex.blocks, title=ex.title, language=ex.language)


def assert_in_order(body: str, parts: list[str]) -> None:
    pos = -1
    for part in parts:
        found = body.find(part)
        assert found > pos, f"{part!r} missing or out of order"
        pos = found


def test_wordpress_jetpack_repost() -> None:
    c = cleaned("wordpress_repost.html")
    assert_in_order(
        c.body,
        [
            "The Serbs begin to build barricades",
            "Military clashes began on the border between Serbia and Kosovo / photo",
            "On Sunday, July 31, armed clashes began in Mitrovica",
            "It is reported by the Jerusalem Post.",
            "Serbian President Aleksandar Vučić",
            "Barricades near the bridge",
            "About 200 Albanians gathered",
            "The reason for the dissatisfaction",
            "(C)UNIAN 2022",
        ],
    )
    assert c.body.count("Military clashes began on the border between Serbia and Kosovo") == 1
    assert not c.body.startswith("Shots and siren")  # the title is not repeated
    for junk in (
        "Liked by",
        "Like this",
        "Loading",
        "Share this",
        "Leave a Reply",
        "commenting using",
        "Fill in your details",
        "Connecting to",
        "Notify me",
        "Akismet",
        "I can’t agree",
        "Recent Posts",
        "WordPress.com",
    ):
        assert junk not in c.body, junk
    assert c.body.endswith("(C)UNIAN 2022")
    assert c.credited_source == "UNIAN"
    assert len(c.comments) == 1
    assert c.comments[0].startswith("I can’t agree with you guys.")
    assert any(reason == "comment_chrome" for _, reason in c.removed)


def test_disqus_page() -> None:
    c = cleaned("disqus.html")
    assert_in_order(c.body, ["Nach vier Jahren", "Die Brücke verbindet", "Die Kosten lagen"])
    assert "Disqus" not in c.body
    assert "Lesen Sie auch" not in c.body
    assert c.comments == []


def test_blogger_page() -> None:
    c = cleaned("blogger.html")
    assert_in_order(c.body, ["Garlic is one of", "Set each clove", "By July the leaves"])
    for junk in ("Post a Comment", "Newer Post", "Older Post", "Labels", "Posted by", "Atom"):
        assert junk not in c.body, junk
    assert c.comments == [
        "Thanks, I planted mine last weekend. Do you water them over winter at all?",
        "Straw worked wonders for me too, no weeding at all until May.",
    ]


def test_facebook_comments_page() -> None:
    c = cleaned("facebook_comments.html")
    assert_in_order(c.body, ["Le traditionnel marché", "Cette année", "Les navettes gratuites"])
    assert "lire aussi" not in c.body
    assert "Commentaires" not in c.body and "Add a comment" not in c.body
    assert c.comments == ["Super nouvelle, on y va tous les ans avec les enfants !"]


def test_cookie_banner_share_bar_related_links() -> None:
    c = cleaned("cookie_share_related.html")
    assert_in_order(
        c.body,
        [
            "The city council voted seven to two",
            "Supporters said",
            "once-in-a-generation change",
            "Main Street: 4 km",
            "River Road: 3 km",
            "Construction on the first section",
        ],
    )
    for junk in ("cookie", "Accept", "Facebook", "Read more", "newsletter", "Related", "Bus fares"):
        assert junk.lower() not in c.body.lower(), junk
    assert c.credited_source is None


def test_jsonld_page_read_also_in_ukrainian() -> None:
    c = cleaned("jsonld_graph.html")
    assert c.body.startswith("Кабінет міністрів схвалив програму")
    assert "Читайте також" not in c.body
    assert "Уряд схвалив нову програму" not in c.body  # the repeated headline


def test_no_article_pages_give_short_bodies() -> None:
    for name in ("listing.html", "error404.html"):
        assert len(cleaned(name).body) < 80, name


def test_text_rules_on_plain_blocks() -> None:
    blocks = [
        Block("My headline", kind="h"),
        Block("First paragraph of the story, long enough to be real text."),
        Block("Photo: a bridge", kind="caption"),
        Block("The bridge at night, seen from the river bank"),
        Block("The bridge at night, seen from the river bank"),
        Block("Read also: Something else happened"),
        Block("Читайте также: Другая новость"),
        Block("Liked by 12 people"),
        Block("Loading..."),
        Block("comments powered by Disqus"),
        Block("Post a Comment"),
        Block("Newer Post Older Post Home"),
        Block("This website uses cookies to ensure you get the best experience."),
        Block("Wir verwenden Cookies, um unsere Website zu verbessern."),
        Block("Sign up for our newsletter and get the best stories every morning"),
        Block("Last paragraph."),
        Block("Source: Reuters"),
        Block("A reader's comment", context="comments comment-content"),
    ]
    c = boilerplate.clean(blocks, title="My headline")
    assert c.body == (
        "First paragraph of the story, long enough to be real text.\n\n"
        "The bridge at night, seen from the river bank\n\nLast paragraph.\n\nSource: Reuters"
    )
    assert c.credited_source == "Reuters"
    assert c.comments == ["A reader's comment"]
    assert ("My headline", "title") in c.removed
    assert "Photo: a bridge" in {text for text, _reason in c.removed}  # a caption, a credit
    assert ("The bridge at night, seen from the river bank", "duplicate") in c.removed


def test_credit_lines() -> None:
    assert boilerplate.credit_of("(C)UNIAN 2022") == "UNIAN"
    assert boilerplate.credit_of("© Reuters") == "Reuters"
    assert boilerplate.credit_of("via AP") == "AP"
    assert boilerplate.credit_of("Источник: ТАСС") == "ТАСС"
    assert boilerplate.credit_of("The source said the talks would resume on Monday.") is None
    assert boilerplate.credit_of("© 2024") is None


def test_bylines_and_datelines_are_not_body() -> None:
    for text in (
        "Author: Olena Marchenko 31 July 2022, 19:40 Updated: 31 July 2022, 21:15",
        "By Jane Doe and John Roe",
        "Posted on August 1, 2022 by Jelena Kostić",
        "Published 12.03.2021, 10:15",
        "Updated 1:39 am EST, Wednesday, November 20, 2019",
        "Von Anna Schmidt, 12. März 2022, 14:30 Uhr",
        "Publié le 3 août 2022 à 10:15",
        "Автор: Олена Коваль",
        "Опубліковано: 3 серпня 2022, 12:40",
    ):
        assert boilerplate.is_byline(text), text
    for text in (
        "(C)KYIV WIRE 2022",
        "By Monday, all schools reopen.",
        "Kosovo: The Border And The Bridge",
        "Main Street: 4 km of lanes by next summer",
        "Air raid rules still apply",
        "Source: Reuters",
    ):
        assert not boilerplate.is_byline(text), text


def test_byline_paragraph_inside_the_article_text() -> None:
    paragraph = "The ferry will leave fifteen minutes earlier on weekdays, the operator said. " * 3
    html = (
        "<html><body><article><h1>Ferry times</h1><div>"
        "<p>Author: Mira Holm 31 July 2022, 19:40 Updated: 31 July 2022, 21:15</p>"
        f"<p>{paragraph}</p><p>{paragraph}</p></div></article></body></html>"
    )
    ex = extract_page(html, "https://harbour.example/ferry")
    c = boilerplate.clean(ex.blocks, title=ex.title)
    assert c.body.startswith("The ferry will leave")
    assert "Mira Holm" not in c.body


def test_demo_agency_articles_carry_no_byline_in_body() -> None:
    demo = Path(__file__).resolve().parent.parent / "newsbot" / "demo" / "site" / "agency"
    pages = sorted(demo.glob("news/2022/**/*.html"))
    assert len(pages) == 8
    for path in pages:
        ex = extract_page(path.read_text(encoding="utf-8"), "http://kyivwire.example/x")
        body = boilerplate.clean(ex.blocks, title=ex.title).body
        for author in ex.authors:
            assert author not in body, path.name
        for label in ("Author:", "Updated:", "July 2022, "):
            assert label not in body, (path.name, label)


def test_repeated_structure_stays_lone_repeats_go() -> None:
    def p(text: str) -> Block:
        return Block(text, "p", "entry-content", 0.0)

    blocks = [
        p("Plan A starts with a long walk every morning, before breakfast."),
        Block("Breakfast", "h", "entry-content", 0.0),
        p("Eat within an hour of waking up"),
        p("Oats, berries and a spoon of nut butter"),
        p("Plan B starts with a swim three times a week, before work."),
        Block("Breakfast", "h", "entry-content", 0.0),
        p("Eat within an hour of waking up"),
        p("Oats, berries and a spoon of nut butter"),
        p("The lone paragraph printed twice by the template, once too many."),
        p("Some closing words about both plans and how to choose one."),
        p("The lone paragraph printed twice by the template, once too many."),
    ]
    c = boilerplate.clean(blocks, title=None)
    paragraphs = c.body.split("\n\n")
    # a repeated run (a menu repeated with variations) is the article's structure
    assert paragraphs.count("Eat within an hour of waking up") == 2
    assert paragraphs.count("Oats, berries and a spoon of nut butter") == 2
    # one paragraph printed twice, on its own, is a template's repeat
    lone = "The lone paragraph printed twice by the template, once too many."
    assert paragraphs.count(lone) == 1
    # a question asked of every interviewee comes back three times or more
    q = "What inspired you to start cooking?"
    blocks = [p(q), p("My grandmother, mostly."), p(q), p("A trip to Lisbon."), p(q), p("Hunger.")]
    assert boilerplate.clean(blocks, title=None).body.split("\n\n").count(q) == 3


def test_a_passage_rendered_twice_is_kept_once() -> None:
    """Tabs and responsive layouts print the whole article (or a long part) again."""
    facts = [
        "Remodelling a kitchen in the valley costs between 40 and 90 thousand dollars",
        "Cosmetic updates such as paint and fixtures are the cheapest kind of project",
        "Moving walls or plumbing needs permits and an engineer's drawings first",
        "Most owners spend about a tenth of the home's value on the whole renovation",
        "Contractors book up in spring, so quotes are best gathered over the winter",
    ]
    passage = [Block("Costs by project", "h", "entry-content", 0.0)] + [
        Block(
            f"{fact}, and the survey of {n * 40} owners found the same again this year; "
            f"builders we asked agreed, and the county's figures for permits say so too.",
            "li" if n % 2 else "p",
            "entry-content",
            0.0,
        )
        for n, fact in enumerate(facts * 3)
    ]
    c = boilerplate.clean(passage + passage + passage, title=None)
    paragraphs = c.body.split("\n\n")
    for block in passage:
        if block.kind != "h":
            assert paragraphs.count(block.text) == 1
    # a plan that repeats its warm-up lines among new ones keeps every one of them
    warm = Block("Warm up: ten minutes of easy jogging, then running drills.", "li", "", 0.0)
    cool = Block("Cool down: ten minutes of easy jogging in zone two.", "li", "", 0.0)
    plan = []
    for week in range(4):
        plan += [
            warm,
            Block(f"Week {week}: {week + 3} intervals of one mile at tempo.", "li"),
            cool,
        ]
    assert boilerplate.clean(plan, title=None).body.split("\n\n").count(warm.text) == 4


def test_links_are_a_link_list_only_among_links() -> None:
    def b(text: str, kind: str = "p", links: float = 0.0) -> Block:
        return Block(text, kind, "entry-content", links)

    prose = "The grinder is quiet, holds its setting and costs less than most rivals."
    blocks = [
        b("1. Baratza Encore ESP", "h", 1.0),  # a roundup links each product's name
        b(prose),
        b("Visit the maker's site to read the full manual before you buy.", links=1.0),
        b("It ships with two hoppers and a brush, and the burrs last for years."),
        b("Get the recipe", links=1.0),  # a lone button
        b("The kitchen was quiet for the first time in weeks, and the coffee was good."),
        b("BARISTA CHAMPION OPENS HER FIRST CAFE IN THE OLD HARBOUR", links=1.0),  # a teaser
        b("More from our kitchen team and the rest of the site today."),
        b("Best espresso machines", "li", 1.0),  # a run of links: a link list
        b("Best milk frothers", "li", 1.0),
        b("Best coffee scales", "li", 1.0),
    ]
    body = boilerplate.clean(blocks, title=None).body
    assert "1. Baratza Encore ESP" in body
    assert "Visit the maker's site" in body
    assert "Get the recipe" not in body
    assert "BARISTA CHAMPION" not in body
    assert "Best milk frothers" not in body


def test_site_copyright_and_closing_small_print_stay_out() -> None:
    article = [
        Block(f"Paragraph {i} of the article about pension rules and their reform.", "p")
        for i in range(8)
    ]
    blocks = [
        *article,
        Block(
            "This material is for informational purposes only and is not a substitute for "
            "the advice of a qualified advisor.",
            "p",
        ),
        Block("Copyright © 2023 Harbour Advisors, Inc. All Rights Reserved.", "p"),
    ]
    c = boilerplate.clean(blocks, title=None)
    assert "informational purposes" not in c.body
    assert "All Rights Reserved" not in c.body
    assert all(b.text in c.body for b in article)
    # an agency credit line is still read as a credit, not dropped as a copyright line
    credit = boilerplate.clean([*article, Block("(C)UNIAN 2022", "p")], title=None)
    assert credit.credited_source == "UNIAN"


def test_a_disclaimer_phrase_early_in_the_article_is_its_text() -> None:
    first = Block(
        "The agency said the guidance does not constitute an endorsement of any product, "
        "and the story of how it was written is the subject of this piece.",
        "p",
    )
    blocks = [first] + [
        Block(f"Paragraph {i} on how the guidance came to be.", "p") for i in range(8)
    ]
    assert first.text in boilerplate.clean(blocks, title=None).body


def test_small_print_closing_a_short_page_goes_even_before_a_footer_line() -> None:
    article = [
        Block("A good safety program screens every renter before the keys change hands.", "p"),
        Block("Key topics discussed in the guide include:", "p"),
    ]
    small_print = [
        Block(
            "This material is not intended to replace the advice of a qualified advisor. It "
            "is for informational purposes only and is not guaranteed as to accuracy.",
            "p",
        ),
        Block(
            "Products and services referenced are for general information only. Always "
            "consult a qualified advisor prior to purchasing.",
            "p",
        ),
    ]
    body = boilerplate.clean([*article, *small_print, Block("Our Solutions", "p")], title=None).body
    assert all(b.text in body for b in article)
    assert not any(b.text in body for b in small_print)
