"""Content faults: every hostile page ends as a clean row or a counted drop, never a crash.

One local server (tests/faults/hostile_web.py) serves good articles and broken ones
(charsets, BOMs, NULs, surrogates, non-HTML bodies, a page over the size cap, a gzip
bomb, script-only pages, absurd dates, a huge title, an empty body), all listed in
one RSS feed; the real CLI crawls it into the real database.
"""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from tests.faults import hostile_web as hw
from tests.faults.ledger import LEDGER
from tests.test_crawl import newsbot

pytestmark = pytest.mark.slow  # the fault suite: `make test`, not `make test-fast`


def _para(topic: str, n: int = 4) -> list[str]:
    return [
        f"{topic}: sentence {i} of the report, with enough words to read as real prose "
        f"about the {topic.lower()} and what the council decided on the matter."
        for i in range(n)
    ]


GOOD = {
    "/news/good-harbour-100001.html": "Harbour cranes back in service",
    "/news/good-bridge-100002.html": "Old bridge to close for repairs",
    "/news/good-library-100003.html": "Library extends opening hours",
}

CYRILLIC_TITLE = "Міська рада ухвалила бюджет"
CYRILLIC_TEXT = "Депутати міської ради ухвалили бюджет на наступний рік після довгого обговорення"

LATIN1_TEXT = "Café owners in Zürich say the façade rules are too strict for small businesses"


#: the kind of fault each page injects, by the name of the page (before its number)
FAULT_KINDS = {
    "malformed": "content/malformed-html", "truncated": "content/truncated-html",
    "cp1251": "content/charset", "latin1-as-utf8": "content/charset",
    "utf8-bom": "content/bom", "utf16-bom": "content/bom",
    "nul": "content/nul-bytes", "surrogate": "content/lone-surrogates",
    "pdf": "content/non-html", "png": "content/non-html", "json": "content/non-html",
    "png-as-html": "content/non-html", "huge": "content/oversize",
    "gzip-bomb": "content/compression-bomb", "script-only": "content/script-only",
    "absurd-date": "content/absurd-date", "long-title": "content/huge-title",
    "empty": "content/empty-body",
}  # fmt: skip


def _fault_kind(path: str) -> str:
    return FAULT_KINDS[path.rsplit("/", 1)[1].rsplit("-", 1)[0]]


