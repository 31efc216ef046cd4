"""End to end: `newsbot crawl` against a real local web server into a real PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from newsbot.storage import connect
from tests import fixture_web
from tests.support.cli import ROOT, environment, newsbot

pytestmark = pytest.mark.slow  # crawls of local servers: `make test`, not `make test-fast`


@pytest.fixture
def wire(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The generated site served on 127.0.0.1, and a sources file naming it."""
    with fixture_web.served(tmp_path) as (bases, sources):
        yield bases["wire"], sources


def stored(conn: psycopg.Connection) -> list[dict]:
    return conn.execute("SELECT url, title, published_at FROM articles ORDER BY url").fetchall()


def test_every_article_once_and_second_crawl_adds_nothing(
    db: psycopg.Connection, database_url: str, wire: tuple[str, Path]
) -> None:
    base, sources = wire
    first = newsbot(
        "crawl",
        "--sources",
        str(sources),
        "--json",
        "--log-level",
        "INFO",
        database_url=database_url,
    )  # INFO: each dropped page is named in one line
    assert first.returncode == 0, first.stderr[-3000:]
    summary = json.loads(first.stdout)["sources"]["wire"]
    assert summary["articles_new"] == len(fixture_web.TOPICS)

    rows = stored(db)
    expected = sorted(base + fixture_web.article_path(n) for n in range(1, 13))
    assert [r["url"] for r in rows] == expected  # tracking parameters gone, each page once
    titles = {r["url"]: r["title"] for r in rows}
    assert titles[base + fixture_web.article_path(3)] == fixture_web.TOPICS[2][0]
    assert all(r["published_at"] is not None for r in rows)

    run = db.execute("SELECT status, counters FROM crawl_runs ORDER BY id DESC").fetchone()
    assert run["status"] == "finished"
    counters = run["counters"]["wire"]
    assert counters["newsbot/store/new"] == 12
    assert counters["newsbot/dropped/no_article_body"] == 2, json.dumps(
        counters
    )  # the gallery and the broken page
    assert "0098-broken.html" in first.stderr and "no_article_body" in first.stderr
    assert counters["newsbot/articles/fetch_failed"] == 1  # the dead link

    # the second crawl fetches nothing it already has: not the stored articles, not the
    # pages it dropped; only an article whose sitemap lastmod changed is fetched again
    site = sources.parent / "site"
    changed = site / fixture_web.article_path(9).lstrip("/")
    changed.write_text(
        changed.read_text().replace("Story number 9.", "Story number 9, corrected."),
        encoding="utf-8",
    )
    pages = site / "sitemap-pages.xml"
    pages.write_text(
        pages.read_text().replace(
            f"<lastmod>{fixture_web.published(9)[:10]}</lastmod>", "<lastmod>2022-08-30</lastmod>"
        ),
        encoding="utf-8",
    )
    second = newsbot("crawl", "--sources", str(sources), "--json", database_url=database_url)
    assert second.returncode == 0, second.stderr[-3000:]
    again = json.loads(second.stdout)["sources"]["wire"]
    assert (again["articles_new"], again["articles_updated"]) == (0, 1)
    run = db.execute("SELECT counters FROM crawl_runs ORDER BY id DESC").fetchone()
    counters = run["counters"]["wire"]
    assert counters["newsbot/articles/fetched"] == 1
    # unchanged feed and news sitemap answer 304; what the listing pages link is known
    assert counters["newsbot/discovery/not_modified"] == 2
    assert counters["newsbot/incremental/skipped_known"] >= 3
    assert len(stored(db)) == 12
    body = db.execute(
        "SELECT body FROM articles WHERE url = %s", (base + fixture_web.article_path(9),)
    ).fetchone()["body"]
    assert "Story number 9, corrected." in body
    assert db.execute("SELECT count(*) AS n FROM crawl_runs").fetchone()["n"] == 2


def test_failed_source_gives_exit_1_and_others_still_finish(
    db: psycopg.Connection, database_url: str, wire: tuple[str, Path], tmp_path: Path
) -> None:
    _base, sources = wire
    broken = tmp_path / "two.toml"
    broken.write_text(
        sources.read_text()
        + '\n[[sources]]\nname = "down"\nfeeds = ["http://127.0.0.1:9/rss.xml"]\n',
        encoding="utf-8",
    )
    # the refused connection retried 0.05 s apart, not 1 s: the failure is what is tested
    quick_retries = ("-s", "NEWSBOT_RETRY_BASE_DELAY=0.05")
    result = newsbot("crawl", "--sources", str(broken), *quick_retries, database_url=database_url)
    assert result.returncode == 1
    assert "source down failed: none of its 1 entry points could be fetched" in result.stderr
    assert len(stored(db)) == 12
    run = db.execute("SELECT status, finish_reason FROM crawl_runs").fetchone()
    assert run["status"] == "failed" and "down" in run["finish_reason"]


def test_broken_sources_file_is_one_line_exit_2(database_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[sources]]\nname = "x"\nfeeds = ["https://x.example/rss"]\nfeeds_url = 1\n')
    result = newsbot("crawl", "--sources", str(bad), database_url=database_url)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "source 'x', key 'feeds_url': unknown key" in result.stderr


def test_unreachable_database_is_one_line_exit_3(wire: tuple[str, Path]) -> None:
    _base, sources = wire
    result = newsbot(
        "crawl", "--sources", str(sources), database_url="postgresql://u:pw@127.0.0.1:9/x"
    )
    assert result.returncode == 3
    line = result.stderr.strip()
    assert line.count("\n") == 0 and line.startswith("newsbot: cannot connect to PostgreSQL")
    assert "pw@" not in line


def test_scrapy_crawl_from_repo_root(
    db: psycopg.Connection, database_url: str, wire: tuple[str, Path]
) -> None:
    _base, sources = wire
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "news",
            "-a",
            f"sources={sources}",
            "-a",
            "source=wire",
            "-s",
            "LOG_LEVEL=WARNING",
        ],
        cwd=ROOT,
        env=environment(database_url),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(stored(db)) == 12
    run = db.execute("SELECT status, counters FROM crawl_runs").fetchone()
    assert run["status"] == "finished" and run["counters"]["wire"]["newsbot/store/new"] == 12


def test_connect_helper_works(database_url: str) -> None:
    with connect(database_url) as conn:
        assert conn.execute("SELECT 1 AS one").fetchone() == {"one": 1}


def test_render_js_without_a_browser_says_how_to_install_one(
    database_url: str, tmp_path: Path
) -> None:
    sources = tmp_path / "js.toml"
    sources.write_text(
        '[[sources]]\nname = "spa"\nstart_urls = ["http://127.0.0.1:9/"]\nrender_js = true\n'
    )
    env_browser = os.environ.get("NEWSBOT_BROWSER")
    os.environ["NEWSBOT_BROWSER"] = str(tmp_path / "no-such-browser")
    try:
        result = newsbot("crawl", "--sources", str(sources), database_url=database_url)
    finally:
        if env_browser is None:
            os.environ.pop("NEWSBOT_BROWSER")
        else:
            os.environ["NEWSBOT_BROWSER"] = env_browser
    assert result.returncode == 2
    line = result.stderr.strip()
    assert line.count("\n") == 0
    assert "apt-get install chromium" in line and "NEWSBOT_BROWSER" in line
