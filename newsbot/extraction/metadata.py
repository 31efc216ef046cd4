"""Article metadata from every place publishers put it.

Priority, most to least trusted: JSON-LD (article types, flattened out of @graph),
OpenGraph / article:*, Dublin Core, twitter:, microdata (itemprop), plain <meta>,
then the DOM (<h1>, <title>, rel=author / .byline). Nothing here raises.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from lxml import etree

from newsbot.extraction.authors import byline_text, clean_authors, dom_authors
from newsbot.extraction.html import text_of
from newsbot.extraction.titles import (
    cap,
    choose_title,
    headline_text,
    in_masthead,
    norm,
    split_site,
    strip_site,
    url_sections,
)

__all__ = ["Metadata", "clean_authors", "extract_metadata", "strip_site"]

ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "reviewnewsarticle",
    "backgroundnewsarticle",
    "blogposting",
    "liveblogposting",
    "socialmediaposting",
    "techarticle",
    "scholarlyarticle",
    "report",
    "posting",
}
_PAGE_TYPES = {"webpage", "itempage", "collectionpage"}


@dataclass
class Metadata:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    description: str | None = None
    language: str | None = None
    canonical_url: str | None = None
    site_name: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    image_url: str | None = None
    #: parsed JSON-LD article objects (flattened out of @graph), for the dates module
    jsonld: list[dict] = field(default_factory=list)
    #: JSON-LD articleBody, if the publisher gave one (a cross-check for the body)
    article_body: str | None = None
    #: every JSON-LD @type on the page (lower case) and og:type: what the publisher
    #: says the page is (for the page-type classifier)
    schema_types: set[str] = field(default_factory=set)
    og_type: str | None = None
    #: (source, raw value) of every title and author found, for `extract --candidates`
    title_sources: list[tuple[str, str]] = field(default_factory=list)
    author_sources: list[tuple[str, str]] = field(default_factory=list)


# ---------------------------------------------------------------- JSON-LD


def _loads(raw: str) -> object:
    raw = raw.strip()
    if raw.startswith("<!--"):
        raw = raw[4:]
    if raw.endswith("-->"):
        raw = raw[:-3]
    raw = raw.strip().removeprefix("//<![CDATA[").removesuffix("//]]>").strip()
    try:
        return json.loads(raw, strict=False)
    except ValueError:
        pass
    fixed = re.sub(r",\s*([}\]])", r"\1", raw)  # trailing commas
    fixed = re.sub(r"[\x00-\x1f]", " ", fixed)
    try:
        return json.loads(fixed, strict=False)
    except ValueError:
        return None


def _walk(obj: object, depth: int = 0) -> Iterator[dict]:
    """Every dict in a JSON-LD document: top level, lists and @graph members."""
    if depth > 6:
        return
    if isinstance(obj, list):
        for item in obj:
            yield from _walk(item, depth + 1)
    elif isinstance(obj, dict):
        yield obj
        graph = obj.get("@graph")
        if graph is not None:
            yield from _walk(graph, depth + 1)
        main = obj.get("mainEntity")
        if isinstance(main, dict | list):
            yield from _walk(main, depth + 1)


def _types(obj: dict) -> set[str]:
    t = obj.get("@type")
    values = t if isinstance(t, list) else [t]
    return {v.rsplit("/", 1)[-1].lower() for v in values if isinstance(v, str)}


def jsonld_objects(tree: etree._Element) -> list[dict]:
    """All JSON-LD objects on the page (flattened)."""
    out: list[dict] = []
    for script in tree.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        data = _loads(script.text or "")
        if data is not None:
            out.extend(_walk(data))
    return out


def article_objects(objects: list[dict]) -> list[dict]:
    """The article-typed JSON-LD objects, most specific first."""
    arts = [o for o in objects if _types(o) & ARTICLE_TYPES]
    if not arts:
        arts = [o for o in objects if _types(o) & _PAGE_TYPES and o.get("headline")]
    return arts


def _str(value: object) -> str | None:
    if isinstance(value, str):
        value = " ".join(value.split())
        return value or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _names(value: object, depth: int = 0) -> list[str]:
    """Names out of a JSON-LD person/organisation value (str, dict, list)."""
    if depth > 3 or value is None:
        return []
    if isinstance(value, list):
        return [n for v in value for n in _names(v, depth + 1)]
    if isinstance(value, dict):
        # an organisation is kept (an agency or desk byline); the publisher's own name
        # is dropped later with the other site names
        name = _str(value.get("name"))
        if not name and (value.get("givenName") or value.get("familyName")):
            name = " ".join(
                filter(None, [_str(value.get("givenName")), _str(value.get("familyName"))])
            )
        return [name] if name else []
    s = _str(value)
    return [s] if s else []


def _person_names(value: object) -> list[str]:
    """Names of the JSON-LD authors typed as a Person (not an Organization)."""
    items = value if isinstance(value, list) else [value]
    return [
        name
        for v in items
        if isinstance(v, dict) and "person" in {t.lower() for t in _type_list(v)}
        for name in _names(v)
    ]


#: words that make a name an organisation's ("City Times", "Help Net Security")
_ORG_WORD = re.compile(
    r"\b(?:times|news|post|daily|weekly|media|group|inc|llc|ltd|co|corp|company|security|"
    r"blog|magazine|journal|tribune|herald|press|network|tv|radio|team|store|shop|labs?|"
    r"studio|agency|institute|university|center|centre|foundation|society|club|online|"
    r"digital|global|solutions|services|systems|guide|review|reviews|world|today|hub|"
    r"expert|travel|health|tech|editors?|staff|desk|newsroom)\b",
    re.IGNORECASE,
)


def _personal_name(value: str) -> bool:
    """A person's name as a `meta name=author` gives it: two or three capitalised words,
    none of them an organisation's ("Eric Ries", not "City Times")."""
    words = value.split()
    return (
        2 <= len(words) <= 3
        and all(w[:1].isupper() and w.replace("-", "").isalpha() for w in words)
        and not _ORG_WORD.search(value)
    )


