"""A generated news web: several sites with feeds, sitemaps, archives and realistic pages.

Used by the crawl tests (small) and by `bench/crawl.py` (thousands of pages). Each
site has its own URL style, as real CMSs do: WordPress-style dated paths, numeric
ids, long section slugs. Every site has a home page that links its feed
(`<link rel=alternate>`), a robots.txt naming its sitemap index, monthly
sitemaps with lastmod, an RSS feed of the latest items and a paginated archive,
so a crawler can be checked for finding every article from the home page alone.
Pages are the size of real news pages (navigation, scripts, JSON-LD, share bars,
related links, footer) and the article text is generated, distinct per article.
"""

from __future__ import annotations

import json
import random
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

_PEOPLE = (
    "Olena Kovalenko",
    "Marko Petrović",
    "Anna Schmidt",
    "James Okafor",
    "Lucía Gómez",
    "Taras Melnyk",
    "Ingrid Larsen",
    "Piotr Nowak",
    "Aiko Tanaka",
    "Samir Haddad",
)
_PLACES = (
    "Odesa",
    "Lviv",
    "Kharkiv",
    "Belgrade",
    "Warsaw",
    "Vienna",
    "Gdańsk",
    "Dnipro",
    "Chernivtsi",
    "Novi Sad",
    "Kraków",
    "Poltava",
)
_ORGS = (
    "the city council",
    "the energy regulator",
    "the port authority",
    "the health ministry",
    "the railway company",
    "the regional court",
    "the central bank",
    "the farmers' union",
    "the football federation",
    "the national museum",
    "the weather service",
)
_TOPICS = (
    "tariffs",
    "grain exports",
    "a bridge repair",
    "the school year",
    "flood defences",
    "a new tram line",
    "hospital funding",
    "a football final",
    "a museum reopening",
    "power cuts",
    "fuel prices",
    "a court ruling",
    "a startup launch",
    "the harvest",
)
_VERBS = ("said", "announced", "confirmed", "warned", "told reporters", "insisted", "estimated")


def _sentence(rng: random.Random, topic: str) -> str:
    who = rng.choice(_ORGS + _PEOPLE)
    forms = (
        f"{who} {rng.choice(_VERBS)} on {rng.choice(('Monday', 'Tuesday', 'Friday'))} that "
        f"work on {topic} in {rng.choice(_PLACES)} would take {rng.randint(2, 30)} more weeks.",
        f"According to {who}, about {rng.randint(100, 90000):,} people in {rng.choice(_PLACES)} "
        f"are affected by {topic}, up from {rng.randint(50, 900)} last year.",
        f"\u201cWe have never seen anything like {topic} here,\u201d said "
        f"{rng.choice(_PEOPLE)}, who has lived in {rng.choice(_PLACES)} for "
        f"{rng.randint(3, 60)} years.",
        f"The cost of {topic} is estimated at {rng.randint(2, 900)} million hryvnias, "
        f"{who} {rng.choice(_VERBS)}, adding that the figure could still change.",
        f"Critics argue that {topic} was handled badly, while {who} rejected the claim "
        f"and pointed to an audit published in {rng.choice(('May', 'June', 'March'))}.",
    )
    return rng.choice(forms)


def article_text(seed: int, paragraphs: int | None = None) -> tuple[str, list[str]]:
    """(headline, paragraphs) of one generated article; one seed, one article."""
    rng = random.Random(seed)
    topic = rng.choice(_TOPICS)
    place = rng.choice(_PLACES)
    headline = f"{place}: {rng.choice(_ORGS).capitalize()} moves on {topic} (report {seed})"
    count = paragraphs or rng.randint(4, 9)
    body = [" ".join(_sentence(rng, topic) for _ in range(rng.randint(2, 4))) for _ in range(count)]
    return headline, body


@dataclass(frozen=True)
class SiteSpec:
    name: str
    #: "dated" (/2022/07/31/slug/), "id" (/news/slug-1234567.html), "slug" (/world/long-slug)
    style: str
    articles: int
    per_page: int = 20
    feed_items: int = 50
    #: the first `reposts` articles republish those of site `repost_of`, two hours later
    repost_of: str | None = None
    reposts: int = 0
    #: the newest `feed_only_dates` articles (those the start page links to first) show
    #: no date on the page (no JSON-LD or meta date; use a style without a date in the
    #: URL): only the feed, which lists them all, and the sitemap's lastmod say when
    feed_only_dates: int = 0


