"""The headline: which of the page's titles a reader sees, cleaned of site names.

Publishers state a title in several places: JSON-LD `headline`, og:title, twitter:title,
`<title>` and the `<h1>` over the article. The metadata copies are often SEO variants
("Best X in 2025 | Site") while the `<h1>` is the headline the reader sees, so an `<h1>`
that looks like a headline wins; the metadata confirms which `<h1>` that is, strips
the site's name, and stands in when no `<h1>` is usable. Nothing here raises.
"""

from __future__ import annotations

import html
import ipaddress
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from lxml import etree

from newsbot.extraction.html import text_of

#: a "title" longer than this is a paragraph, a description or a whole page glued
#: together: the next source is asked instead
MAX_TITLE = 300
#: nothing longer is ever stored as a title, whatever the source
HARD_MAX_TITLE = 1000

SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·|•|⋆|»|«|/|:|~)\s+|\s*[|•⋆·]\s*$|^\s*[|•⋆·]\s*")
#: "Blog Name: Post" — a colon after a prefix with no space before it
_COLON_PREFIX = re.compile(r"^([^:]{2,60}):\s+(?=\S)")


def norm(s: str) -> str:
    """A comparison key: case-folded word characters only."""
    return re.sub(r"\W+", "", s.casefold())


def clean_text(value: str | None) -> str | None:
    """Entities decoded (twice: `&amp;#8217;` is common), whitespace collapsed,
    markdown emphasis markers taken off the ends."""
    if not value:
        return None
    value = fix_mojibake(value)
    for _ in range(2):
        if "&" not in value:
            break
        value = html.unescape(value)
    value = " ".join(value.split())
    value = re.sub(r"^#{1,6}\s+", "", value)  # a markdown heading copied into metadata
    if value.startswith("*") and "*" in value[1:]:  # "*Book title* (1792)"
        value = re.sub(r"(?<!\w)\*([^*]+)\*(?!\w)", r"\1", value)
    return value or None


_MOJIBAKE = re.compile("[\u00c2\u00c3\u00e2][\u0080-\u00bf\u201a-\u203a\u0152-\u0178\u02c6\u02dc]")


def fix_mojibake(value: str) -> str:
    """UTF-8 read as Latin-1/cp1252 ("Investorâ\x80\x99s", "JOHNSONâ€™S®") decoded again."""
    if not _MOJIBAKE.search(value):
        return value
    for codec in ("cp1252", "latin-1"):
        try:
            return value.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    return value


def cap(title: str | None) -> str | None:
    """The hard limit: a stored title is never longer than `HARD_MAX_TITLE`."""
    if title and len(title) > HARD_MAX_TITLE:
        cut = title[:HARD_MAX_TITLE]
        return cut.rsplit(" ", 1)[0] if " " in cut[-100:] else cut
    return title


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def split_site(
    title: str, site_names: Iterable[str], host: str = "", sections: Iterable[str] = ()
) -> tuple[str, list[str]]:
    """`title` without its ' | Site' / 'Site - ' / ' | Section' parts, and the parts
    taken off. `sections` are the page's section names (its URL's path words, its
    declared section): "Headline | Opinion" on /story/opinion/… loses "Opinion"."""
    parts = [p for p in SEPARATORS.split(title) if p is not None]
    colon = _COLON_PREFIX.match(title)
    if len(parts) < 2 and not colon:
        return title, []
    names = [s for s in site_names if s]
    sites = {norm(s) for s in names}
    sites.discard("")
    site_words = [[norm(w) for w in s.split()] for s in names]
    section_keys = {norm(s) for s in sections if s}
    section_keys.discard("")
    # an address (127.0.0.1) names no site: its "127" would match headlines' numbers
    host_key = "" if not host or _is_ip(host) else norm(host.removeprefix("www.").split(".")[0])

    def is_site(part: str) -> bool:
        p = norm(part)
        if not p:
            return True
        if p in sites or any(p.startswith(s) or s.startswith(p) for s in sites):
            return True
        n_words = len(part.split())
        if n_words <= 2 and p in section_keys:
            return True
        if len(p) >= 4 and n_words <= 3:
            # "Koia" of "Drink Koia Online"; "DianaHR" on getdianahr.com
            words = [norm(w) for w in part.split()]
            if any(_sublist(words, sw) for sw in site_words):
                return True
            if host_key and p in host_key:
                return True
        if not host_key:
            return False
        if p == host_key or p == norm(host):
            return True
        # "BBC News" on bbc.co.uk, but not "Why CNN changed its logo" on cnn.com
        return host_key in p and n_words <= 3

    removed: list[str] = []
    if colon and norm(colon.group(1)) in sites and title[colon.end() :].strip():
        # "Blog Name: Post" (no space before the colon, so not a separator above); only
        # the exact name: "Docker Hardened Images: …" on docker.com is a real title
        rest, more = split_site(title[colon.end() :], names, host, section_keys)
        return rest, [colon.group(1), *more]
    if len(parts) < 2:
        return title, []
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
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    if start >= 0 and end > start:
        return title[start:end].strip(), removed
    return " ".join(parts), removed


