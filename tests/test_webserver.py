"""The demo web server and the bundled sample web it serves.

The end-to-end demo depends on both: the server must substitute base URLs, send the
right types and refuse to leak files; the sample web must be internally consistent
(every link resolves, every date agrees across page, feed and sitemaps).
"""

from __future__ import annotations

import http.client
import json
import re
import threading
import tomllib
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from newsbot.demo.webserver import LAST_MODIFIED, render_sources, serve_sites

SITE = Path(__file__).resolve().parents[1] / "newsbot" / "demo" / "site"
ARTICLE_1008 = (
    "/news/2022/07/31/shots-and-sirens-armed-clashes-reported-on-kosovo-serbia-border-1008.html"
)
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"
ARTICLE_RE = re.compile(r"/news/\d{4}/\d{2}/\d{2}/[a-z0-9-]+-\d+\.html")
BLOG_POST_RE = re.compile(r"/\d{4}/\d{2}/\d{2}/[a-z0-9-]+/$")
#: Links the sample web leaves dead on purpose (see site/README.md).
DEAD_ON_PURPOSE = re.compile(r"^/(tags|category|tag|author)/|^/search$|^/wp-comments-post\.php$")


@pytest.fixture(scope="module")
def bases() -> Iterator[dict[str, str]]:
    with serve_sites({"agency": SITE / "agency", "blog": SITE / "blog"}) as served:
        yield served


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def raw_get(base: str, path: str) -> tuple[int, dict[str, str]]:
    """Send *path* byte for byte (urllib would tidy dot segments away)."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        resp.read()
        return resp.status, dict(resp.getheaders())
    finally:
        conn.close()


def xml(url: str) -> ET.Element:
    status, _, body = fetch(url)
    assert status == 200, url
    return ET.fromstring(body)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.jsonld: list[str] = []
        self.meta: dict[str, str] = {}
        self._in_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for key in ("href", "src", "action"):
            if key in a:
                self.links.append(a[key])
        if tag == "meta" and "property" in a:
            self.meta[a["property"]] = a.get("content", "")
        if tag == "link" and a.get("rel") == "canonical":
            self.meta["canonical"] = a["href"]
        self._in_ld = tag == "script" and a.get("type") == "application/ld+json"

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self.jsonld.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in_ld = False


def parse_html(body: bytes) -> _Links:
    parser = _Links()
    parser.feed(body.decode("utf-8"))
    return parser


def test_home_pages(bases: dict[str, str]) -> None:
    for name, base in bases.items():
        status, headers, body = fetch(base + "/")
        assert status == 200
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert headers["Last-Modified"] == LAST_MODIFIED
        text = body.decode("utf-8")
        assert "{{" not in text, name
        assert base + "/" in text


def test_article_page(bases: dict[str, str]) -> None:
    url = bases["agency"] + ARTICLE_1008
    status, headers, body = fetch(url)
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    text = body.decode("utf-8")
    assert "{{" not in text
    page = parse_html(body)
    assert page.meta["canonical"] == url
    assert page.meta["og:url"] == url
    assert page.meta["og:type"] == "article"
    assert page.meta["article:published_time"] == "2022-07-31T19:40:00+03:00"
    ld = json.loads("".join(page.jsonld))
    assert ld["@type"] == "NewsArticle"
    assert ld["datePublished"] == page.meta["article:published_time"]
    assert ld["author"]["name"] == page.meta["article:author"] == "Olena Marchenko"
    assert f"<title>{ld['headline']} | Kyiv Wire</title>" in text
    assert "31 July 2022, 19:40" in text
    assert text.count("<p>") >= 4


def test_rss_feed(bases: dict[str, str]) -> None:
    status, headers, _ = fetch(bases["agency"] + "/rss.xml")
    assert status == 200
    assert headers["Content-Type"] == "application/rss+xml"
    items = xml(bases["agency"] + "/rss.xml").findall("./channel/item")
    assert len(items) >= 4
    links = [item.findtext("link", "") for item in items]
    assert all(link.startswith(bases["agency"] + "/news/") for link in links)
    assert any("utm_source=rss" in link for link in links)
    for item in items:
        assert parsedate_to_datetime(item.findtext("pubDate", "")).utcoffset() is not None
        assert item.findtext("{http://purl.org/dc/elements/1.1/}creator")


def test_sitemap_index_and_children(bases: dict[str, str]) -> None:
    base = bases["agency"]
    status, headers, _ = fetch(base + "/sitemap.xml")
    assert (status, headers["Content-Type"]) == (200, "application/xml")
    index = xml(base + "/sitemap.xml")
    assert index.tag == SM + "sitemapindex"
    children = [loc.text or "" for loc in index.iter(SM + "loc")]
    assert len(children) == 2
    articles = set()
    for child in children:
        assert child.startswith(base + "/")
        urlset = xml(child)
        assert urlset.tag == SM + "urlset"
        for loc in urlset.iter(SM + "loc"):
            assert (loc.text or "").startswith(base + "/")
            if ARTICLE_RE.search(loc.text or ""):
                articles.add(loc.text)
    news = xml(base + "/sitemap-news.xml")
    for url in news.iter(SM + "url"):
        assert url.find(f"{NEWS}news/{NEWS}publication_date") is not None
        assert url.findtext(f"{NEWS}news/{NEWS}title")
    assert articles


def test_blog_atom_feed(bases: dict[str, str]) -> None:
    status, headers, _ = fetch(bases["blog"] + "/feed/atom.xml")
    assert (status, headers["Content-Type"]) == (200, "application/atom+xml")
    feed = xml(bases["blog"] + "/feed/atom.xml")
    entries = feed.findall(ATOM + "entry")
    assert len(entries) == 5
    for entry in entries:
        link = entry.find(f"{ATOM}link[@rel='alternate']")
        assert link is not None
        assert link.get("href", "").startswith(bases["blog"] + "/")
        assert BLOG_POST_RE.search(link.get("href", ""))
        assert datetime.fromisoformat(entry.findtext(ATOM + "published", ""))
        assert entry.findtext(f"{ATOM}author/{ATOM}name")


def test_not_found(bases: dict[str, str]) -> None:
    assert fetch(bases["agency"] + "/no/such/page.html")[0] == 404
    assert fetch(bases["blog"] + "/robots.txt")[0] == 404
    assert fetch(bases["agency"] + "/robots.txt")[0] == 200
    # a directory without index.html is a 404, never a listing
    assert fetch(bases["agency"] + "/news/page/")[0] == 404
    assert fetch(bases["agency"] + "/media/")[0] == 404


@pytest.mark.parametrize(
    "path",
    [
        "/../pyproject.toml",
        "/../sources.toml.in",
        "/../../../../pyproject.toml",
        "/%2e%2e/sources.toml.in",
        "/..%2f..%2f..%2fpyproject.toml",
        "/news/../../README.md",
        "/.hidden",
    ],
)
def test_no_path_traversal(bases: dict[str, str], path: str) -> None:
    assert raw_get(bases["agency"], path)[0] == 404


def test_directory_redirect_and_head(bases: dict[str, str]) -> None:
    status, headers = raw_get(bases["agency"], "/news")
    assert status == 301
    assert headers["Location"] == "/news/"
    conn = http.client.HTTPConnection(
        urlsplit(bases["agency"]).hostname, urlsplit(bases["agency"]).port
    )
    try:
        conn.request("HEAD", ARTICLE_1008)
        resp = conn.getresponse()
        assert resp.status == 200
        assert int(resp.getheader("Content-Length", "0")) > 0
        assert resp.read() == b""
    finally:
        conn.close()


def test_render_sources(bases: dict[str, str], tmp_path: Path) -> None:
    config = tomllib.loads(render_sources(SITE / "sources.toml.in", bases))
    kyiv, blog = config["sources"]
    assert kyiv["feeds"] == [bases["agency"] + "/rss.xml"]
    assert kyiv["sitemaps"] == [bases["agency"] + "/sitemap.xml"]
    assert re.search(kyiv["article_pattern"], ARTICLE_1008)
    assert blog["start_urls"] == [bases["blog"] + "/"]
    bad = tmp_path / "bad.toml.in"
    bad.write_text('url = "{{nowhere}}/x"\n', encoding="utf-8")
    with pytest.raises(KeyError):
        render_sources(bad, bases)


def test_every_internal_link_resolves(bases: dict[str, str]) -> None:
    """Crawl both sites completely: apart from the documented dead ends, nothing 404s."""
    hosts = {urlsplit(b).netloc for b in bases.values()}
    seen: set[str] = set()
    queue = [b + "/" for b in bases.values()] + [
        bases["agency"] + p for p in ("/rss.xml", "/sitemap.xml", "/robots.txt")
    ]
    queue.append(bases["blog"] + "/feed/atom.xml")
    broken = []
    while queue:
        url = urldefrag(queue.pop())[0]
        parts = urlsplit(url)
        if parts.netloc not in hosts or parts.query or url in seen:
            continue
        seen.add(url)
        if DEAD_ON_PURPOSE.search(parts.path):
            continue
        status, headers, body = fetch(url)
        if status != 200:
            broken.append((url, status))
            continue
        ctype = headers["Content-Type"]
        if ctype.startswith("text/html"):
            queue += [urljoin(url, link) for link in parse_html(body).links]
        elif "xml" in ctype and not ctype.startswith("image/"):
            root = ET.fromstring(body)
            queue += [el.text or "" for el in root.iter() if el.tag.endswith("}loc")]
            queue += [el.text or "" for el in root.iter("link")]
            queue += [el.get("href", "") for el in root.iter(ATOM + "link")]
    assert not broken
    articles = {u for u in seen if ARTICLE_RE.search(u)}
    posts = {u for u in seen if u.startswith(bases["blog"]) and BLOG_POST_RE.search(u)}
    assert (len(articles), len(posts)) == (8, 5)


def test_dates_agree_across_page_feed_and_sitemap(bases: dict[str, str]) -> None:
    claimed: dict[str, list[datetime]] = {}
    for item in xml(bases["agency"] + "/rss.xml").findall("./channel/item"):
        url = item.findtext("link", "").split("?")[0]
        claimed.setdefault(url, []).append(parsedate_to_datetime(item.findtext("pubDate", "")))
    for url in xml(bases["agency"] + "/sitemap-news.xml").iter(SM + "url"):
        when = url.findtext(f"{NEWS}news/{NEWS}publication_date", "")
        claimed.setdefault(url.findtext(SM + "loc", ""), []).append(datetime.fromisoformat(when))
    assert len(claimed) == 5
    for url, dates in claimed.items():
        page = parse_html(fetch(url)[2])
        published = datetime.fromisoformat(page.meta["article:published_time"])
        ld = json.loads("".join(page.jsonld))
        assert datetime.fromisoformat(ld["datePublished"]) == published, url
        assert all(d == published for d in dates), url


def test_blog_dates_agree_with_atom(bases: dict[str, str]) -> None:
    for entry in xml(bases["blog"] + "/feed/atom.xml").findall(ATOM + "entry"):
        link = entry.find(f"{ATOM}link[@rel='alternate']")
        assert link is not None
        text = fetch(link.get("href", ""))[2].decode("utf-8")
        shown = re.search(r'class="entry-date published" datetime="([^"]+)"', text)
        assert shown is not None
        published = datetime.fromisoformat(entry.findtext(ATOM + "published", ""))
        assert datetime.fromisoformat(shown.group(1)) == published
        meta = parse_html(text.encode()).meta["article:published_time"]
        assert datetime.fromisoformat(meta) == published


def test_servers_stop_on_exit() -> None:
    before = set(threading.enumerate())
    with serve_sites({"agency": SITE / "agency"}) as served:
        assert fetch(served["agency"] + "/")[0] == 200
        assert set(threading.enumerate()) - before  # the server's threads
    # none of them is left (threads of other tests, such as a reactor's pool, may come
    # and go meanwhile: only the ones started here are checked)
    assert not set(threading.enumerate()) - before
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(served["agency"] + "/", timeout=2)
