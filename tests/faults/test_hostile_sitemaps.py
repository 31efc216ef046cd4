"""Gigantic and hostile sitemaps: streamed, capped, counted; a gzip bomb is a counted drop.

The parser is fed the documents a real server would send: a 200,000-entry sitemap
(four times the protocol's 50,000), the same gzip-compressed as `.xml.gz`, a gzip bomb
and a flood of junk elements. Memory is measured in a child process (peak RSS, which
sees libxml2's own allocations too, unlike tracemalloc), against a whole-tree parse of
the same bytes.
Then the real CLI crawls a site whose sitemap index names such children.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import zlib
from pathlib import Path

import psycopg
import pytest

from newsbot.discovery import MAX_ENTRIES, parse_document
from tests.faults import hostile_web as hw
from tests.faults.ledger import LEDGER
from tests.test_crawl import ROOT, newsbot

pytestmark = pytest.mark.slow  # the fault suite: `make test`, not `make test-fast`

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
HUGE = 200_000


def sitemap(urls: list[str] | range, base: str = "https://big.example") -> bytes:
    """A urlset of `urls` (paths, or numbers for /news/N.html)."""
    entries = b"".join(
        b"<url><loc>%s</loc><lastmod>2024-05-01</lastmod></url>"
        % (f"{base}/news/{u}.html" if isinstance(u, int) else f"{base}{u}").encode()
        for u in urls
    )
    return b'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="%s">%s</urlset>' % (
        NS.encode(),
        entries,
    )


def gzip_bomb(head: bytes, filler: bytes, megabytes: int) -> bytes:
    """`head`, then `megabytes` MB of `filler`, compressed as one gzip stream (~1000:1)."""
    packer = zlib.compressobj(1, zlib.DEFLATED, 31)
    block = filler * ((1 << 20) // len(filler))
    parts = [packer.compress(head)]
    parts += [packer.compress(block) for _ in range(megabytes)]
    return b"".join([*parts, packer.flush()])


BOMB_HEAD = b'<?xml version="1.0"?><urlset><url><loc>https://big.example/news/1.html</loc></url>'


def test_huge_sitemap_keeps_the_first_50000_entries_and_counts_the_rest() -> None:
    found = parse_document(sitemap(range(HUGE)), "https://big.example/sitemap.xml")
    LEDGER.fault("sitemap/over-entry-cap")
    assert found.kind == "urlset"
    assert len(found.entries) == MAX_ENTRIES == 50_000
    assert found.truncated == HUGE - MAX_ENTRIES
    assert not found.too_large
    assert found.entries[0].url == "https://big.example/news/0.html"
    assert found.entries[-1].url == f"https://big.example/news/{MAX_ENTRIES - 1}.html"
    assert found.entries[-1].hints.modified == "2024-05-01"
    assert found.entries[-1].hints.found_on == "https://big.example/sitemap.xml"
    # the same as a .xml.gz: see test_memory_does_not_grow_with_the_document


def test_a_sitemap_index_is_capped_too() -> None:
    children = "".join(
        f"<sitemap><loc>https://big.example/s{n}.xml</loc></sitemap>" for n in range(7)
    )
    found = parse_document(f"<sitemapindex>{children}</sitemapindex>".encode(), max_entries=5)
    LEDGER.fault("sitemap/index-over-entry-cap")
    assert found.sitemaps == [f"https://big.example/s{n}.xml" for n in range(5)]
    assert found.truncated == 2


def test_gzip_bomb_stops_at_the_cap_with_what_came_before() -> None:
    found = parse_document(gzip_bomb(BOMB_HEAD, b" ", 64))  # 64 MB of spaces: over 50 MB
    LEDGER.fault("sitemap/gzip-bomb")
    assert found.too_large and found.kind == "urlset"
    assert [e.url for e in found.entries] == ["https://big.example/news/1.html"]


def test_junk_element_flood_stops_long_before_the_byte_cap() -> None:
    # 8 MB: under the 50 MB cap, so only the element count can stop it
    found = parse_document(gzip_bomb(BOMB_HEAD, b"<a/>", 8))  # 2 million empty elements
    LEDGER.fault("sitemap/junk-element-flood")
    assert found.too_large and len(found.entries) == 1
    junk_first = gzip_bomb(b"<urlset>", b"<a/>", 8)  # no entry before the flood
    LEDGER.fault("sitemap/junk-element-flood")
    assert parse_document(junk_first).too_large


def test_gzip_members_truncation_and_garbage() -> None:
    body = sitemap(range(10))
    half = len(body) // 2
    assert (
        len(parse_document(gzip.compress(body[:half]) + gzip.compress(body[half:])).entries) == 10
    )
    packed = gzip.compress(sitemap(range(5000)))
    cut = parse_document(packed[: len(packed) // 2])  # truncated download: what came stands
    LEDGER.fault("sitemap/truncated-gzip")
    assert cut.kind == "urlset" and 1000 < len(cut.entries) < 5000
    LEDGER.fault("sitemap/garbage-gzip")
    assert parse_document(b"\x1f\x8b\x08garbage").kind == "unknown"


def test_streamed_parse_keeps_entities_inert(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file://{secret}">'
        '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        f'<urlset xmlns="{NS}"><url><loc>https://big.example/news/&x;&c;.html</loc></url>'
        "<url><loc>https://big.example/news/2.html</loc></url></urlset>"
    ).encode()
    for document in (xxe, gzip.compress(xxe)):
        found = parse_document(document)
        LEDGER.fault("sitemap/xxe-external-entity")
        LEDGER.fault("sitemap/entity-expansion")
        urls = [e.url for e in found.entries]
        assert "https://big.example/news/2.html" in urls
        assert not any("TOP-SECRET" in u or "aaaaaaaaaa" in u for u in urls), urls


PROBE = """
import json, sys
from pathlib import Path
from lxml import etree
from newsbot.discovery import parse_document

