"""Small helpers on lxml elements: their text, their link text, and in-place edits
(removing or unwrapping an element without losing the text around it)."""

from __future__ import annotations

from lxml import etree


def _squash(text: str) -> str:
    """Whitespace runs → one space, ends stripped: `_WS.sub(" ", text).strip()`, but
    str.split() (the same Unicode whitespace as `\\s`) is several times quicker."""
    return " ".join(text.split())


def _link_chars(el: etree._Element) -> int:
    n = 0
    for a in el.iter("a"):
        n += len(_squash(a.text_content()))
    return n


#: a paragraph of running text is at least this long (html.text_size)
GOOD_P = 80


def _remove(el: etree._Element) -> None:
    """Remove an element but keep its tail text (it belongs to the parent)."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail and tail.strip():
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _unwrap(el: etree._Element) -> None:
    """Replace an element by its children (its text and tail kept in place)."""
    parent = el.getparent()
    if parent is None:
        return
    index = parent.index(el)
    lead = el.text or ""
    if lead:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + lead
        else:
            parent.text = (parent.text or "") + lead
    children = list(el)
    if children:
        children[-1].tail = (children[-1].tail or "") + (el.tail or "")
    else:
        el_tail = el.tail or ""
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el_tail
        else:
            parent.text = (parent.text or "") + el_tail
    parent.remove(el)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)


def _inside(el: etree._Element, root: etree._Element) -> bool:
    """`el` is `root` or one of its descendants."""
    if el is root:
        return True
    return any(a is root for a in el.iterancestors())
