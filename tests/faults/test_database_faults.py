"""Database faults mid-crawl: killed sessions, an outage, a spool left by an earlier run.

The crawls are the real CLI in a subprocess against a slow local site (each article
answers after a delay, so the crawl lasts long enough to be hurt while it runs) and
the session's real PostgreSQL database.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from newsbot.items import Article, Hints, PageDate
from newsbot.storage import connect
from newsbot.storage.spool import Spool
from tests.faults.ledger import LEDGER

pytestmark = pytest.mark.slow  # the fault suite: `make test`, not `make test-fast`

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = 30
#: seconds each article page takes to answer
DELAY = 0.2

WORDS = "harbour grain bridge court storm museum rail hospital harvest airport cargo council"


def article_html(n: int) -> str:
    words = WORDS.split()
    topic = f"{words[n % len(words)]} {words[(n * 7) % len(words)]} {n}"
    paragraphs = "".join(
        f"<p>Report {n}, part {p}: officials said the {topic} plan would change daily life for "
        f"thousands of residents, and promised a full account of item {n * 31 + p} soon.</p>"
        for p in range(4)
    )
    return (
        f"<html lang='en'><head><title>Story {n}: {topic}</title>"
        f"<meta property='article:published_time' content='2024-05-{1 + n % 28:02d}T10:00:00Z'>"
        f"</head><body><article><h1>Story {n}: {topic}</h1>{paragraphs}</article></body></html>"
    )


def article_url(base: str, n: int) -> str:
    return f"{base}/news/story-{n:03d}.html"


class SlowSite:
    """A feed of ARTICLES articles; each article answers after DELAY seconds."""

    def __init__(self, count: int = ARTICLES, delay: float = DELAY) -> None:
        self.count, self.delay = count, delay
        self.hits: Counter[str] = Counter()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                site.seen(self.path)
                if self.path == "/rss.xml":
                    items = "".join(
                        f"<item><link>{article_url(site.base, n)}</link></item>"
                        for n in range(1, site.count + 1)
                    )
                    body, kind = f'<rss version="2.0"><channel>{items}</channel></rss>', "text/xml"
                elif self.path.startswith("/news/story-"):
                    time.sleep(site.delay)
                    body, kind = article_html(int(self.path[12:15])), "text/html"
                else:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def seen(self, path: str) -> None:
        """Count a request for `path` (called as it comes, before the answer)."""
        self.hits[path] += 1

    def urls(self) -> list[str]:
        return sorted(article_url(self.base, n) for n in range(1, self.count + 1))

    def article_hits(self) -> Counter[str]:
        return Counter({p: c for p, c in self.hits.items() if p.startswith("/news/")})


@pytest.fixture
def slow_site(tmp_path: Path) -> Iterator[tuple[SlowSite, Path]]:
    with served(SlowSite(), tmp_path) as pair:
        yield pair


@contextmanager
def served(site: SlowSite, tmp_path: Path) -> Iterator[tuple[SlowSite, Path]]:
    """Serve `site`, with a sources file for it (one source, "slow"); stop it afterwards."""
    site.thread.start()
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f'[[sources]]\nname = "slow"\nfeeds = ["{site.base}/rss.xml"]\n'
        "concurrency = 2\ndownload_delay = 0\n",
        encoding="utf-8",
    )
    try:
        yield site, sources
    finally:
        site.server.shutdown()
        site.server.server_close()


@pytest.fixture
def spool_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "spool"
    monkeypatch.setenv("NEWSBOT_SPOOL_DIR", str(directory))
    return directory


_STARTED: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def _no_stray_crawls() -> Iterator[None]:
    """A failed test must not leave its crawler running (it would hold the source lock)."""
    yield
    while _STARTED:
        proc = _STARTED.pop()
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def start_crawl(sources: Path, database_url: str, *extra: str) -> subprocess.Popen:
    """`newsbot crawl` in the background; its output goes to files next to `sources`,
    not pipes, so helper processes that outlive it cannot keep a reader waiting."""
    out = sources.with_name(f"crawl-{len(_STARTED)}.out")
    err = sources.with_name(f"crawl-{len(_STARTED)}.err")
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env["NEWSBOT_DATABASE_URL"] = database_url
    with out.open("w") as out_file, err.open("w") as err_file:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "newsbot",
                "crawl",
                "--sources",
                str(sources),
                "--json",
                "--progress",
                "off",
                "-s",
                "NEWSBOT_STORE_BATCH_SIZE=5",
                "-s",
                "NEWSBOT_SPOOL_RETRY_INTERVAL=0.5",
                *extra,
            ],
            cwd=ROOT,
            env=env,
            stdout=out_file,
            stderr=err_file,
            text=True,
        )
    proc.output_files = (out, err)  # type: ignore[attr-defined]
    _STARTED.append(proc)
    return proc


def finish(
    proc: subprocess.Popen, timeout: float = 120, expect: tuple[int, ...] = (0,)
) -> tuple[str, str]:
    """Wait for the crawl to end; its (stdout, stderr). The ledger notes whether it
    survived (ended with an exit code in `expect`, no traceback) or crashed."""
    proc.wait(timeout=timeout)
    out, err = proc.output_files  # type: ignore[attr-defined]
    stdout, stderr = out.read_text(), err.read_text()
    LEDGER.crawl(proc.returncode, stderr, expected=expect)
    return stdout, stderr


def watcher(database_url: str) -> psycopg.Connection:
    """A connection the faults spare: its application_name is not 'newsbot'."""
    return psycopg.connect(database_url, autocommit=True, application_name="newsbot-test")


def stored_count(conn: psycopg.Connection) -> int:
    return conn.execute("SELECT count(*) FROM articles").fetchone()[0]


def kill_crawler_sessions(conn: psycopg.Connection, spare: int) -> int:
    """pg_terminate_backend every session of the crawler in this database; how many."""
    rows = conn.execute(
        """SELECT pg_terminate_backend(pid) FROM pg_stat_activity
           WHERE application_name = 'newsbot' AND datname = current_database()
             AND pid <> pg_backend_pid() AND pid <> %s""",
        (spare,),
    ).fetchall()
    LEDGER.fault("db/session-terminated", sum(1 for (done,) in rows if done))
    return len(rows)


def wait_for_rows(conn: psycopg.Connection, proc: subprocess.Popen, at_least: int) -> bool:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if stored_count(conn) >= at_least:
            return True
        time.sleep(0.05)
    return False


def assert_all_stored_once(db: psycopg.Connection, site: SlowSite) -> None:
    rows = db.execute("SELECT url FROM articles WHERE source = 'slow' ORDER BY url").fetchall()
    urls = [r["url"] for r in rows]
    assert urls == site.urls()  # each article once, none missing


def last_counters(db: psycopg.Connection) -> tuple[str, dict]:
    run = db.execute("SELECT status, counters FROM crawl_runs ORDER BY id DESC").fetchone()
    return run["status"], run["counters"]["slow"]


def test_sessions_killed_mid_crawl_lose_nothing_and_store_nothing_twice(
    db: psycopg.Connection, database_url: str, slow_site: tuple[SlowSite, Path], spool_dir: Path
) -> None:
    site, sources = slow_site
    spare = db.info.backend_pid
    proc = start_crawl(sources, database_url)
    kills = 0
    with watcher(database_url) as conn:
        for at_least in (5, 12, 20):
            if wait_for_rows(conn, proc, at_least):
                kills += kill_crawler_sessions(conn, spare)
    _out, err = finish(proc)
    LEDGER.measure(db, site.urls())
    assert proc.returncode == 0, err[-4000:]
    assert kills >= 3, err[-2000:]  # the crawl was still running when its sessions were killed
    assert_all_stored_once(db, site)
    status, counters = last_counters(db)
    assert status == "finished"
    assert counters.get("newsbot/store/failed", 0) == 0
    # the write after each kill found its session gone and reconnected (or spooled)
    handled = counters.get("newsbot/store/reconnects", 0) + counters.get("newsbot/store/spooled", 0)
    assert handled >= 1, json.dumps(counters)
    assert counters.get("newsbot/store/spooled", 0) == counters.get("newsbot/store/respooled", 0)
    assert not list(spool_dir.glob("*.jsonl"))


def test_database_away_for_a_while_spools_then_stores_within_the_run(
    db: psycopg.Connection, database_url: str, slow_site: tuple[SlowSite, Path], spool_dir: Path
) -> None:
    """The database refuses connections for ~2.5 s: batches go to the spool, then in."""
    site, sources = slow_site
    spare = db.info.backend_pid
    dbname = db.info.dbname
    proc = start_crawl(sources, database_url)
    server = make_conninfo(**{**conninfo_to_dict(database_url), "dbname": "postgres"})
    with watcher(database_url) as conn, watcher(server) as admin:
        try:
            assert wait_for_rows(conn, proc, 5), "the crawl ended before storing 5 articles"
            admin.execute(f'ALTER DATABASE "{dbname}" WITH ALLOW_CONNECTIONS false')
            LEDGER.fault("db/refusing-connections")
            kill_crawler_sessions(conn, spare)
            time.sleep(2.5)
        finally:
            admin.execute(f'ALTER DATABASE "{dbname}" WITH ALLOW_CONNECTIONS true')
    out, err = finish(proc)
    LEDGER.measure(db, site.urls())
    assert proc.returncode == 0, err[-4000:]
    assert_all_stored_once(db, site)
    status, counters = last_counters(db)
    assert status == "finished"
    spooled = counters.get("newsbot/store/spooled", 0)
    assert spooled >= 5 and counters["newsbot/store/respooled"] == spooled, json.dumps(counters)
    # the end-of-crawl summary says so: the per-source line and --json
    row = json.loads(out)["sources"]["slow"]
    assert row["articles_spooled"] == spooled
    assert row["spool_pending"] == 0  # all stored before the crawl ended
    lines = [line for line in err.splitlines() if line.startswith("slow: ")]
    assert len(lines) == 1, err[-3000:]
    assert lines[0].endswith(f" errors, {spooled} spooled (database unavailable)"), lines[0]
    assert counters["newsbot/store/respooled"] == counters["newsbot/store/spooled"]
    assert counters.get("newsbot/store/failed", 0) == 0
    assert "spool_pending" not in json.dumps(counters)
    assert "spooled to" in err
    assert not list(spool_dir.glob("*.jsonl"))


def _article(n: int) -> Article:
    published = PageDate(datetime(2024, 5, n, 9, 30, tzinfo=UTC), "minute", "jsonld")
    return Article(
        url=f"https://spooled.example/news/{n}.html",
        source="slow",
        html="<html>not kept</html>",
        fetched_at=datetime(2024, 5, n, 12, 0, tzinfo=UTC),
        hints=Hints(modified=f"2024-05-{n:02d}"),
        title=f"Spooled story {n}",
        authors=["A. Writer"],
        body=f"Spooled story number {n}. " * 20,
        language="en",
        published=published,
        tags=["spool"],
        content_hash=hashlib.sha256(f"spooled {n}".encode()).hexdigest(),
    )


def test_spool_partial_drain_failure_is_replayed_without_duplicates(
    db: psycopg.Connection, database_url: str, tmp_path: Path
) -> None:
    db.execute("INSERT INTO sources (name, config) VALUES ('slow', '{}')")
    db.commit()
    spool = Spool(database_url, "slow", tmp_path / "spool")
    assert spool.drain(lambda: pytest.fail("nothing to drain, no connection needed")) == 0
    assert spool.append([_article(n) for n in (1, 2, 3)]) == 3
    assert spool.append([_article(4)]) == 1
    assert spool.pending() == 4
    assert "not kept" not in spool.path.read_text()

    calls = 0

    def factory() -> psycopg.Connection:
        """First connection: dies after two articles are written (the server went away)."""
        nonlocal calls
        calls += 1
        conn = connect(database_url)
        if calls == 1:
            original = conn.transaction
            seen = 0

            def transaction(*args: object, **kwargs: object) -> object:
                nonlocal seen
                seen += 1
                if seen == 3:
                    LEDGER.fault("db/connection-lost-mid-drain")
                    raise psycopg.OperationalError("server closed the connection unexpectedly")
                return original(*args, **kwargs)

            conn.transaction = transaction  # type: ignore[method-assign]
        return conn

    def unreachable() -> psycopg.Connection:
        LEDGER.fault("db/unreachable-at-drain")
        raise psycopg.OperationalError("connection refused")

    with pytest.raises(psycopg.OperationalError):
        spool.drain(unreachable)
    with pytest.raises(psycopg.OperationalError):
        spool.drain(factory)
    assert db.execute("SELECT count(*) AS n FROM articles").fetchone()["n"] == 2  # partial
    assert spool.pending() == 4  # kept whole until everything is in
    assert spool.drain(factory) == 4
    assert not spool.path.exists()
    rows = db.execute(
        """SELECT url, title, published_at, published_precision, date_evidence,
                  discovery_lastmod, tags FROM articles ORDER BY url"""
    ).fetchall()
    assert [r["url"] for r in rows] == [
        f"https://spooled.example/news/{n}.html" for n in (1, 2, 3, 4)
    ]
    assert rows[0]["published_at"] == datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
    assert (rows[0]["published_precision"], rows[0]["date_evidence"]) == ("minute", "jsonld")
    assert rows[3]["discovery_lastmod"] == "2024-05-04" and rows[3]["tags"] == ["spool"]
    assert spool.drain(factory) == 0  # drained once: a second drain adds nothing
    LEDGER.measure(db, [f"https://spooled.example/news/{n}.html" for n in (1, 2, 3, 4)])


def test_spool_left_by_an_earlier_run_is_stored_when_the_next_run_starts(
    db: psycopg.Connection, database_url: str, slow_site: tuple[SlowSite, Path], spool_dir: Path
) -> None:
    site, sources = slow_site
    site.count = 3
    db.execute("INSERT INTO sources (name, config) VALUES ('slow', '{}')")
    db.commit()
    spool = Spool(database_url, "slow")  # NEWSBOT_SPOOL_DIR, as the crawler sees it
    assert spool.path.parent == spool_dir
    spool.append([_article(n) for n in (1, 2)])
    LEDGER.fault("db/spool-left-by-earlier-run")
    proc = start_crawl(sources, database_url)
    _out, err = finish(proc)
    LEDGER.measure(db, site.urls() + [f"https://spooled.example/news/{n}.html" for n in (1, 2)])
    assert proc.returncode == 0, err[-4000:]
    assert not spool.path.exists()
    urls = [r["url"] for r in db.execute("SELECT url FROM articles ORDER BY url")]
    assert urls == site.urls() + [f"https://spooled.example/news/{n}.html" for n in (1, 2)]
    status, counters = last_counters(db)
    assert status == "finished"
    assert counters["newsbot/store/respooled"] == 2
    assert counters["newsbot/store/new"] == 3
