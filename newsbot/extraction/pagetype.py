"""Is this page an article at all? Listings, error pages, login walls, near-empty pages.

A crawler fetches plenty of pages that are not articles: section fronts and
paginated listings reached through links, 404 pages served with status 200, login
and paywall pages, JavaScript shells. Storing them as articles pollutes everything
downstream, so `classify` names the page's kind from general signals only:

* listing: repeated teaser units (a headline link, perhaps a snippet, a date, an
  image) or a grid of cards (`cards`: product tiles, story cards) outweigh the
  page's own running text, or a page not marked as an article has next to no text
  and no paragraphs at all; og:type / JSON-LD say what the publisher thinks the
  page is and move the thresholds, never decide alone;
* error_page: an error title or top heading ("404", "Page not found", "Seite nicht
  gefunden", "Сторінку не знайдено"…) on a page with little text;
* login_wall: a password form or a "subscribe to continue reading" style notice on
  a page with little article text (a paywall teaser is not the article);
* no_article_body: (nearly) no text at all, the same reason the boilerplate stage
  gives a page whose cleaned body is too short.

Everything else is an article. The classifier errs towards "article": a real
article classified otherwise is lost, a listing classified as an article is merely
stored with a poor body.

Teaser units and the page's own prose are found and measured in `teasers`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml import etree

from newsbot.extraction.cards import card_grids
from newsbot.extraction.html import text_size
from newsbot.extraction.metadata import ARTICLE_TYPES
from newsbot.extraction.teasers import (
    PROSE_MIN_LINE,
    PROSE_RUN,
    _article_prose,
    _in_furniture,
    _own_inline_text,
    _prose,
    _Teasers,
    _teasers,
    _text,
)
from newsbot.items import Block

ARTICLE = "article"
LISTING = "listing"
ERROR_PAGE = "error_page"
LOGIN_WALL = "login_wall"
#: near-empty: named like the boilerplate stage's reason for too little text
EMPTY = "no_article_body"
PAGE_TYPES = (ARTICLE, LISTING, ERROR_PAGE, LOGIN_WALL, EMPTY)

#: fewer characters of text than this in the main content: nothing to store
MIN_TEXT_CHARS = 80

_COMMENT_MARK = "nb-comments"

# ---------------------------------------------------------------- vocabularies

_CODE = r"(?:40[0134]|410|50[0234])"
_ERR_WORD = r"(?:error|fehler|erreur|errore|error|ошибка|помилка|błąd|fout|fel)"
_ERROR_TITLE = re.compile(
    # the code alone ("404", "Error 404", "404 | Site")
    rf"^\W*(?:{_ERR_WORD}\s*)?{_CODE}\s*(?:[|–—:·-]|$)"
    rf"|\b{_ERR_WORD}\s*[-:]?\s*{_CODE}\b"
    rf"|\b{_CODE}\s*[-–:]?\s*(?:{_ERR_WORD}|not found|page not found)\b"
    r"|\bpage (?:was )?not found\b|\bpage (?:cannot|can't|could not|couldn't) be found\b"
    r"|\b(?:this |the )?page (?:does not|doesn't|no longer) exists?\b"
    r"|\bpage introuvable\b|\bpage non trouvée\b"
    r"|\bseite nicht gefunden\b|\bseite (?:existiert nicht|wurde nicht gefunden)\b"
    r"|\bp[aá]gina no encontrada\b|\bp[aá]gina n[aã]o encontrada\b|\bpagina non trovata\b"
    r"|\bpagina niet gevonden\b|\bstrony nie znaleziono\b|\bnie znaleziono strony\b"
    r"|\bsidan (?:kunde inte hittas|hittades inte)\b"
    r"|\bстраница не найдена\b|\bстраница не существует\b|\bсторінк[уа] не знайдено\b"
    r"|\bсторінка не знайдена\b|\bсторінки не існує\b"
    r"|^\W*(?:not found|internal server error|service unavailable|bad gateway|access denied|"
    r"forbidden|oops!?)\W*(?:[|–—·-]|$)"
    r"|\boops!? (?:something went wrong|we can't find)\b",
    re.IGNORECASE,
)

_WALL = re.compile(
    r"\b(?:subscribe|sign in|log ?in|register|sign up|become a (?:member|subscriber))"
    r"(?: now| today| for free)? to (?:continue reading|read (?:the|this|more|on)|keep reading|"
    r"continue|unlock|access (?:this|the))\b"
    r"|\bto (?:continue|keep) reading,? (?:please )?(?:subscribe|sign in|log ?in|register)\b"
    r"|\bcontinue reading with\b"
    r"|\b(?:this|the) (?:article|story|content|post) is (?:only )?(?:available|reserved|exclusive)"
    r" (?:to|for) (?:paying )?(?:subscribers|members)\b"
    r"|\b(?:subscribers?|members?)[- ]only (?:content|article|story)\b"
    r"|\bcreate (?:a|your) free account to (?:continue|read)\b"
    r"|\bjetzt (?:abonnieren|registrieren) und weiterlesen\b|\bweiterlesen mit\b"
    r"|\bpour lire la suite\b|\bréservé aux abonnés\b"
    r"|\bsuscr[ií]bete para (?:seguir leyendo|continuar)\b"
    r"|\bcontenido exclusivo para suscriptores\b"
    r"|\bчтобы (?:продолжить чтение|читать дальше)\b|\bдля продовження читання\b"
    r"|\bщоб (?:продовжити читання|читати далі)\b|\bдоступно лише (?:для )?передплатникам\b",
    re.IGNORECASE,
)

#: a phrase every _WALL match holds (lower case): a cheap first look at a long text
_WALL_HINT = re.compile(
    r"to\s+(?:continue|read|keep|unlock|access)|continue\s+reading|"
    r"(?:subscriber|member)s?[-\s]+only|(?:to|for)\s+(?:paying\s+)?(?:subscribers|members)|"
    r"weiterl|lire\s+la\s+suite|abonnés|suscr|чтобы|продовження|щоб|передплатник"
)
#: less running text than this beside a subscribe/sign-in notice: a login wall
_WALL_TEXT = 700
_WALL_TAGS = ("p", "div", "h2", "h3", "h4", "span", "li", "section", "strong")

#: most one paragraph in it and ...
THIN_TEXT = 1000
#: ... no run of paragraphs this long (on the page or in the main text): no article
THIN_RUN = 300
#: a grid of cards holding this many times the page's own longest run of paragraphs
CARDS_OVER_PROSE = 1.25
#: product tiles with prices (`cards`) beside no long run of paragraphs: a shop's page
SHOP_TILES = 6
_LISTING_SCHEMA = {"collectionpage", "itemlist", "searchresultspage", "profilepage"}


#: JSON-LD types a publisher gives pages that are not articles: a shop's product or
#: category page, search results, a forum thread or Q&A page
_OTHER_SCHEMA = {
    "product": "product page",
    "productgroup": "product page",
    "offercatalog": "shop category",
    "collectionpage": "collection page",
    "searchresultspage": "search results",
    "discussionforumposting": "forum thread",
    "qapage": "question and answer page",
}
#: the page's own URL (canonical / og:url) names a listing: a tag, category or
#: label archive, a search, a later page of a listing, a date archive (/2024/05/)
_LISTING_URL = re.compile(
    r"/(?:tags?|category|categories|product-category|labels?|search/label)/"
    r"|/page/\d+/?$|/search/?$|^/(?:19|20)\d\d/(?:[01]?\d/)?(?:[0-3]?\d/)?$",
    re.IGNORECASE,
)
_LISTING_QUERY = re.compile(r"(?:^|&)(?:s|q|query|search|paged?|updated-max)=", re.IGNORECASE)
#: shop buttons ("add to cart"); two on one page: a product or category page
_CART = re.compile(
    r"\badd to (?:cart|bag|basket|trolley)\b|\bin den (?:warenkorb|einkaufswagen)\b"
    r"|\bajouter au panier\b|\ba[ñn]adir al (?:carrito|cesta)\b|\baggiungi al carrello\b"
    r"|\bв корзину\b|\bдо кошика\b",
    re.IGNORECASE,
)
CART_BUTTONS = 2


@dataclass
class PageType:
    kind: str = ARTICLE
    reason: str = ""


def _schema(jsonld_types: set[str], og_type: str | None) -> tuple[bool, bool]:
    """(the publisher calls it an article, the publisher calls it a listing)."""
    og = (og_type or "").strip().lower()
    article = bool(jsonld_types & ARTICLE_TYPES) or og.startswith("article")
    listing = not article and (bool(jsonld_types & _LISTING_SCHEMA) or og == "website")
    return article, listing


def _page_url(tree: etree._Element) -> str:
    """The page's own URL as it states it (classify is not given the fetched URL)."""
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            return (link.get("href") or "").strip()
    for meta in tree.iter("meta"):
        if (meta.get("property") or "").lower() == "og:url":
            return (meta.get("content") or "").strip()
    return ""


