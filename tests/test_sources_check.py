"""`newsbot sources check` against a real local web server."""

from __future__ import annotations

import json
from pathlib import Path

from tests import fixture_web
from tests.test_crawl import newsbot, wire  # noqa: F401  (fixture)

UNUSED_DB = "postgresql://u@127.0.0.1:9/unused"  # the check never touches the database


def test_check_reports_feeds_sitemaps_listings_and_a_sample(
    wire: tuple[str, Path],  # noqa: F811
) -> None:
    base, sources = wire
    result = newsbot("sources", "check", str(sources), "--json", database_url=UNUSED_DB)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)["sources"]["wire"]
    (feed,) = report["feeds"]
    assert (feed["kind"], feed["entries"]) == ("rss", 8)
    (index,) = report["sitemaps"]
    assert (index["kind"], index["sitemaps"]) == ("sitemapindex", 3)
    assert [(c["kind"], c["entries"]) for c in index["children"]] == [("urlset", 5), ("urlset", 2)]
    (listing,) = report["start_urls"]
    assert listing["article_links"] == 3
    # 12 (no. 12 is on page 2, followed within max_depth as the crawl does), gallery,
    # broken, dead link
    assert report["articles_found"] == 15
    assert report["sample_urls"][0] == base + fixture_web.article_path(1)
    sample = report["sample"]
    assert sample["title"] == fixture_web.TOPICS[0][0]
    assert sample["published"] == fixture_web.published(1)
    assert sample["body"].startswith("Officials said on Tuesday that the grain corridor")
    assert len(sample["body"]) == 200

    text = newsbot("sources", "check", str(sources), "wire", database_url=UNUSED_DB)
    assert text.returncode == 0
    assert f"  feed {base}/rss.xml: rss, 8 entries" in text.stdout
    assert "  sample title: Grain ships leave Odesa" in text.stdout


def test_failing_entry_point_is_exit_1(wire: tuple[str, Path], tmp_path: Path) -> None:  # noqa: F811
    _base, sources = wire
    broken = tmp_path / "two.toml"
    broken.write_text(
        sources.read_text()
        + '\n[[sources]]\nname = "down"\nfeeds = ["http://127.0.0.1:9/rss.xml"]\n'
        + '\n[[sources]]\nname = "gone"\nsitemaps = ["'
        + _base
        + '/no-such-sitemap.xml"]\n',
        encoding="utf-8",
    )
    result = newsbot("sources", "check", str(broken), database_url=UNUSED_DB)
    assert result.returncode == 1
    assert "newsbot: down: feed http://127.0.0.1:9/rss.xml: " in result.stderr
    assert f"newsbot: gone: sitemap {_base}/no-such-sitemap.xml: HTTP 404" in result.stderr
    assert "wire:" not in result.stderr  # the good source still checked fine
    assert "  articles found: 15" in result.stdout
    only_wire = newsbot("sources", "check", str(broken), "wire", database_url=UNUSED_DB)
    assert only_wire.returncode == 0


def test_bad_file_is_exit_2_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[sources]]\nname = "x"\nfeeds = ["https://x.example/rss"]\nschedule = "9m"\n')
    result = newsbot("sources", "check", str(bad), database_url=UNUSED_DB)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "source 'x', key 'schedule'" in result.stderr
    unknown = newsbot("sources", "check", str(bad).replace("bad", "nope"), database_url=UNUSED_DB)
    assert unknown.returncode == 2 and "sources file not found" in unknown.stderr
