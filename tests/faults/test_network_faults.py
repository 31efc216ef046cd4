"""Network faults: each counted and retried within limits, never a hang.

One crawl over a hostile local server: a page that never answers, a connection
reset, a body dripped slower than the timeout, a redirect loop, a 503 storm with
Retry-After, a truncated body, and a feed entry on a host that does not resolve.
The crawl runs under a subprocess timeout: a hang fails the test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from tests.faults import hostile_web as hw
from tests.faults.ledger import LEDGER
from tests.test_crawl import ROOT

pytestmark = pytest.mark.slow  # the fault suite: `make test`, not `make test-fast`

GOOD = {
    "/news/good-harbour-300001.html": "Harbour cranes back in service",
    "/news/good-bridge-300002.html": "Old bridge to close for repairs",
}
RETRY_TIMES = 2
#: the fault each hostile page injects
FAULT_KINDS = {
    "/news/timeout-310001.html": "network/timeout",
    "/news/reset-310002.html": "network/connection-reset",
    "/news/drip-310003.html": "network/slow-drip",
    "/news/loop-a-310004.html": "network/redirect-loop",
    "/news/storm-310006.html": "network/503-storm",
    "/news/truncated-310007.html": "network/truncated-body",
}
#: the exception line of a lookup of the unresolvable host (tracebacks of it are expected)
UNRESOLVABLE = (
    r"^(twisted\.internet\.error\.DNSLookupError|scrapy\.exceptions\.CannotResolveHostError): "
    r"DNS lookup failed: .*news-host-that-does-not-exist\.invalid"
)


def _para(topic: str) -> list[str]:
    return [
        f"{topic}: sentence {i} of the report, with enough words to read as real prose "
        f"about the {topic.lower()} and what the council decided on the matter."
        for i in range(4)
    ]


def _crawl(sources: Path, database_url: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env["NEWSBOT_DATABASE_URL"] = database_url
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "newsbot",
            "crawl",
            "--sources",
            str(sources),
            "-s",
            "DOWNLOAD_TIMEOUT=2",
            "-s",
            f"RETRY_TIMES={RETRY_TIMES}",
            "-s",
            "NEWSBOT_RETRY_MAX_DELAY=2",
            "-s",
            "DOWNLOAD_DELAY=0",
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,  # a hang is a failure, not a stuck CI run
    )


def test_network_faults_are_counted_and_bounded(
    db: psycopg.Connection, database_url: str, tmp_path: Path
) -> None:
    article = hw.article("Dripped page", _para("Dripped page")).encode()
    routes: dict[str, hw.Route] = {
        path: hw.body(hw.article(title, _para(title))) for path, title in GOOD.items()
    }
    routes.update(
        {
            "/news/timeout-310001.html": hw.never_answers,
            "/news/reset-310002.html": hw.reset,
            "/news/drip-310003.html": hw.drip(article, interval=0.5),
            "/news/loop-a-310004.html": hw.redirect("/news/loop-b-310005.html"),
            "/news/loop-b-310005.html": hw.redirect("/news/loop-a-310004.html"),
            "/news/storm-310006.html": hw.storm(503, retry_after="1"),
            "/news/truncated-310007.html": hw.truncated(article[:500], announced=len(article)),
        }
    )
    faulty = [p for p in routes if p not in GOOD and "loop-b" not in p]
    with hw.serve(routes) as server:
        links = [server.base + p for p in routes if "loop-b" not in p]
        links.append("http://news-host-that-does-not-exist.invalid/news/dns-310008.html")
        routes["/rss.xml"] = hw.body(hw.rss(links), content_type="application/rss+xml")
        sources = tmp_path / "sources.toml"
        sources.write_text(f'[[sources]]\nname = "flaky"\nfeeds = ["{server.base}/rss.xml"]\n')
        started = time.monotonic()
        result = _crawl(sources, database_url)
        elapsed = time.monotonic() - started
        hits = dict(server.hits)
        base = server.base
    (tmp_path / "crawl.log").write_text(result.stderr)
    for path in faulty:  # injected: served to the crawler
        if hits.get(path):
            LEDGER.fault(FAULT_KINDS[path])
    if hits.get("/rss.xml"):  # the feed that names the unresolvable host was read
        LEDGER.fault("network/dns-failure")
    # Scrapy's robots.txt middleware logs the injected DNS failure with its traceback
    LEDGER.crawl_result(result, allowed_errors=[UNRESOLVABLE])
    LEDGER.measure(db, [base + p for p in GOOD])
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Unhandled" not in result.stderr and "stage failed" not in result.stderr

    rows = {r["url"][len(base) :]: r for r in db.execute("SELECT url, title FROM articles")}
    assert {p: r["title"] for p, r in rows.items()} == GOOD, sorted(rows)

    run = db.execute("SELECT status, counters FROM crawl_runs").fetchone()
    assert run["status"] == "finished"
    counters = run["counters"]["flaky"]
    failed = counters.get("newsbot/articles/fetch_failed", 0)
    # every faulty page and the unresolvable host, each counted once, after its retries;
    # the redirect loop ends at the scheduler's duplicate filter, counted apart
    assert counters.get("newsbot/articles/redirect_to_seen") == 1, counters
    assert hits["/news/loop-a-310004.html"] == 1 and hits["/news/loop-b-310005.html"] == 1
    assert failed == len(faulty) + 1 - 1, json.dumps(counters, indent=1, sort_keys=True)
    # retried within limits: the storm got exactly 1 + RETRY_TIMES requests
    assert hits["/news/storm-310006.html"] == 1 + RETRY_TIMES, hits
    # timeout, reset, drip, storm, truncated, DNS: each retried RETRY_TIMES, and no more
    # (the unresolvable host's robots.txt is retried too)
    retried = counters.get("retry/count", 0)
    assert 6 * RETRY_TIMES <= retried <= (6 + 1) * RETRY_TIMES, counters
    assert hits["/news/timeout-310001.html"] == 1 + RETRY_TIMES, hits
    # the storm's Retry-After: 1 was honoured before each retry
    assert counters.get("newsbot/retry/backoff_seconds", 0) >= RETRY_TIMES * 1.0, counters
    # a reset may be retried once more by the HTTP client's own pool, never without end
    assert hits["/news/reset-310002.html"] <= 2 * (1 + RETRY_TIMES), hits
    print(
        f"\nnetwork faults: {len(faulty) + 1} injected, 1 crawl survived in {elapsed:.1f}s, "
        f"articles expected {len(GOOD)} stored {len(rows)}, fetch_failed {failed}, "
        f"retries {counters.get('retry/count', 0)}, hits {json.dumps(hits, sort_keys=True)}"
    )