def _slug(headline: str) -> str:
    words = "".join(c.lower() if c.isalnum() else " " for c in headline).split()
    return "-".join(words[:14])


def article_path(spec: SiteSpec, n: int, when: datetime, headline: str) -> str:
    slug = _slug(headline)
    if spec.style == "dated":
        return f"/{when:%Y/%m/%d}/{slug}/"
    if spec.style == "id":
        return f"/news/{slug}-{1_000_000 + n}.html"
    return f"/world/{slug}-{n}"


def _file_for(root: Path, path: str) -> Path:
    if path.endswith("/"):
        return root / path.lstrip("/") / "index.html"
    return root / path.lstrip("/")


# What makes real news pages 80–150 KB: a mega menu, inline CSS, a framework's state blob
# and tag-manager scripts around a few KB of article text.
_SECTIONS = ("politics", "economy", "world", "sport", "culture", "science", "opinion", "video")
_NAV = "".join(
    f'<li><a href="/{s}/">{s.title()}</a><ul>'
    + "".join(f'<li><a href="/{s}/topic-{i}/">{s.title()} topic {i}</a></li>' for i in range(24))
    + "</ul></li>"
    for s in _SECTIONS
)
_STYLE = (
    "<style>"
    + "".join(
        f".c{i}{{margin:{i % 7}px;padding:{i % 5}px;color:#{i * 2654435761 % 0xFFFFFF:06x}}}"
        for i in range(400)
    )
    + "</style>"
)
_STATE = (
    '<script id="__NEXT_DATA__" type="application/json">'
    + json.dumps(
        {
            "props": {
                "pageProps": {
                    "ads": [
                        {"slot": f"ad-{i}", "sizes": [[300, 250], [728, 90]], "pos": i}
                        for i in range(250)
                    ]
                }
            }
        }
    )
    + "</script>"
)
_SCRIPT = (
    _STYLE
    + _STATE
    + "<script>window.dataLayer=window.dataLayer||[];"
    + "var x=1;" * 2000
    + "</script>"
)
_FOOTER = (
    "<footer><p>© Generated News. All rights reserved.</p><ul>"
    + "".join(f'<li><a href="/about/{i}">Footer link {i}</a></li>' for i in range(40))
    + "</ul></footer>"
)


def _page(title: str, head: str, main: str, site: str) -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}'
        f" | {site}</title>{head}"
        f'<link rel="alternate" type="application/rss+xml" title="{site}" href="/rss.xml">'
        f"{_SCRIPT}</head><body><header><nav><ul>{_NAV}</ul></nav></header>"
        f'<div class="cookie-banner">We use cookies. <button>Accept</button></div>'
        f"<main>{main}</main>{_FOOTER}</body></html>"
    )


@dataclass
class GeneratedSite:
    spec: SiteSpec
    root: Path
    #: url path → (headline, published)
    articles: dict[str, tuple[str, datetime]]


