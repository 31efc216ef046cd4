"""Step 2 of body extraction: choose the container that holds the article.

Paragraphs are scored readability-style (text length, commas, link density, class
hints); the best container is climbed from while its parent adds more of the same
article (`_ascend`), its sibling chunks are gathered, and a trailing run of teasers
("related posts") is cut from the end.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from lxml import etree

from newsbot.extraction.body.markers import (
    _BLOCK_TAGS,
    _HEADINGS,
    _POSITIVE,
    _POSITIVE_STRONG,
    _is_negative,
    _tokens,
)
from newsbot.extraction.body.nodes import GOOD_P, _link_chars, _remove, _squash
from newsbot.extraction.html import text_of as _text
from newsbot.extraction.html import text_size


def _teaser_unit(el: etree._Element) -> bool:
    """A teaser: a short unit led by a link to another page (headline, maybe a photo
    and a one-line snippet), not a section of running text."""
    text = _text(el)
    if not text or len(text) > 300:
        return False
    for a in el.iter("a"):
        href = (a.get("href") or "").strip()
        headline = _text(a)
        if href and not href.startswith("#") and len(headline) >= 12:
            # it leads the unit (a label or a date before it at most): a link inside
            # a sentence is the sentence's
            return 0 <= text.find(headline) <= 20
    return False


def _drop_trailing_teasers(roots: list[etree._Element]) -> None:
    """Cut a run of three or more like teaser units (and the heading over it) that ends
    the article's last container: "related posts", "most popular" grids."""
    if not roots:
        return
    last = roots[-1]
    for el in list(last.iter("div", "ul", "section", "ol")):
        kids = [c for c in el if isinstance(c.tag, str)]
        if len(kids) < 3:
            continue
        # the trailing run of like units
        run: list[etree._Element] = []
        for c in reversed(kids):
            if c.tag in _HEADINGS and run:
                run.append(c)
                break
            if run and (c.tag, c.get("class")) != (run[0].tag, run[0].get("class")):
                break
            if not _teaser_unit(c):
                break
            run.append(c)
        units = [c for c in run if c.tag not in _HEADINGS]
        if len(units) < 3:
            continue
        # nothing of the article after it
        after = []
        node = el
        while node is not None and node is not last.getparent():
            sib = node.getnext()
            while sib is not None:
                after.append(_text(sib) if isinstance(sib.tag, str) else "")
                sib = sib.getnext()
            node = node.getparent()
            if node is last:
                break
        if sum(len(t) for t in after) > 200:
            continue
        for c in run:
            _remove(c)
        return


# ---------------------------------------------------------------- step 2: score


def _class_weight(el: etree._Element) -> float:
    toks = _tokens(el)
    if not toks:
        return 0.0
    return _tokens_weight(tuple(toks))


@lru_cache(maxsize=8192)
def _tokens_weight(toks: tuple[str, ...]) -> float:
    """`_class_weight` of a token tuple, memoised."""
    weight = 0.0
    if any(_POSITIVE_STRONG.match(t) for t in toks):
        weight += 50
    elif any(_POSITIVE.search(t) for t in toks):
        weight += 25
    if _is_negative(toks):
        weight -= 25
    return weight


_TAG_WEIGHT = {
    "div": 5,
    "article": 10,
    "main": 5,
    "section": 3,
    "pre": 3,
    "td": 3,
    "blockquote": 3,
    "form": -3,
    "ol": -3,
    "ul": -3,
    "dl": -3,
    "li": -3,
    "address": -3,
    "th": -5,
}


def _paragraphs(body: etree._Element) -> Iterator[tuple[etree._Element, str]]:
    """Paragraph-like elements with their text: p/pre/td/blockquote and text-holding divs."""
    for el in body.iter("p", "pre", "td", "blockquote", "div", "section", "dd", "li"):
        if el.tag in ("div", "section", "td", "li", "dd"):
            # only the element's own loose text counts here (blocks inside count themselves)
            own = (el.text or "") + "".join(
                (_text(c) if isinstance(c.tag, str) and c.tag not in _BLOCK_TAGS else "")
                + (c.tail or "")
                for c in el
            )
            own = _squash(own)
            if own:
                yield el, own
        else:
            yield el, _text(el)