def _type_list(obj: dict) -> list[str]:
    t = obj.get("@type")
    return [x for x in (t if isinstance(t, list) else [t]) if isinstance(x, str)]


def _url(value: object) -> str | None:
    if isinstance(value, list):
        for v in value:
            u = _url(v)
            if u:
                return u
        return None
    if isinstance(value, dict):
        return _url(value.get("url") or value.get("contentUrl") or value.get("@id"))
    return _str(value)


def _keywords(value: object) -> list[str]:
    if isinstance(value, list):
        return [k for v in value for k in _keywords(v)]
    if isinstance(value, dict):
        return _keywords(value.get("name"))
    s = _str(value)
    if not s:
        return []
    return [k.strip() for k in re.split(r"[,;]", s) if k.strip()]


# ---------------------------------------------------------------- <meta>


def _metas(tree: etree._Element) -> dict[str, list[str]]:
    """All <meta> name/property/itemprop/http-equiv → content values, lower-cased keys."""
    out: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        content = meta.get("content")
        if content is None or not content.strip():
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = meta.get(attr)
            if key:
                for k in key.lower().split():
                    out.setdefault(k, []).append(" ".join(content.split()))
    return out


def _first(metas: dict[str, list[str]], *keys: str) -> str | None:
    for key in keys:
        for value in metas.get(key, []):
            if value:
                return value
    return None


# ---------------------------------------------------------------- title / site

_norm = norm
_split_site = split_site


# ---------------------------------------------------------------- main entry


