"""Classes of date errors seen on real pages (issue 17), each on a small hand-written page.

Each test names the class it guards; none copies a real page.
"""

from __future__ import annotations

from datetime import UTC, datetime

import lxml.html
import pytest

from newsbot.dates import collect_candidates, resolve_dates
from newsbot.items import DateCandidate, Hints

FETCHED = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)


def day(
    html: str,
    url: str = "https://example.com/news/story",
    *,
    jsonld: list[dict] | None = None,
    hints: Hints | None = None,
    timezone: str | None = None,
    language: str | None = "en",
) -> str | None:
    """The published day the full collect → resolve path gives for a page."""
    cands = collect_candidates(lxml.html.fromstring(html), url, jsonld=jsonld or [], hints=hints)
    pub, _ = resolve_dates(cands, fetched_at=FETCHED, timezone=timezone, language=language)
    return pub.value.date().isoformat() if pub else None


def C(raw: str, role: str, evidence: str, key: str = "") -> DateCandidate:
    return DateCandidate(raw=raw, role=role, evidence=evidence, key=key)


# ------------------------------------------------------------------ time zones


def test_utc_stamp_near_midnight_keeps_the_local_day_the_page_shows() -> None:
    """03:05Z on a -08:00 site whose URL and byline say the 18th is the 18th, not the 19th."""
    html = """<html><head>
      <meta property="article:published_time" content="2025-12-19T03:05:00+00:00">
      </head><body><article><h1>Winter notes</h1>
      <div class="wp-block-post-date"><time datetime="2025-12-18T19:05:00-08:00">December 18,
      2025</time></div><p>Text.</p></article></body></html>"""
    assert day(html, "https://blog.example.org/2025/12/18/winter-notes") == "2025-12-18"


def test_utc_stamp_stays_on_its_day_without_a_local_sign() -> None:
    """No visible local day and no URL date: the stamp is not shifted on a guess."""
    cands = [
        C("2025-07-05T00:04:00+00:00", "published", "meta", "article:published_time"),
        C("2026-01-02T11:17:27-05:00", "modified", "time", "time[datetime]@article"),
    ]
    pub, _ = resolve_dates(cands, fetched_at=FETCHED)
    assert pub is not None and pub.value.date().isoformat() == "2025-07-05"


# ------------------------------------------------------------------ found but not chosen


def test_labelled_published_line_in_the_header_beats_metadata() -> None:
    """'Published Apr 26, 2023' in the article header wins over a JSON-LD date that a
    template filled with the item's last save."""
    html = """<html><body><article><h1>Top firms</h1>
      <div class="post_meta-wrap"><div>Published Apr 26, 2023</div>
      <div>Updated Aug 21, 2025</div></div><p>Text of the story.</p></article></body></html>"""
    jsonld = [{"@type": "Article", "datePublished": "Aug 21, 2025", "dateModified": "Aug 20, 2025"}]
    assert day(html, jsonld=jsonld) == "2023-04-26"


def test_header_date_beats_a_metadata_save_stamp() -> None:
    """datePublished == dateModified (a last-save stamp) and the header shows another day."""
    html = """<html><body><main><h1>How much to charge</h1>
      <div class="post-head"><p>January 31, 2024</p><p>Written by Ann Lee</p></div>
      <p>Text of the story.</p></main></body></html>"""
    jsonld = [{"@type": "BlogPosting", "datePublished": "Nov 05, 2025",
               "dateModified": "Nov 05, 2025"}]  # fmt: skip
    assert day(html, jsonld=jsonld) == "2024-01-31"


def test_metadata_stands_against_an_unlabelled_header_date() -> None:
    """Published and modified differ in the metadata: an unlabelled header date (often the
    update shown as 'the' date) does not overrule the published one."""
    html = """<html><body><main><h1>How much to charge</h1>
      <div class="post-head"><p>January 31, 2024</p></div><p>Text.</p></main></body></html>"""
    jsonld = [{"@type": "BlogPosting", "datePublished": "2023-05-02T10:00:00Z",
               "dateModified": "2024-01-31T10:00:00Z"}]  # fmt: skip
    assert day(html, jsonld=jsonld) == "2023-05-02"


def _resolve_page(html: str, url: str = "https://example.com/blog/post") -> str | None:
    cands = collect_candidates(lxml.html.fromstring(html), url, jsonld=[])
    pub, _ = resolve_dates(cands, fetched_at=FETCHED, language="en", html=html, url=url)
    return pub.value.date().isoformat() if pub else None


def test_weak_looking_byline_is_used_when_a_second_reading_agrees() -> None:
    """Only dates we judged weak (a byline in a 'sidebar' block): htmldate reads the page
    again, and its day stands because our own candidates show it too."""
    html = """<html><head><title>Data tools</title></head><body><div class="sidebar">
      <div class="info-box"><h4>Published</h4><div class="date">July 8, 2025</div></div></div>
      <div class="content"><h1>The top data tools</h1><p>Long text of the story here.</p></div>
      </body></html>"""
    assert _resolve_page(html) == "2025-07-08"


