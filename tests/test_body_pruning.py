"""Pruning by class words must not take the article's own parts with it.

Utility-first CSS names table cells "font-utility-2" or "text-share-sm": a word of
the furniture vocabulary in a styling class. Rows and cells are never pruned for
their class; a whole table still is judged as one element.
"""

from __future__ import annotations

from newsbot.extraction import extract_page

ROWS = [
    ("Week 1", "Rest", "Walk and run easy for twenty minutes"),
    ("Week 2", "Speed play", "Thirty minutes easy with four short hard bursts"),
    ("Week 3", "Long run", "Ninety minutes at an easy conversational pace"),
]

PROSE = (
    "<p>This plan takes a beginner from the couch to a marathon in twenty-four weeks, "
    "with three runs a week and rest days between them.</p>"
    "<p>Each week builds on the last, and every fourth week is lighter so the body can "
    "adapt to the growing distance without injury.</p>"
)


def table(cell_class: str) -> str:
    rows = "".join(
        "<tr>" + "".join(f"<td class='{cell_class}'><span>{c}</span></td>" for c in r) + "</tr>"
        for r in ROWS
    )
    return f"<table class='plan'><tbody>{rows}</tbody></table>"


def body_of(html: str) -> str:
    return "\n".join(b.text for b in extract_page(html, url="https://run.example/plan").blocks)


def page(inner: str) -> str:
    return (
        "<html><head><title>Marathon plan</title></head><body><main><article>"
        f"<h1>Couch to marathon</h1>{PROSE}{inner}{PROSE.replace('plan', 'schedule')}"
        "</article></main></body></html>"
    )


def test_table_cells_with_a_furniture_word_in_a_styling_class_stay() -> None:
    text = body_of(page(table("border-b font-utility-2 whitespace-normal")))
    for cells in ROWS:
        assert " | ".join(cells) in text  # one row a line, cells split by bars


def test_a_share_bar_table_is_still_pruned_as_a_whole() -> None:
    bar = (
        "<table class='share-bar'><tr><td>Share this plan with a friend who runs</td>"
        "<td>Print this plan for the fridge door</td></tr></table>"
    )
    text = body_of(page(bar))
    assert "Share this plan" not in text
    assert "twenty-four weeks" in text
