"""Article metadata from every place publishers put it.

Priority, most to least trusted: JSON-LD (article types, flattened out of @graph),
OpenGraph / article:*, Dublin Core, twitter:, microdata (itemprop), plain <meta>,
then the DOM (<h1>, <title>, rel=author / .byline). Nothing here raises.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from lxml import etree

from newsbot.extraction.html import text_of

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
        if _types(value) & {"organization", "newsmediaorganization", "corporation"}:
            return []
        name = _str(value.get("name"))
        if not name and (value.get("givenName") or value.get("familyName")):
            name = " ".join(
                filter(None, [_str(value.get("givenName")), _str(value.get("familyName"))])
            )
        return [name] if name else []
    s = _str(value)
    return [s] if s else []


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

_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·|»|«|/|:)\s+")


def _norm(s: str) -> str:
    return re.sub(r"\W+", "", s.casefold())


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _split_site(title: str, site_names: Iterable[str], host: str = "") -> tuple[str, list[str]]:
    """`title` without its ' | Site' / 'Site - ' parts, and the parts taken off."""
    parts = _SEPARATORS.split(title)
    if len(parts) < 2:
        return title, []
    sites = {_norm(s) for s in site_names if s}
    # an address (127.0.0.1) names no site: its "127" would match headlines' numbers
    host_key = "" if not host or _is_ip(host) else _norm(host.removeprefix("www.").split(".")[0])

    def is_site(part: str) -> bool:
        p = _norm(part)
        if not p:
            return True
        if p in sites or any(s and (p.startswith(s) or s.startswith(p)) for s in sites):
            return True
        if not host_key:
            return False
        if p == host_key or p == _norm(host):
            return True
        # "BBC News" on bbc.co.uk, but not "Why CNN changed its logo" on cnn.com
        return host_key in p and len(part.split()) <= 3

    removed: list[str] = []
    changed = True
    while changed and len(parts) > 1:
        changed = False
        if is_site(parts[-1]):
            removed.append(parts.pop())
            changed = True
        elif is_site(parts[0]) and len(parts) > 1:
            removed.append(parts.pop(0))
            changed = True
    # rejoin with the original separators by slicing the original string
    kept = " ".join(parts)
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    if start >= 0 and end > start:
        return title[start:end].strip(), removed
    return kept, removed


def strip_site(title: str, site_names: Iterable[str], host: str = "") -> str:
    """Drop a ' | Site' / 'Site - ' part when it is the site's name (or its domain)."""
    return _split_site(title, site_names, host)[0]


def _choose_title(
    candidates: list[str | None],
    h1s: list[str],
    doc_title: str | None,
    sites: list[str],
    host: str,
) -> str | None:
    """The headline: metadata first, then the <h1> that <title> confirms, then <title>.

    A candidate that is only the site's name never wins: a known name, the part taken
    off <title> as the site's, or an <h1> that is the last part of <title> and much
    shorter than the rest (templates put the site's name in a masthead <h1>, some
    in og:title too). Among several <h1>, the one <title> starts with wins.
    """
    sites = [s for s in sites if s]
    if doc_title:
        parts = _SEPARATORS.split(doc_title)
        if len(parts) > 1:
            last = _norm(parts[-1])
            rest = _norm(" ".join(parts[:-1]))
            sites += [h for h in h1s if _norm(h) == last and len(last) * 2 < len(rest)]
    site_keys = {_norm(s) for s in sites}
    stripped: str | None = None
    if doc_title:
        stripped, removed = _split_site(doc_title, sites, host)
        site_keys.update(_norm(r) for r in removed)
    site_keys.discard("")

    def is_site(text: str) -> bool:
        key = _norm(text)
        return not key or key in site_keys

    for cand in candidates:
        if cand:
            cand = strip_site(cand, sites, host)
            if not is_site(cand):
                return cand
    h1s = [h for h in h1s if not is_site(h)]
    title_key = _norm(doc_title) if doc_title else ""
    stripped_key = _norm(stripped) if stripped else ""
    # an <h1> that <title> holds; beyond the first <h1>, only one <title> starts with
    # or one holding most of it (a short section heading is in many titles by chance)
    confirmed = [
        h
        for i, h in enumerate(h1s)
        if title_key
        and _norm(h) in title_key
        and (
            i == 0
            or title_key.startswith(_norm(h))
            or len(_norm(h)) * 2 >= len(stripped_key or title_key)
        )
    ]
    if confirmed:

        def rank(h: str) -> tuple[bool, bool, int]:
            key = _norm(h)
            return (key == stripped_key, title_key.startswith(key), len(key))

        return max(confirmed, key=rank)
    if stripped and not is_site(stripped):
        if stripped == doc_title and not h1s:
            # no site name known: the longest part of "A | B" is usually the headline
            parts = _SEPARATORS.split(doc_title)
            if len(parts) > 1:
                stripped = max(parts, key=len)
        return stripped
    return h1s[0] if h1s else stripped


def _links_home(h1: etree._Element, host: str) -> bool:
    """An <h1> that is (or sits in) a link to the site's home page: the logo."""
    home = host.removeprefix("www.")
    for a in [*h1.iterancestors("a"), *h1.iter("a")]:
        href = (a.get("href") or "").strip()
        if not href or href.startswith("#"):
            continue
        parts = urlsplit(href)
        netloc = parts.netloc.removeprefix("www.")
        if not parts.path.strip("/") and not parts.query and (not netloc or netloc == home):
            return True
    return False


