"""Feeds and sitemaps, including hostile XML that must not be expanded or followed."""

from newsbot.discovery import parse_document

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<title>Wire</title>
<item><title>First</title><link>https://w.example/news/1</link>
<pubDate>Sun, 31 Jul 2022 19:40:00 +0300</pubDate><dc:creator>Olena Petrenko</dc:creator></item>
<item><title>No link</title><guid isPermaLink="false">abc</guid></item>
<item><title>Guid link</title><guid>https://w.example/news/2</guid></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title>
<entry><title>Post</title><link rel="alternate" href="https://b.example/2022/08/01/post/"/>
<link rel="replies" href="https://b.example/2022/08/01/post/#comments"/>
<published>2022-08-01T09:15:00+02:00</published><updated>2022-08-02T10:00:00+02:00</updated>
<author><name>Marko</name></author></entry></feed>"""

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://w.example/news/3</loc><lastmod>2022-08-01</lastmod>
<news:news><news:publication><news:name>Wire</news:name><news:language>en</news:language></news:publication>
<news:publication_date>2022-07-31T19:40:00+03:00</news:publication_date>
<news:title>Third</news:title></news:news></url>
</urlset>"""

INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://w.example/sitemap-news.xml</loc></sitemap>
<sitemap><loc>https://w.example/sitemap-pages.xml</loc></sitemap>
</sitemapindex>"""


def test_rss_items_with_hints() -> None:
    found = parse_document(RSS, "https://w.example/rss.xml")
    assert found.kind == "rss"
    assert [e.url for e in found.entries] == [
        "https://w.example/news/1",
        "https://w.example/news/2",
    ]
    first = found.entries[0].hints
    assert first.title == "First"
    assert first.published == "Sun, 31 Jul 2022 19:40:00 +0300"
    assert first.authors == ["Olena Petrenko"]
    assert first.via == "feed" and first.found_on == "https://w.example/rss.xml"


def test_atom_entry() -> None:
    found = parse_document(ATOM)
    assert found.kind == "atom"
    (entry,) = found.entries
    assert entry.url == "https://b.example/2022/08/01/post/"
    assert entry.hints.published == "2022-08-01T09:15:00+02:00"
    assert entry.hints.modified == "2022-08-02T10:00:00+02:00"
    assert entry.hints.authors == ["Marko"]


def test_google_news_sitemap_keeps_publication_date_and_title() -> None:
    found = parse_document(NEWS_SITEMAP)
    assert found.kind == "urlset"
    (entry,) = found.entries
    assert entry.hints.published == "2022-07-31T19:40:00+03:00"
    assert entry.hints.title == "Third"
    assert entry.hints.modified == "2022-08-01"
    assert entry.hints.via == "sitemap"


def test_sitemap_index() -> None:
    found = parse_document(INDEX)
    assert found.kind == "sitemapindex"
    assert found.sitemaps == [
        "https://w.example/sitemap-news.xml",
        "https://w.example/sitemap-pages.xml",
    ]


def test_gzipped_sitemap() -> None:
    import gzip

    assert parse_document(gzip.compress(INDEX)).kind == "sitemapindex"


def test_external_entities_are_not_resolved(tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    xxe = f"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file://{secret}">]>
<rss version="2.0"><channel><item><title>&xxe;</title><link>https://a.example/1</link></item>
</channel></rss>""".encode()
    found = parse_document(xxe)
    assert all("TOP-SECRET" not in (e.hints.title or "") for e in found.entries)


def test_billion_laughs_is_not_expanded() -> None:
    lol = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<rss version="2.0"><channel><item><title>&lol4;</title><link>https://a.example/1</link></item>
</channel></rss>"""
    found = parse_document(lol)
    assert all(len(e.hints.title or "") < 100 for e in found.entries)


def test_garbage_is_unknown() -> None:
    assert parse_document(b"").kind == "unknown"
    assert parse_document(b"<html><body>not a feed</body></html>").kind == "unknown"
    assert parse_document(b"\x00\xff\xfe garbage").kind == "unknown"