def _sublist(words: list[str], within: list[str]) -> bool:
    """`words` appear in a row in `within`."""
    n = len(words)
    return 0 < n < len(within) + 1 and any(
        within[i : i + n] == words for i in range(len(within) - n + 1)
    )


def strip_site(
    title: str, site_names: Iterable[str], host: str = "", sections: Iterable[str] = ()
) -> str:
    """Drop a ' | Site' / 'Site - ' part when it is the site's name (or its domain),
    or a section of the site."""
    return split_site(title, site_names, host, sections)[0]


def url_sections(url: str) -> list[str]:
    """The words of a URL's directories ("/story/opinion/contributors/…"): section names."""
    path = urlsplit(url).path
    dirs = [d for d in path.split("/")[:-1] if d and not any(ch.isdigit() for ch in d)]
    return [d.replace("-", " ").replace("_", " ") for d in dirs[:4]]


def _pieces(text: str) -> list[str]:
    """`text` cut at title separators, and around a leading 'Name:'."""
    pieces = [p.strip() for p in SEPARATORS.split(text) if p and p.strip()]
    m = _COLON_PREFIX.match(text)
    if m:
        pieces += [m.group(1).strip(), text[m.end() :].strip()]
    return pieces if len(pieces) > 1 else []


def parts_of(text: str) -> list[str]:
    """The keys of `text`'s pieces (see `_pieces`)."""
    return [norm(p) for p in _pieces(text)]


# ---------------------------------------------------------------- the <h1>

#: inside an <h1>: parts that are not the headline (a kicker, the date, a byline,
#: text for screen readers), by a class or id word
_NOT_HEADLINE = frozenset(
    {"kicker", "eyebrow", "overline", "rubric", "byline", "author", "date", "dateline"}
    | {"posted", "timestamp", "sr-only", "screen-reader-text", "visually-hidden"}
)
_CLASS_WORDS = re.compile(r"[\s_]+|-(?!only|reader|hidden|text)")
#: an <h1> in the masthead (the site's logo or name), not over the article
_MASTHEAD = frozenset({"logo", "site-title", "site-name", "site-logo", "masthead", "brand"})


def _class_words(el: etree._Element) -> set[str]:
    """The words of an element's class and id ("c-kicker__text" -> c, kicker, text)."""
    raw = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    return {w for w in _CLASS_WORDS.split(raw) if w}


_SKIP_TAGS = {"time", "script", "style", "h2", "h3", "h4", "h5", "h6", "button", "svg", "noscript"}
#: elements that set their words apart (a line break, a block, a styled sub-line)
_APART = {"br", "div", "p", "small"}


def headline_text(h1: etree._Element) -> str:
    """The <h1>'s own words: kickers, dates and bylines inside it are left out, and
    parts in separate elements (`<br>`, a block span) are not glued together."""
    out: list[str] = []

    def walk(el: etree._Element) -> None:
        if el.text:
            out.append(el.text)
        for child in el:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag and tag not in _SKIP_TAGS and _NOT_HEADLINE.isdisjoint(_class_words(child)):
                inner = (child.text or "").lstrip()
                # "Headline<span>Second line</span>": a capital after a word is a new line
                apart = tag in _APART or (
                    tag == "span" and out and out[-1][-1:].isalnum() and inner[:1].isupper()
                )
                if apart:
                    out.append(" ")
                walk(child)
                if apart:
                    out.append(" ")
            if child.tail:
                out.append(child.tail)

    try:
        walk(h1)
    except (ValueError, AttributeError):
        return ""
    return " ".join("".join(out).split()) or text_of(h1)


def in_masthead(h1: etree._Element, host: str) -> bool:
    """An <h1> that is the site's logo or name: a link home, or a masthead class."""
    home = host.removeprefix("www.")
    for a in [*h1.iterancestors("a"), *h1.iter("a")]:
        href = (a.get("href") or "").strip()
        if not href or href.startswith("#"):
            continue
        parts = urlsplit(href)
        netloc = parts.netloc.removeprefix("www.")
        if not parts.path.strip("/") and not parts.query and (not netloc or netloc == home):
            return True
    parent = h1.getparent()
    for el in (h1, parent) if parent is not None else (h1,):
        raw = f"{el.get('class') or ''} {el.get('id') or ''}".lower().split()
        if not _MASTHEAD.isdisjoint(raw) or any(w.endswith(("-logo", "_logo")) for w in raw):
            return True
    return False


