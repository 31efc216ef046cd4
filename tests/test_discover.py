"""The per-source `discover` key: which discovery methods run (issue #19).

A start URL that is a section of a site pulls in, by default, every sitemap the site's
robots.txt names and every feed the page links to; `discover = ["feeds"]` keeps the
crawl (and `newsbot sources check`) to the feeds.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from newsbot.config import load_sources
from newsbot.demo.webserver import serve_sites
from newsbot.errors import ConfigError
from tests import fixture_web
from tests.test_crawl import newsbot

UNUSED_DB = "postgresql://u@127.0.0.1:9/unused"  # sources check never touches the database


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_is_todays_behaviour(tmp_path: Path) -> None:
    section, listed = load_sources(
        write(
            tmp_path,
            '[[sources]]\nname = "a"\nstart_urls = ["https://a.com/news/"]\n'
            '[[sources]]\nname = "b"\nfeeds = ["https://b.com/rss"]\n'
            'start_urls = ["https://b.com/news/"]\n',
        )
    )
    assert section.discover is None and listed.discover is None
    assert section.discovery == {"feeds", "sitemaps", "robots", "links"}
    assert listed.discovery == {"feeds", "sitemaps", "links"}  # robots: only without lists
    assert section.to_dict()["discover"] is None


def test_discover_names_the_methods_that_run(tmp_path: Path) -> None:
    (source,) = load_sources(
        write(
            tmp_path,
            '[[sources]]\nname = "a"\nstart_urls = ["https://a.com/news/"]\n'
            'discover = ["feeds", "robots", "feeds"]\n',
        )
    )
    assert source.discover == ("feeds", "robots")
    assert source.discovery == {"feeds", "robots"}
    assert source.robots_hosts == ("https://a.com",)
    assert source.to_dict()["discover"] == ["feeds", "robots"]


@pytest.mark.parametrize(
    ("lists", "discover", "expected"),
    [
        ('start_urls = ["https://a.com/"]', '["feeds", "rss"]', "unknown method 'rss'"),
        ('start_urls = ["https://a.com/"]', "[]", "names no method"),
        ('start_urls = ["https://a.com/"]', '"feeds"', "must be a list of methods"),
        ('feeds = ["https://a.com/rss"]', '["sitemaps"]', 'leaves out "feeds"'),
        ('sitemaps = ["https://a.com/sm.xml"]', '["feeds"]', 'leaves out "sitemaps"'),
        ('start_urls = ["https://a.com/"]', '["sitemaps"]', "finds nothing"),
    ],
)
def test_bad_discover_names_what_to_fix(
    tmp_path: Path, lists: str, discover: str, expected: str
) -> None:
    path = write(tmp_path, f'[[sources]]\nname = "a"\n{lists}\ndiscover = {discover}\n')
    with pytest.raises(ConfigError) as info:
        load_sources(path)
    message = str(info.value)
    assert f"{path}: source 'a', key 'discover'" in message
    assert expected in message
    if "method" in expected:  # a wrong value lists the right ones
        assert '"feeds", "sitemaps", "robots", "links"' in message
    assert "\n" not in message


@pytest.fixture
def section(tmp_path: Path) -> Iterator[str]:
    """The fixture site with a robots.txt naming its sitemap index, and a /news/ section
    page that links the site's feed."""
    site = fixture_web.build(tmp_path / "site")
    (site / "robots.txt").write_text("User-agent: *\nSitemap: {{wire}}/sitemap.xml\n")
    index = site / "news" / "index.html"
    index.write_text(
        index.read_text().replace(
            "<head>", '<head><link rel="alternate" type="application/rss+xml" href="/rss.xml">'
        )
    )
    with serve_sites({"wire": site}) as bases:
        yield bases["wire"]


def _sources(tmp_path: Path, base: str, discover: str = "") -> Path:
    return write(
        tmp_path,
        f'[[sources]]\nname = "wire"\nstart_urls = ["{base}/news/"]\n'
        'article_pattern = "/news/\\\\d{4}-[a-z-]+\\\\.html"\nmax_depth = 0\n'
        f"{discover}\n",
    )


def _numbers(db: psycopg.Connection, base: str) -> set[int]:
    urls = [r["url"] for r in db.execute("SELECT url FROM articles").fetchall()]
    return {int(u.removeprefix(base + "/news/")[:4]) for u in urls}


@pytest.mark.slow
def test_section_start_url_reads_robots_sitemaps_by_default(
    db: psycopg.Connection, database_url: str, section: str, tmp_path: Path
) -> None:
    result = newsbot(
        "crawl", "--sources", str(_sources(tmp_path, section)), database_url=database_url
    )
    assert result.returncode == 0, result.stderr[-3000:]
    # feed 1-5, news sitemap 4-8, pages sitemap 9 and 1, section links 10, 11 and 1
    assert _numbers(db, section) == set(range(1, 12))


@pytest.mark.slow
def test_discover_feeds_keeps_to_the_feeds(
    db: psycopg.Connection, database_url: str, section: str, tmp_path: Path
) -> None:
    sources = _sources(tmp_path, section, 'discover = ["feeds"]')
    result = newsbot("crawl", "--sources", str(sources), database_url=database_url)
    assert result.returncode == 0, result.stderr[-3000:]
    assert _numbers(db, section) == {1, 2, 3, 4, 5}  # the feed the section page links to

    db.execute("TRUNCATE articles, crawl_runs, sources RESTART IDENTITY CASCADE")
    db.commit()
    sources = _sources(tmp_path, section, 'discover = ["feeds", "links"]')
    result = newsbot("crawl", "--sources", str(sources), database_url=database_url)
    assert result.returncode == 0, result.stderr[-3000:]
    assert _numbers(db, section) == {1, 2, 3, 4, 5, 10, 11}


@pytest.mark.slow
def test_sources_check_honours_discover(section: str, tmp_path: Path) -> None:
    default = newsbot(
        "sources", "check", str(_sources(tmp_path, section)), "--json", database_url=UNUSED_DB
    )
    assert default.returncode == 0, default.stderr
    report = json.loads(default.stdout)["sources"]["wire"]
    assert report["robots_sitemaps"] == [f"{section}/sitemap.xml"]
    # the feed the section page links to, found as the crawl finds it
    assert [f["url"] for f in report["autodiscovered_feeds"]] == [f"{section}/rss.xml"]
    assert report["start_urls"][0]["article_links"] == 3

    sources = _sources(tmp_path, section, 'discover = ["feeds"]')
    feeds_only = newsbot("sources", "check", str(sources), "--json", database_url=UNUSED_DB)
    assert feeds_only.returncode == 0, feeds_only.stderr
    report = json.loads(feeds_only.stdout)["sources"]["wire"]
    assert report["discover"] == ["feeds"]
    assert "robots_sitemaps" not in report and report["sitemaps"] == []
    feeds = report["autodiscovered_feeds"]
    assert [(f["url"], f["entries"]) for f in feeds] == [(f"{section}/rss.xml", 8)]
    assert "links" not in report["start_urls"][0]
    text = newsbot("sources", "check", str(sources), database_url=UNUSED_DB)
    assert "read for its feeds only (discover)" in text.stdout