def _score(body: etree._Element) -> tuple[etree._Element | None, dict]:
    scores: dict[etree._Element, float] = {}
    for el, text in _paragraphs(body):
        n = text_size(text)  # a Han/kana character counts 3 times (html.text_size)
        if n < 25:
            continue
        points = 1 + text.count(",") + text.count("،") + text.count("，") + min(n / 100, 3)
        level = 0
        # loose text in a div scores the div itself; a <p> scores its container
        node = el if el.tag in ("div", "section", "td", "li", "dd") else el.getparent()
        while node is not None and level < 5:
            if node not in scores:
                scores[node] = _TAG_WEIGHT.get(node.tag, 0) + _class_weight(node)
            divider = 1 if level == 0 else 2 if level == 1 else level * 3
            scores[node] += points / divider
            level += 1
            node = node.getparent()
    best: etree._Element | None = None
    best_score = 0.0
    final: dict[etree._Element, float] = {}
    for el, s in scores.items():
        text_len = len(_text(el)) or 1
        ld = _link_chars(el) / text_len
        final[el] = s * (1 - min(ld, 1.0))
        if final[el] > best_score:
            best, best_score = el, final[el]
    return best, final


#: an addition whose text is at most this share links, and at least PLAIN_SHARE long
#: paragraphs like the article's, is more of the article (see _plain_addition)
PLAIN_LINKS = 0.1
PLAIN_SHARE = 0.25
_LOOKAHEAD = 2


def _good_p(p: etree._Element) -> int:
    """Characters of a paragraph that reads like article text (long, few links), else 0."""
    text = _text(p)
    n = text_size(text)
    return n if n >= GOOD_P and _link_chars(p) < 0.2 * len(text) else 0


def _signature(el: etree._Element) -> tuple[str, str]:
    parent = el.getparent()
    if parent is None:
        return ("", "")
    return (str(parent.tag), parent.get("class") or "")


def _ascend(top: etree._Element, body: etree._Element) -> etree._Element:
    """Climb from the best container while its parent adds more of the same article.

    Articles split into chunks (ads, embeds, "grid" sections between them) leave the
    best-scoring container holding only one chunk. The parent that gathers the others
    adds long paragraphs that sit in containers like ours, and little else.
    """
    inside = set(top.iter("p"))
    signatures = {_signature(p) for p in inside if _good_p(p)}
    if not signatures:
        return top
    cur = accepted = top
    same_acc = other_acc = 0  # what the levels above `accepted` up to `cur` add
    tries = 0
    climbs = 0  # steps that gathered more text (bare wrappers do not count)
    for _ in range(12):
        if climbs >= 4:
            return accepted
        parent = cur.getparent()
        if parent is None or parent is body or parent.tag in ("body", "html"):
            return accepted
        new = [p for p in parent.iter("p") if p not in inside]
        for p in new:
            n = _good_p(p)
            if n and _signature(p) in signatures:
                same_acc += n
            else:
                other_acc += len(_text(p))
        for el in parent:
            if isinstance(el.tag, str) and el is not cur and el.find(".//p") is None:
                other_acc += len(_text(el))
        inside.update(new)
        cur = parent
        if same_acc == 0 and other_acc == 0:
            accepted = cur  # a bare wrapper
            continue
        if same_acc >= 200 and (
            same_acc >= 2 * other_acc or _plain_addition(accepted, cur, same_acc)
        ):
            accepted = cur
            same_acc = other_acc = tries = 0
            climbs += 1
            continue
        # a level may add a date line, a button or a sidebar before the level that
        # gathers the rest of the article: judge a few levels together
        tries += 1
        if tries > _LOOKAHEAD:
            return accepted
    return accepted


def _plain_addition(cur: etree._Element, parent: etree._Element, same: int) -> bool:
    """The parent adds article-like prose with its lists and headings, and few links.

    Guides and how-tos put half their text in lists, tables and headings: the long
    paragraphs they add are then a minority of the added text, though all of it is the
    article. Sidebars, teasers and menus are what bring links along.
    """
    added = len(_text(parent)) - len(_text(cur))
    if added <= 0:
        return False
    links = _link_chars(parent) - _link_chars(cur)
    return links < PLAIN_LINKS * added and same >= PLAIN_SHARE * added


def _choose_roots(body: etree._Element) -> list[etree._Element]:
    """The best-scoring container plus sibling chunks of the same article."""
    top, scores = _score(body)
    if top is None:
        return [body]
    top = _ascend(top, body)
    parent = top.getparent()
    if parent is None or top.tag in ("body", "html"):
        return [top]
    top_score = scores.get(top, 0)
    threshold = max(10.0, top_score * 0.2)
    top_class = top.get("class")
    roots: list[etree._Element] = []
    for sib in parent:
        if not isinstance(sib.tag, str):
            continue
        if sib is top:
            roots.append(sib)
            continue
        bonus = top_score * 0.2 if top_class and sib.get("class") == top_class else 0
        if scores.get(sib, 0) + bonus >= threshold:
            roots.append(sib)
            continue
        if sib.tag == "p":
            text = _text(sib)
            ld = _link_chars(sib) / (len(text) or 1)
            size = text_size(text)
            if (size > 80 and ld < 0.25) or (
                0 < size <= 80 and ld == 0 and re.search(r"[.。](?: |$)", text)
            ):
                roots.append(sib)
    return roots
