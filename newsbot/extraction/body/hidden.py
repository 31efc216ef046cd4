"""Article text a page hides from a first look but shows its readers.

A folded rest behind a "Read more" button, React's streamed-in chunks, and an
article shipped inside `<noscript>` for readers without JavaScript: pruning must
not take them for hidden furniture.
"""

from __future__ import annotations

import re

from lxml import etree

from newsbot.extraction.body.markers import _PARTS, _hidden, _tokens
from newsbot.extraction.body.nodes import GOOD_P, _inside, _link_chars, _unwrap
from newsbot.extraction.html import text_of as _text
from newsbot.extraction.html import text_size

_MORE_LABEL = re.compile(
    r"^\W*(?:(?:read|show|see|view|load)\s+(?:the\s+)?(?:more|full|rest|entire|whole|all)\b"
    r"|continue\s+reading|keep\s+reading|more|expand|weiterlesen|mehr\s+(?:lesen|anzeigen)"
    r"|lire\s+la\s+suite|(?:lire|voir)\s+plus|leer\s+m[aá]s|seguir\s+leyendo|ver\s+m[aá]s"
    r"|continua\s+a\s+leggere|leggi\s+(?:tutto|di\s+più)|читать\s+(?:далее|полностью)"
    r"|читати\s+(?:далі|повністю)|показать\s+(?:полностью|ещё)|展开|阅读全文|続きを読む)",
    re.IGNORECASE,
)
#: parts of class tokens of an article's folded rest ("read-more-content", "collapsed")
_FOLD_PART = re.compile(
    r"^(?:collapse|collapsed|collapsible|expand|expandable|expanded|more|readmore|"
    r"showmore|truncated|truncate|clamp|clamped|fold|folded|rest|full|remainder)$"
)
#: parts of class tokens of an overlay or menu, hidden until opened (never article text)
_OVERLAY_PART = re.compile(
    r"^(?:modal|dialog|popup|pop|overlay|lightbox|drawer|menu|submenu|nav|navigation|"
    r"dropdown|tooltip|popover|offcanvas|flyout|megamenu|search|login|signin|signup|"
    r"newsletter|subscribe|cookie|consent|share|social)$"
)


def _folded_rest(el: etree._Element) -> bool:
    """A hidden element holding the rest of the article behind a "Read more" button.

    Sites fold long articles: the first paragraphs show, the rest sits in a hidden
    element (`display:none`, `hidden`, a class like "collapsed") right after them,
    with a "Read more" / "Continue reading" control. That rest is article text in
    reading order. Hidden modals and menus are not: they hold no paragraphs of prose
    following visible ones, or their class names them.
    """
    toks = _tokens(el)
    parts = {p for t in toks for p in _PARTS.split(t) if p}
    if any(_OVERLAY_PART.match(p) for p in parts) or (el.get("role") or "") in (
        "dialog",
        "alertdialog",
        "menu",
        "navigation",
    ):
        return False
    text = _text(el)
    size = text_size(text)
    if size < 150 or _link_chars(el) > 0.3 * len(text) or el.find(".//p") is None:
        return False
    # visible prose right before it (in its parent, or its parent's before that)
    node, before = el, False
    for _ in range(2):
        for sib in node.itersiblings(preceding=True):
            if not isinstance(sib.tag, str) or _hidden(sib):
                continue
            ps = [sib] if sib.tag == "p" else list(sib.iter("p"))
            if any(text_size(_text(p)) >= GOOD_P for p in ps):
                before = True
            break
        if before or node.getparent() is None:
            break
        node = node.getparent()
    if not before:
        return False
    if any(_FOLD_PART.match(p) for p in parts):
        return True
    # a "Read more" control beside it
    parent = el.getparent()
    for ctl in parent.iter("button", "a", "span", "label", "div", "summary"):
        if ctl is el or _inside(ctl, el):
            continue
        label = _text(ctl)
        if 0 < len(label) <= 40 and _MORE_LABEL.match(label):
            return True
    return False


#: React's streamed-in chunks: `<div hidden id="S:0">` is moved into the page by a
#: script as soon as it arrives (the `hidden` is for the instant before)
_STREAMED_ID = re.compile(r"^S:\w+$")


def _unwrap_noscript_prose(body: etree._Element) -> None:
    """Put the article back from a `<noscript>` that holds it.

    Lazy-loading sites ship an empty container that a script fills, and the article's
    paragraphs for readers without JavaScript inside `<noscript>`. Such a noscript
    (paragraphs of prose, few links, text found nowhere else on the page) is unwrapped
    in place; tracking pixels, iframes and "enable JavaScript" notices stay in theirs
    and go with the other scripts.
    """
    page_text: str | None = None
    for ns in list(body.iter("noscript")):
        if ns.getparent() is None:
            continue
        paragraphs = [_text(p) for p in ns.iter("p")]
        prose = [t for t in paragraphs if text_size(t) >= GOOD_P]
        text = _text(ns)
        if not prose or sum(text_size(t) for t in prose) < 200 or _link_chars(ns) > 0.3 * len(text):
            continue
        if page_text is None:
            page_text = _text(body)
        probe = prose[0][:80]
        if page_text.count(probe) > 1:  # a copy of text the page shows anyway
            continue
        _unwrap(ns)
