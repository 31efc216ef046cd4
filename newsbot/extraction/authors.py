"""Authors: the people (or the agency or desk) a byline names, nothing else.

Raw values come from JSON-LD, <meta> and the page's byline elements; `clean_authors`
turns each into names: labels in the languages seen ("By", "Von", "Geschrieben von",
"Autor:", "Par", "Por") off, co-authors split and kept in page order once, and what is
not a name dropped (photo credits, dates, places, e-mail addresses, handles, URL slugs,
"and" fragments, placeholders such as "admin"). A byline naming only an agency or a
desk ("Reuters", "dpa", "Redaktion") is kept; the site's own name never is.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from lxml import etree

from newsbot.extraction.titles import fix_mojibake, norm

_LABEL = re.compile(
    r"^\s*(?:(?:article |story |text |articles |posts |stories )?"
    r"(?:written|posted|published|authored|words|reported"
    r"|geschrieben|verfasst|escrito|écrit|publié|scritto|publicado|napisane)\s+"
    r"(?:by|von|por|par|da|przez)"
    r"|(?:articles|posts|stories|more) by|by|from|von|par|por|di|da|door|av|przez"
    r"|autor(?:in|es|a)?|author(?:s)?|auteur(?:s)?"
    r"|verfasser(?:in)?|texto?|автор(?:ы|и)?|текст|redactor(?:a)?|written|posted)"
    r"(?:\s*[:\-–—]\s*|\s+)",
    re.IGNORECASE,
)
#: "Posted byDamien Walter": the label glued to the name
_GLUED_BY = re.compile(r"^(?:posted |written )?by(?=[A-Z])")
#: credits that name someone who did not write the piece: the whole value goes
_CREDIT = re.compile(
    r"^\s*(?:photo(?:s|graph(?:y|s)?)?|image|illustration|video|graphic|credit|fotos?|bild"
    r"|updated|reviewed|edited|fact[- ]checked|medically reviewed|translated|"
    r"aktualisiert|mis à jour)\b",
    re.IGNORECASE,
)
#: between co-authors
_SPLIT = re.compile(
    r"\s*(?:,|;|&|\+|\band\b|\bund\b|\bet\b|\by\b|\be\b|\bи\b|\bі\b|\bта\b|\bi\b)\s*",
    re.IGNORECASE,
)
#: after the name in a byline: "Name | Role", "Name / site.com / Updated …", "Name · date"
_AFTER_NAME = re.compile(r"\s+[|•·/]\s+|\s+[—–]\s+|\s+-\s+")
#: "Lisa Jennings on Dec. 19, 2025", "Niko Matsakis on behalf of the project"
_TRAILER = re.compile(
    r"\s+(?:on|am|le|el|il|op|den|updated|aktualisiert|published|veröffentlicht)\s+"
    r"(?:\d|behalf|(?:mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct"
    r"|nov|dec|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag)).*$",
    re.IGNORECASE,
)
#: words that are never a name on their own (placeholders, template leftovers, labels)
_PLACEHOLDER = re.compile(
    r"^(?:admin|administrator|webmaster|root|user|author|authors|autor|written by|posted by"
    r"|by|undefined|null|none|unknown|n/a|anonymous|guest|view more posts|more|follow"
    r"|view all posts|all posts|corresponding author|about the author|the author|history"
    r"|share|home|menu|search|subscribe|sign in|log in|contact)$",
    re.IGNORECASE,
)
#: a desk or agency, not a person: kept only when the byline names no person
_DESK = re.compile(
    r"\b(?:staff|team|desk|newsroom|redaktion|rédaction|redacción|redazione|redactie"
    r"|редакция|редакція|editors?|editorial|agency|agencies|wire|reuters|afp|ap|dpa|apa"
    r"|sda|ansa|efe|associated press|press association|news service|contributors?)\b",
    re.IGNORECASE,
)
_DATE = re.compile(
    r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\b\d{1,2}:\d{2}\b|\b(?:19|20)\d{2}\b"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b"
    r"|\b\d{1,2}\.?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-zäé]*\b",
    re.IGNORECASE,
)
#: post-nominals that belong to the name before them ("Jane Roe, MD, PhD")
_POSTNOMINAL = re.compile(
    r"^(?:[A-Z][A-Za-z]{0,2}\.?\s?)?(?:[A-Z]{2,7}|Ph\.?D\.?|M\.?D\.?|Jr\.?|Sr\.?|MBA|RDN?|"
    r"[A-Z]{1,3}-[A-Z]{2,5}(?: \d{2,3})?)(?: \([A-Za-z]+\))?$"
)
#: job titles: a byline's "Jane Roe, Senior Reporter" names one person, not two
_ROLE = re.compile(
    r"(?:^|\s)(?:senior |staff |chief |managing |contributing |former )?(?:writer|editor|"
    r"reporter|correspondent|columnist|director|coordinator|consultant|manager|founder|"
    r"co-founder|ceo|cto|specialist|strategist|analyst|expert|journalist|photographer|"
    r"marketer|officer|president|head of [a-z ]+|redakteur(?:in)?|journalistin?)$",
    re.IGNORECASE,
)
_ROLE_WORDS = frozenset(
    {"senior", "staff", "chief", "managing", "contributing", "former", "lead", "deputy"}
    | {"associate", "executive", "assistant", "freelance", "guest", "special", "content"}
)
_PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la", "le"}
    | {"los", "las", "bin", "ibn", "al", "el", "ten", "ter", "y", "e"}
)


def _is_slug(value: str) -> bool:
    """A handle, a URL slug or a template key: "brandon-peaktwo", "page.head.author"."""
    if " " in value:
        return False
    return (value.islower() and bool(re.search(r"[-_.]", value))) or value.startswith("@")


def _name_like(value: str) -> bool:
    """Capitalised words (with name particles): how a person's name is written."""
    words = value.split()
    if not 1 <= len(words) <= 5:
        return False
    caps = 0
    for w in words:
        if w[:1].isupper() or (w[:1] in "'’" and w[1:2].isupper()):
            caps += 1
        elif w.lower() not in _PARTICLES:
            return False
    return caps >= 1


