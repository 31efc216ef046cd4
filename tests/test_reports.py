"""Honest reports (issue #19): per-source errors, robots.txt refusals as warnings, limits
as finish reasons, reposts linked later in a run, runs/status tables, dead runs, and
`sources check` agreeing with the crawl."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from newsbot import stats as stat_keys
from newsbot.config import Source
from newsbot.items import Article, PageDate
from newsbot.reposts import fingerprint
from newsbot.run.runner import FINISHED_REASONS, SourceReport, limits_reason, recount_reposts
from newsbot.storage.articles import ensure_sources, save_batch
from newsbot.storage.runs import record_source, start_run
from tests import fixture_web
from tests.story_texts import body, story
from tests.test_crawl import newsbot, wire  # noqa: F401  (fixture)

SECONDS = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?![.\d])")

# -- without a crawl ------------------------------------------------------------------------


def test_errors_are_the_sources_own_not_the_log_count() -> None:
    stats = {
        "log_count/ERROR": 7,  # the whole process's, shared by every crawler of the run
        stat_keys.ROBOTS_REFUSED: 1,
        stat_keys.ARTICLES_FETCH_FAILED: 2,  # HTTP errors on article pages: warnings
        stat_keys.DOWNLOAD_ERRORS: 1,
        stat_keys.STORE_FAILED: 2,
        stat_keys.STAGE_ERRORS: 1,
        stat_keys.SPIDER_EXCEPTIONS: 1,
    }
    assert stat_keys.error_count(stats) == 5
    assert SourceReport("a", stats).errors == 5
    counters = stat_keys.run_counters(stats)
    assert counters[stat_keys.ERRORS] == 5
    assert stat_keys.recorded_errors(counters) == 5
    assert stat_keys.recorded_errors({"log_count/ERROR": 3}) == 3  # rows from before


def test_limits_are_finish_reasons_and_errorcount_a_failure() -> None:
    for reason in ("closespider_pagecount", "closespider_timeout", "closespider_itemcount"):
        assert reason in FINISHED_REASONS
        assert SourceReport("a", {"finish_reason": reason}).failure is None
    stopped = SourceReport("a", {"finish_reason": "closespider_errorcount"})
    assert stopped.failure == "crawl ended early (closespider_errorcount)"
    done = SourceReport("b", {"finish_reason": "finished"})
    assert limits_reason([done, done]) == "finished"
    limited = SourceReport("a", {"finish_reason": "closespider_pagecount"})
    assert limits_reason([limited]) == "closespider_pagecount"
    assert limits_reason([limited, done]) == "a: closespider_pagecount; b: finished"


def test_robots_refusal_of_every_entry_point_fails_the_source_without_errors() -> None:
    report = SourceReport(
        "a",
        {
            "finish_reason": "finished",
            stat_keys.ROBOTS_REFUSED: 1,
            stat_keys.ROBOTS_REFUSED_URLS: ["https://example.com/feed"],
        },
    )
    assert report.errors == 0
    assert (
        report.failure == "none of its 1 entry points could be fetched (1 disallowed by robots.txt)"
    )
    assert report.warnings == [
        "robots.txt of example.com disallows https://example.com/feed: use the site's feed "
        "or sitemap, or remove the URL from the sources file"
    ]


def _copy(url: str, source: str, hours: float, text: str) -> Article:
    article = Article(url=url, source=source, html="", fetched_at=datetime.now(UTC))
    article.title = "A story"
    article.body = text
    article.published = PageDate(datetime(2022, 7, 31, 16, 40, tzinfo=UTC) + timedelta(hours=hours))
    article.content_hash = fingerprint.content_hash(text)
    return article


def test_reposts_count_copies_linked_later_in_the_run(db: psycopg.Connection) -> None:
    ensure_sources(db, [Source(n, feeds=(f"https://{n}.example/rss",)) for n in ("wire", "blog")])
    db.commit()
    run_id = start_run(db, ["wire", "blog"], command="test")
    text = body(story(1))
    # the blog's copy (published later) is stored first: an original of its own, then
    # the wire's earlier copy arrives and the story is re-pointed at it
    first = save_batch(db, [_copy("https://blog.example/1", "blog", 3, text)], run_id)
    second = save_batch(db, [_copy("https://wire.example/1", "wire", 0, text)], run_id)
    assert first[0].duplicate_of is None and second[0].duplicate_of is None
    reports = [
        SourceReport(name, {"finish_reason": "finished", stat_keys.STORE_REPOSTS: 0})
        for name in ("wire", "blog")
    ]
    for report in reports:
        record_source(db, run_id, report.name, stat_keys.run_counters(report.stats))
    recount_reposts(db, run_id, reports)
    assert [r.count(stat_keys.STORE_REPOSTS) for r in reports] == [0, 1]
    counters = db.execute("SELECT counters FROM crawl_runs WHERE id = %s", (run_id,)).fetchone()
    assert counters["counters"]["blog"][stat_keys.STORE_REPOSTS] == 1
    assert counters["counters"]["wire"].get(stat_keys.STORE_REPOSTS, 0) == 0


def test_runs_and_status_print_tables_and_status_warns_on_a_dead_run(
    db: psycopg.Connection, database_url: str
) -> None:
    ensure_sources(db, [Source("site", feeds=("https://site.example/rss",))])
    db.commit()
    done = start_run(db, ["site"], command="test")
    record_source(
        db,
        done,
        "site",
        {"finish_reason": "finished", stat_keys.ENTRY_POINTS_OK: 1, stat_keys.ERRORS: 0},
    )
    db.execute(
        "UPDATE crawl_runs SET status = 'finished', finish_reason = 'finished', "
        "finished_at = now() WHERE id = %s",
        (done,),
    )
    db.commit()
    healthy = newsbot("status", database_url=database_url)
    assert healthy.returncode == 0, healthy.stderr
    lines = healthy.stdout.splitlines()
    assert lines[0].split() == [
        "SOURCE", "LAST", "SUCCESS", "(UTC)", "NEW", "24H", "ERRORS", "REQUESTS", "ERROR",
        "RATE", "COVERAGE",
    ]  # fmt: skip
    assert lines[1].startswith("site ") and SECONDS.search(lines[1])
    end = lines[0].index("ERRORS") + len("ERRORS")
    assert lines[1][:end].endswith(" 0")  # numbers right-aligned under their heading

    # a crawler killed by SIGKILL: its row says running, and nobody holds its locks
    dead = start_run(db, ["site"], command="newsbot crawl")
    result = newsbot("status", database_url=database_url)
    assert result.returncode == 1
    assert f"WARNING site: run {dead} (host " in result.stdout
    assert "is recorded as running, but no lock of its sources is held" in result.stdout
    as_json = json.loads(newsbot("status", "--json", database_url=database_url).stdout)
    assert set(as_json) == {"sources", "extractor_versions", "ok"} and as_json["ok"] is False
    assert set(as_json["sources"]["site"]) == {
        "last_success", "last_run", "articles_24h", "errors", "requests", "error_rate",
        "coverage", "coverage_articles", "warnings", "extractor_versions",
    }  # fmt: skip
    assert "." in as_json["sources"]["site"]["last_success"]  # --json keeps its ISO times
    status = db.execute("SELECT status FROM crawl_runs WHERE id = %s", (dead,)).fetchone()
    assert status["status"] == "running"  # status only reads; the next crawl records it

    runs = newsbot("runs", database_url=database_url)
    assert runs.returncode == 0, runs.stderr
    lines = runs.stdout.splitlines()
    assert lines[0].split()[:5] == ["RUN", "STARTED", "(UTC)", "DURATION", "STATUS"]
    assert lines[0].split()[-7:] == [
        "SOURCE",
        "NEW",
        "UPDATED",
        "REPOSTS",
        "DROPPED",
        "ERRORS",
        "REASON",
    ]
    assert len(lines) == 3
    assert all(SECONDS.search(line) for line in lines[1:])
    assert not re.search(r":\d\d\.\d", runs.stdout)
    assert lines[1].split()[0] == str(dead) and "running" in lines[1]
    assert lines[2].split()[0] == str(done) and lines[2].rstrip().endswith("finished")
    assert len({line.index("STATUS") for line in lines[:1]}) == 1
    as_json = json.loads(newsbot("runs", "--json", database_url=database_url).stdout)
    assert set(as_json["runs"][0]) == {
        "id", "started_at", "finished_at", "duration_seconds", "status", "finish_reason",
        "host", "pid", "sources",
    }  # fmt: skip


# -- crawls of local servers ----------------------------------------------------------------


@pytest.fixture
def wire_and_refused(tmp_path: Path) -> Iterator[tuple[dict[str, str], Path]]:
    """The test wire, and a second site whose robots.txt disallows its feed."""
    refused = tmp_path / "refused"
    refused.mkdir()
    (refused / "robots.txt").write_text("User-agent: *\nDisallow: /rss.xml\n", encoding="utf-8")
    (refused / "rss.xml").write_text('<?xml version="1.0"?><rss version="2.0"><channel/></rss>')
    (refused / "index.html").write_text("<html><body><p>Home</p></body></html>")
    extra = (
        '\n[[sources]]\nname = "refused"\nfeeds = ["{{refused}}/rss.xml"]\n'
        + 'start_urls = ["{{refused}}/"]\n'
    )
    with fixture_web.served(tmp_path, {"refused": refused}, extra) as (bases, sources):
        yield bases, sources


@pytest.mark.slow
def test_robots_refusal_is_one_sources_warning_not_every_sources_error(
    db: psycopg.Connection, database_url: str, wire_and_refused: tuple[dict[str, str], Path]
) -> None:
    bases, sources = wire_and_refused
    crawl = newsbot("crawl", "--sources", str(sources), "--json", database_url=database_url)
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    summary = json.loads(crawl.stdout)["sources"]
    feed = bases["refused"] + "/rss.xml"
    host = bases["refused"].split("//")[1]
    warning = (
        f"robots.txt of {host} disallows {feed}: use the site's feed or sitemap, "
        "or remove the URL from the sources file"
    )
    assert summary["refused"]["warnings"] == [warning]
    assert summary["refused"]["errors"] == 0 and summary["refused"]["failure"] is None
    assert summary["wire"]["warnings"] == [] and summary["wire"]["errors"] == 0
    assert f"newsbot: warning: source refused: {warning}" in crawl.stderr
    assert re.search(r"^refused: .* 0 errors$", crawl.stderr, re.M)
    assert re.search(r"^wire: .* 0 errors$", crawl.stderr, re.M)
    run = db.execute("SELECT status, counters FROM crawl_runs").fetchone()
    assert run["status"] == "finished"
    assert run["counters"]["wire"][stat_keys.ERRORS] == 0
    assert run["counters"]["refused"][stat_keys.ERRORS] == 0
    assert run["counters"]["refused"][stat_keys.ROBOTS_REFUSED] == 1


@pytest.mark.slow
def test_closespider_pagecount_is_a_finish_reason(
    db: psycopg.Connection,
    database_url: str,
    wire: tuple[str, Path],  # noqa: F811
) -> None:
    _base, sources = wire
    crawl = newsbot(
        "crawl", "--sources", str(sources), "-s", "CLOSESPIDER_PAGECOUNT=3", "--json",
        database_url=database_url,
    )  # fmt: skip
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    row = json.loads(crawl.stdout)["sources"]["wire"]
    assert row["finish_reason"] == "closespider_pagecount" and row["failure"] is None
    run = db.execute("SELECT status, finish_reason FROM crawl_runs").fetchone()
    assert (run["status"], run["finish_reason"]) == ("finished", "closespider_pagecount")


@pytest.mark.slow
def test_sources_check_finds_what_the_crawl_finds(
    db: psycopg.Connection,
    database_url: str,
    wire: tuple[str, Path],  # noqa: F811
) -> None:
    _base, sources = wire
    check = newsbot("sources", "check", str(sources), "--json", database_url=database_url)
    assert check.returncode == 0, check.stderr
    found = json.loads(check.stdout)["sources"]["wire"]["articles_found"]
    crawl = newsbot("crawl", "--sources", str(sources), database_url=database_url)
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    counters = db.execute("SELECT counters FROM crawl_runs").fetchone()["counters"]["wire"]
    assert counters[stat_keys.ARTICLES_FOUND] == found == 15  # 12, gallery, broken, dead link
