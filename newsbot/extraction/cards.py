"""Card grids: runs of sibling elements built alike, each a small picture-or-headline card.

Shop category pages, news and blog fronts, podcast and course catalogues show their
content as a grid of cards: sibling elements with the same tag and class, each
linking to its own page, each holding little text (a title, a price, a date, a
line of summary) and either a picture or a linked headline. An article may carry
such a grid too (related posts, "more from the shop"), but beside its own long run
of paragraphs; `pagetype` weighs the two.

Lists of plain links (menus, reference lists, changelogs) are not cards: a card
has a picture or a linked heading. Nor are comment threads: a card's links carry
a good part of its text.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from newsbot.extraction.html import HEADINGS
from newsbot.extraction.html import text_of as _text

#: fewer siblings than this are not a grid (a row of three cards is one)
MIN_CARDS = 3
#: a card longer than this (characters) is content, not a card
MAX_CARD = 1200
#: the median card of a grid is no longer than this
MAX_MEDIAN = 600
#: share of the grid's members that must link to a page of their own (distinct targets)
LINKED_SHARE = 0.7
#: share of the grid's text inside links: titles are links, a comment's words are not
MIN_LINK_SHARE = 0.15
#: share of the grid's members with a picture or a linked heading
RICH_SHARE = 0.6
#: share of the grid's members showing a price for the grid to be a shop's tiles
PRICED_SHARE = 0.6
#: a price: a currency sign or code beside an amount ("$24.99", "24,99 €", "USD 120")
_PRICE = re.compile(
    r"(?:[$€£¥₹₽₴]|\b(?:USD|EUR|GBP|CHF|CAD|AUD|kr|zł|Rs\.?))\s?\d[\d.,\s]*"
    r"|\d[\d.,]*\s?(?:[$€£¥₹₽₴]|\b(?:USD|EUR|GBP|CHF|zł|kr|руб|грн)\b)"
)

_WS = re.compile(r"\s+")
_DIGIT = re.compile(r"\d")
_HEADINGS = tuple(sorted(HEADINGS))
#: class tokens that mark one card among equals (ignored when comparing siblings)
_STATE = {"first", "last", "odd", "even", "active", "current", "selected", "featured"}
#: never a card, never a grid
_SKIP = {"script", "style", "noscript", "template", "br", "option", "a", "span", "p", "img"}
_NOT_PARENT = {"head", "script", "style", "select", "p", "a", "span", "noscript"}


@dataclass
class Grids:
    #: the cards (only the innermost grid of nested ones)
    cards: tuple[etree._Element, ...] = ()
    #: characters of text in them; a card that is a bare headline link counts half (as
    #: `pagetype` counts bare teasers): a "latest" box of links is weak evidence
    chars: int = 0
    #: cards in grids where most cards show a price: a shop's product tiles
    priced: int = 0


def _signature(el: etree._Element) -> tuple[str, frozenset[str]]:
    classes = (el.get("class") or "").lower().split()
    return el.tag, frozenset(c for c in classes if c not in _STATE and not _DIGIT.search(c))


def _target(card: etree._Element) -> str | None:
    for a in card.iter("a"):
        href = (a.get("href") or "").strip()
        if href and not href.startswith(("#", "javascript:", "mailto:", "tel:")):
            return href.split("#", 1)[0]
    return None


def _real_link(a: etree._Element) -> bool:
    href = (a.get("href") or "").strip()
    return bool(href) and not href.startswith(("#", "javascript:"))


def _pictured(card: etree._Element) -> bool:
    return card.find(".//img") is not None or card.find(".//picture") is not None


def _rich(card: etree._Element) -> bool:
    """A picture, or a heading that is (or holds) a link to somewhere."""
    if _pictured(card):
        return True
    for h in card.iter(*_HEADINGS):
        if any(_real_link(a) for a in h.iter("a")):
            return True
        parent = h.getparent()
        if parent is not None and parent.tag == "a" and _real_link(parent):
            return True
    return False


def card_grids(
    body: etree._Element, furniture: Callable[[etree._Element], bool] = lambda el: False
) -> Grids:
    """Every grid of cards on the page (see the module docstring); nested grids count once.

    `furniture(parent)` says a grid's parent is site furniture (menus, sidebars): skipped.
    """
    grids: list[tuple[list[etree._Element], int, int]] = []
    for parent in body.iter():
        if not isinstance(parent.tag, str) or parent.tag in _NOT_PARENT or len(parent) < MIN_CARDS:
            continue
        groups: dict[tuple[str, frozenset[str]], list[etree._Element]] = defaultdict(list)
        for child in parent:
            if isinstance(child.tag, str) and child.tag not in _SKIP:
                groups[_signature(child)].append(child)
        for kids in groups.values():
            if len(kids) >= MIN_CARDS:
                grid = _grid(kids)
                if grid and not furniture(parent):
                    grids.append(grid)
    if not grids:
        return Grids()
    # a grid whose cards hold other cards is a layout wrapper: keep the inner grid
    members = {k for kids, _, _ in grids for k in kids}
    wrappers: set[etree._Element] = set()
    for m in members:
        for anc in m.iterancestors():
            if anc in wrappers:
                break
            wrappers.add(anc)
    out = Grids()
    cards: list[etree._Element] = []
    for kids, chars, priced in grids:
        if any(k in wrappers for k in kids):
            continue
        cards.extend(kids)
        out.chars += chars
        if priced >= PRICED_SHARE * len(kids):
            out.priced += len(kids)
    out.cards = tuple(cards)
    return out


def _grid(kids: list[etree._Element]) -> tuple[list[etree._Element], int, int] | None:
    """The cards among `kids` (siblings alike), their characters and how many show a price."""
    targets = [_target(k) for k in kids]
    linked = [t for t in targets if t]
    if len(linked) < LINKED_SHARE * len(kids) or len(set(linked)) < LINKED_SHARE * len(linked):
        return None
    texts = [_text(k) for k in kids]
    pairs = [(k, len(t)) for k, t in zip(kids, texts, strict=True) if len(t) <= MAX_CARD]
    priced = sum(1 for t in texts if len(t) <= MAX_CARD and _PRICE.search(t))
    if len(pairs) < MIN_CARDS:
        return None
    lengths = sorted(n for _, n in pairs)
    median = lengths[len(lengths) // 2]
    if not 10 <= median <= MAX_MEDIAN:
        return None
    cards = [k for k, _ in pairs]
    linked = [sum(len(_text(a)) for a in k.iter("a")) for k in cards]
    if sum(linked) < MIN_LINK_SHARE * sum(lengths):
        return None
    if sum(1 for k in cards if _rich(k)) < RICH_SHARE * len(cards):
        return None
    chars = 0.0
    for card, (_, n), in_links in zip(cards, pairs, linked, strict=True):
        bare = n <= in_links + 25 and not _pictured(card)
        chars += n * (0.5 if bare else 1.0)
    return cards, int(chars), priced