def _pieces(value: str) -> list[str]:
    """A byline string cut into co-authors, post-nominals kept with their name and
    "and" only splitting between names ("Center for Drug Evaluation and Research"
    stays whole)."""
    parts = [p.strip(" .,:;|-–—()[]\"'") for p in _SPLIT.split(value)]
    parts = [p for p in parts if p]
    if len(parts) > 1 and not all(_name_like(p) or _POSTNOMINAL.match(p) for p in parts):
        # an organisation or a role with "and" in it: split at commas and semicolons only
        parts = [p.strip(" .,:;|-–—()[]\"'") for p in re.split(r"\s*[,;]\s*", value)]
        parts = [p for p in parts if p]
    out: list[str] = []
    for p in parts:
        # "Jane Roe, MD", "Mike Marshall, Shipping Expert": part of the name before
        if out and (_POSTNOMINAL.match(p) or (not _name_like(p) and p[:1].isupper() and " " in p)):
            out[-1] = f"{out[-1]}, {p}"
            continue
        out.append(p)
    return out


def _unlabel(value: str) -> str:
    for _ in range(2):
        value = _GLUED_BY.sub("", value)
        value = _LABEL.sub("", value, count=1) if _LABEL.match(value) else value
    return value


def clean_authors(raw: Iterable[str], site_names: Iterable[str] = ()) -> list[str]:
    """Names out of raw author values, in order, each once (see the module docstring)."""
    sites = {norm(s) for s in site_names if s}
    sites.discard("")
    people: list[str] = []
    desks: list[str] = []
    seen: set[str] = set()
    for value in raw:
        if not value or not isinstance(value, str):
            continue
        value = fix_mojibake(html.unescape(" ".join(value.split())))
        if re.match(r"^(?:https?:)?//|^www\.", value) or ("@" in value and " " not in value):
            continue  # a profile URL, an e-mail address, a handle
        if _CREDIT.match(value):
            continue
        value = _TRAILER.sub("", _unlabel(value))
        # "Name | Role", "Name / site / Updated: …", "date · Name": the first part that
        # is not a date
        chunks = [c for c in _AFTER_NAME.split(value) if c.strip() and not _DATE.search(c)]
        if not chunks:
            continue
        value = _TRAILER.sub("", _unlabel(chunks[0].strip()))
        for name in _pieces(value):
            name = _unlabel(name).strip(" .,:;|-–—()[]\"'»«✉*")
            if _ROLE.search(name):
                # "Zackery Cuevas Writer" -> the name; "Senior Autos Reporter" -> nothing
                head = _ROLE.sub("", name).strip(" ,")
                words = head.split()
                if len(words) < 2 or not _name_like(head) or words[0].lower() in _ROLE_WORDS:
                    continue  # "Senior Autos Reporter": a job title alone
                name = head
            if not name or len(name) < 2 or len(name) > 80 or len(name.split()) > 12:
                continue
            if _PLACEHOLDER.match(name) or _is_slug(name) or "@" in name or _DATE.search(name):
                continue
            if sum(ch.isdigit() for ch in name) > 0 and not re.search(r"[A-Z]{2,} \d", name):
                continue
            key = norm(name)
            if not key or key in sites or key in seen:
                continue
            seen.add(key)
            (desks if _DESK.search(name) or not _name_like(name.split(",")[0]) else people).append(
                name
            )
    # a desk or agency alone is the author; next to people it is their employer
    return people or desks


# ---------------------------------------------------------------- DOM bylines

