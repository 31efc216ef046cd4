"""Where on the page an element sits, as far as its dates are concerned.

Inside the article or its header, or in a comment, sidebar, related list or a
teaser linking to another story (whose dates belong to something else); and which
h1 is the page's own headline. `candidates` marks each date it gathers by this.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

#: class/id tokens of areas whose dates belong to something else
_WEAK_AREA = re.compile(
    r"comment|related|sidebar|widget|recommend|popular|trending|teaser|more-|-more|"
    r"read-?next|also|latest|recent|promo|newsletter|discussion|reply|replies|disqus|"
    r"footer|rail|aside|carousel|outbrain|taboola|most-?read|top-?stories|similar|"
    r"breadcrumb|nav|menu|archive|calendar|card-list|feed-list|"
    r"site-header|masthead|top-?bar|today|weather|ticker",
    re.I,
)
_WEAK_TAGS = {"aside", "nav", "footer"}
_ARTICLE_AREA = re.compile(
    r"\b(?:article|post|entry|story|hentry|headline|content-header|article-header|post-header)"
    r"(?:[-_](?:header|meta|info|head|details|byline|top))?\b",
    re.I,
)
_ARTICLE_TAGS = {"article", "main", "h1"}
#: class/id tokens of elements that hold a visible date line
_BYLINE_AREA = re.compile(
    r"date|time|byline|meta|posted|published|updated|dateline|timestamp|pubdate|datum|fecha|data|"
    r"info|details|author|publicerad|publicado|publie",
    re.I,
)


def _tokens(el: Any) -> str:
    """class + id of one element, lower-case."""
    get = el.get
    cls = get("class") or ""
    ident = get("id") or ""
    if not cls and not ident:
        return ""
    return f"{cls} {ident}".lower()


@lru_cache(maxsize=8192)
def _byline_area(toks: str) -> bool:
    """Class/id tokens of a visible date line; memoised (pages repeat class strings)."""
    return _BYLINE_AREA.search(toks) is not None


@lru_cache(maxsize=8192)
def _weak_area(toks: str) -> bool:
    """`_WEAK_AREA` found in the tokens, memoised."""
    return _WEAK_AREA.search(toks) is not None


@lru_cache(maxsize=8192)
def _article_area(toks: str) -> bool:
    """`_ARTICLE_AREA` found in the tokens, memoised."""
    return _ARTICLE_AREA.search(toks) is not None


def _area(el: Any) -> str:
    """'weak', 'article' or '' from the element and its ancestors (nearest wins)."""
    node = el
    depth = 0
    while node is not None and depth < 30:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in ("body", "html"):
            return ""
        toks = _tokens(node)
        if (node.get("itemtype") or "").lower().endswith("/comment"):
            return "weak"
        # (<footer class="entry-meta"> inside a post holds the post's own date)
        if (tag in _WEAK_TAGS or (toks and _weak_area(toks))) and not (
            tag == "footer" and toks and _article_area(toks)
        ):
            return "weak"
        if tag in _ARTICLE_TAGS or (toks and _article_area(toks)):
            return "article"
        node = node.getparent()
        depth += 1
    return ""


_HEADLINE_WORDS = re.compile(r"\S+")
_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_AUTHOR_LINK = re.compile(r"author|user|profile|member|autor|avtor", re.I)
#: how many ancestors up a teaser (an item linking to another story) may hold the date
TEASER_DEPTH = 4


def _is_headline_link(a: Any, page_path: str) -> bool:
    """A link whose text reads like another story's headline (not an author, not 'more')."""
    href = (a.get("href") or "").strip()
    if not href or href.startswith("#") or a.get("rel") == "author":
        return False
    if _AUTHOR_LINK.search(href) or _AUTHOR_LINK.search(a.get("class") or ""):
        return False
    try:
        path = urlsplit(href).path.rstrip("/")
    except ValueError:
        return False
    if page_path and path == page_path:
        return False  # a permalink to this very page (WordPress wraps the date in one)
    text = _text(a)
    if len(text) >= 25 or len(_HEADLINE_WORDS.findall(text)) >= 4:
        return True
    return len(text) >= 8 and len(_CJK_CHAR.findall(text)) >= 6


def _teaser(el: Any, page_path: str) -> bool:
    """The date belongs to a teaser: a small block (list item, card) that links to another
    story by its headline, like related, most-read and next/previous lists. The block
    holding the page's own headline (an h1) is never a teaser."""
    node = el.getparent()
    depth = 0
    while node is not None and depth < TEASER_DEPTH:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in ("body", "html", "main") or next(node.iter("h1"), None) is not None:
            return False
        for a in node.iter("a"):
            if el in a.iterancestors() or a is el:
                continue
            if _is_headline_link(a, page_path):
                return True
        node = node.getparent()
        depth += 1
    return False


def _text(el: Any) -> str:
    try:
        return " ".join(el.text_content().split())
    except (ValueError, TypeError):
        return ""


def _headline(tree: Any) -> Any:
    """The page's own headline: the first h1 inside the article, else the first h1 not in
    the site chrome (a logo h1 in the masthead is not it)."""
    first = None
    for h1 in tree.iter("h1"):
        area = _area(h1)
        if area == "article":
            return h1
        if first is None and area != "weak":
            first = h1
    return first
