"""Fuzz the extraction, date, boilerplate and fingerprint stages: no exception escapes.

Random text, random tag soup (nested, unclosed) and mutations of a real-looking
article page go through `newsbot.stages.process`; the only exception allowed out
is `PageRejected` (a counted drop). `parse_date` gets random strings and must
return a date or None. Deterministic (derandomize) and bounded in examples.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsbot.dates import parse_date
from newsbot.errors import PageRejected
from newsbot.items import Article
from newsbot.stages import process
from tests.faults.ledger import LEDGER

pytestmark = pytest.mark.slow  # the fault suite: `make test`, not `make test-fast`

FETCHED_AT = datetime(2024, 3, 10, 12, 0, tzinfo=UTC)

FUZZ = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

ARTICLE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Harbour cranes back in service after repairs | Coast Herald</title>
<meta property="og:title" content="Harbour cranes back in service after repairs">
<meta property="article:published_time" content="2024-03-08T09:30:00+01:00">
<meta name="author" content="Jane Doe">
<link rel="canonical" href="https://coast.example/news/harbour-cranes-123.html">
<script type="application/ld+json">{"@context":"https://schema.org",
"@type":"NewsArticle","headline":"Harbour cranes back in service after repairs",
"datePublished":"2024-03-08T09:30:00+01:00",
"dateModified":"2024-03-09T10:00:00Z","author":{"@type":"Person","name":"Jane Doe"}}</script>
</head><body>
<nav><a href="/">Home</a> <a href="/news/">News</a> <a href="/sport/">Sport</a></nav>
<article><h1>Harbour cranes back in service after repairs</h1>
<time datetime="2024-03-08T09:30:00+01:00">8 March 2024</time>
<p>The harbour's three container cranes returned to service on Friday after a week of repairs
that kept ships waiting outside the breakwater.</p>
<p>Engineers replaced worn cables and a gearbox on the oldest crane, the port authority said,
and all three passed load tests on Thursday evening.</p>
<p>"We are back to full capacity," said the harbour master, who expects the queue of ships to
clear by Sunday.</p>
<div class="share">Share this article: Facebook Twitter Email</div>
</article>
<aside class="comments"><h2>Comments</h2><p>Great news for the town! — reader</p></aside>
<footer>© 2024 Coast Herald. All rights reserved.</footer>
</body></html>"""

TAGS = [
    "html", "head", "body", "title", "meta", "script", "style", "article", "main", "div", "p",
    "span", "a", "h1", "h2", "time", "table", "tr", "td", "ul", "li", "br", "img", "nav",
    "footer", "aside", "noscript", "template", "svg", "math", "iframe", "form", "!--", "![CDATA[",
]  # fmt: skip
ATTRS = [
    "class", "id", "href", "src", "content", "property", "name", "datetime", "itemprop",
    "type", "charset", "lang", "rel", "style", "data-x",
]  # fmt: skip
ODD = ["\x00", "\ud800", "\udfff", "\x01", "\x0b", "\x1f", "\x7f", "\ufeff", "\u202e", "\uffff"]

texts = st.text(
    st.characters(codec=None, exclude_categories=()), max_size=300
)  # every code point, lone surrogates included
date_like = st.one_of(
    texts,
    st.from_regex(r"[0-9]{1,6}[-/. ][0-9]{1,3}[-/. ][0-9]{1,5}( [0-9]{1,2}:[0-9]{2}(:[0-9]{2})?)?"
                  r"( ?[+-][0-9]{2}:?[0-9]{2}| ?Z| ?[A-Z]{3,5})?", fullmatch=True),
    st.sampled_from(["0000-00-00", "0001-01-01T00:00:00Z", "2999-12-31", "1970-01-01T00:00:00Z",
                     "9999-99-99", "-1", "0", "1e308", "NaN", "yesterday", "31 февраля 2024",
                     "2024-02-30T25:61:61+99:99", "@1700000000", "1700000000000"]),
)  # fmt: skip


@st.composite
def tag_soup(draw: st.DrawFn, depth: int = 0) -> str:
    """Random HTML: nested tags with random attributes, some left unclosed."""
    parts = []
    for _ in range(draw(st.integers(0, 4 if depth < 4 else 0) if depth < 4 else st.just(0))):
        tag = draw(st.sampled_from(TAGS))
        attrs = "".join(
            f' {draw(st.sampled_from(ATTRS))}="{draw(st.one_of(texts, date_like))}"'
            for _ in range(draw(st.integers(0, 3)))
        )
        inner = draw(st.one_of(texts, tag_soup(depth=depth + 1)))
        close = draw(st.booleans())
        parts.append(f"<{tag}{attrs}>{inner}" + (f"</{tag}>" if close else ""))
        parts.append(draw(st.one_of(st.just(""), texts)))
    return "".join(parts)


