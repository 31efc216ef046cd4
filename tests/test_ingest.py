"""`newsbot ingest`: WARC files written by anyone become the same articles a crawl stores.

The archives are written here with warcio itself (not newsbot's writer), as wget or
Heritrix would: warcinfo, request and response records, revisits, non-HTML bodies and
error answers among the pages. Every run is the real command in a subprocess, into a
real PostgreSQL.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import re
import signal
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsbot.archive import RawPage, Skipped, iter_pages, read_page
from newsbot.storage import connect
from tests import fixture_web
from tests.support.cli import environment, newsbot, start_in_session
from tests.support.database import scratch_database

#: the article columns an ingest must give exactly as the crawl does
COMPARED = ("title", "authors", "body", "published_at", "language", "content_hash")


# -- writing archives with warcio ------------------------------------------------------


class Warc:
    """A WARC file written record by record with warcio's own writer."""

    def __init__(self, path: Path, *, gzip: bool = True) -> None:
        self.path = path
        self.stream = path.open("wb")
        self.writer = WARCWriter(self.stream, gzip=gzip)
        self.moment = datetime(2024, 5, 2, 9, 0, tzinfo=UTC)
        #: offset of each response record by URL
        self.offsets: dict[str, int] = {}

    def _date(self) -> str:
        self.moment += timedelta(seconds=1)
        return self.moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    def warcinfo(self) -> None:
        info = {"software": "test-writer (warcio)", "format": "WARC File Format 1.0"}
        self.writer.write_record(self.writer.create_warcinfo_record(self.path.name, info))

    def request(self, url: str) -> None:
        parts = urlsplit(url)
        http = StatusAndHeaders(
            f"GET {parts.path or '/'} HTTP/1.1",
            [("Host", parts.netloc), ("User-Agent", "test-writer")],
            is_http_request=True,
        )
        record = self.writer.create_warc_record(
            url,
            "request",
            payload=BytesIO(b""),
            length=0,
            warc_headers_dict={"WARC-Date": self._date()},
            http_headers=http,
        )
        self.writer.write_record(record)

    def response(
        self,
        url: str,
        body: bytes,
        headers: list[tuple[str, str]],
        status: str = "200 OK",
        *,
        date: datetime | None = None,
        truncated: str | None = None,
    ) -> str:
        """A response record (and its request); returns its payload digest. `date`: when
        it was captured (else a second after the record before); `truncated`: the reason
        the capturing crawler cut it short (WARC-Truncated)."""
        http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
        warc_headers = {"WARC-Date": date.strftime("%Y-%m-%dT%H:%M:%SZ") if date else self._date()}
        if truncated:
            warc_headers["WARC-Truncated"] = truncated
        record = self.writer.create_warc_record(
            url,
            "response",
            payload=BytesIO(body),
            length=len(body),
            warc_headers_dict=warc_headers,
            http_headers=http,
        )
        self.offsets[url] = self.stream.tell()
        self.writer.write_record(record)
        self.request(url)
        return record.rec_headers.get_header("WARC-Payload-Digest")

    def revisit(self, url: str, digest: str) -> None:
        http = StatusAndHeaders("304 Not Modified", [("Content-Length", "0")], protocol="HTTP/1.1")
        record = self.writer.create_revisit_record(
            url, digest, url, self.moment.strftime("%Y-%m-%dT%H:%M:%SZ"), http_headers=http
        )
        self.writer.write_record(record)
        self.request(url)

    def close(self) -> Path:
        self.stream.close()
        return self.path


def html_headers(body: bytes) -> list[tuple[str, str]]:
    return [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))]


# -- helpers on the database -----------------------------------------------------------


def articles(conn: psycopg.Connection) -> dict[str, dict]:
    """Stored articles by URL, `duplicate_of` given as the original's URL."""
    rows = conn.execute(
        f"""SELECT a.url, {", ".join(f"a.{c}" for c in COMPARED)}, a.source,
                   o.url AS duplicate_of, a.warc_file, a.warc_offset, a.updated_at,
                   a.fetched_at
            FROM articles a LEFT JOIN articles o ON o.id = a.duplicate_of"""
    ).fetchall()
    return {r["url"]: r for r in rows}


