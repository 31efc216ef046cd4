"""URL identity: one page reachable at several URLs must be one row.

Tracking parameters, fragments, scheme/host case, default ports and query order
do not change which page a URL names, so they are normalised away before a URL
is scheduled or stored.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

#: query parameters that only say where a visitor came from
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "ref_src",
        "ref_url",
        "cmpid",
        "ocid",
        "share",
        "spm",
        "at_medium",
        "at_campaign",
        "ncid",
        "sr_share",
        "rss",
        "xtor",
        "__twitter_impression",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "oly_", "vero_", "_hs")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_DATE_PATH = re.compile(r"/(19|20)\d{2}[/-](0?[1-9]|1[0-2])([/-](0?[1-9]|[12]\d|3[01]))?/")
_NUMERIC_ID = re.compile(r"[/-](\d{5,})(?:[./-]|$)")
_SLUG = re.compile(r"/[^/?#]*[a-z0-9]+(?:-[a-z0-9]+){3,}[^/?#]*/?$", re.IGNORECASE)
_NOT_ARTICLE = re.compile(
    r"/(tag|tags|category|categories|author|authors|page|search|feed|rss|login|register|"
    r"account|subscribe|about|contact|privacy|terms|wp-admin|wp-login)(/|$|\?)",
    re.IGNORECASE,
)
_ASSET = re.compile(
    r"\.(jpe?g|png|gif|webp|svg|ico|css|js|json|xml|pdf|zip|gz|mp3|mp4|avi|mov|woff2?|ttf)$",
    re.IGNORECASE,
)


def is_tracking_param(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(_TRACKING_PREFIXES)


def normalize_url(url: str) -> str:
    """The URL that identifies a page: no tracking parameters, fragment or default port."""
    url = url.strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    port = parts.port if parts.port and parts.port != _DEFAULT_PORTS.get(scheme) else None
    netloc = host if port is None else f"{host}:{port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not is_tracking_param(k)
        ]
    )
    path = parts.path or "/"
    cleaned = urlunsplit((scheme, netloc, path, query, ""))
    return canonicalize_url(cleaned, keep_fragments=False)


def looks_like_article(url: str) -> bool:
    """Heuristic when a source has no `article_pattern`: dated path, numeric id or long slug."""
    parts = urlsplit(url)
    path = parts.path
    if not path or path == "/" or _ASSET.search(path) or _NOT_ARTICLE.search(path):
        return False
    return bool(_DATE_PATH.search(path) or _NUMERIC_ID.search(path) or _SLUG.search(path))


def same_site(url: str, hosts: frozenset[str]) -> bool:
    """True when the URL's host is one of `hosts` or a subdomain of one (www. ignored)."""
    host = (urlsplit(url).hostname or "").lower()
    host = host.removeprefix("www.")
    for allowed in hosts:
        allowed = allowed.lower().removeprefix("www.")
        if host == allowed or host.endswith("." + allowed):
            return True
    return False


def usable_canonical(url: str, canonical: str | None) -> str | None:
    """The declared canonical URL, unless absent, the page itself, or a site root.

    Some CMSs declare the home page as every page's canonical; trusting that
    would merge every article of the site into one.
    """
    if not canonical or canonical == url:
        return None
    if urlsplit(canonical).path in ("", "/"):
        return None
    return canonical
