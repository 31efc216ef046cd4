"""Step 1 of body extraction: prune what is never article text.

Scripts, navigation, forms, share bars, ads, cookie banners, shop boxes and link
cards go, judged by tag and by class/id/role tokens, unless they hold the page's
article text. Reader-comment sections are cut out and handed back, not dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from newsbot.extraction.body.hidden import _STREAMED_ID, _folded_rest
from newsbot.extraction.body.markers import (
    _DROP_TAGS,
    _HIDDEN_TOKEN,
    _PARTS,
    KEEP_MARK,
    ROOT_MARK,
    _ancestor_context,
    _furniture_class,
    _hidden,
    _is_comment,
    _is_negative,
    _tokens,
)
from newsbot.extraction.body.nodes import GOOD_P, _inside, _link_chars, _remove
from newsbot.extraction.html import text_of as _text
from newsbot.extraction.html import text_size


def _protected(el: etree._Element, guarded: set[etree._Element] | None = None) -> bool:
    """The article itself never gets pruned, whatever its classes say.

    `guarded` (from `_guarded`) holds the elements with an h1 or an articleBody inside:
    one pass over the tree instead of two descendant searches per element.
    """
    if el.tag in ("html", "body", "main", "article"):
        return True
    if el.get("itemprop", "").lower() == "articlebody":
        return True
    if guarded is not None:
        return el in guarded
    return el.find(".//h1") is not None or el.find(".//*[@itemprop='articleBody']") is not None


def _guarded(root: etree._Element) -> set[etree._Element]:
    """Elements under `root` holding an h1 or an itemprop="articleBody" element."""
    out: set[etree._Element] = set()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag == "h1" or el.get("itemprop") == "articleBody":
            for a in el.iterancestors():
                if a in out:
                    break
                out.add(a)
    return out


#: removed outright, whatever they hold; the rest of _DROP_TAGS (page furniture such as
#: nav, aside, footer) is removed only when it does not carry the article's text
_HARD_DROP = _DROP_TAGS - {"nav", "aside", "footer", "menu"}


def _p_chars(el: etree._Element, lengths: dict[etree._Element, int] | None = None) -> int:
    """Size of paragraph text under `el` (`lengths`: each <p>'s, computed once)."""
    if lengths is not None:
        return sum(lengths[p] for p in el.iter("p"))
    return sum(text_size(_text(p)) for p in el.iter("p"))


#: a run of paragraphs outside an element that is this share of the element's own
#: longest run is a rival article: the element's class is then believed
RIVAL_SHARE = 0.3
#: the page's longest run of paragraphs (three or more) this long is its article
LONG_RUN = 500
#: ... and holds this share of all its paragraph text (not a modal's few paragraphs)
LONG_RUN_SHARE = 0.25


@dataclass
class _Runs:
    """Runs of running-text paragraphs: the `<p>` children of one parent, by parent."""

    size: dict[etree._Element, int]
    #: the parent of the longest run, when that run is an article's (`LONG_RUN`)
    longest: etree._Element | None
    #: parents whose run could be the article: two or more paragraphs, not inside
    #: furniture (a drop tag, a hidden element, a furniture or comment class)
    rivals: list[etree._Element]


def _runs(root: etree._Element, lengths: dict[etree._Element, int]) -> _Runs:
    """Runs of good paragraphs under `root` (one pass; `lengths` as in `_prune`)."""
    size: dict[etree._Element, int] = {}
    count: dict[etree._Element, int] = {}
    for p, n in lengths.items():
        parent = p.getparent()
        if n < GOOD_P or parent is None or _link_chars(p) > 0.2 * n:
            continue
        size[parent] = size.get(parent, 0) + n
        count[parent] = count.get(parent, 0) + 1
    rivals = []
    for parent, n in size.items():
        if count[parent] < 2 or n < 300:
            continue
        chain = [parent, *parent.iterancestors()]
        if not any(
            (isinstance(a.tag, str) and a.tag in _DROP_TAGS)
            or _hidden(a)
            or (a.tag not in ("html", "body") and _furniture_class(a))
            for a in chain
        ):
            rivals.append(parent)
    longest = max(size, key=size.__getitem__) if size else None
    if longest is not None and (
        count[longest] < 3
        or size[longest] < LONG_RUN
        or size[longest] < LONG_RUN_SHARE * sum(lengths.values())
    ):
        longest = None
    return _Runs(size, longest, rivals)


#: class-token parts of a shop's product box ...
_SHOP_PART = re.compile(r"^(?:product|products|shop|buybox|offer|deal|checkout|cart)$")
#: ... which it is when it holds a buy button (a review's product sections do not)
_BUY_LABEL = re.compile(
    r"^\W*(?:buy(?: it)? now|buy|add to (?:cart|bag|basket)|shop now|order now|"
    r"in den warenkorb|jetzt kaufen|ajouter au panier|acheter|comprar|añadir al carrito|"
    r"купить|в корзину|купити)\W*$",
    re.IGNORECASE,
)


def _shop_box(el: etree._Element, toks: list[str]) -> bool:
    """A shop's product box: a product/shop class and a "Buy now" button or link in it.

    The class alone is not enough: product reviews wrap their own text in "product"
    classes; a box with its own buy button is the shop's, not the writer's.
    """
    if not any(_SHOP_PART.match(p) for t in toks for p in _PARTS.split(t)):
        return False
    return any(
        _BUY_LABEL.match(_text(ctl)) for ctl in el.iter("button", "a") if len(_text(ctl)) < 30
    )


#: never pruned for their class: embedded posts (blockquote.twitter-tweet…) quote text
#: the article relies on, and a table's rows and cells carry styling classes
#: ("font-utility-2", "hidden-xs") while whole tables are judged as tables
_CLASS_BLIND = frozenset({"blockquote", "tr", "td", "th", "tbody", "thead", "tfoot"})


def _prune(root: etree._Element, *, by_class: bool = True) -> list[etree._Element]:
    """Drop furniture in place; return the reader-comment sections cut out of the tree.

    Anything holding the page's article text is kept whatever its tag or class says
    (templates wrap whole articles in odd places): a large share of the page's
    paragraph text, or its longest run of paragraphs. But a class is believed when
    a rival run of paragraphs outside the element could be the article: a consent
    dialog, an author's bio or a comment thread may be longer than a short article.
    With `by_class=False` only tags, forms and hidden elements go (used inside a
    comment section, whose every class mentions "comment").
    """
    # the tree is only changed at the end, so per-<p> sizes and protected
    # elements can be worked out once up front
    p_lengths = {p: text_size(_text(p)) for p in root.iter("p")} if by_class else {}
    p_total = sum(p_lengths.values())
    runs = _runs(root, p_lengths) if by_class else _Runs({}, None, [])
    longest = runs.longest
    guarded = _guarded(root) if by_class else set()
    comments: list[etree._Element] = []
    doomed: list[etree._Element] = []

    def big(el: etree._Element) -> bool:
        """`el` holds the page's article text (and no rival run outside it does)."""
        if p_total < 200:
            return False
        n = _p_chars(el, p_lengths)
        if n < 200:
            return False
        holds_longest = longest is not None and _inside(longest, el)
        if not (n > 0.4 * p_total or holds_longest):
            return False
        own = max((runs.size[r] for r in runs.size if _inside(r, el)), default=0)
        # a run in an ancestor is the same article going on into `el` (the rest of
        # the text behind a paywall class, say), not a rival
        return not any(
            runs.size[r] >= RIVAL_SHARE * own and not _inside(r, el) and not _inside(el, r)
            for r in runs.rivals
        )

    stack = [root]
    while stack:
        el = stack.pop()
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):
                doomed.append(child)
                continue
            tag = tag.lower()
            if child.get(ROOT_MARK) is not None or child.get(KEEP_MARK) is not None:
                stack.append(child)  # a site override named it (or something inside it)
                continue
            if tag == "button" and (child in guarded or big(child)):
                # an unclosed <button> swallows what follows it (the parser nests the
                # rest of the page inside): a button holding the article is a wrapper
                stack.append(child)
                continue
            if tag in _HARD_DROP:
                doomed.append(child)
                continue
            toks = _tokens(child) if by_class and tag not in _CLASS_BLIND else []
            hidden = _hidden(child) or any(_HIDDEN_TOKEN.match(t) for t in toks)
            if hidden and (
                _STREAMED_ID.match(child.get("id") or "") or (by_class and _folded_rest(child))
            ):
                stack.append(child)  # shown by the page's script: the article's text
                continue
            soft = tag in _DROP_TAGS or _hidden(child)
            if tag == "header":
                soft = True
            if (soft and not big(child)) or (tag == "form" and len(child.findall(".//p")) < 3):
                doomed.append(child)
                continue
            if toks and not _protected(child, guarded):
                if _is_comment(toks) and not big(child):
                    comments.append(child)
                    continue
                negative = (
                    _is_negative(toks)
                    or child.get("aria-modal") == "true"
                    or _shop_box(child, toks)
                )
                if negative and not big(child):
                    doomed.append(child)
                    continue
            stack.append(child)
    for el in comments:
        el.set("data-nb-context", _ancestor_context(el))
    for el in doomed + comments:
        _remove(el)
    return comments


_INLINE_CARD_TAGS = ("span", "div", "aside", "ul")
_LETTERS = re.compile(r"[^\W\d_]")


def _drop_link_cards(root: etree._Element) -> None:
    """Drop link widgets nested in running text (hover cards: a name, its photo and
    links to other stories, inside the sentence that names the person).

    Prose never strings three or more links (of some length) together with no word
    of its own in between; an element inside a paragraph that does is furniture."""
    doomed = []
    for p in root.iter("p"):
        if p.find(".//a") is None:
            continue
        for el in p.iterdescendants(*_INLINE_CARD_TAGS):
            links = el.findall(".//a")
            if len(links) < 3:
                continue
            letters = len(_LETTERS.findall(_text(el)))
            loose = letters - sum(len(_LETTERS.findall(a.text_content())) for a in links)
            if letters >= 80 and loose <= 0.05 * letters:
                doomed.append(el)
    # the innermost such element: an outer one may hold the link the sentence needs
    inner = set(doomed)
    for el in doomed:
        for a in el.iterancestors():
            inner.discard(a)
    for el in doomed:
        if el in inner:
            _remove(el)