def ingested(conn: psycopg.Connection, path: Path) -> dict | None:
    conn.commit()  # a fresh snapshot each time
    return conn.execute(
        "SELECT * FROM ingested_files WHERE path = %s", (str(path.resolve()),)
    ).fetchone()


def summary_line(output: str, path: Path) -> str:
    lines = [line for line in output.splitlines() if line.startswith(f"{path.resolve()}: ")]
    assert len(lines) == 1, output
    return lines[0]


def counts_of(line: str) -> dict[str, int]:
    """The counts of a printed per-file summary ("…: done: 9 pages: 7 new, 1 reposts,
    1 dropped, skipped 2 revisit, 4 request") by kind."""
    counts = {}
    for number, kind in re.findall(r"(\d+) ([a-z_]+)", line.split(": ", 2)[2]):
        counts[kind] = int(number)
    return counts


# -- 1. an archive of a site gives what a crawl of it gave ------------------------------

#: the articles of the site (fixture_web's generated pages: JSON-LD dates, authors)
SITE_ARTICLES = [1, 2, 3, 4, 5, 6]
#: a page of the same site that carries article 2's text verbatim, a day later
REPOST_PATH = "/syndicated/grain-ships-copy.html"
LISTING_PATH = "/news/index.html"


def repost_html(base: str) -> str:
    """Article 2's page as another desk republished it: its own URL, title and date."""
    page = fixture_web.article_html(2, base)
    page = page.replace(fixture_web.published(2), "2022-07-13T18:00:00+03:00")
    page = page.replace(base + fixture_web.article_path(2), base + REPOST_PATH)
    title = fixture_web.TOPICS[1][0]
    return page.replace(f"<h1>{title}</h1>", f"<h1>{title} (syndicated)</h1>").replace(
        f"<title>{title} |", f"<title>{title} (syndicated) |"
    )


