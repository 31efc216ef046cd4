"""A generated news site for crawl tests: feed, sitemap index, paginated listings.

Each article is reachable through one or more discovery paths, one through a
tracking-parameter URL, plus a dead link and a page with no article on it, so a
test can check that every article is stored exactly once and nothing else.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path

TOPICS = [
    ("Grain ships leave Odesa", "grain corridor", "Black Sea ports"),
    ("Court halts tariff rise", "energy tariffs", "the regional court"),
    ("Storm cuts power in the west", "storm damage", "Lviv region"),
    ("New bridge opens over the Dnipro", "bridge works", "city engineers"),
    ("Startup launches weather satellite", "satellite launch", "the start-up"),
    ("Football final moved to Warsaw", "football final", "the federation"),
    ("Museum returns stolen icons", "museum icons", "the national museum"),
    ("Rail timetable changes in autumn", "rail timetable", "the railway"),
    ("Hospital opens burns unit", "burns unit", "doctors"),
    ("Farmers report record harvest", "harvest", "farm unions"),
    ("Parliament debates media law", "media law", "members of parliament"),
    ("Airport reopens for cargo", "cargo flights", "the airport"),
]
#: article number → how it is discovered
IN_FEED = [1, 2, 3, 4, 5]
IN_NEWS_SITEMAP = [4, 5, 6, 7, 8]
IN_PAGES_SITEMAP = [9, 1]
ON_LISTING_1 = [10, 11, 1]
ON_LISTING_2 = [12, 2]
TRACKED = 3  # linked from the feed with utm_* parameters


def article_path(n: int) -> str:
    return f"/news/{n:04d}-{TOPICS[n - 1][1].replace(' ', '-')}.html"


def published(n: int) -> str:
    return f"2022-07-{n + 10:02d}T{8 + n % 9:02d}:15:00+03:00"


def article_html(n: int, base: str) -> str:
    title, topic, actor = TOPICS[n - 1]
    paragraphs = [
        f"Officials said on Tuesday that the {topic} would change daily life for thousands of "
        f"people, and {actor} promised a full report within a month. Story number {n}.",
        f"According to {actor}, preparations for the {topic} began last spring, when the first "
        f"plans were drawn up and shown to residents at a series of public meetings.",
        f"Critics argue that the {topic} was rushed. {actor.capitalize()} rejected that claim "
        f"and pointed to the independent reviews published in June.",
    ]
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": title,
        "datePublished": published(n),
        "author": {"@type": "Person", "name": f"Reporter {chr(64 + n)} Kovalenko"},
        "publisher": {"@type": "Organization", "name": "Test Wire"},
    }
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | Test Wire</title>
<link rel="canonical" href="{base}{article_path(n)}">
<meta property="og:site_name" content="Test Wire">
<script type="application/ld+json">{json.dumps(ld)}</script></head>
<body><header><nav><a href="{base}/">Home</a> <a href="{base}/news/">News</a></nav></header>
<article><h1>{title}</h1><p class="byline">By Reporter {chr(64 + n)} Kovalenko</p>
{body}</article>
<footer><p>© Test Wire. All rights reserved.</p></footer></body></html>"""


def listing_html(base: str, numbers: list[int], next_page: str | None) -> str:
    links = "\n".join(
        f'<li><a href="{base}{article_path(n)}">{TOPICS[n - 1][0]}</a></li>' for n in numbers
    )
    nxt = f'<a rel="next" href="{base}{next_page}">Older</a>' if next_page else ""
    return f"""<!doctype html><html lang="en"><head><title>News | Test Wire</title></head>
<body><nav><a href="{base}/">Home</a></nav><ul>{links}</ul>{nxt}
<a href="{base}/about.html">About</a></body></html>"""


