"""`newsbot runs` and `newsbot status` over real run records and articles."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from newsbot.config import Source
from newsbot.items import Article, PageDate
from newsbot.storage.articles import ensure_sources, save_batch
from newsbot.storage.runs import finish_run, record_source, start_run
from tests.test_crawl import newsbot, wire  # noqa: F401  (fixture)

WORDS = "grain ports court tariff storm power bridge museum harvest rail".split()  # noqa: SIM905


def _article(n: int, fetched_at: datetime, *, complete: bool) -> Article:
    words = " ".join(WORDS[(n + i) % len(WORDS)] + str(n * 100 + i) for i in range(60))
    return Article(
        url=f"https://site.example/news/{n}",
        source="site",
        html="",
        fetched_at=fetched_at,
        title=f"Story {n}",
        body=f"Story {n}. {words}",
        authors=["Olena Kovalenko"] if complete else [],
        lead=f"Lead {n}" if complete else None,
        published=PageDate(fetched_at - timedelta(hours=1)) if complete else None,
    )


def _run(db: psycopg.Connection, articles: list[Article], counters: dict | None = None) -> int:
    run_id = start_run(db, ["site"], command="test")
    save_batch(db, articles, run_id)
    stored = sum(1 for _ in articles)
    record_source(
        db,
        run_id,
        "site",
        counters
        or {
            "finish_reason": "finished",
            "newsbot/entry_points/ok": 1,
            "newsbot/store/new": stored,
            "downloader/request_count": stored + 2,
        },
    )
    finish_run(db, run_id, "finished", "finished")
    return run_id


def test_status_warns_about_a_coverage_drop(db: psycopg.Connection, database_url: str) -> None:
    ensure_sources(db, [Source(name="site", feeds=("https://site.example/rss",))])
    db.commit()
    now = datetime.now(UTC)
    _run(db, [_article(n, now - timedelta(days=2), complete=True) for n in range(1, 9)])
    healthy = newsbot("status", "--json", database_url=database_url)
    assert healthy.returncode == 0, healthy.stderr
    assert json.loads(healthy.stdout)["sources"]["site"]["warnings"] == []

    later = _run(db, [_article(n, now, complete=False) for n in range(11, 15)])
    result = newsbot("status", "--json", database_url=database_url)
    assert result.returncode == 1, result.stderr
    site = json.loads(result.stdout)["sources"]["site"]
    assert site["articles_24h"] == 12  # first_seen_at is the time of storing
    assert site["coverage"]["published_at"] == {"recent": 0.0, "baseline": 1.0}
    assert site["coverage_articles"] == {"recent": 4, "baseline": 8}
    warnings = "\n".join(site["warnings"])
    for field in ("published_at", "authors", "lead"):
        assert f"{field} coverage fell to 0% in run {later} (4 articles) from 100%" in warnings
    text = newsbot("status", database_url=database_url)
    assert text.returncode == 1
    assert "WARNING site: authors coverage fell to 0%" in text.stdout


def test_status_warns_when_a_source_stops_yielding(
    db: psycopg.Connection, database_url: str
) -> None:
    ensure_sources(db, [Source(name="site", feeds=("https://site.example/rss",))])
    db.commit()
    now = datetime.now(UTC)
    _run(db, [_article(n, now, complete=True) for n in range(1, 4)])
    empty = {
        "finish_reason": "finished",
        "newsbot/entry_points/ok": 1,
        "downloader/request_count": 1,
    }
    # an unchanged site (304s) is not evidence of breakage
    _run(db, [], {**empty, "newsbot/discovery/not_modified": 1})
    assert newsbot("status", database_url=database_url).returncode == 0
    last = _run(db, [], empty)
    result = newsbot("status", "--json", database_url=database_url)
    assert result.returncode == 1
    warnings = json.loads(result.stdout)["sources"]["site"]["warnings"]
    assert warnings == [
        f"found no articles in its last 1 successful run(s) (run {last}), though it used to"
    ]


@pytest.mark.slow  # crawls a local server
def test_runs_shows_a_failed_source(
    db: psycopg.Connection,
    database_url: str,
    wire: tuple[str, Path],  # noqa: F811
    tmp_path: Path,
) -> None:
    _base, sources = wire
    broken = tmp_path / "two.toml"
    broken.write_text(
        sources.read_text()
        + '\n[[sources]]\nname = "down"\nfeeds = ["http://127.0.0.1:9/rss.xml"]\n',
        encoding="utf-8",
    )
    # retries of the refused connection 0.05 s apart, not 1 s (what is tested is the report)
    crawl = newsbot(
        "crawl",
        "--sources",
        str(broken),
        "-s",
        "NEWSBOT_RETRY_BASE_DELAY=0.05",
        database_url=database_url,
    )
    assert crawl.returncode == 1

    result = newsbot("runs", "--json", database_url=database_url)
    assert result.returncode == 0, result.stderr
    (run,) = json.loads(result.stdout)["runs"]
    assert run["status"] == "failed"
    assert "down: none of its 1 entry points could be fetched" in run["finish_reason"]
    assert run["sources"]["wire"]["new"] == 12 and run["sources"]["wire"]["failure"] is None
    assert run["sources"]["wire"]["dropped"] == 2
    assert run["sources"]["down"]["failure"] == "none of its 1 entry points could be fetched"
    assert run["duration_seconds"] > 0

    text = newsbot("runs", "--source", "down", database_url=database_url)
    lines = text.stdout.splitlines()
    assert lines[0].split()[:3] == ["RUN", "STARTED", "(UTC)"]
    assert len(lines) == 2
    assert lines[1].split()[0] == str(run["id"]) and "  failed  down " in lines[1]
    assert lines[1].endswith(" 1  none of its 1 entry points could be fetched")
    assert run["sources"]["down"]["errors"] == 1  # its one entry point, refused
    assert run["sources"]["wire"]["errors"] == 0  # the other source's error is not its own
    assert newsbot("runs", "--source", "other", database_url=database_url).stdout == (
        "no runs recorded\n"
    )

    status = newsbot("status", "--sources", str(broken), "--json", database_url=database_url)
    assert status.returncode == 1
    report = json.loads(status.stdout)["sources"]
    assert report["wire"]["warnings"] == [] and report["wire"]["last_success"]
    assert report["down"]["last_success"] is None
    assert report["down"]["warnings"] == [
        f"last run {run['id']} failed: none of its 1 entry points could be fetched"
    ]