def extract_metadata(tree: etree._Element, url: str) -> Metadata:
    """Everything but dates and body, from one parsed tree (read only)."""
    meta = Metadata()
    objects = jsonld_objects(tree)
    articles = article_objects(objects)
    meta.jsonld = articles
    meta.schema_types = {t for o in objects for t in _types(o)}
    metas = _metas(tree)
    meta.og_type = _first(metas, "og:type")
    art = articles[0] if articles else {}
    host = urlsplit(url).hostname or ""

    # site name
    publisher = art.get("publisher") if art else None
    pub_name = _str(publisher.get("name")) if isinstance(publisher, dict) else _str(publisher)
    website = next((o for o in objects if _types(o) & {"website"}), {})
    meta.site_name = (
        _first(metas, "og:site_name", "application-name", "twitter:site:name")
        or pub_name
        or _str(website.get("name"))
    )
    sites = [s for s in (meta.site_name, pub_name, _str(website.get("name"))) if s]
    twitter_site = _first(metas, "twitter:site")
    if twitter_site:
        sites.append(twitter_site.lstrip("@"))

    # title
    h1s: list[str] = []
    for i, node in enumerate(tree.iter("h1")):
        if i >= 10:
            break
        text = headline_text(node)
        if text and not in_masthead(node, host):
            h1s.append(text)
    title_node = tree.find(".//title")
    doc_title = text_of(title_node) if title_node is not None else None
    titles = [
        ("jsonld headline", _str(art.get("headline")) if art else None),
        ("og:title", _first(metas, "og:title")),
        (
            "twitter:title/dc.title",
            _first(metas, "twitter:title", "dc.title", "dcterms.title", "headline"),
        ),
    ]
    meta.title_sources = [(k, v) for k, v in titles if v] + [("h1", h) for h in h1s]
    if doc_title:
        meta.title_sources.append(("<title>", doc_title))
    meta.title = cap(
        choose_title(
            [v for _k, v in titles],
            h1s,
            doc_title or None,
            sites,
            host,
            [*url_sections(url), *_keywords(art.get("articleSection") if art else None)[:3]],
        )
    )

    # authors
    raw_authors: list[str] = []
    for a in articles:
        raw_authors += _names(a.get("author")) + _names(a.get("creator"))
    meta.author_sources = [("jsonld author", n) for n in raw_authors]
    if not raw_authors:
        raw_authors = [
            v
            for key in ("article:author", "author", "dc.creator", "dcterms.creator")
            for v in metas.get(key, [])
        ]
        raw_authors += [
            v for v in metas.get("sailthru.author", []) + metas.get("parsely-author", [])
        ]
        meta.author_sources += [("meta author", n) for n in raw_authors]
    # a personal site is named after its author ("Eric Ries", by Eric Ries): the site's
    # name is kept when the page declares it as a person who wrote the article
    persons = {n.casefold() for a in articles for n in _person_names(a.get("author"))}
    persons |= {v.casefold() for v in metas.get("author", []) if _personal_name(v)}
    sites = [s for s in sites if s.casefold() not in persons]
    if not clean_authors(raw_authors, sites):
        found = dom_authors(tree)
        meta.author_sources += [("byline element", n) for n in found]
        raw_authors += found
        if not clean_authors(raw_authors, sites):
            found = byline_text(tree)
            meta.author_sources += [("byline text", n) for n in found]
            raw_authors += found
    meta.authors = clean_authors(raw_authors, sites)

    # description / lead
    meta.description = (_str(art.get("description")) if art else None) or _first(
        metas, "og:description", "description", "twitter:description", "dc.description"
    )

    # language (declared only; extract_page adds hints and detection)
    from newsbot.extraction.language import normalise

    html_lang = tree.get("lang") or tree.get("xml:lang")
    meta.language = (
        normalise(html_lang)
        or normalise(_first(metas, "content-language", "language", "dc.language"))
        or normalise(_first(metas, "og:locale"))
        or normalise(_str(art.get("inLanguage")) if art else None)
    )

    # canonical
    canonical = None
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            canonical = link.get("href").strip()
            break
    canonical = canonical or _first(metas, "og:url") or (_url(art.get("url")) if art else None)
    if canonical:
        joined = urljoin(url, canonical) if url else canonical
        meta.canonical_url = joined if joined.startswith(("http://", "https://")) else None

    # section and tags
    section = (_keywords(art.get("articleSection")) if art else []) or [
        v for v in metas.get("article:section", [])
    ]
    if not section:
        section = metas.get("section", []) + metas.get("parsely-section", [])
    meta.section = section[0] if section else None
    tags = metas.get("article:tag", [])
    if not tags and art:
        tags = _keywords(art.get("keywords"))
    if not tags:
        tags = _keywords(_first(metas, "news_keywords", "keywords"))
    seen: set[str] = set()
    meta.tags = [t for t in tags if not (t.casefold() in seen or seen.add(t.casefold()))][:50]

    # image
    image = (_url(art.get("image")) if art else None) or _first(
        metas, "og:image", "og:image:url", "og:image:secure_url", "twitter:image", "image"
    )
    if image:
        image = urljoin(url, image) if url else image
        meta.image_url = image if image.startswith(("http://", "https://")) else None

    # articleBody
    for a in articles:
        body = a.get("articleBody")
        if isinstance(body, str) and body.strip():
            meta.article_body = body
            break
    return meta