def _declared_other(
    tree: etree._Element, body: etree._Element, jsonld_types: set[str], og_type: str | None
) -> str:
    """Why the page is plainly not an article, from what it says it is ("" if it is not).

    A publisher that marks the page as an article (JSON-LD) is believed: its URL or a
    shop button beside it does not make it a listing.
    """
    if jsonld_types & ARTICLE_TYPES:
        return ""
    og = (og_type or "").strip().lower()
    if og.startswith("product"):
        return f"product page (og:type {og})"
    for kind in sorted(jsonld_types & _OTHER_SCHEMA.keys()):
        return f"{_OTHER_SCHEMA[kind]} (schema.org {kind})"
    url = urlsplit(_page_url(tree))
    if _LISTING_URL.search(url.path) or _LISTING_QUERY.search(url.query):
        return f"listing URL {url.path}{'?' + url.query if url.query else ''}"[:120]
    buttons = 0
    for el in body.iter("button", "input"):
        label = _text(el) if el.tag == "button" else (el.get("value") or "")
        if label and len(label) < 60 and _CART.search(label):
            buttons += 1
            if buttons >= CART_BUTTONS:
                return f"{buttons} shop buttons ({label[:40]})"
    return ""


def _running(blocks: list[Block], exclude: tuple[str, ...] = ()) -> list[str]:
    """Running text among the main blocks (no comments, headings, captions, link lists)."""
    out: list[str] = []
    for b in blocks:
        if _COMMENT_MARK in b.context or b.kind in ("h", "caption"):
            continue
        text = b.text.strip()
        if text_size(text) < 30 or b.link_density > 0.5:
            continue
        if exclude and any(text in t for t in exclude):
            continue
        out.append(text)
    return out


