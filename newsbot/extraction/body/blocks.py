"""Step 3 of body extraction: walk the chosen containers and emit text Blocks.

One Block per paragraph / heading / list item / quote / pre / caption / table, in
reading order, with the class/id context of its ancestors.
"""

from __future__ import annotations

import re

from lxml import etree

from newsbot.extraction.body.markers import _BLOCK_TAGS, _HEADINGS, _WS, _tokens
from newsbot.extraction.body.nodes import _link_chars, _squash
from newsbot.extraction.html import text_of as _text
from newsbot.items import Block

_CAPTION_TOKEN = re.compile(r"caption|^(?:credit|photo-credit|image-credit|img-credit)$")


class _Emitter:
    def __init__(self) -> None:
        self.blocks: list[Block] = []

    def emit(self, text: str, kind: str, context: str, link_chars: int) -> None:
        text = text.strip()
        if not text:
            return
        ld = min(link_chars / len(text), 1.0) if text else 0.0
        self.blocks.append(Block(text=text, kind=kind, context=context, link_density=ld))

    def walk(self, el: etree._Element, ctx: list[str], kind: str | None = None) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        own = _tokens(el)
        if own and any(_CAPTION_TOKEN.search(t) for t in own):
            kind = "caption"
        if own:
            ctx = ctx + [t for t in own if t not in ctx]
        context = " ".join(ctx)
        has_blocks = _has_block_child(el)
        if tag in _HEADINGS and not has_blocks:
            self.emit(_text(el), "h", context, _link_chars(el))
            return
        if tag == "pre":
            text = "\n".join(_WS.sub(" ", ln).strip() for ln in el.text_content().splitlines())
            self.emit(re.sub(r"\n{2,}", "\n", text), "pre", context, _link_chars(el))
            return
        if tag == "table" and not _is_layout_table(el):
            rows = []
            for tr in el.iter("tr"):
                cells = [_text(c) for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]
                cells = [c for c in cells if c]
                if cells:
                    rows.append(" | ".join(cells))
            self.emit("\n".join(rows), "table", context, _link_chars(el))
            return
        if tag in ("figcaption", "caption") and not has_blocks:
            self.emit(_text(el), "caption", context, _link_chars(el))
            return
        if tag == "blockquote" and kind != "caption":
            kind = "quote"
        elif tag == "li":
            kind = kind or "li"
        if tag in ("p", "li", "blockquote", "dd", "dt") and not has_blocks:
            self.emit(_text(el), kind or "p", context, _link_chars(el))
            return
        # container: loose inline text becomes paragraphs, block children recurse
        buf: list[str] = [el.text or ""]
        links = 0
        brs = 0
        for child in el:
            ctag = child.tag if isinstance(child.tag, str) else ""
            if ctag == "br":
                brs += 1
                if brs >= 2 and "".join(buf).strip():
                    self.emit(_WS.sub(" ", "".join(buf)), kind or "p", context, links)
                    buf, links = [], 0
                buf.append(" ")
                buf.append(child.tail or "")
                if (child.tail or "").strip():
                    brs = 0
                continue
            brs = 0
            if ctag and (ctag in _BLOCK_TAGS or _has_block_child(child)):
                self.emit(_WS.sub(" ", "".join(buf)), kind or "p", context, links)
                buf, links = [], 0
                keep = tag in ("blockquote", "li") or kind == "caption"
                self.walk(child, ctx, kind if keep else None)
            elif ctag:
                buf.append(child.text_content() if ctag != "img" else "")
                if ctag == "a":
                    links += len(_squash(child.text_content()))
                else:
                    links += _link_chars(child)
            buf.append(child.tail or "")
        self.emit(_WS.sub(" ", "".join(buf)), kind or "p", context, links)


def _has_block_child(el: etree._Element) -> bool:
    return any(isinstance(d.tag, str) and d.tag in _BLOCK_TAGS for d in el.iterdescendants())


def _is_layout_table(el: etree._Element) -> bool:
    if el.find(".//table") is not None:
        return True
    return any(el.find(f".//{tag}") is not None for tag in ("p", "div", "ul", "h2", "h3"))
