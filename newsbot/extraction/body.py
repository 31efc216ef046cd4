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
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from newsbot.extraction.html import text_size
from newsbot.items import Block

# ---------------------------------------------------------------- vocabularies

_DROP_TAGS = {
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "math",
    "canvas",
    "iframe",
    "object",
    "embed",
    "button",
    "select",
    "textarea",
    "input",
    "option",
    "nav",
    "aside",
    "footer",
    "head",
    "link",
    "meta",
    "video",
    "audio",
    "map",
    "dialog",
    "menu",
}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCK_TAGS = _HEADINGS | {
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "caption",
    "center",
    "address",
    "details",
    "summary",
    "hr",
    "form",
    "fieldset",
    "body",
    "html",
}
_BLOCK_XPATH_TAGS = tuple(_BLOCK_TAGS - {"html", "body"})

#: a class/id token (or one of its -/_ separated parts) that marks non-article furniture
_NEGATIVE = re.compile(
    r"^(?:share|shares|sharing|sharedaddy|sharebar|social|socials|socialmedia|related|"
    r"relatedposts|recommend|recommended|recommendations|newsletter|newsletters|subscribe|"
    r"subscription|signup|cookie|cookies|consent|gdpr|cmp|advert|advertisement|advertising|"
    r"ad|ads|adsense|adslot|adunit|dfp|gpt|banner|promo|promotion|sponsor|sponsored|sidebar|"
    r"widget|widgets|breadcrumb|breadcrumbs|pagination|pager|navbar|nav|navigation|menu|"
    r"footer|masthead|byline|bio|tags|tagcloud|taglist|popup|modal|overlay|outbrain|taboola|"
    r"wpcnt|likes|reblog|toolbar|trending|popular|mostread|skip|hidden|hide|invisible|"
    r"screen|sr|visually|disclaimer|copyright|paywall|login|donate|donation|"
    r"jp|sd|addtoany|a2a|sociable|shariff|follow|author|authors|meta|postmeta|entrymeta|"
    r"rating|votes|lightbox|gallery|slideshow|carousel|teaser|teasers|more|readmore|"
    r"also|next|prev|previous|tools|utility|actions|print|email|mail|whatsapp|facebook|"
    r"twitter|pinterest|linkedin|reddit|telegram|comment|comments|disqus|respond|reply|"
    r"cta|attribution|newsletter-signup|dialog|alertdialog)$"
)
#: whole tokens that mark the article's own text (score bonus, never pruned)
_POSITIVE = re.compile(
    r"(?:article|body|content|entry|main|page|post|text|blog|story|column|prose|rich)"
)
_POSITIVE_STRONG = re.compile(
    r"^(?:articlebody|article-body|article__body|article-content|article__content|"
    r"articlecontent|entry-content|post-content|post-body|postbody|post-entry|story-body|"
    r"storybody|story-content|body-text|bodytext|article-text|articletext|main-content|"
    r"post-text|blog-post|content-body|text-content|story__body|"
    r"td-post-content|single-post-content|the-content|news-text)$"
)
_COMMENT_TOKEN = re.compile(
    r"^(?:comments?|commentlist|comment-list|comments-list|comments-area|comment-area|"
    r"comments-section|comment-section|comments-block|comments-wrapper|comments-container|"
    r"comment-wrapper|comments-holder|disqus_thread|disqus|fb-comments|fb_comments|"
    r"facebook-comments|respond|comment-respond|commentform|comment-form|reader-comments|"
    r"user-comments|comentarios|kommentare|commentaires|коментарі|комментарии|"
    r"comments-link|post-comments|article-comments|vf-comments|coral|talk)$"
)
#: context token that marks blocks of a reader-comment section (see boilerplate.clean)
COMMENT_MARK = "nb-comments"
_PARTS = re.compile(r"[-_:]+")
_WS = re.compile(r"\s+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def _tokens(el: etree._Element) -> list[str]:
    """Lower-cased class/id/role/itemprop tokens of one element."""
    out: list[str] = []
    for attr in ("class", "id", "role", "itemprop"):
        value = el.get(attr)
        if value:
            out.extend(value.lower().split())
    return out


_CONTENTISH = re.compile(r"^(?:content|body|article|post|text|entry|story|main)$")
_HIDDEN_TOKEN = re.compile(
    r"^(?:d-none|hidden|is-hidden|u-hidden|hide|sr-only|visually-hidden|"
    r"screen-reader-text|screen-reader-only|visuallyhidden|element-invisible|offscreen)$"
)
_WHOLE_ONLY = re.compile(
    r"^(?:hidden|hide|invisible|screen|sr|visually|more|next|prev|also|print)$"
)


_NEGATIVE_SUB = re.compile(
    r"newsletter|signup|subscribe|social|advert|cookie|consent|related|recommend|outbrain|"
    r"taboola|sharing|sharebar|share-bar"
)


def _is_negative(tokens: list[str]) -> bool:
    """Class/id tokens say "furniture" (and nothing says "the article's text")."""
    return _is_negative_tokens(tuple(tokens))


@lru_cache(maxsize=8192)
def _is_negative_tokens(tokens: tuple[str, ...]) -> bool:
    """`_is_negative`, memoised: pages repeat the same class strings on many elements."""
    parts_all = [[p for p in _PARTS.split(t) if p] for t in tokens]
    for tok, parts in zip(tokens, parts_all, strict=True):
        if _POSITIVE_STRONG.match(tok) or (parts and _CONTENTISH.match(parts[-1])):
            return False
    for tok, parts in zip(tokens, parts_all, strict=True):
        if _NEGATIVE.match(tok) or _HIDDEN_TOKEN.match(tok) or _NEGATIVE_SUB.search(tok):
            return True
        if len(parts) > 1 and any(_NEGATIVE.match(p) and not _WHOLE_ONLY.match(p) for p in parts):
            return True
    return False


_COMMENT_PART = re.compile(
    r"^(?:comments?|commentlist|disqus|kommentare|commentaires|comentarios|commenti|"
    r"комментарии|коментарі|reactions)$"
)
_NOT_SECTION_PART = re.compile(
    r"^(?:count|counter|counts|link|links|icon|button|btn|open|closed|number|num|total|"
    r"bubble|badge|toggle|trigger|cta|enabled|disabled|allowed|status|meta)$"
)


def _is_comment(tokens: list[str]) -> bool:
    """Class/id tokens of a reader-comment section (not a '12 comments' link or badge)."""
    return _is_comment_tokens(tuple(tokens))


@lru_cache(maxsize=8192)
def _is_comment_tokens(tokens: tuple[str, ...]) -> bool:
    """`_is_comment`, memoised per token tuple."""
    for tok in tokens:
        if _COMMENT_TOKEN.match(tok):
            return True
        parts = [p for p in _PARTS.split(tok) if p]
        if any(_COMMENT_PART.match(p) for p in parts) and not any(
            _NOT_SECTION_PART.match(p) for p in parts
        ):
            return True
    return False


def _squash(text: str) -> str:
    """Whitespace runs → one space, ends stripped: `_WS.sub(" ", text).strip()`, but
    str.split() (the same Unicode whitespace as `\\s`) is several times quicker."""
    return " ".join(text.split())


def _text(el: etree._Element) -> str:
    try:
        return _squash(el.text_content())
    except (ValueError, AttributeError):
        return ""


def _link_chars(el: etree._Element) -> int:
    n = 0
    for a in el.iter("a"):
        n += len(_squash(a.text_content()))
    return n


# ---------------------------------------------------------------- step 1: prune


#: attributes marking a site override's content roots and their ancestors (never pruned)
ROOT_MARK = "data-nb-root"
KEEP_MARK = "data-nb-keep"


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


def _hidden(el: etree._Element) -> bool:
    if el.get("hidden") is not None or el.get("aria-hidden", "").lower() == "true":
        return el.tag not in ("html", "body")
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


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


#: removed outright, whatever they hold; the rest of _DROP_TAGS (page furniture such as
#: nav, aside, footer) is removed only when it does not carry the article's text
_HARD_DROP = _DROP_TAGS - {"nav", "aside", "footer", "menu"}


def _p_chars(el: etree._Element, lengths: dict[etree._Element, int] | None = None) -> int:
    """Size of paragraph text under `el` (`lengths`: each <p>'s, computed once)."""
    if lengths is not None:
        return sum(lengths[p] for p in el.iter("p"))
    return sum(text_size(_text(p)) for p in el.iter("p"))


#: a paragraph of running text is at least this long (html.text_size)
GOOD_P = 80
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


def _furniture_class(el: etree._Element) -> bool:
    toks = _tokens(el)
    return bool(toks) and (_is_comment(toks) or _is_negative(toks))


def _inside(el: etree._Element, root: etree._Element) -> bool:
    """`el` is `root` or one of its descendants."""
    if el is root:
        return True
    return any(a is root for a in el.iterancestors())


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


def _inside_article(el: etree._Element) -> bool:
    return any(a.tag == "article" for a in el.iterancestors())


def _ancestor_context(el: etree._Element) -> str:
    toks: list[str] = []
    for a in reversed(list(el.iterancestors())):
        toks.extend(_tokens(a))
    toks.extend(_tokens(el))
    return " ".join(dict.fromkeys(toks))


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


@dataclass
class _Candidate:
    el: etree._Element
    score: float


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


# ---------------------------------------------------------------- step 3: emit


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


# ---------------------------------------------------------------- JSON-LD cross-check

_WORD = re.compile(r"\w+")


def _shingles(text: str, n: int = 3) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.casefold())
    if len(words) < n:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def _overlap(block: str, reference: set[tuple[str, ...]]) -> float:
    sh = _shingles(block)
    if not sh:
        return 0.0
    return len(sh & reference) / len(sh)