def build_site(root: Path) -> list[str]:
    """A site with a sitemap of six articles, a repost and a listing page; the paths."""
    base = "{{wire}}"
    paths = [fixture_web.article_path(n) for n in SITE_ARTICLES] + [REPOST_PATH, LISTING_PATH]
    for n in SITE_ARTICLES:
        page = root / fixture_web.article_path(n).lstrip("/")
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(fixture_web.article_html(n, base), encoding="utf-8")
    (root / REPOST_PATH.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
    (root / REPOST_PATH.lstrip("/")).write_text(repost_html(base), encoding="utf-8")
    (root / LISTING_PATH.lstrip("/")).write_text(
        fixture_web.listing_html(base, SITE_ARTICLES, None), encoding="utf-8"
    )
    sm = "http://www.sitemaps.org/schemas/sitemap/0.9"
    urls = "".join(f"<url><loc>{base}{p}</loc></url>" for p in paths)
    (root / "sitemap.xml").write_text(
        f'<?xml version="1.0"?><urlset xmlns="{sm}">{urls}</urlset>', encoding="utf-8"
    )
    return paths


def fetch(url: str) -> tuple[str, list[tuple[str, str]], bytes]:
    """(status line, headers, body) as the local server answers."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=30) as answer:
            return f"{answer.status} {answer.reason}", answer.getheaders(), answer.read()
    except urllib.error.HTTPError as error:
        return f"{error.code} {error.reason}", list(error.headers.items()), error.read()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, list[str], Path]]:
    """The site served on 127.0.0.1: its base URL, its page paths, a sources file."""
    from newsbot.demo.webserver import serve_sites

    paths = build_site(tmp_path / "site")
    with serve_sites({"wire": tmp_path / "site"}) as bases:
        sources = tmp_path / "sources.toml"
        sources.write_text(
            f'[[sources]]\nname = "wire"\nsitemaps = ["{bases["wire"]}/sitemap.xml"]\n',
            encoding="utf-8",
        )
        yield bases["wire"], paths, sources


@pytest.fixture
def second_database(pg_server: str) -> Iterator[str]:
    with scratch_database(pg_server, "newsbot_test_ingest") as url:
        yield url


@pytest.mark.slow  # a crawl of a local site and an ingest, each a subprocess
def test_an_archive_of_a_site_gives_the_articles_a_crawl_of_it_gave(
    db: psycopg.Connection,
    database_url: str,
    second_database: str,
    site: tuple[str, list[str], Path],
    tmp_path: Path,
) -> None:
    base, paths, sources = site
    crawl = newsbot(
        "crawl", "--sources", str(sources), "--progress", "off", database_url=second_database
    )
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    with connect(second_database) as crawled_conn:
        crawled = articles(crawled_conn)
        crawl_dropped = crawled_conn.execute("SELECT url, reason FROM dropped_pages").fetchall()
    article_urls = {base + fixture_web.article_path(n) for n in SITE_ARTICLES} | {
        base + REPOST_PATH
    }
    assert set(crawled) == article_urls  # the listing page is no article
    assert crawled[base + REPOST_PATH]["duplicate_of"] == base + fixture_web.article_path(2)
    assert sum(r["duplicate_of"] is not None for r in crawled.values()) == 1
    for row in crawled.values():  # what is compared below is there to compare
        assert row["title"] and row["authors"] and row["body"] and row["content_hash"], row
        assert row["published_at"] is not None and row["language"] == "en", row

    # the same pages, as an archiving crawler would have kept them
    warc = Warc(tmp_path / "site.warc.gz")
    warc.warcinfo()
    digests = {}
    for path in paths:
        status, headers, body = fetch(base + path)
        assert status == "200 OK"
        digests[path] = warc.response(base + path, body, headers)
    missing = fetch(base + "/news/0404-gone.html")
    assert missing[0].startswith("404")
    warc.response(base + "/news/0404-gone.html", missing[2], missing[1], status=missing[0])
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    warc.response(base + "/img/photo.png", png, [("Content-Type", "image/png")])
    data = json.dumps({"articles": SITE_ARTICLES}).encode()
    warc.response(base + "/api/latest.json", data, [("Content-Type", "application/json")])
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
    warc.response(base + "/files/report.pdf", pdf, [("Content-Type", "application/pdf")])
    # a later visit found two pages unchanged: revisit records, no body
    for path in paths[:2]:
        warc.revisit(base + path, digests[path])
    archive = warc.close()

    result = newsbot(
        "ingest",
        str(archive),
        "--source",
        "wire",
        "--workers",
        "1",
        "--progress",
        "off",
        database_url=database_url,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr

    got = articles(db)
    assert set(got) == set(crawled)
    for url, row in got.items():
        for column in COMPARED:
            assert row[column] == crawled[url][column], (url, column)
        assert row["duplicate_of"] == crawled[url]["duplicate_of"], url
        assert row["source"] == "wire"
        # each row points at its page in the archive
        assert row["warc_file"] == str(archive.resolve())
        assert row["warc_offset"] == warc.offsets[url]
        page = read_page(row["warc_file"], row["warc_offset"])
        assert isinstance(page, RawPage) and page.url == url

    # the listing page went through the stages and was dropped, with its reason kept
    dropped = db.execute("SELECT url, reason FROM dropped_pages").fetchall()
    assert [r["url"] for r in dropped] == [base + LISTING_PATH], dropped
    assert dropped == crawl_dropped  # the crawl dropped it for the same reason

    line = summary_line(result.stdout, archive)
    assert ": done: " in line, line
    counts = counts_of(line)
    assert counts == {
        "pages": 8,  # the 6 articles, the repost and the listing page
        "new": 7,
        "reposts": 1,
        "dropped": 1,
        "http_status": 1,  # the 404
        "not_html": 3,  # the image, the JSON, the PDF
        "request": len(paths) + 4 + 2,
        "revisit": 2,
        "warcinfo": 1,
    }, line

    state = ingested(db, archive)
    assert state is not None and state["finished_at"] is not None
    assert state["size"] == archive.stat().st_size == state["next_offset"]
    assert state["source"] == "wire"
    counters = state["counters"]
    assert counters["new"] == 7 and counters["reposts"] == 1
    assert counters["skipped/revisit"] == 2 and counters["skipped/not_html"] == 3
    assert counters["skipped/http_status"] == 1 and counters["skipped/warcinfo"] == 1
    assert sum(n for k, n in counters.items() if k.startswith("dropped/")) == 1
    assert "unchanged" not in counters and "failed" not in counters


# -- 2. without --source, each page belongs to its site ---------------------------------


def small_article(n: int, seed: int = 0) -> str:
    """An article page of a few paragraphs of its own text, dated in the page."""
    rng = random.Random(n * 7919 + seed)
    sentences = []
    for _ in range(12):
        words = rng.sample(WORDS, 14)
        sentences.append(" ".join(words).capitalize() + ".")
    paragraphs = "".join(
        f"<p>{' '.join(sentences[i : i + 3])} Report {n} of the series.</p>"
        for i in range(0, 12, 3)
    )
    day = datetime(2023, 1, 1, 8, 30, tzinfo=UTC) + timedelta(hours=7 * n)
    title = f"Council report {n}: {' '.join(rng.sample(WORDS, 4))}"
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title}</title>
<meta property="article:published_time" content="{day.isoformat()}">
<meta name="author" content="Desk {n % 7}"></head>
<body><article><h1>{title}</h1><p class="byline">By Desk {n % 7}</p>
{paragraphs}</article></body></html>"""


#: the words of the generated articles (each page draws its own sentences)
WORDS = re.findall(
    r"\w+",
    """
council market river school bridge harbour village teacher farmer railway station
museum library hospital doctor nurse budget tax election mayor street winter summer
harvest storm flood bakery factory worker union court judge lawyer police festival
concert theatre painter author novel garden forest mountain valley island ferry
airport pilot engine tractor wheat barley orchard vineyard cheese bread coffee
market square fountain tower castle church chapel parish road tunnel canal lake
coast beach fisherman boat net sail wind rain snow frost sun cloud morning evening
night week month season year decade neighbour family child parent student exam
lesson map compass letter parcel office clerk manager shop price wage rent loan bank
coin paper ink desk chair window door roof wall floor kitchen oven kettle plate
spoon knife fork table bottle glass water juice milk honey apple pear plum cherry
lemon orange carrot potato onion garlic pepper salt sugar flour butter
""",
)


@pytest.mark.slow  # runs of newsbot in a subprocess
def test_without_a_source_each_page_belongs_to_its_site(
    db: psycopg.Connection, database_url: str, tmp_path: Path
) -> None:
    warc = Warc(tmp_path / "two-sites.warc.gz")
    urls = {
        "http://www.wire.example/news/1.html": 1,
        "http://www.wire.example/news/2.html": 2,
        "https://echo.example/story/3.html": 3,
    }
    for url, n in urls.items():
        body = small_article(n).encode()
        if n == 2:  # kept as sent, as wget and Heritrix keep it: gzipped, in chunks
            packed = gzip.compress(body)
            chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(packed), packed)
            headers = [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]
            warc.response(url, chunked, [*headers, ("Transfer-Encoding", "chunked")])
        else:
            warc.response(url, body, html_headers(body))
    archive = warc.close()
    result = newsbot("ingest", str(archive), "--workers", "0", database_url=database_url)
    assert result.returncode == 0, result.stderr[-3000:]
    got = articles(db)
    for url, n in urls.items():
        assert got[url]["title"].startswith(f"Council report {n}:"), got[url]["title"]
        assert f"Report {n} of the series." in got[url]["body"]
    assert {url: row["source"] for url, row in got.items()} == {
        "http://www.wire.example/news/1.html": "wire.example",
        "http://www.wire.example/news/2.html": "wire.example",
        "https://echo.example/story/3.html": "echo.example",
    }
    names = {r["name"] for r in db.execute("SELECT name FROM sources").fetchall()}
    assert names == {"wire.example", "echo.example"}
    assert ingested(db, archive)["source"] is None