@st.composite
def mutated_article(draw: st.DrawFn) -> str:
    """The article page, then a few random edits of the kinds real pages arrive with."""
    page = ARTICLE
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(
            st.sampled_from(
                ["flip", "truncate", "insert_odd", "huge_attr", "deep", "delete", "dup", "text"]
            )
        )
        at = draw(st.integers(0, len(page)))
        if kind == "flip" and page:
            data = bytearray(page.encode("utf-8", "surrogatepass"))
            for _ in range(draw(st.integers(1, 20))):
                i = draw(st.integers(0, len(data) - 1))
                data[i] ^= 1 << draw(st.integers(0, 7))
            page = data.decode("utf-8", "replace")
        elif kind == "truncate":
            page = page[:at]
        elif kind == "insert_odd":
            page = page[:at] + draw(st.sampled_from(ODD)) * draw(st.integers(1, 50)) + page[at:]
        elif kind == "huge_attr":
            value = draw(st.sampled_from(["x", "2024-03-08 ", "\x00", "<", '"']))
            size = draw(st.integers(1_000, 200_000))
            page = page[:at] + f'<meta name="description" content="{value * size}">' + page[at:]
        elif kind == "deep":
            n = draw(st.integers(100, 3000))
            tag = draw(st.sampled_from(["div", "span", "b", "table", "p", "li"]))
            closed = draw(st.booleans())
            page = (
                page[:at]
                + f"<{tag}>" * n
                + "deep"
                + (f"</{tag}>" * n if closed else "")
                + page[at:]
            )
        elif kind == "delete":
            end = draw(st.integers(at, min(len(page), at + 500)))
            page = page[:at] + page[end:]
        elif kind == "dup":
            end = draw(st.integers(at, min(len(page), at + 2000)))
            page = page[:end] + page[at:end] * draw(st.integers(1, 20)) + page[end:]
        else:
            page = page[:at] + draw(texts) + page[at:]
    return page


def run_stages(html: str) -> Article | None:
    article = Article(
        url="https://coast.example/news/harbour-cranes-123.html",
        source="fuzz",
        html=html,
        fetched_at=FETCHED_AT,
    )
    try:
        done = process(article)
    except PageRejected as rejected:
        assert rejected.reason and isinstance(rejected.reason, str)
        return None
    for when in (done.published, done.modified):
        if when is not None:
            assert when.utc <= FETCHED_AT.replace(year=FETCHED_AT.year + 1)
    return done


def test_the_unmutated_page_is_an_article() -> None:
    done = run_stages(ARTICLE)
    assert done is not None and done.title and "container cranes" in (done.body or "")
    assert done.published is not None and done.published.utc.year == 2024


@FUZZ
@given(texts)
def test_random_text(html: str) -> None:
    LEDGER.fuzzed()
    run_stages(html)


@FUZZ
@given(tag_soup())
def test_random_tag_soup(html: str) -> None:
    LEDGER.fuzzed()
    run_stages(html)


@FUZZ
@given(mutated_article())
def test_mutated_article(html: str) -> None:
    LEDGER.fuzzed()
    run_stages(html)


@FUZZ
@given(st.lists(date_like, min_size=1, max_size=4))
def test_random_dates_in_meta_and_json_ld(values: list[str]) -> None:
    LEDGER.fuzzed()
    page = ARTICLE
    for value in values:
        quoted = value.replace("\\", "\\\\").replace('"', '\\"')
        page = page.replace("2024-03-08T09:30:00+01:00", quoted, 1)
        page = page.replace("2024-03-09T10:00:00Z", quoted, 1)
    run_stages(page)


@FUZZ
@given(date_like, st.sampled_from([None, "Europe/Kyiv", "UTC", "Not/AZone", "+05:00", ""]),
       st.sampled_from([None, "en", "uk", "ru", "zz", ""]))  # fmt: skip
def test_parse_date_never_raises(raw: str, timezone: str | None, language: str | None) -> None:
    LEDGER.fuzzed()
    parsed = parse_date(raw, fetched_at=FETCHED_AT, timezone=timezone, language=language)
    if parsed is not None:
        assert parsed.utc.tzinfo is not None


@pytest.mark.parametrize(
    "html",
    [
        "\x00" * 10_000,
        "<html>" + "<div>" * 20_000 + "text" * 100,
        "<p>" + "\ud800" * 500 + "</p>",
        "<title>" + "T" * 10_000 + "</title><article><p>" + "word " * 200 + "</p></article>",
        "\ufeff<html><body><article><p>" + "BOM page text. " * 20 + "</p></article></body></html>",
        '<meta content="' + "x" * 2_000_000 + '">',
    ],
    ids=["nuls", "deep-unclosed", "surrogates", "long-title", "bom", "2mb-attr"],
)
def test_extremes(html: str) -> None:
    LEDGER.fault("content/extreme-input-to-stages")
    run_stages(html)