def classify(
    tree: etree._Element,
    blocks: list[Block],
    *,
    title: str | None,
    jsonld_types: set[str] = frozenset(),  # type: ignore[assignment]
    og_type: str | None = None,
    forced_body: bool = False,
) -> PageType:
    """The page's kind, with a short human reason when it is not an article."""
    body = tree.find("body")
    if body is None:
        body = tree
    main = [b for b in blocks if _COMMENT_MARK not in b.context]
    # sizes (html.text_size), not lengths: a Chinese article is three times shorter
    main_chars = sum(text_size(b.text) for b in main)
    if forced_body:  # a site override names the article's container: trust it
        return PageType() if main_chars >= MIN_TEXT_CHARS else _empty(main_chars)

    running = sum(text_size(t) for t in _running(main))
    h1 = body.find(".//h1")
    headings = [title or ""]
    doc_title = tree.find(".//title")
    if doc_title is not None:
        headings.append(_text(doc_title))
    if h1 is not None:
        headings.append(_text(h1))
    for heading in headings:
        if heading and _ERROR_TITLE.search(heading) and running < 1000:
            return PageType(ERROR_PAGE, heading[:80])

    # the notice is often in an element the body extractor prunes (class "paywall");
    # but a notice outside the main text only matters when that text is short: a page
    # with enough running text and no notice in it needs no look element by element
    hint = _WALL_HINT.search("\n".join(b.text for b in main).lower())
    noticed = [b.text for b in main if _WALL.search(b.text)] if hint else []
    wall_blocks = [t for t in noticed if len(t) < 400]
    look = bool(noticed) or running < _WALL_TEXT
    for el in body.iter(*_WALL_TAGS) if look else ():
        line = _own_inline_text(el)
        if (
            10 < len(line) < 400
            and _WALL.search(line)
            and line not in wall_blocks
            and not _in_furniture(el)
            and not _in_hidden(el)
        ):
            wall_blocks.append(line)
    password = any(
        (i.get("type") or "").lower() == "password" and not _in_hidden(i)
        for i in body.iter("input")
    )
    if wall_blocks or password:
        text = running - sum(text_size(t) for t in wall_blocks if any(t in b.text for b in main))
        limit = _WALL_TEXT if wall_blocks else 300
        if text < limit:
            what = wall_blocks[0][:80] if wall_blocks else "password form"
            return PageType(LOGIN_WALL, f"{what} ({text} characters of text)")

    is_article, is_listing = _schema(jsonld_types, og_type)
    other = _declared_other(tree, body, jsonld_types, og_type)
    if other:
        return PageType(LISTING, other)
    teasers = _teasers(body)
    if teasers.count >= 2:
        own_texts = _running(main, teasers.texts)
        own = sum(text_size(t) for t in own_texts)
        # the page's own text reads like an article: two or more real paragraphs
        body_like = sum(1 for t in own_texts if text_size(t) >= 80) >= 2
        reason = f"{teasers.count} teasers, {own} characters of own text"
        if is_listing and not body_like:
            listing = teasers.chars >= own
        elif body_like:
            factor = 2 if is_listing else 3
            listing = not is_article and teasers.count >= 6 and teasers.chars >= factor * own
        elif is_article:
            listing = teasers.count >= 5 and teasers.chars >= 2 * own
        else:
            listing = (teasers.count >= 3 or own < 200) and teasers.chars >= 1.5 * own
        if listing:
            # the body extractor may have missed the article (its text then looks like
            # nothing beside the related-post teasers): ask the page itself
            prose = _prose(body, teasers.units)
            if not _article_prose(prose, teasers, is_article):
                return PageType(LISTING, f"{reason}, {prose.run} in its longest run of paragraphs")
    # a grid of cards says what the page is even when our blocks missed its text (a
    # near-empty body would otherwise be handed to the second extractor and stored)
    grid = "" if is_article else _card_grid(body, main, teasers, is_listing)
    if grid:
        return PageType(LISTING, grid)
    if main_chars < MIN_TEXT_CHARS:
        return _empty(main_chars)
    thin = "" if is_article else _thin(body, main, main_chars, teasers)
    if thin:
        return PageType(LISTING, thin)
    return PageType()