#: class/id words of byline elements ("c-byline__name", "post-author", "writer")
_BYLINE_WORDS = frozenset(
    {"byline", "author", "authors", "author-name", "authorname", "writer", "posted-by"}
    | {"postedby", "submitted-by", "contributor", "fn"}
)
_CLASS_SPLIT = re.compile(r"[\s_]+|--|__")
#: words of containers whose author names are not the article's: comments, related
#: stories, testimonials
_NOT_BYLINE = frozenset(
    {"comment", "comments", "commentlist", "related", "recommended", "recommendations"}
    | {"trending", "popular", "teaser", "testimonial", "testimonials", "read-next"}
)
_WORDS = re.compile(r"[\s_-]+")


def _elsewhere(node: etree._Element) -> bool:
    """`node` sits in a comment, a related-stories box or a testimonial."""
    for a in node.iterancestors():
        if a.tag in ("body", "html"):
            return False
        raw = f"{a.get('class') or ''} {a.get('id') or ''}".lower()
        if raw.strip() and not _NOT_BYLINE.isdisjoint(_WORDS.split(raw)):
            return True
    return False


def _is_byline(el: etree._Element) -> bool:
    get = el.get
    if get("rel") == "author" and el.tag != "link":
        return True
    if (get("itemprop") or "").lower() == "author":
        return True
    href = get("href") or ""
    if el.tag == "a" and re.search(r"/(?:author|authors|autor|auteur|profile/writer)/", href):
        return True
    raw = f"{get('class') or ''} {get('id') or ''}"
    if "uthor" not in raw and "yline" not in raw and "riter" not in raw and "fn" not in raw:
        return False
    for token in _CLASS_SPLIT.split(raw.lower()):
        if token in _BYLINE_WORDS:
            return True
        parts = token.split("-")
        if "author" in parts or "byline" in parts or "authors" in parts:
            if "bio" in parts or "description" in parts or "avatar" in parts:
                continue
            return True
        if token.endswith(("authorname", "author-name", "_author", "-author")):
            return True
    return False


def _own_text(el: etree._Element) -> str:
    """Text with element boundaries kept as spaces ("By<a>Name</a>Follow" -> words)."""
    try:
        parts = [t.strip() for t in el.itertext() if t and t.strip()]
    except (ValueError, TypeError):
        return ""
    return " ".join(" ".join(parts).split())


def dom_authors(tree: etree._Element, limit: int = 12) -> list[str]:
    """Raw byline texts: the first byline element that names someone, and the byline
    elements next to it (co-authors in their own links).

    One Python pass that stops early (an XPath with class tests over every element
    costs ~5 ms a page). The innermost match wins: a `.byline` holding an
    `a[rel=author]` gives the link's text, not "By … Follow".
    """
    found: list[etree._Element] = []
    for el in tree.iterdescendants():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "link", "meta"):
            continue
        if _is_byline(el):
            # the innermost match: drop an ancestor already taken
            if found and found[-1] in el.iterancestors():
                found[-1] = el
            else:
                found.append(el)
            if len(found) >= limit:
                break
    out: list[str] = []
    anchor: etree._Element | None = None
    scope: etree._Element | None = None
    for node in found:
        if _elsewhere(node):
            continue
        text = node.get("content") or _own_text(node)
        if not text or len(text) > 150:
            continue
        if anchor is None:
            if not clean_authors([text]):
                continue
            anchor = node.getparent() if node.getparent() is not None else node
            grand = anchor.getparent()
            scope = grand if grand is not None else anchor
            out.append(text)
            continue
        if scope is not None and scope in node.iterancestors():
            out.append(text)
    return out


#: a short line that is a byline by its wording: "By Jane Roe", "Von Anna Schmidt"
_BY_LINE = re.compile(
    r"^\s*(?:written by|posted by|geschrieben von|escrito por|by|von|par|por|autor:|author:)"
    r"\s+\S",
    re.IGNORECASE,
)


def byline_text(tree: etree._Element, window: int = 400) -> list[str]:
    """A "By Jane Roe" line near the headline, for pages whose byline has no class or
    markup that names it: the first short text starting with a byline label within
    `window` elements after the first <h1>."""
    seen_h1 = False
    count = 0
    for el in tree.iterdescendants():
        if not isinstance(el.tag, str) or el.tag in ("script", "style"):
            continue
        if not seen_h1:
            seen_h1 = el.tag == "h1"
            continue
        count += 1
        if count > window:
            break
        for text in (el.text, el.tail):
            if text and len(text) < 120 and _BY_LINE.match(text):
                line = text.strip()
                if len(line.split()) < 3 and el.tag != "a":
                    # "By <a>Jane Roe</a>": the name is in the next element
                    line = _own_text(el) if el.text == text else line
                names = clean_authors([line])
                # a name, not "By clicking Subscribe you agree…"
                if names and len(line.split()) <= 10 and all(_name_like(n) for n in names):
                    return [line]
    return []
