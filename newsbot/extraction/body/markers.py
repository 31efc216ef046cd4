"""What an element's tag, class/id tokens and attributes say about it.

The vocabularies of furniture, article-text and comment-section names, and the
small judgments built on them, shared by every step of body extraction.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

from newsbot.extraction.html import HEADINGS

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
_HEADINGS = HEADINGS
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


#: attributes marking a site override's content roots and their ancestors (never pruned)
ROOT_MARK = "data-nb-root"
KEEP_MARK = "data-nb-keep"


def _hidden(el: etree._Element) -> bool:
    if el.get("hidden") is not None or el.get("aria-hidden", "").lower() == "true":
        return el.tag not in ("html", "body")
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def _furniture_class(el: etree._Element) -> bool:
    toks = _tokens(el)
    return bool(toks) and (_is_comment(toks) or _is_negative(toks))


def _ancestor_context(el: etree._Element) -> str:
    toks: list[str] = []
    for a in reversed(list(el.iterancestors())):
        toks.extend(_tokens(a))
    toks.extend(_tokens(el))
    return " ".join(dict.fromkeys(toks))