# -- 3. a finished file is not read again ------------------------------------------------


@pytest.mark.slow  # runs of newsbot in a subprocess
def test_a_finished_file_is_not_ingested_again(
    db: psycopg.Connection, database_url: str, tmp_path: Path
) -> None:
    warc = Warc(tmp_path / "once.warc.gz")
    warc.warcinfo()
    for n in range(1, 6):
        body = small_article(n).encode()
        warc.response(f"http://news.example/a/{n}.html", body, html_headers(body))
    archive = warc.close()
    first = newsbot("ingest", str(archive), "--workers", "0", database_url=database_url)
    assert first.returncode == 0, first.stderr[-3000:]
    assert counts_of(summary_line(first.stdout, archive))["new"] == 5

    def snapshot() -> dict[str, list]:
        db.commit()
        return {
            "articles": db.execute("SELECT url, updated_at FROM articles ORDER BY url").fetchall(),
            "sources": db.execute("SELECT * FROM sources ORDER BY name").fetchall(),
            "files": db.execute("SELECT * FROM ingested_files ORDER BY path").fetchall(),
            "dropped": db.execute("SELECT url FROM dropped_pages ORDER BY url").fetchall(),
        }

    before = snapshot()
    assert len(before["articles"]) == 5
    again = newsbot("ingest", str(archive), "--workers", "0", database_url=database_url)
    assert again.returncode == 0, again.stderr[-3000:]
    line = summary_line(again.stdout, archive)
    assert "already ingested" in line and counts_of(line)["new"] == 5, line
    assert snapshot() == before