def build(root: Path, base: str = "{{wire}}") -> Path:
    """Write the site under `root` (placeholders filled by the test server)."""
    (root / "news" / "page" / "2").mkdir(parents=True, exist_ok=True)
    for n in range(1, len(TOPICS) + 1):
        (root / article_path(n).lstrip("/")).write_text(article_html(n, base), encoding="utf-8")
    empty = (
        '<html><head><title>Gallery | Test Wire</title></head><body><img src="x.jpg"></body></html>'
    )
    (root / "news" / "0099-gallery.html").write_text(empty, encoding="utf-8")
    # a malformed page: binary junk, NUL bytes and HTML cut off mid-tag
    (root / "news" / "0098-broken.html").write_bytes(
        b"\x00\xff\xfe<html><head><title>Bro\x00ken</title><body><p>Cut off mid-sen<a hr"
    )
    (root / "news" / "index.html").write_text(
        listing_html(base, ON_LISTING_1, "/news/page/2/"), encoding="utf-8"
    )
    (root / "news" / "page" / "2" / "index.html").write_text(
        listing_html(base, ON_LISTING_2, None), encoding="utf-8"
    )
    items = []
    for n in IN_FEED:
        link = base + article_path(n)
        if n == TRACKED:
            link += "?utm_source=rss&amp;utm_medium=feed"
        items.append(f"<item><title>{TOPICS[n - 1][0]}</title><link>{link}</link></item>")
    items.append(f"<item><title>Gallery</title><link>{base}/news/0099-gallery.html</link></item>")
    items.append(f"<item><title>Broken</title><link>{base}/news/0098-broken.html</link></item>")
    items.append(f"<item><title>Gone</title><link>{base}/news/0404-gone.html</link></item>")
    (root / "rss.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Test Wire</title>'
        + "".join(items)
        + "</channel></rss>",
        encoding="utf-8",
    )
    sm = "http://www.sitemaps.org/schemas/sitemap/0.9"
    news = "http://www.google.com/schemas/sitemap-news/0.9"
    (root / "sitemap.xml").write_text(
        f'<?xml version="1.0"?><sitemapindex xmlns="{sm}">'
        f"<sitemap><loc>{base}/sitemap-news.xml</loc></sitemap>"
        f"<sitemap><loc>{base}/sitemap-pages.xml</loc></sitemap>"
        f"<sitemap><loc>{base}/sitemap.xml</loc></sitemap></sitemapindex>",
        encoding="utf-8",
    )
    urls = "".join(
        f"<url><loc>{base}{article_path(n)}</loc><news:news><news:publication_date>"
        f"{published(n)}</news:publication_date><news:title>{TOPICS[n - 1][0]}</news:title>"
        f"</news:news></url>"
        for n in IN_NEWS_SITEMAP
    )
    (root / "sitemap-news.xml").write_text(
        f'<?xml version="1.0"?><urlset xmlns="{sm}" xmlns:news="{news}">{urls}</urlset>',
        encoding="utf-8",
    )
    urls = "".join(
        f"<url><loc>{base}{article_path(n)}</loc><lastmod>{published(n)[:10]}</lastmod></url>"
        for n in IN_PAGES_SITEMAP
    )
    (root / "sitemap-pages.xml").write_text(
        f'<?xml version="1.0"?><urlset xmlns="{sm}">{urls}</urlset>', encoding="utf-8"
    )
    (root / "index.html").write_text(listing_html(base, [], None), encoding="utf-8")
    return root


SOURCES = """
[[sources]]
name = "wire"
feeds = ["{{wire}}/rss.xml"]
sitemaps = ["{{wire}}/sitemap.xml"]
start_urls = ["{{wire}}/news/"]
article_pattern = "/news/\\\\d{4}-[a-z-]+\\\\.html"
max_depth = 2
timezone = "Europe/Kyiv"
language = "en"
# a local server needs no politeness: without it every crawl of this web waits 0.25 s a request
download_delay = 0
"""


@contextlib.contextmanager
def served(
    tmp_path: Path, extra_sites: dict[str, Path] | None = None, extra_sources: str = ""
) -> Iterator[tuple[dict[str, str], Path]]:
    """The generated site (and any extra site folders) served on 127.0.0.1: their base
    URLs by name, and a sources file naming them (SOURCES plus `extra_sources`)."""
    from newsbot.demo.webserver import render_sources, serve_sites

    site = build(tmp_path / "site")
    template = tmp_path / "sources.toml.in"
    template.write_text(SOURCES + extra_sources, encoding="utf-8")
    with serve_sites({"wire": site, **(extra_sites or {})}) as bases:
        sources = tmp_path / "sources.toml"
        sources.write_text(render_sources(template, bases), encoding="utf-8")
        yield bases, sources
