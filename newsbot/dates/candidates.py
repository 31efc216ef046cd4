"""Gather raw date strings from a page, each labelled with its role and evidence.

One read-only pass over the tree (no XPath per rule) keeps this cheap. Dates in
comments, sidebars and related-article lists are kept but marked weak (evidence
"text", key suffix "@weak") so the chooser can ignore them; dates inside the
article/header get a "@article" key suffix.

Where an element sits (article, header, sidebar, teaser) is judged in `areas`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from newsbot.dates.areas import _area, _byline_area, _headline, _teaser, _text, _tokens
from newsbot.dates.parse import _WORD, DEFAULT_LANGUAGES, _vocab
from newsbot.items import DateCandidate, Hints

#: meta name/property/itemprop (lower-case) → role
META_ROLES: dict[str, str] = {
    **dict.fromkeys(
        [
            "article:published_time", "og:published_time", "og:article:published_time",
            "article:published", "article.published", "article_date_original",
            "pubdate", "publishdate", "publish-date", "publish_date", "published_time",
            "published-date", "published_date", "publication_date", "publication-date",
            "pub_date", "pub-date", "date", "dc.date", "dc.date.issued", "dc.date.created",
            "dcterms.created", "dcterms.issued", "dcterms.date", "dc.created",
            "sailthru.date", "parsely-pub-date", "datepublished", "datecreated",
            "article:post_date", "og:pubdate", "bt:pubdate", "rnews:datepublished",
            "cxenseparse:recs:publishtime", "citation_publication_date", "citation_date",
            "prism.publicationdate", "originalpublicationdate", "date_published",
            "creation_date", "created", "uploaddate", "displaydate", "dc.date.available",
            "release_date", "article:publication_date", "shareaholic:article_published_time",
            "timestamp", "eomportal-publishdate", "analyticsattributes.articledate",
            "published", "published_at", "post_date", "article:published_date",
            "publish_time",
        ],
        "published",
    ),
    **dict.fromkeys(
        [
            "article:modified_time", "og:updated_time", "og:modified_time",
            "article:modified", "article.updated", "article:updated_time", "modified",
            "lastmod", "last-modified", "dcterms.modified", "dc.date.modified",
            "datemodified", "updated_time", "date.modified", "revised", "last_updated",
            "lastmodified", "parsely-updated", "sailthru.updated",
            "shareaholic:article_modified_time",
            "article:modified_date", "date_modified", "eomportal-lastupdate",
        ],
        "modified",
    ),
}  # fmt: skip
ITEMPROP_ROLES = {
    "datepublished": "published",
    "datecreated": "published",
    "uploaddate": "published",
    "datemodified": "modified",
}
JSONLD_ROLES = {
    "datePublished": "published",
    "dateCreated": "published",
    "uploadDate": "published",
    "dateModified": "modified",
}

_MODIFIED_CLASS = re.compile(r"updated|\bupdate\b|modified|last-?mod|aktualisiert|revised", re.I)
_EXPLICIT_MODIFIED = re.compile(r"modif|last-?mod|revised|aktualisiert", re.I)
_PUBLISHED_CLASS = re.compile(r"publish|posted|pubdate|entry-date|created|dateline", re.I)

#: visible labels before a date, in many languages → role
_LABELS = [
    (
        "modified",
        r"last\s+updated|last\s+modified|updated(?:\s+on|\s+at)?|modified(?:\s+on)?|"
        r"оновлено|обновлено|изменено|змінено|aktualisiert(?:\s+am)?|zuletzt\s+aktualisiert|"
        r"stand|mis\s+à\s+jour(?:\s+le)?|modifié\s+le|actualizado(?:\s+el)?|"
        r"actualizaci[oó]n|aggiornato(?:\s+il)?|atualizado(?:\s+em)?|bijgewerkt(?:\s+op)?|"
        r"zaktualizowano|aktualizacja|aktualizováno|uppdaterad|güncelleme|güncellendi|"
        r"更新",
    ),
    (
        "published",
        r"posted(?:\s+on|\s+at)?|published(?:\s+on|\s+at)?|first\s+published|"
        r"опубліковано|опубликовано|публікація|дата\s+публікації|дата\s+публикации|"
        r"veröffentlicht(?:\s+am)?|erschienen(?:\s+am)?|publié(?:\s+le)?|"
        r"publicado(?:\s+el|\s+em)?|pubblicato(?:\s+il)?|gepubliceerd(?:\s+op)?|"
        r"opublikowano|publikováno|publicerad|yayınlanma|yayınlandı|发布|公開|"
        r"erstellt(?:\s+am)?|créé\s+le|creado(?:\s+el)?|criado(?:\s+em)?|"
        r"created(?:\s+on)?|date",
    ),
]
#: CJK labels: no spaces between words, so no word-boundary test
_CJK_LABELS = {"modified": "更新", "published": "发布|發佈|發布|公開|配信|掲載|发表|發表|投稿"}
_LABEL_RE = re.compile(
    "|".join(
        f"(?P<{role}{i}>(?<![^\\W\\d_])(?:{pat})(?![^\\W\\d_])|{_CJK_LABELS[role]})"
        for i, (role, pat) in enumerate(_LABELS)
    ),
    re.I,
)
_HAS_DIGIT = re.compile(r"\d")
_RELATIVE_WORDS = re.compile(r"ago|yesterday|today|тому|назад|вчора|вчера|vor\s|il y a|hace", re.I)

_URL_DATE = [
    re.compile(r"/((?:19|20)\d{2})[/_-](0?[1-9]|1[0-2])[/_-](0?[1-9]|[12]\d|3[01])(?=[/_.-]|$)"),
    re.compile(r"(?<![\d])((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?![\d])"),
]
_MONTH_NUMBER = {
    m: i + 1
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    )
}
_URL_MONTH_NAME = re.compile(
    r"/((?:19|20)\d{2})/(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|"
    r"aug(?:ust)?|sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)/"
    r"(0?[1-9]|[12]\d|3[01])(?=[/_.-]|$)"
)
MAX_TEXT_CANDIDATES = 12
#: how many date-looking elements' text we read at most (bounds the cost on huge pages)
MAX_TEXT_LOOKS = 80
_SKIP_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "head", "title", "link", "svg", "path",
        "g", "use", "img", "picture", "source", "iframe", "input", "button", "select",
        "option", "textarea", "br", "hr", "video", "audio", "canvas", "form",
    }
)  # fmt: skip
_NO_TEXT_TAGS = frozenset(
    {"html", "body", "a", "ul", "ol", "table", "tbody", "tr", "article", "main", "section"}
)
MAX_TEXT_LEN = 200


def _class_role(toks: str) -> str | None:
    """Role named by class/id tokens. WordPress themes mark the post date 'entry-date
    updated' (hAtom wants an 'updated' on every entry), so a published token wins
    unless the element says 'modified' outright."""
    if not toks:
        return None
    pub = _PUBLISHED_CLASS.search(toks) is not None
    if _MODIFIED_CLASS.search(toks) and not (pub and _EXPLICIT_MODIFIED.search(toks) is None):
        return "modified"
    return "published" if pub else None


def _label_role(text: str) -> str | None:
    """Role named by the first label in the text ('Updated …' → modified), if any."""
    m = _LABEL_RE.search(text)
    if not m or m.group(0).lower() == "date":
        return None
    return "modified" if (m.lastgroup or "").startswith("modified") else "published"


def _label_segments(text: str, default_role: str) -> list[tuple[str, str]]:
    """Split 'Published 1 May … Updated 2 May' into (role, text) pieces by label."""
    matches = list(_LABEL_RE.finditer(text))
    if not matches:
        return [(default_role, text)]
    out = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        seg = text[m.start() : end].strip()
        role = "modified" if m.lastgroup and m.lastgroup.startswith("modified") else "published"
        if m.group(0).lower() == "date":
            role = default_role
        if _HAS_DIGIT.search(seg) or _RELATIVE_WORDS.search(seg):
            out.append((role, seg))
    head = text[: matches[0].start()].strip()
    if head and _HAS_DIGIT.search(head) and len(head) > 5:
        out.insert(0, (default_role, head))
    return out


_DATEISH = re.compile(
    r"(?<!\d)(?:19|20)\d{2}(?!\d)|\d{1,2}[./-]\d{1,2}[./-]\d{2}|\d{1,2}[:h]\d{2}|\d\s*[年月]"
)


def _looks_like_date(text: str) -> bool:
    """Cheap filter before a text becomes a candidate: '123 views' is not a date line."""
    if not _HAS_DIGIT.search(text):
        return _RELATIVE_WORDS.search(text) is not None
    if _DATEISH.search(text) or _RELATIVE_WORDS.search(text):
        return True
    months, _ = _vocab(DEFAULT_LANGUAGES)  # year-less "Sunday, July 31"
    return any(w in months for w in _WORD.findall(text.casefold()))


def _jsonld_candidates(jsonld: Iterable[Any]) -> list[DateCandidate]:
    out: list[DateCandidate] = []
    for obj in jsonld or []:
        if not isinstance(obj, dict):
            continue
        for key, role in JSONLD_ROLES.items():
            value = obj.get(key)
            if isinstance(value, list):
                value = value[0] if value else None
            if isinstance(value, dict):
                value = value.get("@value")
            if isinstance(value, int | float) and not isinstance(value, bool):
                value = str(int(value))
            if isinstance(value, str) and value.strip():
                out.append(DateCandidate(value.strip()[:200], role, "jsonld", key))
    return out


def _path(url: str) -> str:
    try:
        return urlsplit(url or "").path.rstrip("/")
    except ValueError:
        return ""


#: sentence punctuation followed by more text, or ending a long line
_SENTENCE = re.compile(r"[。！？]|[.!?](?:\s+\S|$)(?<=.{40})")
#: siblings looked at on each side of the headline (and of its parent)
NEAR_SIBLINGS = 3


def _near_title_candidates(tree: Any, found: list[DateCandidate]) -> list[DateCandidate]:
    """A short date line right above or below the headline ('14 March 2023' under the
    h1, a date kicker above it): themes without date classes still put it there."""
    h1 = _headline(tree)
    if h1 is None:
        return []
    seen = {c.raw for c in found}
    out: list[DateCandidate] = []
    parent = h1.getparent()
    for node in (h1, parent):
        if node is None or not isinstance(node.tag, str) or node.tag in ("body", "main"):
            continue
        around = [*list(node.itersiblings(preceding=True))[:NEAR_SIBLINGS],
                  *list(node.itersiblings())[:NEAR_SIBLINGS]]  # fmt: skip
        for sib in around:
            if not isinstance(sib.tag, str) or sib.tag in _SKIP_TAGS:
                continue
            text = _text(sib)
            if text and len(text) > 80:
                # a header box ("Product · January 5, 2026" under the title): its one
                # element that holds nothing but a date
                text = _date_only_inside(sib)
            if not text or len(text) > 80 or text in seen or any(text in r for r in seen):
                continue
            if not _looks_like_date(text) or next(sib.iter("time"), None) is not None:
                continue
            if _SENTENCE.search(text):
                continue  # a sentence of the story ('The council met on 3 May 2019.')
            seen.add(text)
            for role, seg in _label_segments(text, "unknown"):
                out.append(DateCandidate(seg, role, "byline", "near-title@article"))
    return out


#: elements looked into, per box beside the headline, for a date-only line
NEAR_BOX_ELEMENTS = 40


def _date_only_inside(box: Any) -> str:
    """The text of the one element in `box` that is nothing but a full date ("" if none,
    or if the box holds several: a list of teasers, an archive)."""
    found = ""
    for i, el in enumerate(box.iter()):
        if i > NEAR_BOX_ELEMENTS:
            return ""
        if not isinstance(el.tag, str) or el.tag in _SKIP_TAGS or el.find("a") is not None:
            continue
        text = _text(el)
        if 6 <= len(text) <= 40 and _FULL_DATE_ONLY.fullmatch(text):
            if found and found != text:
                return ""
            found = text
    return found


_FULL_DATE_ONLY = re.compile(
    r"(?:\w+,?\s+)?(?:\w{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"
    r"|\d{1,2}\.?\s+\w{3,9}\.?,?\s+\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{4})"
)


def _url_candidates(url: str) -> list[DateCandidate]:
    try:
        path = urlsplit(url or "").path
    except ValueError:
        return []
    for rx in _URL_DATE:
        m = rx.search(path)
        if m:
            y, mo, d = m.groups()
            raw = f"{int(y):04d}-{int(mo):02d}-{int(d):02d}"
            return [DateCandidate(raw, "published", "url", "url-path")]
    m = _URL_MONTH_NAME.search(path.lower())
    if m:  # /2023/october/03/
        y, name, d = m.groups()
        raw = f"{int(y):04d}-{_MONTH_NUMBER[name[:3]]:02d}-{int(d):02d}"
        return [DateCandidate(raw, "published", "url", "url-path")]
    return []


def _hint_candidates(hints: Hints | None) -> list[DateCandidate]:
    if hints is None:
        return []
    kind = hints.via if hints.via in ("feed", "sitemap") else "feed"
    out = []
    if isinstance(hints.published, str) and hints.published.strip():
        out.append(DateCandidate(hints.published.strip(), "published", kind, "hint:published"))
    if isinstance(hints.modified, str) and hints.modified.strip():
        out.append(DateCandidate(hints.modified.strip(), "modified", kind, "hint:modified"))
    return out


def _header_candidates(headers: Mapping[str, str] | None) -> list[DateCandidate]:
    if not headers:
        return []
    try:
        for k, v in headers.items():
            if str(k).lower() == "last-modified" and v:
                if isinstance(v, bytes | bytearray):
                    v = v.decode("latin-1", "replace")
                if isinstance(v, list | tuple):
                    v = v[0] if v else ""
                return [DateCandidate(str(v).strip(), "modified", "http", "Last-Modified")]
    except (AttributeError, TypeError):
        return []
    return []


def _tree_candidates(tree: Any, page_path: str = "") -> list[DateCandidate]:
    out: list[DateCandidate] = []

    def area_of(el: Any) -> str:
        area = _area(el)
        if area != "weak" and _teaser(el, page_path):
            return "weak"
        return area

    seen_text: set[str] = set()
    texts = looked = 0
    try:
        elements = tree.iter(etree.Element)  # elements only: no comments or PIs
    except (AttributeError, TypeError):
        return out
    for el in elements:
        tag = el.tag
        if not isinstance(tag, str):
            continue  # comments, processing instructions
        get = el.get
        if tag == "meta":
            name = get("property") or get("name") or get("itemprop") or get("http-equiv") or ""
            name = name.strip().lower()
            content = (get("content") or "").strip()
            if not content or not name:
                continue
            role = META_ROLES.get(name)
            if role:
                evidence = "microdata" if get("itemprop") else "meta"
                if evidence == "microdata" and _area(el) == "weak":
                    evidence = "text"
                out.append(DateCandidate(content[:200], role, evidence, name))
            continue
        if tag in _SKIP_TAGS:
            continue
        itemprop = (get("itemprop") or "").strip().lower()
        if itemprop in ITEMPROP_ROLES:
            raw = (get("content") or get("datetime") or "").strip() or _text(el)[:MAX_TEXT_LEN]
            if raw:
                weak = area_of(el) == "weak"
                out.append(
                    DateCandidate(
                        raw,
                        ITEMPROP_ROLES[itemprop],
                        "text" if weak else "microdata",
                        f"itemprop={itemprop}" + ("@weak" if weak else ""),
                    )
                )
            if tag != "time":
                continue
        if tag == "time":
            area = area_of(el)
            toks = _tokens(el)
            role = _class_role(toks) or ("published" if get("pubdate") is not None else "unknown")
            parent = el.getparent()
            if role == "unknown" and parent is not None:
                role = _class_role(_tokens(parent)) or role
            text = _text(el)[:MAX_TEXT_LEN]
            if role == "unknown" and text:
                role = _label_role(text) or role
            if role == "unknown" and parent is not None:
                role = _label_role((parent.text or "").strip()) or role
            dt = (get("datetime") or "").strip()
            suffix = "@weak" if area == "weak" else ("@article" if area == "article" else "")
            evidence = "text" if area == "weak" else "time"
            if dt:
                out.append(DateCandidate(dt[:200], role, evidence, "time[datetime]" + suffix))
            elif text:
                out.append(DateCandidate(text, role, evidence, "time" + suffix))
            continue
        # visible date lines: by class/id, or by a label at the start of the text
        if texts >= MAX_TEXT_CANDIDATES or looked >= MAX_TEXT_LOOKS or tag in _NO_TEXT_TAGS:
            continue
        toks = _tokens(el)
        own = (el.text or "").strip()
        by_class = bool(toks) and _byline_area(toks)
        by_label = bool(own) and len(own) < 80 and _LABEL_RE.match(own) is not None
        if not (by_class or by_label):
            continue
        looked += 1
        text = _text(el)
        if not text or len(text) > MAX_TEXT_LEN or text in seen_text:
            continue
        if not _looks_like_date(text):
            continue
        if next(el.iter("time"), None) is not None:
            continue  # the <time> element itself is a better candidate
        area = area_of(el)
        default = _class_role(toks) or "unknown"
        seen_text.add(text)
        weak = area == "weak"
        suffix = "@weak" if weak else ("@article" if area == "article" else "")
        key = (f"{tag}.{toks.split()[0]}" if toks else tag) + suffix
        for role, seg in _label_segments(text, default):
            out.append(DateCandidate(seg, role, "text" if weak else "byline", key))
            texts += not weak
    return out


def collect_candidates(
    tree: lxml.html.HtmlElement,
    url: str,
    *,
    jsonld: list[dict],
    headers: Mapping[str, str] | None = None,
    hints: Hints | None = None,
) -> list[DateCandidate]:
    """Every date the page (and what led us to it) offers, strongest sources first.

    Reads `tree` without modifying it; never raises on odd markup.
    """
    out: list[DateCandidate] = []
    for part in (
        lambda: _jsonld_candidates(jsonld),
        lambda: _tree_candidates(tree, _path(url)),
        lambda: _near_title_candidates(tree, out),
        lambda: _hint_candidates(hints),
        lambda: _url_candidates(url),
        lambda: _header_candidates(headers),
        lambda: _script_candidates(tree, out),
    ):
        try:
            out.extend(part())
        except Exception:  # one broken source must not lose the others
            continue
    return out


#: a publication date in a script's data ("publishedAt": "2025-10-20T13:08:55-07:00"):
#: what apps built with Next.js, Nuxt or a headless CMS carry instead of markup
_SCRIPT_DATE = re.compile(
    r'"(?:datePublished|publishedAt|published_at|publishDate|publish_date|'
    r'date_published|firstPublishedAt|first_published_at)"\s*:\s*'
    r'"((?:19|20)\d\d-\d\d-\d\d(?:[T ][0-9:.]+(?:Z|[+-]\d\d:?\d\d)?)?)"'
)
#: script text read at most, per page (app state can be megabytes)
MAX_SCRIPT_TEXT = 2_000_000


def _script_candidates(tree: Any, found: list[DateCandidate]) -> list[DateCandidate]:
    """The page's own data, read only when nothing else on the page gives a published
    date: the first publication date in its scripts (the article's own comes first in
    an app's state; related items follow it)."""
    if any(c.role in ("published", "unknown") and c.evidence != "text" for c in found):
        return []
    budget = MAX_SCRIPT_TEXT
    for script in tree.iter("script"):
        kind = (script.get("type") or "").lower()
        if kind and "json" not in kind and "javascript" not in kind:
            continue
        text = script.text or ""
        if not text or "ld+json" in kind:
            continue
        m = _SCRIPT_DATE.search(text[:budget])
        if m:
            return [DateCandidate(m.group(1), "published", "script", "script-data")]
        budget -= len(text)
        if budget <= 0:
            break
    return []