# -- 4. an interrupted ingest resumes and does nothing twice ----------------------------

INTERRUPTED_PAGES = 240


@pytest.mark.slow  # runs of newsbot in a subprocess
def test_an_interrupted_ingest_resumes_where_it_stopped(
    db: psycopg.Connection, database_url: str, tmp_path: Path
) -> None:
    warc = Warc(tmp_path / "many.warc.gz")
    warc.warcinfo()
    urls = [f"http://many.example/news/{n:04d}.html" for n in range(1, INTERRUPTED_PAGES + 1)]
    for n, url in enumerate(urls, 1):
        body = small_article(n, seed=1).encode()
        warc.response(url, body, html_headers(body))
    archive = warc.close()

    # its own process group, as a shell job
    proc = start_in_session(
        "ingest",
        str(archive),
        *("--batch-size", "2", "--workers", "1", "--progress", "off"),
        env=environment(database_url),
    )
    try:
        deadline = time.monotonic() + 120
        state = None
        while proc.poll() is None and time.monotonic() < deadline:
            state = ingested(db, archive)
            if state is not None and state["next_offset"] > 0:
                break
            time.sleep(0.02)
        if proc.poll() is not None:
            out, err = proc.communicate()
            assert proc.returncode == 0, err[-3000:]
            pytest.skip("the ingest finished before a checkpoint could be seen")
        assert state is not None and state["next_offset"] > 0, "no checkpoint within 120 s"
        os.killpg(proc.pid, signal.SIGINT)  # a terminal's Ctrl-C: the whole group
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, (out, err[-3000:])
    assert "Traceback" not in err, err[-3000:]
    line = summary_line(out, archive)
    assert "interrupted (run again to resume)" in line, line
    first = counts_of(line)

    state = ingested(db, archive)
    assert state["finished_at"] is None
    assert 0 < state["next_offset"] < archive.stat().st_size
    stored_first = db.execute("SELECT count(*) AS n FROM articles").fetchone()["n"]
    # the checkpoint covers exactly what was stored: the rerun starts after it
    assert state["counters"]["new"] == first["new"] == stored_first
    assert 0 < stored_first < INTERRUPTED_PAGES, "the interrupted run stored everything"

    second = newsbot(
        "ingest",
        str(archive),
        "--batch-size",
        "2",
        "--workers",
        "1",
        "--progress",
        "off",
        database_url=database_url,
    )
    assert second.returncode == 0, second.stderr[-3000:]
    assert f"resuming at byte {state['next_offset']}" in second.stderr
    line = summary_line(second.stdout, archive)
    assert ": done: " in line, line
    this_run, whole = line.split(" (whole file: ")
    rest, total = counts_of(this_run), counts_of(f"x: y: {whole}")
    # this run did the rest, and nothing twice: its pages and the first run's make the file
    assert rest["new"] == rest["pages"] == INTERRUPTED_PAGES - first["new"], line
    assert total["new"] == total["pages"] == INTERRUPTED_PAGES, line
    assert "unchanged" not in total and "updated" not in total, line
    assert total["warcinfo"] == first.get("warcinfo", 0) == 1
    assert "warcinfo" not in rest, line  # read once, by the first run

    state = ingested(db, archive)
    assert state["finished_at"] is not None
    assert state["counters"]["new"] == INTERRUPTED_PAGES
    assert "unchanged" not in state["counters"] and "updated" not in state["counters"]
    rows = db.execute("SELECT url FROM articles ORDER BY url").fetchall()
    assert [r["url"] for r in rows] == urls  # each page once


