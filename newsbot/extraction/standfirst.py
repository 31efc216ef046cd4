"""The standfirst: prose between the headline and the body, which readers see as the start.

Templates put the lead paragraph (standfirst, dek, intro, summary) in the article's
header, a hero box or a block of its own, apart from the container that holds the rest
of the text; the container choice then starts the body one paragraph late. The lead is
the article's own text (the `lead` column keeps the publisher's description as well),
so the paragraphs that sit after the headline and before the chosen body are put back
at the top of it, provided they read like prose and nothing else stands in between.
"""

from __future__ import annotations

import re

from lxml import etree

from newsbot.extraction.html import text_of
from newsbot.items import Block

_WS = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"[.!?。！？…:]\W*$")
#: containers whose text is never the article's lead
_FURNITURE_TAGS = {
    "nav",
    "aside",
    "footer",
    "form",
    "button",
    "figure",
    "figcaption",
    "li",
    "table",
    "blockquote",
    "label",
    "select",
    "script",
    "style",
    "noscript",
    "template",
}
_FURNITURE_CLASS = re.compile(
    r"share|social|byline|author|date|time|meta|breadcrumb|caption|credit|cookie|consent|"
    r"newsletter|subscribe|signup|promo|advert|sponsor|related|comment|rating|toc|"
    r"table-of-contents|disclosure|disclaimer|notice|alert|banner|tags|categor|cta|form",
    re.IGNORECASE,
)
_LEAD_CLASS = re.compile(
    r"standfirst|dek\b|deck|intro|lead|lede|summary|subtitle|subhead|sub-head|excerpt|"
    r"description|strapline|abstract|teaser|kicker-text",
    re.IGNORECASE,
)
#: at most this many lead paragraphs, and this much text, are put back
MAX_PARAGRAPHS = 3
MAX_CHARS = 1500
#: text between the headline and the body beyond which the two are not neighbours
MAX_GAP_CHARS = 2500


def _key(text: str) -> str:
    return _WS.sub(" ", text).strip().casefold()


def _classes(el: etree._Element) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}"


def _headline(body: etree._Element, title: str | None) -> etree._Element | None:
    """The `<h1>` that carries the title (the first `<h1>` when there is no title)."""
    h1s = list(body.iter("h1"))
    if not h1s:
        return None
    if not title:
        return h1s[0] if len(h1s) == 1 else None
    want = _key(title)
    for h1 in h1s:
        got = _key(text_of(h1))
        if got and (got == want or (len(got) >= 15 and (got in want or want in got))):
            return h1
    return None


def _furniture(el: etree._Element, stop: etree._Element) -> bool:
    """Inside page furniture (below the common ancestor `stop` with the headline)."""
    node: etree._Element | None = el
    while node is not None and node is not stop:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _FURNITURE_TAGS:
            return True
        classes = _classes(node)
        if classes.strip() and _FURNITURE_CLASS.search(classes) and not _LEAD_CLASS.search(classes):
            return True
        if node.get("hidden") is not None or node.get("aria-hidden", "").lower() == "true":
            return True
        node = node.getparent()
    return False


def _prose(el: etree._Element, text: str) -> bool:
    if len(text) < 40:
        return False
    links = sum(len(text_of(a)) for a in el.iter("a"))
    if links > 0.3 * len(text):
        return False
    lead_class = bool(_LEAD_CLASS.search(_classes(el)))
    return lead_class or bool(_SENTENCE_END.search(text)) or len(text) >= 120


def lead_blocks(tree: etree._Element, blocks: list[Block], title: str | None) -> list[Block]:
    """Lead paragraphs between the headline and the start of `blocks`, as Blocks."""
    if not blocks:
        return []
    body = tree.find("body")
    if body is None:
        body = tree
    h1 = _headline(body, title)
    if h1 is None:
        return []
    first = _key(blocks[0].text)[:80]
    if not first:
        return []
    in_body = {_key(b.text) for b in blocks}
    found: list[Block] = []
    gap = 0
    inside_h1 = set(h1.iter())
    started = False
    for el in body.iter():
        if el is h1:
            started = True
            continue
        if not started or el in inside_h1 or not isinstance(el.tag, str):
            continue
        text = text_of(el)
        if not text:
            continue
        key = _key(text)
        if first in key:  # the body (or a box holding it) starts here
            return found
        if el.tag not in ("p", "div", "h2", "span") or key in in_body:
            if el.tag in ("p", "li", "h2", "h3", "td") and el.find(".//p") is None:
                gap += len(text)
            if gap > MAX_GAP_CHARS:
                return []
            continue
        if el.find(".//p") is not None or el.find(".//div") is not None:
            continue  # a wrapper: its paragraphs come next
        if el.tag != "p" or _LEAD_CLASS.search(_classes(el)):
            # a dek or summary box (subtitle, excerpt, teaser) restates the article:
            # measured on real pages, readers' "body" leaves it out; `lead` keeps it
            continue
        if not _prose(el, text) or _furniture(el, body):
            gap += len(text)
            if gap > MAX_GAP_CHARS:
                return []
            continue
        if len(found) < MAX_PARAGRAPHS and sum(len(b.text) for b in found) + len(text) <= MAX_CHARS:
            found.append(Block(text=text, kind="p", context="nb-standfirst"))
        else:
            return []  # too much text before the body: not a lead
    return []