# ---------------------------------------------------------------- the choice


def choose_title(
    candidates: list[str | None],
    h1s: list[str],
    doc_title: str | None,
    sites: list[str],
    host: str,
    sections: list[str] | None = None,
) -> str | None:
    """The headline out of metadata `candidates` (JSON-LD, og:, twitter:/dc:, in that
    order), the page's `<h1>` texts and its `<title>`.

    1. An `<h1>` that a metadata title confirms (equal, or one part of it when cut at a
       separator: "Headline | Site", "Blog: Headline") is the headline.
    2. Else the first `<h1>` that reads like a headline (not the site's name, not a
       one-word section label) is: the reader sees it over the article.
    3. Else the metadata title most sources agree on, site name stripped; then
       `<title>` stripped; then any `<h1>`.
    Anything over `MAX_TITLE` characters is not a title and is skipped.
    """
    sites = [s for s in sites if s]
    cands = [c for c in (clean_text(c) for c in candidates) if c and len(c) <= MAX_TITLE]
    doc_title = clean_text(doc_title)
    if doc_title and len(doc_title) > MAX_TITLE:
        doc_title = None
    h1s = [h for h in (clean_text(h) for h in h1s) if h and len(h) <= MAX_TITLE]
    if doc_title:
        # a masthead <h1> that <title> ends with ("Post | Blog Name", <h1>Blog Name</h1>)
        parts = [p for p in SEPARATORS.split(doc_title) if p and p.strip()]
        if len(parts) > 1:
            last = norm(parts[-1])
            rest = norm(" ".join(parts[:-1]))
            sites += [h for h in h1s if norm(h) == last and len(last) * 2 < len(rest)]
    site_keys = {norm(s) for s in sites}
    stripped: str | None = None
    if doc_title:
        stripped, removed = split_site(doc_title, sites, host, sections)
        site_keys.update(norm(r) for r in removed)
    site_keys.discard("")

    def is_site(text: str) -> bool:
        key = norm(text)
        return not key or key in site_keys

    sections = sections or []
    metas = [m for m in (strip_site(c, sites, host, sections) for c in cands) if not is_site(m)]
    # "Headline – Site" in the <h1> too; an <h1> ending in ":" is a kicker line
    h1s = [strip_site(h, sites, host, sections) for h in h1s if not h.endswith(":")]
    h1s = [h for h in h1s if not is_site(h)]
    refs = [*metas, *([stripped] if stripped and not is_site(stripped) else [])]
    if doc_title:
        refs.append(doc_title)

    # 1. an <h1> that the metadata confirms
    ref_keys = {norm(r) for r in refs}
    ref_parts = {p for r in refs for p in parts_of(r)}
    for h in h1s:
        key = norm(h)
        if key in ref_keys or key in ref_parts:
            return h
    # ... or what follows a label in it ("Blog: Headline", metadata saying "Headline");
    # a real colon title ("Costs in the Bay Area: Room by Room") keeps its tail
    for h in h1s:
        m = _COLON_PREFIX.match(h) or re.match(r"^(\S+(?: \S+)?) [|–—-] ", h)
        if m and len(m.group(1).split()) <= 2 and norm(h[m.end() :]) in ref_keys:
            return h[m.end() :].strip()
    # 2. the first <h1>, when it reads like a headline
    if h1s and _headline_like(h1s[0], refs):
        return h1s[0]
    # 3. the metadata
    if metas:
        votes = [sum(norm(m) == k for k in (norm(r) for r in refs)) for m in metas]
        return metas[max(range(len(metas)), key=lambda i: (votes[i], -i))]
    if stripped and not is_site(stripped):
        if stripped == doc_title and not h1s:
            # no site name known: the longest part of "A | B" is usually the headline
            parts = [p for p in SEPARATORS.split(doc_title) if p and p.strip()]
            if len(parts) > 1:
                stripped = max(parts, key=len).strip()
        return stripped
    return h1s[0] if h1s else stripped


def _headline_like(h1: str, refs: list[str]) -> bool:
    """An unconfirmed <h1> is taken when it is a phrase, not a label ("Blog", "Search",
    "VPN Services"): three words or more, or sharing a word with the metadata."""
    words = re.findall(r"\w+", h1.casefold())
    if len(words) >= 3:
        return True
    if not refs:
        return bool(words)
    ref_words = {w for r in refs for w in re.findall(r"\w+", r.casefold())}
    return len(words) >= 2 and all(w in ref_words for w in words)
