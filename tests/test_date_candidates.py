"""Date candidates from small hand-written pages, and the full collect → resolve path."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import lxml.html
from lxml import etree

from newsbot.dates import collect_candidates, resolve_dates
from newsbot.items import DateCandidate, Hints

FETCHED = datetime(2024, 3, 10, 12, 0, tzinfo=UTC)


def collect(
    html: str,
    url: str = "https://example.com/news/story",
    *,
    jsonld: list[dict] | None = None,
    headers: dict[str, str] | None = None,
    hints: Hints | None = None,
) -> list[DateCandidate]:
    return collect_candidates(
        lxml.html.fromstring(html), url, jsonld=jsonld or [], headers=headers, hints=hints
    )


def triples(cands: list[DateCandidate]) -> list[tuple[str, str, str]]:
    return [(c.raw, c.role, c.evidence) for c in cands]


def dates(html: str, url: str = "https://example.com/news/story", **kw: object) -> tuple:
    lang = kw.pop("language", "en")
    tz = kw.pop("timezone", None)
    pub, mod = resolve_dates(
        collect(html, url, **kw),  # type: ignore[arg-type]
        fetched_at=FETCHED,
        timezone=tz,  # type: ignore[arg-type]
        language=lang,  # type: ignore[arg-type]
    )
    return (pub.isoformat() if pub else None, mod.isoformat() if mod else None)


def test_jsonld_values() -> None:
    cands = collect(
        "<html><body><p>x</p></body></html>",
        jsonld=[
            {
                "@type": "NewsArticle",
                "datePublished": "2022-07-31T19:40:00+03:00",
                "dateCreated": ["2022-07-31T19:00:00+03:00"],
                "dateModified": {"@value": "2022-08-01T08:00:00+03:00"},
            },
            "not a dict",  # type: ignore[list-item]
        ],
    )
    assert triples(cands) == [
        ("2022-07-31T19:40:00+03:00", "published", "jsonld"),
        ("2022-07-31T19:00:00+03:00", "published", "jsonld"),
        ("2022-08-01T08:00:00+03:00", "modified", "jsonld"),
    ]


def test_meta_tags() -> None:
    html = """<html><head>
    <meta property="article:published_time" content="2022-07-31T19:40:00+03:00">
    <meta property="og:updated_time" content="2022-08-01T08:00:00+03:00">
    <meta name="pubdate" content="20220731">
    <meta name="DC.date.issued" content="2022-07-31">
    <meta name="dcterms.modified" content="2022-08-01">
    <meta name="sailthru.date" content="2022-07-31 19:40:00">
    <meta name="parsely-pub-date" content="2022-07-31T16:40:00Z">
    <meta itemprop="datePublished" content="2022-07-31">
    <meta name="description" content="2022-01-01 is not a date tag">
    </head><body></body></html>"""
    assert triples(collect(html)) == [
        ("2022-07-31T19:40:00+03:00", "published", "meta"),
        ("2022-08-01T08:00:00+03:00", "modified", "meta"),
        ("20220731", "published", "meta"),
        ("2022-07-31", "published", "meta"),
        ("2022-08-01", "modified", "meta"),
        ("2022-07-31 19:40:00", "published", "meta"),
        ("2022-07-31T16:40:00Z", "published", "meta"),
        ("2022-07-31", "published", "microdata"),
    ]


def test_itemprop_on_any_element() -> None:
    html = """<html><body><article>
    <span itemprop="datePublished" content="2022-07-31T19:40:00+03:00">31 July</span>
    <time itemprop="dateModified" datetime="2022-08-01T08:00:00+03:00">1 Aug</time>
    <div itemprop="dateCreated">31.07.2022</div>
    </article></body></html>"""
    cands = triples(collect(html))
    assert ("2022-07-31T19:40:00+03:00", "published", "microdata") in cands
    assert ("2022-08-01T08:00:00+03:00", "modified", "microdata") in cands
    assert ("31.07.2022", "published", "microdata") in cands


def test_time_in_article_vs_related_and_comments() -> None:
    html = """<html><body>
    <article class="post"><header class="entry-header">
      <time class="entry-date published" datetime="2022-07-31T19:40:00+03:00">July 31</time>
      <time class="updated" datetime="2022-08-01T08:00:00+03:00">Aug 1</time>
    </header><p>Text</p></article>
    <section class="related-posts"><time datetime="2024-03-09T10:00:00Z">Mar 9</time></section>
    <ol class="comment-list"><li class="comment"><time datetime="2024-03-10T09:00:00Z">x</time>
    </li></ol>
    <aside><time datetime="2024-03-08">Mar 8</time></aside>
    </body></html>"""
    cands = collect(html)
    assert [(c.raw, c.role, c.evidence, c.key) for c in cands] == [
        ("2022-07-31T19:40:00+03:00", "published", "time", "time[datetime]@article"),
        ("2022-08-01T08:00:00+03:00", "modified", "time", "time[datetime]@article"),
        ("2024-03-09T10:00:00Z", "unknown", "text", "time[datetime]@weak"),
        ("2024-03-10T09:00:00Z", "unknown", "text", "time[datetime]@weak"),
        ("2024-03-08", "unknown", "text", "time[datetime]@weak"),
    ]
    assert dates(html) == ("2022-07-31T19:40:00+03:00", "2022-08-01T08:00:00+03:00")


def test_only_related_and_comment_dates_give_nothing() -> None:
    html = """<html><body><article><p>Story without a date.</p></article>
    <div class="sidebar widget"><span class="date">March 9, 2024</span></div>
    <div id="comments"><div class="comment-meta">Posted on March 10, 2024 at 9:00 am</div></div>
    </body></html>"""
    assert dates(html) == (None, None)


def test_time_text_without_datetime() -> None:
    html = "<html><body><article><time>31 July 2022, 19:40</time></article></body></html>"
    assert triples(collect(html)) == [("31 July 2022, 19:40", "unknown", "time")]
    assert dates(html, timezone="Europe/London") == ("2022-07-31T19:40:00+01:00", None)


def test_byline_with_labels_splits_published_and_updated() -> None:
    html = """<html><body><article><h1>T</h1>
    <div class="byline">By Jane Doe. Published: July 31, 2022 8:15 p.m. EDT
      Updated: August 2, 2022 10:00 a.m. EDT</div></article></body></html>"""
    cands = collect(html)
    assert [(c.role, c.evidence) for c in cands] == [
        ("published", "byline"),
        ("modified", "byline"),
    ]
    assert cands[0].raw.startswith("Published: July 31, 2022")
    assert dates(html) == ("2022-07-31T20:15:00-04:00", "2022-08-02T10:00:00-04:00")


def test_byline_by_label_without_class() -> None:
    html = """<html><body><div><p>Posted on <a href="/2022/07/">July 31, 2022</a> by admin</p>
    <p>Long text.</p></div></body></html>"""
    assert triples(collect(html)) == [("Posted on July 31, 2022 by admin", "published", "byline")]
    assert dates(html) == ("2022-07-31", None)


def test_ukrainian_byline() -> None:
    html = """<html><body><article><div class="post-meta">Опубліковано: 31 липня 2022, 19:40</div>
    <p>Текст</p></article></body></html>"""
    assert dates(html, language="uk", timezone="Europe/Kyiv") == (
        "2022-07-31T19:40:00+03:00",
        None,
    )


def test_site_header_today_date_is_weak() -> None:
    html = """<html><body><div class="site-header"><span class="date">Sunday, March 10, 2024</span>
    </div><article><p>no date</p></article></body></html>"""
    assert dates(html) == (None, None)


def test_url_dates() -> None:
    for url, raw in [
        ("https://ex.com/2022/07/31/slug/", "2022-07-31"),
        ("https://ex.com/news/2022/7/3/slug", "2022-07-03"),
        ("https://ex.com/news/20220731-slug.html", "2022-07-31"),
        ("https://ex.com/a/2022-07-31-slug", "2022-07-31"),
    ]:
        assert triples(collect("<html><body></body></html>", url)) == [(raw, "published", "url")], (
            url
        )
    assert collect("<html><body></body></html>", "https://ex.com/2022/07/slug") == []
    assert collect("<html><body></body></html>", "https://ex.com/id/99991399") == []


def test_hints_and_http_header() -> None:
    cands = collect(
        "<html><body></body></html>",
        headers={"last-modified": "Sun, 10 Mar 2024 11:00:00 GMT"},
        hints=Hints(published="2022-07-31T16:40:00Z", modified="2022-08-01", via="sitemap"),
    )
    assert triples(cands) == [
        ("2022-07-31T16:40:00Z", "published", "sitemap"),
        ("2022-08-01", "modified", "sitemap"),
        ("Sun, 10 Mar 2024 11:00:00 GMT", "modified", "http"),
    ]
    feed = collect("<html></html>", hints=Hints(published="Sun, 31 Jul 2022 16:40:00 GMT"))
    assert triples(feed) == [("Sun, 31 Jul 2022 16:40:00 GMT", "published", "feed")]


def test_feed_hint_adds_time_to_date_only_page() -> None:
    html = '<html><head><meta name="date" content="2022-07-31"></head><body></body></html>'
    got = dates(html, hints=Hints(published="Sun, 31 Jul 2022 16:40:00 GMT", via="feed"))
    assert got == ("2022-07-31T16:40:00+00:00", None)


def test_url_breaks_tie_between_times() -> None:
    html = """<html><body><div class="content">
    <time datetime="2022-07-30T10:00:00Z">a</time><time datetime="2022-07-31T11:00:00Z">b</time>
    </div></body></html>"""
    assert dates(html, "https://ex.com/2022/07/31/x")[0] == "2022-07-31T11:00:00+00:00"
    assert dates(html, "https://ex.com/x")[0] == "2022-07-30T10:00:00+00:00"


def test_tree_is_not_mutated() -> None:
    html = """<html><head><meta property="article:published_time" content="2022-07-31"></head>
    <body><article><div class="date">Posted on July 31, 2022</div><time>1 Aug 2022</time>
    </article><div class="comments"><time>2 Aug 2022</time></div></body></html>"""
    tree = lxml.html.fromstring(html)
    before = etree.tostring(tree)
    snapshot = copy.deepcopy(tree)
    collect_candidates(tree, "https://ex.com/2022/07/31/x", jsonld=[])
    assert etree.tostring(tree) == before == etree.tostring(snapshot)


def test_odd_inputs_do_not_raise() -> None:
    tree = lxml.html.fromstring("<html><body><!-- c --><time datetime=''></time></body></html>")
    assert collect_candidates(tree, "", jsonld=[{"datePublished": None}, {"dateModified": 5}]) == [
        DateCandidate("5", "modified", "jsonld", "dateModified")
    ]
    assert collect_candidates(tree, "http://[::1", jsonld=[], headers={"x": "y"}) == []


def test_teaser_lists_without_telling_classes_are_weak() -> None:
    html = """<html><body><main><article class="story"><h1>Bridge reopens</h1>
    <p>Text of the story.</p></article>
    <section class="b-top-table-list"><ul>
      <li><a href="/news/1">Storm leaves thousands without power</a>
        <time datetime="2024-03-09T10:00:00Z">Mar 9</time></li>
      <li><a href="/news/2">Library extends its opening hours</a>
        <time datetime="2024-03-08T10:00:00Z">Mar 8</time></li></ul></section>
    </main></body></html>"""
    cands = collect(html, "https://ex.com/2019/09/29/bridge")
    assert {c.evidence for c in cands if c.raw.startswith("2024")} == {"text"}
    assert dates(html, "https://ex.com/2019/09/29/bridge")[0] == "2019-09-29"


def test_date_line_next_to_the_headline() -> None:
    html = """<html><body><div class="top-bar">Sunday, March 10, 2024</div>
    <article><header><h1>Bridge reopens</h1><p class="subtitle">December 25, 2021</p></header>
    <p>The council first discussed the plan on March 2, 2017.</p></article></body></html>"""
    assert dates(html, timezone="America/New_York") == ("2021-12-25", None)


def test_entry_date_updated_class_is_the_post_date() -> None:
    html = """<html><body><article><h1>T</h1><span class="td-post-date">
    <time class="entry-date updated td-module-date"
      datetime="2023-11-25T06:20:26+01:00">25 Nov</time>
    </span></article></body></html>"""
    assert triples(collect(html))[0] == ("2023-11-25T06:20:26+01:00", "published", "time")


def test_utc_stamp_on_local_wall_time_takes_the_page_offset() -> None:
    html = """<html><head>
    <meta property="article:published_time" content="2022-07-31T23:40:00+00:00">
    </head><body><article><h1>T</h1>
    <time datetime="2022-07-31T23:40:00+03:00">31 July 2022, 23:40</time>
    </article></body></html>"""
    assert dates(html)[0] == "2022-07-31T23:40:00+03:00"


def test_zone_less_times_read_in_the_page_or_language_zone() -> None:
    page = """<html><body><article><h1>T</h1><time>31.07.2022, 23:40</time></article>
    <ol class="comment-list"><li><time datetime="2022-08-01T10:00:00+03:00">x</time></li></ol>
    </body></html>"""
    assert dates(page, language="en")[0] == "2022-07-31T23:40:00+03:00"
    lone = "<html><body><article><h1>T</h1><time>31.07.2022, 23:40</time></article></body></html>"
    assert dates(lone, language="uk")[0] == "2022-07-31T23:40:00+03:00"
    assert dates(lone, language="en")[0] == "2022-07-31T23:40:00+00:00"  # no zone to infer


def test_cjk_update_label() -> None:
    html = """<html><body><article><h1>T</h1><time>2022-12-10 07:12</time>
    <time class="x" datetime="2022-12-11T03:29:12+08:00">最后更新： 2022-12-11 03:29</time>
    </article></body></html>"""
    assert dates(html, language="zh") == ("2022-12-10T07:12:00+08:00", "2022-12-11T03:29:12+08:00")