def peak():
    # VmHWM, not ru_maxrss: that one keeps the forking parent's peak across exec
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024

docs = {p.name: p.read_bytes() for p in map(Path, sys.argv[1:])}
base, out = peak(), {}
for name, body in docs.items():
    found = parse_document(body, max_entries=1000)
    out[name] = {"growth": peak() - base, "truncated": found.truncated}
tree = etree.fromstring(docs["huge.xml"])  # the control: a tree of the whole document
out["tree"] = {"growth": peak() - base, "elements": len(tree)}
print(json.dumps(out))
"""


def test_memory_does_not_grow_with_the_document(tmp_path: Path) -> None:
    body = sitemap(range(HUGE))
    (tmp_path / "huge.xml").write_bytes(body)
    (tmp_path / "huge.xml.gz").write_bytes(gzip.compress(body, 1))
    (tmp_path / "bomb.xml.gz").write_bytes(gzip_bomb(BOMB_HEAD, b" ", 64))
    (tmp_path / "junk.xml.gz").write_bytes(gzip_bomb(BOMB_HEAD, b"<a/>", 8))
    names = ["huge.xml", "huge.xml.gz", "bomb.xml.gz", "junk.xml.gz"]
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *(str(tmp_path / n) for n in names)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    LEDGER.fault("sitemap/over-entry-cap", 2)  # huge.xml, huge.xml.gz
    LEDGER.fault("sitemap/gzip-bomb")
    LEDGER.fault("sitemap/junk-element-flood")
    assert result.returncode == 0, result.stderr[-3000:]
    measured = json.loads(result.stdout)
    assert measured["huge.xml"]["truncated"] == HUGE - 1000
    assert measured["huge.xml.gz"]["truncated"] == HUGE - 1000
    # the body (17 MB) is in memory already; reading it adds less than the body again,
    # the 64 MB bomb included, while a tree of the document takes many times the body
    for name in names:
        assert measured[name]["growth"] < len(body), (name, measured)
    assert measured["tree"]["elements"] == HUGE
    assert measured["tree"]["growth"] > 4 * len(body), measured


def test_crawl_counts_truncated_and_too_large_sitemaps(
    db: psycopg.Connection, database_url: str, tmp_path: Path
) -> None:
    """A sitemap index naming .xml.gz children (application/gzip, x-gzip), two sitemaps
    over the entry cap (NEWSBOT_DISCOVERY_MAX_ENTRIES=5) and a gzip bomb."""
    routes: dict[str, hw.Route] = {}
    paragraphs = [
        f"Sentence {i} of a plain report about the harbour and the bridge." for i in range(6)
    ]
    with hw.serve(routes) as server:
        base = server.base
        gz = [f"/news/gz-{n}.html" for n in range(3)]
        xgz = [f"/news/xgz-{n}.html" for n in range(2)]
        big = [f"/news/big-{n}.html" for n in range(8)]
        big2 = [f"/news/big2-{n}.html" for n in range(7)]
        for path in gz + xgz + big + big2 + ["/news/bomb-1.html"]:
            routes[path] = hw.body(hw.article(f"Story {path}", paragraphs))
        gzip_type = "application/gzip"
        routes["/sitemap-gz.xml.gz"] = hw.body(
            gzip.compress(sitemap(gz, base)), content_type=gzip_type
        )
        routes["/sitemap-xgz.xml.gz"] = hw.body(
            gzip.compress(sitemap(xgz, base)), content_type="application/x-gzip"
        )
        routes["/sitemap-big.xml"] = hw.body(sitemap(big, base), content_type="application/xml")
        routes["/sitemap-big2.xml"] = hw.body(sitemap(big2, base), content_type="application/xml")
        bomb_head = BOMB_HEAD.replace(b"https://big.example/news/1", f"{base}/news/bomb-1".encode())
        routes["/sitemap-bomb.xml.gz"] = hw.body(
            gzip_bomb(bomb_head, b" ", 64), content_type=gzip_type
        )
        children = [
            "sitemap-gz.xml.gz",
            "sitemap-xgz.xml.gz",
            "sitemap-big.xml",
            "sitemap-big2.xml",
            "sitemap-bomb.xml.gz",
        ]
        index = "".join(f"<sitemap><loc>{base}/{c}</loc></sitemap>" for c in children)
        routes["/sitemap.xml"] = hw.body(
            f'<sitemapindex xmlns="{NS}">{index}</sitemapindex>', content_type="application/xml"
        )
        sources = tmp_path / "sources.toml"
        sources.write_text(f'[[sources]]\nname = "big"\nsitemaps = ["{base}/sitemap.xml"]\n')
        result = newsbot(
            "crawl", "--sources", str(sources), "--json",
            "-s", "NEWSBOT_DISCOVERY_MAX_ENTRIES=5",
            "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
            database_url=database_url,
        )  # fmt: skip
        hits = dict(server.hits)
    for child, kind in [
        ("/sitemap-big.xml", "sitemap/over-entry-cap"),
        ("/sitemap-big2.xml", "sitemap/over-entry-cap"),
        ("/sitemap-bomb.xml.gz", "sitemap/gzip-bomb"),
    ]:
        if hits.get(child):  # injected: served to the crawler
            LEDGER.fault(kind)
    LEDGER.crawl_result(result)
    expected = set(gz + xgz + big[:5] + big2[:5] + ["/news/bomb-1.html"])
    LEDGER.measure(db, [base + p for p in expected])
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-5000:]
    run = db.execute("SELECT status, counters FROM crawl_runs").fetchone()
    assert run["status"] == "finished"
    counters = run["counters"]["big"]
    assert counters["newsbot/discovery/truncated"] == (8 - 5) + (7 - 5)
    assert counters["newsbot/discovery/too_large"] == 1
    assert counters["newsbot/discovery/urlset"] == 5
    assert "newsbot/discovery/unparsable" not in counters
    # one warning for the two cut sitemaps; the counter holds the rest
    assert result.stderr.count("lists more than 5 entries") == 1, result.stderr[-3000:]
    assert "sitemap-bomb.xml.gz is too large" in result.stderr
    stored = {r["url"][len(base) :] for r in db.execute("SELECT url FROM articles")}
    assert stored == expected, sorted(stored ^ expected)
    assert not any(hits.get(p) for p in big[5:] + big2[5:])  # cut entries are not fetched
    # the database was there all along: the summary does not mention the spool
    assert json.loads(result.stdout)["sources"]["big"]["articles_spooled"] == 0
    assert "spooled" not in result.stderr


def test_sitemap_index_loops_end(db: psycopg.Connection, database_url: str, tmp_path: Path) -> None:
    """Index A names B and itself, B names A: each fetched a bounded number of times, the
    crawl ends by itself, and the articles the urlset names are stored once."""
    routes: dict[str, hw.Route] = {}
    paragraphs = [f"Sentence {i} of a report about the port and the new ferry." for i in range(6)]
    with hw.serve(routes) as server:
        base = server.base
        pages = [f"/news/loop-{n}.html" for n in range(3)]
        for path in pages:
            routes[path] = hw.body(hw.article(f"Story {path}", paragraphs))

        def index(*children: str) -> hw.Route:
            entries = "".join(f"<sitemap><loc>{base}{c}</loc></sitemap>" for c in children)
            return hw.body(
                f'<sitemapindex xmlns="{NS}">{entries}</sitemapindex>',
                content_type="application/xml",
            )

        routes["/a.xml"] = index("/a.xml", "/b.xml", "/urls.xml")
        routes["/b.xml"] = index("/a.xml", "/b.xml")
        routes["/urls.xml"] = hw.body(sitemap(pages, base), content_type="application/xml")
        sources = tmp_path / "sources.toml"
        sources.write_text(f'[[sources]]\nname = "loop"\nsitemaps = ["{base}/a.xml"]\n')
        result = newsbot(
            "crawl", "--sources", str(sources), "--json",
            "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
            database_url=database_url,
        )  # fmt: skip
        hits = dict(server.hits)
    if hits.get("/b.xml"):
        LEDGER.fault("sitemap/index-loop")
    LEDGER.crawl_result(result)
    LEDGER.measure(db, [base + p for p in pages])
    assert result.returncode == 0, result.stderr[-3000:]
    # the entry point may be read twice (once as the entry, once as a child), never more
    assert hits["/a.xml"] <= 2 and hits["/b.xml"] == 1 and hits["/urls.xml"] == 1
    stored = db.execute("SELECT count(*) AS n, count(DISTINCT url) AS d FROM articles").fetchone()
    assert stored["n"] == stored["d"] == len(pages)
