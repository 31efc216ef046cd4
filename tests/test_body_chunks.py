"""Articles split into chunks: page-builder rows and guides whose text is half lists.

Page builders (Divi, Elementor, block themes) put every paragraph group in its own
row > column > module > text box, with image and heading rows between them; guides
put half their words in lists and headings. The best-scoring chunk then holds a
fraction of the article, and the container choice must climb to the one that holds
them all, without taking the sidebar or the teaser grid along.
"""

from __future__ import annotations

from newsbot.extraction import extract_page

SENTENCES = [
    "Hot-swap sockets let a keyboard take new switches without any soldering at all.",
    "Each socket is a small spring contact that grips the two metal pins of a switch.",
    "Three-pin sockets fit plate-mounted switches, five-pin ones fit board-mounted ones.",
    "Pulling a switch needs a cheap tool and a little patience, nothing more than that.",
    "Magnetic switches measure the distance of a magnet instead of closing a contact.",
    "Repairs get simple: a broken switch is pulled out and a new one pushed in its place.",
    "Typists try linear, tactile and clicky switches on one board before they choose.",
    "Lubricated switches sound softer, and some owners lube every switch by hand.",
]


def para(i: int) -> str:
    return f"<p>{SENTENCES[i % len(SENTENCES)]} {SENTENCES[(i + 3) % len(SENTENCES)]}</p>"


def row(n: int, inner: str, extra: str = "") -> str:
    """One page-builder row: row > column > module > text box (and other modules)."""
    return (
        f"<div class='pb_row pb_row_{n}'><div class='pb_column pb_column_{n}'>"
        f"<div class='pb_module pb_text pb_text_{n}'><div class='pb_text_inner'>{inner}"
        f"</div></div>{extra}</div></div>"
    )


def items(start: int) -> str:
    return (
        "<ul>" + "".join(f"<li>{SENTENCES[(start + i) % 8][:50]}</li>" for i in range(4)) + "</ul>"
    )


SIDEBAR = (
    "<div class='pb_column pb_column_side'><h3>Popular</h3><ul>"
    + "".join(
        f"<li><a href='/post-{i}'>Popular post number {i} about keyboards</a></li>"
        for i in range(8)
    )
    + "</ul></div>"
)


def builder_page() -> str:
    rows = [
        row(1, "<h1>What is a hot-swappable keyboard?</h1>"),
        row(2, para(0) + para(1)),
        row(3, "<h2>How sockets work</h2>" + para(2) + items(0) + "<p>Short note.</p>"),
        row(4, "<img src='/socket.jpg' alt=''><p>Figure 1</p>"),
        row(
            5,
            "<h2>Why choose one</h2>" + para(4) + para(3) + items(2) + para(5),
            "<div class='pb_module pb_divider'>Updated 11 July 2025, six minutes</div>",
        ),
        row(6, "<span>Posted July 2025</span>"),
        row(7, "<h2>Conclusion</h2>" + para(6) + para(7)),
    ]
    return (
        "<html><head><title>Hot-swap keyboards</title></head><body>"
        "<header><nav><a href='/'>Home</a> <a href='/shop'>Shop</a></nav></header>"
        "<main><div class='container'><div class='pb_section pb_section_0'>"
        + "".join(rows)
        + "</div>"
        + SIDEBAR
        + "</div></main><footer><p>Copyright Keyboard Shop</p></footer></body></html>"
    )


def body_text(html: str) -> str:
    return "\n".join(b.text for b in extract_page(html, url="https://shop.example/blog/x").blocks)


def test_every_row_of_a_page_builder_article_is_in_the_body() -> None:
    text = body_text(builder_page())
    for sentence in SENTENCES:
        assert sentence in text
    assert "Why choose one" in text


def block(i: int) -> str:
    """A block theme wraps every paragraph in a block of its own."""
    return f"<div class='block-paragraph'>{para(i)}</div>"


def test_a_guide_whose_sections_are_mostly_lists_is_whole() -> None:
    sections = "".join(
        f"<section class='steps'><h2>Step {i}</h2>{block(i)}{items(i)}{items(i + 1)}"
        f"<h3>Checklist</h3>{items(i + 2)}</section>"
        for i in range(5)
    )
    html = (
        "<html><head><title>Guide</title></head><body><div id='app'><main>"
        f"<article><section class='intro'>{block(6)}<p>May 20, 2025</p></section>"
        f"<div class='columns'><div class='column'>{block(7)}{block(1)}{block(3)}</div>"
        f"<div class='column'>{block(2)}</div></div>{sections}</article>"
        "</main></div></body></html>"
    )
    text = body_text(html)
    for i in range(5):
        assert f"Step {i}" in text
    assert SENTENCES[6] in text