def test_updated_line_stands_when_the_page_shows_no_published_date() -> None:
    """The only date a page shows is 'Last updated: November 13, 2025': readers date the
    page by it, so it is the answer when no published date exists anywhere."""
    html = """<html><head><title>Webcams</title></head><body><div class="main">
      <h1>Webcams</h1><p>Views of the valley.</p>
      <p style="text-align:right">Last updated: November 13, 2025</p></div></body></html>"""
    assert _resolve_page(html) == "2025-11-13"


def test_modified_meta_alone_gives_no_published_date() -> None:
    """A modified meta tag nobody sees is not a publication date, whatever else agrees."""
    html = """<html><head><title>Coffee</title>
      <meta property="article:modified_time" content="2024-03-19T14:01:40+00:00"></head>
      <body><div class="main"><h1>Coffee</h1><p>About coffee plants.</p></div></body></html>"""
    assert _resolve_page(html) is None


# ------------------------------------------------------------------ glued bylines, URLs


def test_a_byline_whose_parts_were_glued_still_gives_its_date() -> None:
    """Tags dropped between name and date: "Jane DoeDecember 2, 2025", "Doe-June 12"."""
    for line, want in [
        ("Julian CanlasDecember 2, 2025", "2025-12-02"),
        ("BySummer Swann-June 12, 2025", "2025-06-12"),
        ("Apr 16, 20240 min. read", "2024-04-16"),  # year glued to the reading time
    ]:
        byline = f"<div class='byline'>{line}</div>"
        html = f"<html><body><article><h1>Title</h1>{byline}<p>x</p></article></body></html>"
        assert day(html) == want, line


def test_a_url_with_a_month_name_gives_the_full_date() -> None:
    html = "<html><body><article><h1>Title</h1><p>Text</p></article></body></html>"
    assert day(html, "https://wine.example/blog/2023/october/03/how-many-wines") == "2023-10-03"
    assert day(html, "https://wine.example/blog/2023/october/how-many-wines") is None


# ------------------------------------------------------------------ feed and sitemap hints


def test_a_feed_date_beats_a_weak_page_date_and_stands_alone() -> None:
    feed = Hints(published="Tue, 04 Mar 2025 09:30:00 GMT", via="feed")
    sidebar = (
        "<html><body><article><h1>Title</h1><p>Text</p></article>"
        "<aside class='related'><time>2 March 2025</time></aside></body></html>"
    )
    assert day(sidebar, hints=feed) == "2025-03-04"
    bare = "<html><body><article><h1>Title</h1><p>Text</p></article></body></html>"
    assert day(bare, hints=feed) == "2025-03-04"
    assert day(bare, hints=Hints(published="2025-03-04", via="sitemap")) == "2025-03-04"


def test_strong_page_metadata_beats_a_feed_that_disagrees_and_keeps_it_as_evidence() -> None:
    html = "<html><body><article><h1>Title</h1><p>Text</p></article></body></html>"
    jsonld = [{"@type": "NewsArticle", "datePublished": "2025-02-20T08:00:00+00:00"}]
    feed = Hints(published="Tue, 04 Mar 2025 09:30:00 GMT", via="feed")
    tree = lxml.html.fromstring(html)
    cands = collect_candidates(tree, "https://example.com/news/story", jsonld=jsonld, hints=feed)
    pub, _ = resolve_dates(cands, fetched_at=FETCHED, language="en")
    assert pub is not None and pub.value.date().isoformat() == "2025-02-20"
    assert any(c.evidence == "feed" for c in cands)  # the feed's date stays on record


def test_a_modified_date_never_stands_in_for_a_published_one() -> None:
    html = (
        "<html><head><meta property='article:modified_time' content='2025-05-01T10:00:00Z'>"
        "</head><body><article><h1>Title</h1><p>Text</p></article></body></html>"
    )
    feed = Hints(published="2025-03-04", modified="2025-05-01", via="sitemap")
    assert day(html, hints=feed) == "2025-03-04"
    assert day(html, hints=Hints(modified="2025-05-01", via="sitemap")) is None