# -- 5. a truncated file: what came before is stored ------------------------------------


@pytest.mark.slow  # runs of newsbot in a subprocess
@pytest.mark.parametrize("cut", ["headers", "body"])
def test_a_truncated_file_keeps_what_came_before_and_exits_1(
    db: psycopg.Connection, database_url: str, tmp_path: Path, cut: str
) -> None:
    warc = Warc(tmp_path / "cut.warc.gz")
    urls = [f"http://cut.example/news/{n}.html" for n in range(1, 6)]
    for n, url in enumerate(urls, 1):
        body = small_article(n, seed=2).encode()
        warc.response(url, body, html_headers(body))
    archive = warc.close()
    # inside the fourth page's response record: in its WARC headers (warcio used to end
    # the file there quietly), or near the end of its body (warcio used to give the page
    # cut short, and it was stored so)
    start, end = warc.offsets[urls[3]], warc.offsets[urls[4]]
    cut_at = start + 200 if cut == "headers" else start + (end - start) // 2
    whole = archive.read_bytes()
    archive.write_bytes(whole[:cut_at])

    result = newsbot("ingest", str(archive), "--workers", "0", database_url=database_url)
    assert result.returncode == 1, (result.stdout, result.stderr[-3000:])
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert f"unreadable from byte {warc.offsets[urls[3]]} on" in result.stderr, result.stderr
    stored = sorted(articles(db))
    assert stored == urls[:3]
    counts = counts_of(summary_line(result.stdout, archive))
    assert counts["new"] == 3 and counts["unreadable"] == 1, counts
    state = ingested(db, archive)
    assert state["next_offset"] == start  # the cut record is where a rerun starts
    assert state["finished_at"] is not None  # read to its (cut) end

    # run again as it is: nothing new to read, and still not a success
    same = newsbot("ingest", str(archive), "--workers", "0", database_url=database_url)
    assert same.returncode == 1, (same.stdout, same.stderr[-3000:])
    assert "already ingested" in summary_line(same.stdout, archive)

    # the file grows whole (its writer was still at work): the rerun reads the rest
    archive.write_bytes(whole)
    again = newsbot("ingest", str(archive), "--workers", "0", database_url=database_url)
    assert again.returncode == 0, (again.stdout, again.stderr[-3000:])
    assert f"resuming at byte {start}" in again.stderr
    this_run, whole = summary_line(again.stdout, archive).split(" (whole file: ")
    assert counts_of(this_run)["new"] == 2, this_run  # the two after the cut
    counts = counts_of(f"x: y: {whole}")
    assert counts["new"] == 5 and "unreadable" not in counts, counts
    assert sorted(articles(db)) == urls
    assert "unreadable" not in ingested(db, archive)["counters"]


# -- captures in any order, and pages the capturing crawler cut short ------------------