def _pages() -> dict[str, hw.Route]:
    pages: dict[str, hw.Route] = {}
    for path, title in GOOD.items():
        pages[path] = hw.body(hw.article(title, _para(title)))

    # malformed and truncated HTML
    malformed = (
        "<html><head><title>Unclosed tags everywhere<body><article><h1>Unclosed tags everywhere"
        + "".join(f"<p>{p}<div><span>" for p in _para("Unclosed tags"))
        + "</td></tr></table></html></html>"
    )
    pages["/news/malformed-200001.html"] = hw.body(malformed)
    pages["/news/truncated-200002.html"] = hw.body(
        hw.article("Truncated markup", _para("Truncated markup", 6))[:900]
    )
    # wrong or missing charset
    cp1251 = (
        f"<html><head><title>{CYRILLIC_TITLE}</title></head><body><article><h1>{CYRILLIC_TITLE}</h1>"
        + f"<p>{CYRILLIC_TEXT}.</p>" * 4
        + "</article></body></html>"
    ).encode("cp1251")
    pages["/news/cp1251-200003.html"] = hw.body(cp1251, content_type="text/html")
    latin1 = hw.article("Latin one declared as UTF-8", [LATIN1_TEXT + "."] * 3, charset="utf-8")
    pages["/news/latin1-as-utf8-200004.html"] = hw.body(
        latin1.encode("latin-1"), content_type="text/html; charset=utf-8"
    )
    pages["/news/utf8-bom-200005.html"] = hw.body(
        b"\xef\xbb\xbf" + hw.article("UTF-8 with a BOM", _para("BOM page"), charset=None).encode(),
        content_type="text/html",
    )
    pages["/news/utf16-bom-200006.html"] = hw.body(
        hw.article("UTF-16 with a BOM", _para("Wide page"), charset=None).encode("utf-16"),
        content_type="text/html",
    )
    # NUL bytes and lone surrogates (as raw bytes: NULs and CESU-style ED A0 80)
    nul = hw.article(
        "Nul\x00 bytes in the\x00 title", [p.replace(" ", " \x00", 3) for p in _para("Nul")]
    )
    pages["/news/nul-200007.html"] = hw.body(nul.encode())
    surrogate = hw.article("Lone surrogates", _para("Surrogates")).encode()
    surrogate = surrogate.replace(b"sentence 1", b"sentence \xed\xa0\x80 1").replace(
        b"sentence 2", b"sentence \xed\xbf\xbf 2"
    )
    pages["/news/surrogate-200008.html"] = hw.body(surrogate)
    # non-HTML bodies at article URLs
    pages["/news/pdf-200009.html"] = hw.body(
        b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n%%EOF", content_type="application/pdf"
    )
    pages["/news/png-200010.html"] = hw.body(
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, content_type="image/png"
    )
    pages["/news/json-200011.html"] = hw.body(
        json.dumps({"title": "not a page", "body": "x" * 500}), content_type="application/json"
    )
    pages["/news/png-as-html-200012.html"] = hw.body(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    # over the size cap (run with DOWNLOAD_MAXSIZE=2000000): 5 MB, and a gzip bomb
    pages["/news/huge-200013.html"] = hw.body(
        hw.article("Five megabytes", ["word " * 1_000_000]).encode()
    )
    bomb = gzip.compress(b"<html><body><p>" + b" " * 50_000_000, compresslevel=9)
    pages["/news/gzip-bomb-200014.html"] = hw.body(bomb, headers={"Content-Encoding": "gzip"})
    # only script
    pages["/news/script-only-200015.html"] = hw.body(
        "<html><head><script>var a = 1;</script></head><body>"
        + "<script>document.write('x'.repeat(5000));</script>" * 50
        + "</body></html>"
    )
    # absurd dates
    for n, (label, when, ld) in enumerate(
        [
            ("Year zero", "0000-01-01T00:00:00Z", "0000-00-00"),
            ("Year 2999", "2999-12-31T23:59:59Z", "2999-01-01"),
            ("Epoch zero", "1970-01-01T00:00:00Z", "0"),
        ]
    ):
        head = (
            '<script type="application/ld+json">{"@type":"NewsArticle","headline":"'
            + label
            + f'","datePublished":"{ld}","dateModified":{ld if ld.isdigit() else json.dumps(ld)}}}'
            + "</script>"
        )
        pages[f"/news/absurd-date-{200016 + n}.html"] = hw.body(
            hw.article(label, _para(f"Absurd date {label}"), published=when, head=head)
        )
    # a 10,000-character title, and an empty body
    pages["/news/long-title-200019.html"] = hw.body(hw.article("T" * 10_000, _para("Long title")))
    pages["/news/empty-200020.html"] = hw.body(b"")
    return pages


def test_hostile_content_is_stored_clean_or_counted(
    db: psycopg.Connection, database_url: str, tmp_path: Path
) -> None:
    routes = _pages()
    articles = list(routes)
    faults = [p for p in articles if p not in GOOD]
    with hw.serve(routes) as server:
        routes["/rss.xml"] = hw.body(
            hw.rss([server.base + p for p in articles]), content_type="application/rss+xml"
        )
        sources = tmp_path / "sources.toml"
        sources.write_text(f'[[sources]]\nname = "hostile"\nfeeds = ["{server.base}/rss.xml"]\n')
        started = datetime.now(UTC)
        result = newsbot(
            "crawl", "--sources", str(sources),
            "-s", "DOWNLOAD_MAXSIZE=2000000", "-s", "DOWNLOAD_WARNSIZE=0",
            "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
            database_url=database_url,
        )  # fmt: skip
        finished = datetime.now(UTC)
        base = server.base
    for path in faults:  # injected: served to the crawler
        if server.hits[path]:
            LEDGER.fault(_fault_kind(path))
    LEDGER.crawl_result(result)
    # these faults end as clean rows (the rest as counted drops: below, and the tag soup of
    # /news/malformed-200001.html, whose text the body extractor does not find)
    expected = set(GOOD) | {
        "/news/truncated-200002.html",
        "/news/cp1251-200003.html", "/news/latin1-as-utf8-200004.html",
        "/news/utf8-bom-200005.html", "/news/utf16-bom-200006.html",
        "/news/nul-200007.html", "/news/surrogate-200008.html",
        "/news/absurd-date-200016.html", "/news/absurd-date-200017.html",
        "/news/absurd-date-200018.html", "/news/long-title-200019.html",
    }  # fmt: skip
    LEDGER.measure(db, [base + p for p in expected])
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-5000:]

    rows = {
        r["url"][len(base) :]: r
        for r in db.execute(
            "SELECT url, title, body, lead, published_at, modified_at FROM articles"
        )
    }
    run = db.execute("SELECT status, counters FROM crawl_runs").fetchone()
    assert run["status"] == "finished"
    counters = run["counters"]["hostile"]
    dropped = {k: v for k, v in counters.items() if k.startswith("newsbot/dropped/")}

    # every good page once, with its own title and body
    for path, title in GOOD.items():
        assert path in rows, (path, sorted(rows), dropped)
        assert rows[path]["title"] == title
        assert f"{title}: sentence 0 of the report" in rows[path]["body"]
    assert len(rows) == len(set(rows))

    # what is stored is clean: no NUL, dates within 1990..fetch time
    for path, row in rows.items():
        for field in ("title", "body", "lead"):
            assert "\x00" not in (row[field] or ""), (path, field)
        for field in ("published_at", "modified_at"):
            when = row[field]
            if when is not None:
                assert datetime(1990, 1, 1, tzinfo=UTC) <= when <= finished, (path, field, when)

    # decoded right where the bytes allow it
    assert CYRILLIC_TEXT in rows["/news/cp1251-200003.html"]["body"]
    assert rows["/news/cp1251-200003.html"]["title"] == CYRILLIC_TITLE
    assert rows["/news/utf8-bom-200005.html"]["title"] == "UTF-8 with a BOM"
    assert rows["/news/utf16-bom-200006.html"]["title"] == "UTF-16 with a BOM"
    # latin-1 bytes under a utf-8 label: decoded as labelled, the bad bytes become U+FFFD
    # (what a browser shows too); the rest of the text survives
    latin1_body = rows["/news/latin1-as-utf8-200004.html"]["body"]
    assert "Caf\ufffd owners in Z\ufffdrich say the fa\ufffdade rules" in latin1_body

    # refused, never stored: non-HTML, over the cap, nothing readable
    for path in (
        "/news/pdf-200009.html", "/news/png-200010.html", "/news/json-200011.html",
        "/news/huge-200013.html", "/news/gzip-bomb-200014.html",
        "/news/script-only-200015.html", "/news/empty-200020.html",
    ):  # fmt: skip
        assert path not in rows, path
    # three labelled as what they are, one PNG labelled text/html
    assert counters.get("newsbot/dropped/not_html", 0) == 4, dropped
    assert "/news/png-as-html-200012.html" not in rows
    assert counters.get("newsbot/dropped/too_large", 0) == 2, dropped
    # and remembered, so that a re-crawl does not fetch them again
    recorded = {
        r["url"][len(base) :]: r["reason"]
        for r in db.execute("SELECT url, reason FROM dropped_pages")
    }
    for path in (
        "/news/pdf-200009.html", "/news/png-200010.html", "/news/json-200011.html",
        "/news/png-as-html-200012.html",
    ):  # fmt: skip
        assert recorded.get(path) == "not_html", (path, recorded)
    for path in ("/news/huge-200013.html", "/news/gzip-bomb-200014.html"):
        assert recorded.get(path) == "too_large", (path, recorded)

    assert set(rows) == expected, (sorted(set(rows) ^ expected), dropped)
    assert rows["/news/nul-200007.html"]["title"] == "Nul bytes in the title"
    assert (
        "sentence  1" in rows["/news/surrogate-200008.html"]["body"]
        or "\ufffd" in (rows["/news/surrogate-200008.html"]["body"])
    )
    for n in (16, 17, 18):  # year 0, 2999 and epoch 0 are not dates of a news article
        assert rows[f"/news/absurd-date-2000{n}.html"]["published_at"] is None

    # every fault is accounted for: stored or counted as a drop with a reason
    not_stored = [p for p in faults if p not in rows]
    counted = sum(dropped.values())
    assert counted == len(not_stored), (not_stored, dropped)
    assert not any(k.endswith("_error") for k in dropped), dropped  # no stage crashed

    print(
        f"\ncontent faults: {len(faults)} injected, 1 crawl survived in "
        f"{(finished - started).total_seconds():.1f}s, articles expected "
        f"{len(expected)} ({len(GOOD)} good) stored {len(rows)}; "
        f"{len(not_stored)} dropped: {json.dumps(dropped, sort_keys=True)}"
    )