def build_site(root: Path, spec: SiteSpec, *, seed: int = 0) -> GeneratedSite:
    """Write one site under `root` (absolute URLs use the `{{name}}` placeholder)."""
    base = "{{" + spec.name + "}}"
    start = datetime(2022, 1, 1, 6, 0, tzinfo=UTC)
    items: list[tuple[str, str, datetime, list[str]]] = []
    dateless: set[str] = set()
    for n in range(spec.articles):
        copied = spec.repost_of is not None and n < spec.reposts
        text_site = spec.repost_of if copied and spec.repost_of else spec.name
        headline, body = article_text(
            seed * 1_000_000 + zlib.crc32(text_site.encode()) % 97 * 10_000 + n
        )
        when = start + timedelta(hours=7 * n + (2 if copied else 0), minutes=n % 60)
        items.append((article_path(spec, n, when, headline), headline, when, body))
        if n >= spec.articles - spec.feed_only_dates:
            dateless.add(items[-1][0])
    items.sort(key=lambda item: item[2], reverse=True)  # newest first, like archives

    for i, (path, headline, when, body) in enumerate(items):
        related = "".join(
            f'<li><a href="{items[j][0]}">{escape(items[j][1])}</a></li>'
            for j in range(max(0, i - 3), min(len(items), i + 4))
            if j != i
        )
        ld = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": headline,
            "datePublished": when.isoformat(),
            "author": {"@type": "Person", "name": _PEOPLE[i % len(_PEOPLE)]},
        }
        if path in dateless:
            del ld["datePublished"]
        head = (
            f'<link rel="canonical" href="{base}{path}">'
            f'<meta property="og:type" content="article">'
            + ("" if path in dateless else
               f'<meta property="article:published_time" content="{when.isoformat()}">')
            + f'<script type="application/ld+json">{json.dumps(ld)}</script>'
        )  # fmt: skip
        paragraphs = "".join(f"<p>{escape(p)}</p>" for p in body)
        main = (
            f'<article><h1>{escape(headline)}</h1><p class="byline">By '
            f'{_PEOPLE[i % len(_PEOPLE)]}</p><div class="article-body">{paragraphs}</div>'
            f'<div class="share-bar">Share: <a href="#">Facebook</a> <a href="#">X</a></div>'
            f'</article><aside class="related"><h3>Related</h3><ul>{related}</ul></aside>'
        )
        target = _file_for(root, path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_page(headline, head, main, spec.name), encoding="utf-8")

    pages = [items[i : i + spec.per_page] for i in range(0, len(items), spec.per_page)]
    for number, chunk in enumerate(pages, start=1):
        links = "".join(f'<li><a href="{p}">{escape(h)}</a></li>' for p, h, _, _ in chunk)
        nav = ""
        if number < len(pages):
            nav += f'<a rel="next" href="/page/{number + 1}/">Older posts</a>'
        if number > 1:
            nav += f'<a rel="prev" href="/page/{number - 1}/">Newer posts</a>'
        html = _page(f"Latest news, page {number}", "", f"<ul>{links}</ul>{nav}", spec.name)
        target = root / "index.html" if number == 1 else root / "page" / str(number) / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")

    feed = "".join(
        f"<item><title>{escape(h)}</title><link>{base}{p}</link>"
        f"<pubDate>{w.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate></item>"
        for i, (p, h, w, _) in enumerate(items)
        if i < spec.feed_items or p in dateless
    )
    (root / "rss.xml").write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{spec.name}</title>'
        f"{feed}</channel></rss>",
        encoding="utf-8",
    )
    months: dict[str, list] = {}
    for p, _h, w, _ in items:
        months.setdefault(f"{w:%Y-%m}", []).append((p, w))
    ns = "http://www.sitemaps.org/schemas/sitemap/0.9"
    index = ""
    for month, entries in sorted(months.items()):
        urls = "".join(
            f"<url><loc>{base}{p}</loc><lastmod>{w.isoformat()}</lastmod></url>" for p, w in entries
        )
        (root / f"sitemap-{month}.xml").write_text(
            f'<?xml version="1.0"?><urlset xmlns="{ns}">{urls}</urlset>', encoding="utf-8"
        )
        index += f"<sitemap><loc>{base}/sitemap-{month}.xml</loc></sitemap>"
    (root / "sitemap.xml").write_text(
        f'<?xml version="1.0"?><sitemapindex xmlns="{ns}">{index}</sitemapindex>', encoding="utf-8"
    )
    (root / "robots.txt").write_text(
        f"User-agent: *\nDisallow: /search\nSitemap: {base}/sitemap.xml\n", encoding="utf-8"
    )
    return GeneratedSite(spec, root, {p: (h, w) for p, h, w, _ in items})


#: `newsbot crawl` options for a fixture web on loopback: no politeness delays (the
#: server is ours), enough concurrency to keep both cores busy, quiet logs
LOCAL_CRAWL = [
    "-s", "DOWNLOAD_DELAY=0",
    "-s", "AUTOTHROTTLE_ENABLED=False",
    "-s", "CONCURRENT_REQUESTS=32",
    "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16",
    "--log-level", "WARNING",
]  # fmt: skip


DEFAULT_SITES = (
    SiteSpec("dailywire", "dated", 1000),
    SiteSpec("metronews", "id", 1000),
    SiteSpec("worldpost", "slug", 1000),
)


def build_web(
    root: Path, specs: tuple[SiteSpec, ...] = DEFAULT_SITES, *, seed: int = 0
) -> dict[str, GeneratedSite]:
    """Write every site under root/<name>; serve with newsbot.demo.webserver.serve_sites."""
    return {spec.name: build_site(root / spec.name, spec, seed=seed) for spec in specs}