@pytest.mark.slow  # runs of newsbot in a subprocess
def test_the_newest_capture_wins_in_any_order_and_cut_short_pages_are_skipped(
    db: psycopg.Connection, database_url: str, tmp_path: Path
) -> None:
    """Archives such as CC-NEWS hold a page several times, not in time order: the newest
    capture is what is stored. A record the capturing crawler cut short (WARC-Truncated:
    a size or time limit) is half an article: skipped and counted."""
    url = "http://order.example/news/1.html"
    june = [small_article(1, seed=s).encode() for s in (10, 11, 12)]  # the 1st, 2nd, 3rd
    warc = Warc(tmp_path / "order.warc.gz")
    warc.response(url, june[1], html_headers(june[1]), date=datetime(2024, 6, 2, tzinfo=UTC))
    newest_offset = warc.offsets[url]
    warc.response(url, june[0], html_headers(june[0]), date=datetime(2024, 6, 1, tzinfo=UTC))
    whole = small_article(2, seed=10).encode()
    cut = whole[: len(whole) // 2]
    warc.response("http://order.example/news/2.html", cut, html_headers(whole), truncated="length")
    first = warc.close()

    def title_of(page: bytes) -> str:
        return re.search(rb"<title>([^<]+)</title>", page).group(1).decode()

    result = newsbot("ingest", str(first), "--source", "order", "--workers", "0",
                     database_url=database_url)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    counts = counts_of(summary_line(result.stdout, first))
    assert counts["new"] == 1 and counts["older"] == 1 and counts["truncated"] == 1, counts
    (row,) = articles(db).values()
    assert row["title"] == title_of(june[1])  # the 2nd of June, though read first
    assert row["fetched_at"] == datetime(2024, 6, 2, tzinfo=UTC)
    assert row["warc_offset"] == newest_offset

    later = Warc(tmp_path / "later.warc.gz")
    later.response(url, june[2], html_headers(june[2]), date=datetime(2024, 6, 3, tzinfo=UTC))
    second = later.close()
    result = newsbot("ingest", str(second), "--source", "order", "--workers", "0",
                     database_url=database_url)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert counts_of(summary_line(result.stdout, second))["updated"] == 1
    (row,) = articles(db).values()
    assert row["title"] == title_of(june[2]) and row["warc_file"] == str(second.resolve())


# -- 6. an uncompressed WARC -------------------------------------------------------------


@pytest.mark.slow  # runs of newsbot in a subprocess
def test_an_uncompressed_warc_ingests(
    db: psycopg.Connection, database_url: str, tmp_path: Path
) -> None:
    warc = Warc(tmp_path / "plain.warc", gzip=False)
    warc.warcinfo()
    urls = [f"http://plain.example/news/{n}.html" for n in range(1, 4)]
    for n, url in enumerate(urls, 1):
        body = small_article(n, seed=3).encode()
        warc.response(url, body, html_headers(body))
    archive = warc.close()
    result = newsbot(
        "ingest", str(archive), "--source", "plain", "--workers", "0", database_url=database_url
    )
    assert result.returncode == 0, result.stderr[-3000:]
    got = articles(db)
    assert sorted(got) == urls
    for url, row in got.items():
        assert row["title"].startswith("Council report") and row["published_at"] is not None
        assert row["warc_offset"] == warc.offsets[url]
        assert read_page(row["warc_file"], row["warc_offset"]).url == url
    state = ingested(db, archive)
    assert state["finished_at"] is not None and state["counters"]["new"] == 3


# -- the reader on files cut anywhere ----------------------------------------------------


@pytest.mark.parametrize("gzip", [True, False], ids=["warc.gz", "warc"])
def test_a_file_cut_anywhere_gives_whole_pages_then_unreadable(tmp_path: Path, gzip: bool) -> None:
    warc = Warc(tmp_path / ("cut.warc.gz" if gzip else "cut.warc"), gzip=gzip)
    warc.warcinfo()
    bodies = {}
    for n in range(1, 3):
        url = f"http://cut.example/{n}.html"
        bodies[url] = small_article(n).encode()
        warc.response(url, bodies[url], html_headers(bodies[url]))
    whole = warc.close().read_bytes()
    ends = [0] + [after for _found, after in iter_pages(warc.path)]
    cut_file = tmp_path / warc.path.name.replace("cut", "part")
    whole_pages = 0  # pages the check below saw: some cuts leave whole pages before them
    for cut in range(1, len(whole), 3):
        cut_file.write_bytes(whole[:cut])
        found = list(iter_pages(cut_file))
        for page, _after in found:
            if isinstance(page, RawPage):
                assert page.body == bodies[page.url], cut  # never a page cut short
                whole_pages += 1
        # the last whole record before the cut (blank lines after a record are its own)
        done = max(end for end in ends if end <= cut)
        if not whole[done:cut].strip():
            assert not any(isinstance(f, Skipped) and f.kind == "unreadable" for f, _ in found)
            continue
        last, after = found[-1]
        assert isinstance(last, Skipped) and last.kind == "unreadable", (cut, found[-2:])
        # a rerun from there reads the cut record again, from its start
        assert done <= last.location.offset == after <= done + 4, (cut, done, after)
    assert whole_pages, "no cut kept a whole page before it: the body check never ran"