def _block_run(main: list[Block]) -> int:
    """Characters in the longest run of real paragraphs the body extractor found.

    Headings and short lines (captions, dates) do not break a run; a list, a table or
    a paragraph made of links does.
    """
    best = run = 0
    for b in main:
        size = text_size(b.text)
        long = size >= 80
        if b.kind == "p" and long and b.link_density < 0.3:
            run += size
            best = max(best, run)
        elif long and b.kind != "h":
            run = 0
    return best


def _thin(body: etree._Element, main: list[Block], main_chars: int, teasers: _Teasers) -> str:
    """Why a page not marked as an article is too thin to be one ("" if it is not).

    Little text, at most one paragraph of it, and no run of paragraphs anywhere on the
    page: a shop's category page whose grid is drawn by script, a schedule, a profile.
    A two-paragraph brief stays an article.
    """
    blocks = _block_run(main)
    paragraphs = sum(1 for b in main if b.kind == "p" and text_size(b.text) >= PROSE_MIN_LINE)
    if main_chars >= THIN_TEXT or blocks >= THIN_RUN or paragraphs >= 2:
        return ""
    page = _prose(body, teasers.units).run
    if page >= THIN_RUN:
        return ""
    return f"{main_chars} characters of text, no paragraphs ({max(page, blocks)} in a run)"


def _card_grid(body: etree._Element, main: list[Block], teasers: _Teasers, is_listing: bool) -> str:
    """Why a page not marked as an article is a grid of cards ("" if it is not).

    The grids (`cards.card_grids`: product tiles, story cards, rows of three) must
    hold `CARDS_OVER_PROSE` times the text of the page's own longest run of
    paragraphs, teasers and cards left out of it (clearly more, not about as much);
    a run of `PROSE_RUN` characters always makes an article. A page its publisher
    calls a listing (og:type website, CollectionPage) need only outweigh the
    paragraphs on the page (the body extractor may have taken a shop's SEO text for
    the body); so need `SHOP_TILES` tiles with prices.
    """
    grids = card_grids(body, _in_furniture)
    if not grids.chars:
        return ""
    run = _prose(body, grids.cards + teasers.units).run
    if run >= PROSE_RUN:
        return ""
    if grids.priced >= SHOP_TILES:
        return f"{grids.priced} shop tiles with prices, {run} in a run of paragraphs"
    own = run if is_listing else max(run, _block_run(main))
    if grids.chars >= CARDS_OVER_PROSE * max(own, 100):
        return f"{len(grids.cards)} cards of {grids.chars} characters, {own} in a run of paragraphs"
    return ""


def _empty(chars: int) -> PageType:
    return PageType(EMPTY, f"{chars} characters of text")


def _in_hidden(el: etree._Element) -> bool:
    for a in el.iterancestors():
        style = (a.get("style") or "").replace(" ", "").lower()
        if a.get("hidden") is not None or "display:none" in style:
            return True
    return False