# ---------------------------------------------------------------- authors

_BY_PREFIX = re.compile(
    r"^\s*(?:by|from|written by|posted by|von|par|por|di|da|door|av|автор|авторы|автор:|"
    r"текст|текст:|publié par|escrito por)\s*[:\-]?\s+",
    re.IGNORECASE,
)
_SPLIT_AUTHORS = re.compile(r"\s*(?:,|;|&|\band\b|\bund\b|\bet\b|\by\b|\bи\b|\bі\b|\bта\b)\s*")
_NOT_PERSON = re.compile(
    r"\b(?:staff|admin|administrator|editor|editors|editorial|team|desk|newsroom|redaktion|"
    r"rédaction|redacción|redazione|редакция|редакція|agency|agencies|wire|reporters?|"
    r"contributors?|guest|anonymous|unknown|news|press|media|associated press|reuters|afp)\b",
    re.IGNORECASE,
)


def clean_authors(raw: Iterable[str], site_names: Iterable[str] = ()) -> list[str]:
    """People only: no 'By ', no site names or 'Staff', split 'A and B', de-duplicated."""
    sites = {_norm(s) for s in site_names if s}
    out: list[str] = []
    seen: set[str] = set()
    for value in raw:
        if not value:
            continue
        value = " ".join(value.split())
        if re.match(r"^(?:https?:)?//", value) or "@" in value:
            continue
        value = _BY_PREFIX.sub("", value)
        value = re.split(r"\s+[|•·—–]\s+|\s+-\s+", value)[0]  # "Name | Role", "Name - Title"
        for name in _SPLIT_AUTHORS.split(value):
            name = name.strip(" .,:;|-–—()[]\"'")
            name = _BY_PREFIX.sub("", name)
            if not name or len(name) < 3 or len(name) > 60 or len(name.split()) > 5:
                continue
            if any(ch.isdigit() for ch in name) or _NOT_PERSON.search(name):
                continue
            key = _norm(name)
            if key in sites or key in seen:
                continue
            seen.add(key)
            out.append(name)
    return out


_BYLINE_XPATH = (
    ".//a[@rel='author'] | .//*[@rel='author' and not(self::link)]"
    " | .//*[@itemprop='author']"
    " | .//*[contains(concat(' ', normalize-space(@class), ' '), ' byline ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' author ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' author-name ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' byline__name ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' fn ')]"
)


#: class tokens `_BYLINE_XPATH` looks for, and XPath's whitespace (normalize-space)
_BYLINE_CLASSES = frozenset({"byline", "author", "author-name", "byline__name", "fn"})
_XPATH_SPACE = re.compile(r"[ \t\r\n]+")


def _byline_nodes(tree: etree._Element, limit: int) -> list[etree._Element]:
    """The first `limit` matches of `_BYLINE_XPATH`, in document order.

    One Python pass that stops early: the XPath's class tests (concat/normalize-space
    on every element of the page) cost ~5 ms a page.
    """
    out: list[etree._Element] = []
    for el in tree.iterdescendants():
        tag = el.tag
        if not isinstance(tag, str):
            continue  # comments, processing instructions
        get = el.get
        cls = get("class")
        if (
            (get("rel") == "author" and tag != "link")
            or get("itemprop") == "author"
            or (cls and not _BYLINE_CLASSES.isdisjoint(_XPATH_SPACE.split(cls)))
        ):
            out.append(el)
            if len(out) >= limit:
                break
    return out


def _dom_authors(tree: etree._Element) -> list[str]:
    found: list[str] = []
    for node in _byline_nodes(tree, 8):
        if any(
            "comment" in (a.get("class") or "") + (a.get("id") or "") for a in node.iterancestors()
        ):
            continue
        name_node = node.find(".//*[@itemprop='name']")
        if name_node is not None:
            text = name_node.get("content") or text_of(name_node)
        else:
            text = node.get("content") or text_of(node)
        if text and len(text) < 100:
            found.append(text)
    return found


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
        text = text_of(node)
        if text and not _links_home(node, host):
            h1s.append(text)
    title_node = tree.find(".//title")
    doc_title = text_of(title_node) if title_node is not None else None
    meta.title = _choose_title(
        [
            _str(art.get("headline")) if art else None,
            _first(metas, "og:title"),
            _first(metas, "twitter:title", "dc.title", "dcterms.title", "headline"),
        ],
        h1s,
        doc_title or None,
        sites,
        host,
    )

    # authors
    raw_authors: list[str] = []
    for a in articles:
        raw_authors += _names(a.get("author")) + _names(a.get("creator"))
    if not raw_authors:
        raw_authors = [
            v
            for key in ("article:author", "author", "dc.creator", "dcterms.creator")
            for v in metas.get(key, [])
        ]
        raw_authors += [
            v for v in metas.get("sailthru.author", []) + metas.get("parsely-author", [])
        ]
    if not clean_authors(raw_authors, sites):
        raw_authors += _dom_authors(tree)
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