def test_a_local_time_is_read_in_the_source_zone_else_in_the_page_zone_once() -> None:
    naive = "<meta property='article:published_time' content='2025-03-04T23:30:00'>"
    zoned = "<meta property='article:modified_time' content='2025-03-05T10:00:00-05:00'>"

    def published(head: str, timezone: str | None) -> str:
        html = f"<html><head>{head}</head><body><article><h1>T</h1><p>x</p></article></body></html>"
        cands = collect_candidates(lxml.html.fromstring(html), "https://e.example/x", jsonld=[])
        pub, _ = resolve_dates(cands, fetched_at=FETCHED, timezone=timezone, language="en")
        assert pub is not None
        return pub.value.isoformat()

    assert published(naive, "Europe/Kyiv") == "2025-03-04T23:30:00+02:00"
    assert published(naive + zoned, None) == "2025-03-04T23:30:00-05:00"  # the page's zone
    assert published(naive + zoned, "Europe/Kyiv") == "2025-03-04T23:30:00+02:00"
    aware = "<meta property='article:published_time' content='2025-03-04T23:30:00+01:00'>"
    assert published(aware, "America/New_York") == "2025-03-04T23:30:00+01:00"  # never shifted


def test_an_app_page_with_no_date_markup_gives_the_date_in_its_data() -> None:
    """Next.js/Nuxt pages carry the article's date only in their state script."""
    state = (
        '{"props":{"article":{"title":"Top car rental company","publishedAt":'
        '"2025-10-20T13:08:55-07:00"},"related":[{"publishedAt":"2025-09-01T10:00:00Z"}]}}'
    )
    html = (
        f"<html><body><article><h1>Top car rental company</h1><p>Text</p></article>"
        f'<script id="__NEXT_DATA__" type="application/json">{state}</script></body></html>'
    )
    assert day(html) == "2025-10-20"
    # with a date in the markup, the script is not read at all
    marked = html.replace("<p>Text</p>", "<time datetime='2025-10-21'>21 Oct 2025</time>")
    assert day(marked) == "2025-10-21"


# ------------------------------------------------------------------ found and chosen


def _story(inner: str, after: str = "") -> str:
    return (
        f"<html><body><article><h1>Title of the story</h1>{inner}"
        f"<p>The council met on Tuesday and voted on the budget.</p></article>{after}</body></html>"
    )


FOUND = [
    ("blogger date header", _story("").replace(
        "<article>", "<h2 class='date-header'><span>Tuesday, March 4, 2025</span></h2><article>"
    ), "en", "2025-03-04"),
    ("abbr.published", _story(
        "<abbr class='published' title='2025-03-04T10:00:00+01:00'>March 4</abbr>"
    ), "en", "2025-03-04"),
    ("time.entry-date", _story(
        "<time class='entry-date published' datetime='2025-03-04T10:00:00+01:00'>4 Mar</time>"
    ), "en", "2025-03-04"),
    ("posted on", _story("<p class='meta'>Posted on March 4, 2025 by admin</p>"),
     "en", "2025-03-04"),
    ("span.date", _story("<span class='date'>02.02.2022</span>"), "de", "2022-02-02"),
    ("div.publishdate", _story("<div class='publishdate'>Dienstag, 29. Januar 2019</div>"),
     "de", "2019-01-29"),
    ("time with Uhr", _story("<div class='meta'>Do 25.04.24 | 14:07 Uhr</div>"),
     "de", "2024-04-25"),
]  # fmt: skip


@pytest.mark.parametrize("name, html, language, want", FOUND, ids=[f[0] for f in FOUND])
def test_visible_and_blog_engine_dates_are_found_and_chosen(
    name: str, html: str, language: str, want: str
) -> None:
    assert day(html, language=language) == want


def test_a_full_url_date_beats_a_copyright_year_and_a_date_in_running_text() -> None:
    url = "https://e.example/2024/05/06/story"
    html = _story(
        "<p>On 12 January 2020 the law came into force.</p>", "<footer>© 2021 Co</footer>"
    )
    assert day(html, url) == "2024-05-06"


def test_a_jsonld_date_that_is_not_iso_8601_is_read() -> None:
    cands = collect_candidates(
        lxml.html.fromstring(_story("")),
        "https://e.example/x",
        jsonld=[{"@type": "NewsArticle", "datePublished": "2026-05-13 15:44"}],
    )
    fetched = FETCHED.replace(year=2026, month=6)
    pub, _ = resolve_dates(cands, fetched_at=fetched, timezone="Europe/Berlin")
    assert pub is not None and pub.value.isoformat() == "2026-05-13T15:44:00+02:00"


def test_a_meta_named_published_and_a_date_line_inside_a_header_box_are_read() -> None:
    head = "<html><head><meta name='published' content='July 17, 2025'></head>"
    html = head + "<body><article><h1>Data analysis tools</h1><p>Text</p></article></body></html>"
    assert day(html) == "2025-07-17"
    box = (
        "<div class='title-wrap'><h1>What to look for in an analytics platform</h1></div>"
        "<div class='footnotes'><a href='/product'>Product</a><div class='text-xs'>"
        "January 5, 2026</div><span>A guide for data teams choosing their next platform, "
        "with the features that matter most.</span></div>"
    )
    html = f"<html><body><header>{box}</header><article><p>Text</p></article></body></html>"
    assert day(html) == "2026-01-05"
