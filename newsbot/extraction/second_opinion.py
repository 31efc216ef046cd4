"""A second extractor's body, asked for only when our own looks like the wrong part of the page.

newsbot's container choice is precise but, on real pages, sometimes picks one chunk of
an article (a page builder splits it in widgets), an intro box, or nothing at all
(every paragraph pruned). trafilatura fails on other pages, in other ways (it keeps
more furniture). Neither beats the other everywhere, so the body is chosen per page:

1. `doubtful`: our cleaned body holds less than half of the prose (`<p>` words) on
   the page, or too little text to be an article. Only then is the second extractor
   run (about one page in five on real pages), which keeps the median cost near ours.
2. `choose`: the second body replaces ours when ours is clearly shorter (under
   `SHORTER` of its words). When both hold about the same text, ours is kept: it
   is cleaner on the pages where both find the article (measured on real pages).

The second body goes through the same text-level cleaning as ours
(`boilerplate.clean`), so "Share this", bylines and read-also lines stay out either
way, and it comes in the same shape: paragraphs split by blank lines, tables one row a
line with ` | ` between cells, lists one item a line.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from lxml import etree

from newsbot.extraction.html import text_size
from newsbot.extraction.html import word_count as _word_count
from newsbot.items import Block

log = logging.getLogger(__name__)

#: our body with less than this share of the page's prose words is doubtful
PROSE_SHARE = 0.5
#: the second body wins when ours has fewer than this share of its words
SHORTER = 0.7
#: prose words below which a page never needs a second opinion (nothing to find)
MIN_PROSE_WORDS = 40
_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}")


def prose_words(tree: etree._Element) -> int:
    """Words in the page's `<p>` elements: how much running text the page holds."""
    total = 0
    for p in tree.iter("p"):
        try:
            total += _word_count(p.text_content())
        except ValueError:  # lxml on odd nodes
            continue
    return total


def doubtful(body: str | None, page_prose: int, *, min_chars: int) -> bool:
    """Is our body likely not the article (too little of the page's prose, or none)?"""
    if text_size(body) < min_chars:  # Han/kana characters weigh more (html.text_size)
        return True
    if page_prose < MIN_PROSE_WORDS:
        return False
    return _word_count(body) < PROSE_SHARE * page_prose


@dataclass
class Choice:
    body: str
    #: "newsbot" or "trafilatura": which extractor's text was kept
    by: str


def choose(own: str, other: str) -> Choice:
    """Keep ours unless the other holds clearly more of the text."""
    if other and _word_count(own) < SHORTER * _word_count(other):
        return Choice(other, "trafilatura")
    return Choice(own, "newsbot")


def trafilatura_blocks(html: str, url: str | None) -> list[Block]:
    """trafilatura's main text as Blocks (never raises: an empty list on failure)."""
    try:
        import trafilatura

        text = trafilatura.extract(
            html, url=url or None, include_comments=False, include_tables=True
        )
    except Exception as exc:  # a library bug must not cost us the page
        log.debug("trafilatura failed on %s: %s", url, exc)
        return []
    return text_blocks(text or "")


def text_blocks(text: str) -> list[Block]:
    """trafilatura's plain text → Blocks of newsbot's shape (tables: `a | b` rows)."""
    blocks: list[Block] = []
    table: list[str] = []

    def flush_table() -> None:
        if table:
            blocks.append(Block("\n".join(table), "table"))
            table.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("|"):
            if not _TABLE_RULE.match(line):
                cells = [c.strip() for c in line.strip("|").split("|")]
                row = " | ".join(c for c in cells if c)
                if row:
                    table.append(row)
            continue
        flush_table()
        if line.startswith("- "):
            blocks.append(Block(line[2:].strip(), "li"))
        else:
            blocks.append(Block(line, "p"))
    flush_table()
    return blocks
