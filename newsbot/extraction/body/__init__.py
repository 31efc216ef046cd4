"""Main content → text Blocks in reading order.

Three steps on a private copy of the tree:

1. prune what is never article text (scripts, navigation, forms, share bars, ads,
   cookie banners, related links…), judged by tag and by class/id/role tokens;
   reader-comment sections are cut out first and kept aside, so they can be passed
   on as blocks whose `context` says "comment" (boilerplate.clean files them under
   `comments`, never in the body);
2. score the remaining paragraphs readability-style (text length, commas, link
   density, class hints) and pick the best container plus its sibling chunks;
3. walk that container and emit one Block per paragraph / heading / list item /
   quote / pre / caption / table, with the class/id context of its ancestors.

When the publisher's JSON-LD gives an `articleBody`, it is used as a cross-check:
blocks that do not occur in it are dropped, and blocks of it found elsewhere on
the page are recovered.

The steps live in their own modules: `markers` (what tags and class tokens say),
`nodes` (element text and in-place edits), `hidden` (folded and noscript article
text), `prune` (step 1), `container` (step 2), `blocks` (step 3) and `crosscheck`
(the JSON-LD check); this module ties them together in `extract_blocks`.
"""

from __future__ import annotations

from lxml import etree

from newsbot.extraction.body.blocks import _Emitter
from newsbot.extraction.body.container import _choose_roots, _drop_trailing_teasers
from newsbot.extraction.body.crosscheck import _cross_check
from newsbot.extraction.body.hidden import _unwrap_noscript_prose
from newsbot.extraction.body.markers import (
    COMMENT_MARK,
    KEEP_MARK,
    ROOT_MARK,
    _ancestor_context,
)
from newsbot.extraction.body.nodes import _remove
from newsbot.extraction.body.prune import _drop_link_cards, _prune
from newsbot.items import Block

__all__ = ["COMMENT_MARK", "KEEP_MARK", "ROOT_MARK", "_remove", "extract_blocks"]

# ---------------------------------------------------------------- entry point


def _mark_roots(roots: list[etree._Element]) -> list[etree._Element]:
    """Override roots in document order, outermost only, marked so pruning keeps them."""
    chosen = set(roots)
    outer = [el for el in roots if not any(a in chosen for a in el.iterancestors())]
    for el in outer:
        el.set(ROOT_MARK, "1")
        for a in el.iterancestors():
            a.set(KEEP_MARK, "1")
    return outer


def extract_blocks(
    doc: etree._Element,
    *,
    article_body: str | None = None,
    roots: list[etree._Element] | None = None,
) -> list[Block]:
    """Main content of `doc` (a private copy: it is modified) as Blocks in reading order.

    `roots`, elements of `doc` in document order (a site override's body selectors),
    replace the scoring step: furniture inside them is still pruned and comment
    sections are still set aside, but the choice of container is theirs.
    """
    body = doc.find("body")
    if body is None:
        body = doc
    forced = _mark_roots(roots) if roots else []
    _unwrap_noscript_prose(body)
    comment_sections = _prune(body)
    _drop_link_cards(body)
    chosen = forced or _choose_roots(body)
    if not forced:
        _drop_trailing_teasers(chosen)
    first_parent = chosen[0].getparent()
    base_ctx = _ancestor_context(first_parent) if first_parent is not None else ""
    base = base_ctx.split()
    emitter = _Emitter()
    for root in chosen:
        emitter.walk(root, list(base))
    blocks = emitter.blocks
    if article_body and not forced:
        whole = _Emitter()
        whole.walk(body, [])
        index = {(b.text, b.kind): b for b in blocks}
        every = [index.get((b.text, b.kind), b) for b in whole.blocks]
        blocks = _cross_check(blocks, every, article_body)
    for section in comment_sections:
        ctx = section.get("data-nb-context", "").split()
        ctx.append(COMMENT_MARK)
        _prune(section, by_class=False)
        sub = _Emitter()
        sub.walk(section, ctx)
        blocks.extend(sub.blocks)
    return blocks