def _cross_check(blocks: list[Block], every: list[Block], article_body: str) -> list[Block]:
    """Keep blocks that occur in the publisher's articleBody; recover ones we missed."""
    body = article_body.strip()
    if body.endswith(("…", "...", "&hellip;", "[…]", "[...]")):
        return blocks  # a teaser, not the text
    reference = _shingles(body)
    main_len = sum(len(b.text) for b in blocks if COMMENT_MARK not in b.context)
    if len(reference) < 60 or len(body) < 0.7 * main_len:
        return blocks
    main_cover = [
        (_overlap(b.text, reference) if COMMENT_MARK not in b.context else 0) for b in blocks
    ]
    covered = (
        set().union(
            *(_shingles(b.text) for b, c in zip(blocks, main_cover, strict=True) if c >= 0.5)
        )
        if blocks
        else set()
    )
    if len(covered & reference) < 0.5 * len(reference):
        # our container holds less than half of it: the JSON-LD may describe another
        # text (a teaser, a different edition): trust the DOM
        return blocks
    kept_ids = {id(b) for b, c in zip(blocks, main_cover, strict=True) if c >= 0.5}
    for b in every:
        if id(b) in kept_ids or COMMENT_MARK in b.context or len(b.text) < 40:
            continue
        if _overlap(b.text, reference) >= 0.8:
            kept_ids.add(id(b))
    ordered = [b for b in every if id(b) in kept_ids]
    main_ids = {id(b) for b in blocks}
    # blocks not present in `every` (should not happen) keep their main order
    ordered += [b for b in blocks if id(b) in kept_ids and id(b) not in {id(x) for x in every}]
    del main_ids
    comments = [b for b in blocks if COMMENT_MARK in b.context]
    return ordered + comments


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
