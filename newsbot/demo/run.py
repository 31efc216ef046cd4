"""`newsbot demo`: serve the bundled sample news web, crawl it, show what was stored.

Offline and repeatable: the sites are served from this package on 127.0.0.1, the
crawl goes through the same spider, pipelines and storage as any other, into the
configured database (the embedded PostgreSQL by default). A second run finds the
same URLs and adds no rows.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from newsbot import stats as stat_keys
from newsbot.demo.proxy import serve_through_proxy
from newsbot.demo.webserver import render_sources
from newsbot.run.runner import run_crawl
from newsbot.storage import connect, mask_url
from newsbot.storage.demo import demo_articles

SITE = Path(__file__).resolve().parent / "site"
ROOTS = {"agency": SITE / "agency", "blog": SITE / "blog"}
#: stable names (RFC 2606 reserved .example) so URLs are the same on every run
BASES = {"agency": "http://kyivwire.example", "blog": "http://balkanwatch.example"}
DEMO_SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
}


def run_demo(console: Console | None = None) -> int:
    # cron and CI have no terminal: give the table room instead of 80 columns
    console = console or Console(width=None if sys.stdout.isatty() else 120)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="newsbot-demo-") as tmp:
        sources_file = Path(tmp) / "sources.toml"
        sources_file.write_text(render_sources(SITE / "sources.toml.in", BASES), encoding="utf-8")
        with serve_through_proxy(ROOTS, BASES) as proxy:
            console.print(
                f"[bold]newsbot demo[/]: serving {', '.join(BASES.values())} "
                f"through {proxy} and crawling them"
            )
            saved = {k: os.environ.get(k) for k in ("http_proxy", "no_proxy", "NO_PROXY")}
            os.environ["http_proxy"] = proxy
            os.environ.pop("no_proxy", None)
            os.environ.pop("NO_PROXY", None)
            try:
                report = run_crawl(sources_file, log_level="WARNING", overrides=DEMO_SETTINGS)
            finally:
                for key, value in saved.items():
                    if value is None:
                        os.environ.pop(key, None)
                    else:
                        os.environ[key] = value
    names = [s.name for s in report.sources]
    with connect(report.database_url) as conn:
        rows = demo_articles(conn, names)

    table = Table(title="Articles stored from the sample news web", show_lines=False)
    table.add_column("id", justify="right", no_wrap=True)
    table.add_column("source", no_wrap=True)
    table.add_column("published (UTC)", no_wrap=True)
    table.add_column("title", overflow="ellipsis", no_wrap=True, max_width=58)
    table.add_column("repost of", no_wrap=True)
    for row in rows:
        published = row["published_at"]
        repost = f"#{row['duplicate_of']} ({row['original_source']})" if row["duplicate_of"] else ""
        table.add_row(
            str(row["id"]),
            row["source"],
            published.strftime("%Y-%m-%d %H:%M") if published else "—",
            row["title"] or "",
            f"[yellow]{repost}[/]" if repost else "",
        )
    console.print(table)

    reposts = sum(1 for r in rows if r["duplicate_of"])
    new = sum(s.count(stat_keys.STORE_NEW) for s in report.sources)
    unchanged = sum(s.count(stat_keys.STORE_UNCHANGED) for s in report.sources)
    updated = sum(s.count(stat_keys.STORE_UPDATED) for s in report.sources)
    dropped = sum(s.dropped for s in report.sources)
    skipped = sum(s.count(stat_keys.INCREMENTAL_SKIPPED_KNOWN) for s in report.sources)
    print(
        f"demo: {len(rows)} articles stored ({len(rows) - reposts} stories, {reposts} reposts) "
        f"from {len(names)} sources; this run: {new} new, {updated} updated, "
        f"{unchanged} unchanged, {skipped} skipped as already stored, {dropped} dropped; "
        f"run #{report.run_id} in "
        f"{time.monotonic() - started:.1f}s; database {mask_url(report.database_url)}"
    )
    for source in report.failed:
        print(f"newsbot: source {source.name} failed: {source.failure}", file=sys.stderr)
    return 1 if report.failed else 0
