"""End matter: what follows an article's last paragraph inside the same container.

Templates put the author's bio, "related" and "read next" lists, sponsored boxes,
disclaimers and source lists after the text, often inside the very container that
holds it, so no container choice can leave them out. Each such section opens with a
label line ("About the author", "Read this next", "Disclaimer:", "Article sources"),
and nothing of the article follows it. `cut` ends the body at the first such label
found in the last part of the text, if what it would cut is the smaller part.
"""

from __future__ import annotations

import re

from newsbot.extraction.body import COMMENT_MARK
from newsbot.items import Block

#: a block that is only a section label of end matter (a heading, or a short line)
_LABEL = re.compile(
    r"^\W*(?:"
    # the author
    r"about the (?:author|authors|writer|reviewer|contributor|expert)s?|author bio(?:graphy)?|"
    r"meet the (?:author|writer|expert)s?|über (?:den autor|die autorin)|"
    r"sobre (?:el|la) autora?|à propos de l'auteur|a propos de l'auteur|об авторе|про автора|"
    # reading on (a bare "Related" or "Read more" also labels links inside the text)
    r"related (?:articles?|posts?|stories|reading|content|news|guides)|"
    r"read (?:this )?next|more (?:stories|articles|news|posts) (?:from|by|like this).{0,40}|"
    r"(?:you|we think you) (?:may|might|will|'ll) (?:also )?(?:like|enjoy|be interested in)|"
    r"recommended (?:for you|reading|articles|stories|posts)|"
    r"(?:weitere artikel|das könnte sie auch interessieren)|"
    r"(?:à lire aussi|sur le même sujet|dans la même rubrique)|"
    r"(?:te puede interesar|noticias relacionadas)|"
    r"(?:похожие статьи|схожі статті)|"
    # paid and legal
    r"sponsored(?: content| links| stories)?|partner content|paid content|"
    r"(?:legal |important |affiliate |editorial )?(?:disclaimer|disclosure)s?|"
    r"article sources|sources (?:and|&) references|"
    # inviting the reader
    r"join the (?:conversation|discussion)"
    r")\W*$",
    re.IGNORECASE,
)
#: a label longer than this is a sentence, not a label
MAX_LABEL_CHARS = 60
#: the label must come after this share of the text, and cut less than this share
AFTER_SHARE = 0.5
MAX_CUT_SHARE = 0.4


def cut(blocks: list[Block]) -> list[Block]:
    """The blocks without the end matter (reader comments, set apart later, stay)."""
    own = [i for i, b in enumerate(blocks) if COMMENT_MARK not in b.context]
    total = sum(len(blocks[i].text) for i in own)
    if not total:
        return blocks
    seen = 0
    for i in own:
        block = blocks[i]
        text = block.text.strip()
        if (
            seen >= AFTER_SHARE * total
            and len(text) <= MAX_LABEL_CHARS
            and block.kind in ("h", "p")
            and _LABEL.match(text)
        ):
            dropped = sum(len(blocks[j].text) for j in own if j >= i)
            if dropped <= MAX_CUT_SHARE * total:
                return [b for j, b in enumerate(blocks) if j < i or j not in own]
        seen += len(text)
    return blocks
