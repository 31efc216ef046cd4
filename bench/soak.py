"""Soak benchmark: a long crawl of a faulty fixture web; nothing lost, nothing doubled, flat memory.

    .venv/bin/python bench/soak.py [--pages 20000] [--fault-rate 0.05] [--database-url URL]
                                   [--keep DIR] [-s NAME=VALUE …]

Generates a news web of at least `--pages` pages (several sites: article pages, feeds,
sitemap indexes and monthly sitemaps, paginated archives, robots.txt) and serves it
through tests.support.faultyweb, which spoils about `--fault-rate` of the responses:
transient faults that a retry gets past (500, 503, 429 with Retry-After, connection
resets, truncated bodies, slow drips) on any page, and permanent ones (always 500,
binary noise as text/html, empty body, a PDF) at some article URLs. Which article is
good is decided before the crawl: every article URL that is not permanently faulty.

`newsbot crawl` then runs once over the whole web in a child process, into a scratch
database, while the RSS of the crawler process (and of its stage workers) is sampled
every 0.5 s. Afterwards the database is checked: every good article stored exactly
once, none missing, no row for a permanently faulty URL. Acceptance (issue #8): every
good article stored once, and peak RSS in the last quarter of the crawl within 15% of
the first quarter's. Exit code 1 when either fails. `--pages 2000` is a smoke run of
about a minute; the full size takes about 4 minutes on two cores. `--keep DIR` keeps
the server's request log (every request, its attempt number and the fault injected),
the crawl's log and the RSS samples.
"""

from __future__ import annotations

import argparse
import html
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsbot.storage import connect, resolve_database_url  # noqa: E402
from newsbot.storage.measures import (  # noqa: E402
    article_count,
    dropped_reasons,
    stored_texts,
)
from newsbot.storage.status import recent_runs  # noqa: E402
from newsbot.urls import normalize_url  # noqa: E402
from tests.support.database import scratch_database  # noqa: E402
from tests.support.faultyweb import PERMANENT, TRANSIENT, FaultPlan, FaultyWeb  # noqa: E402
from tests.support.fixtureweb import LOCAL_CRAWL as LOCAL  # noqa: E402
from tests.support.fixtureweb import GeneratedSite, SiteSpec, build_web  # noqa: E402
from tests.support.proctree import process_table, tree  # noqa: E402

SITES = (
    ("dailywire", "dated"),
    ("metronews", "id"),
    ("worldpost", "slug"),
    ("cityledger", "dated"),
)
#: the deepest listing page a source may follow (newsbot.config caps max_depth at 20)
MAX_DEPTH = 20
#: peak RSS of the last quarter over the first's: at most this (issue #8)
RSS_LIMIT = 1.15
SAMPLE_EVERY = 0.5
PROGRESS_EVERY = 5.0


# -- the web ----------------------------------------------------------------------------------


def _months(articles: int) -> int:
    """Monthly sitemaps of a site with this many articles (dates as fixtureweb makes them)."""
    start = datetime(2022, 1, 1, 6, 0, tzinfo=UTC)
    first = start
    last = start + timedelta(hours=7 * (articles - 1), minutes=(articles - 1) % 60)
    return (last.year - first.year) * 12 + last.month - first.month + 1


def _per_page(articles: int) -> int:
    """Archive page size so that every archive page is within MAX_DEPTH of the home page."""
    return max(20, math.ceil(articles / (MAX_DEPTH + 1)))


def _site_pages(articles: int) -> int:
    """Every page a site of this many articles serves: articles, archive pages (the first
    is the home page), monthly sitemaps, the sitemap index, the feed and robots.txt."""
    return articles + math.ceil(articles / _per_page(articles)) + _months(articles) + 3


def plan_web(pages: int, sites: int) -> int:
    """The fewest articles per site for a web of at least `pages` pages."""
    per_site = max(1, pages // sites)
    while sites * _site_pages(per_site) > pages and per_site > 1:
        per_site -= 1
    while sites * _site_pages(per_site) < pages:
        per_site += 1
    return per_site


def _file(site: GeneratedSite, path: str) -> Path:
    return site.root / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))


_LAST_PARAGRAPH = re.compile(r'<div class="article-body">.*<p>(.*?)</p></div>', re.S)


def last_paragraph(site: GeneratedSite, path: str) -> str:
    """The article's last paragraph as the page has it (to check a stored body is whole)."""
    match = _LAST_PARAGRAPH.search(_file(site, path).read_text(encoding="utf-8"))
    return html.unescape(match.group(1)) if match else ""


# -- memory -------------------------------------------------------------------------------------


def _rss_kib(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return 0  # a zombie has no VmRSS line


class RssSampler(threading.Thread):
    """VmRSS of the crawler process, and of it plus its descendants (the fork server and
    the stage workers), every SAMPLE_EVERY seconds: (seconds since start, crawler, tree)."""

    def __init__(self, root: int, started: float) -> None:
        super().__init__(daemon=True)
        self.root, self.started = root, started
        self.samples: list[tuple[float, int, int]] = []
        self.done = threading.Event()

    def run(self) -> None:
        while True:
            own = _rss_kib(self.root)
            if own is None:
                break
            below = tree(self.root, process_table()) - {self.root}
            total = own + sum(_rss_kib(pid) or 0 for pid in below)
            self.samples.append((time.perf_counter() - self.started, own, total))
            if self.done.wait(SAMPLE_EVERY):
                break

    def stop(self) -> list[tuple[float, int, int]]:
        self.done.set()
        self.join()
        return self.samples


def quarters(samples: list[tuple[float, int, int]], duration: float, column: int) -> tuple:
    """(peak of the first quarter, peak of the last quarter) of one column, in KiB."""
    first = [s[column] for s in samples if s[0] <= duration / 4]
    last = [s[column] for s in samples if s[0] >= duration * 3 / 4]
    return max(first, default=0), max(last, default=0)


# -- the crawl ----------------------------------------------------------------------------------


class Progress(threading.Thread):
    """Every PROGRESS_EVERY seconds: requests the server has answered and articles stored,
    so that a gap between fetching and storing shows next to the memory it costs."""

    def __init__(self, url: str, faulty: FaultyWeb, started: float) -> None:
        super().__init__(daemon=True)
        self.url, self.faulty, self.started = url, faulty, started
        self.points: list[tuple[float, int, int]] = []
        self.done = threading.Event()

    def run(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.done.wait(PROGRESS_EVERY):
                stored = article_count(conn)
                elapsed = time.perf_counter() - self.started
                self.points.append((elapsed, self.faulty.requests, stored))

    def stop(self) -> list[tuple[float, int, int]]:
        self.done.set()
        self.join()
        return self.points


def crawl(sources: Path, url: str, workdir: Path, faulty: FaultyWeb, extra: list[str]) -> dict:
    """One `newsbot crawl` in a child process, its RSS sampled all along."""
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env["NEWSBOT_DATABASE_URL"] = url
    out_path, err_path = workdir / "crawl.out", workdir / "crawl.err"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "newsbot", "crawl", "--sources", str(sources), "--json",
             "--progress", "plain", *LOCAL, *extra],
            cwd=ROOT, env=env, stdout=out, stderr=err,
        )  # fmt: skip
        sampler = RssSampler(child.pid, started)
        sampler.start()
        progress = Progress(url, faulty, started)
        progress.start()
        code = child.wait()
        wall = time.perf_counter() - started
    samples = sampler.stop()
    points = progress.stop()
    stdout = out_path.read_text(errors="replace")
    try:
        summary = json.loads(stdout)
    except ValueError:
        summary = None
    return {
        "code": code,
        "wall": wall,
        "samples": samples,
        "points": points,
        "summary": summary,
        "stderr": err_path.read_text(errors="replace"),
    }


def timeline(samples: list, points: list, wall: float, parts: int = 8) -> list[str]:
    """Peak RSS, requests served and articles stored at the end of each part of the crawl."""
    lines = [
        f"  {'until':>7}  {'crawler RSS':>11}  {'+ workers':>9}  {'requests':>8}  {'stored':>6}"
    ]
    for i in range(1, parts + 1):
        start, end = wall * (i - 1) / parts, wall * i / parts
        part = [s for s in samples if start <= s[0] <= end]
        done = [p for p in points if p[0] <= end]
        requests, stored = (done[-1][1], done[-1][2]) if done else (0, 0)
        own = max((s[1] for s in part), default=0) / 1024
        tree = max((s[2] for s in part), default=0) / 1024
        lines.append(
            f"  {end:>6.0f}s  {own:>7.0f} MiB  {tree:>5.0f} MiB  {requests:>8}  {stored:>6}"
        )
    return lines


def run_record(url: str) -> dict:
    with connect(url) as conn:
        runs = recent_runs(conn, limit=1)
    if not runs:
        return {"status": "none", "finish_reason": "", "counters": {}, "total": {}}
    status, reason, counters = runs[0]["status"], runs[0]["finish_reason"], runs[0]["counters"]
    total: Counter[str] = Counter()
    for per_source in (counters or {}).values():
        for key, value in per_source.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                total[key] += value
    return {"status": status, "finish_reason": reason, "counters": counters, "total": total}


# -- ground truth -------------------------------------------------------------------------------


def check_store(
    url: str, web: dict[str, GeneratedSite], bases: dict[str, str], faulty: FaultyWeb
) -> dict:
    """Compare the articles table with the web: what is there, missing, doubled, extra."""
    good: dict[str, tuple[str, str]] = {}  # url → (site, path)
    bad: dict[str, str] = {}  # url → permanent fault
    for name, site in web.items():
        for path in site.articles:
            page = normalize_url(bases[name] + path)
            fault = faulty.permanent(name, path)
            if fault is None:
                good[page] = (name, path)
            else:
                bad[page] = fault
    with psycopg.connect(url) as conn:
        rows = [(r["url"], r["canonical_url"], r["title"], r["body"]) for r in stored_texts(conn)]
        dropped = dropped_reasons(conn)
    by_url: Counter[str] = Counter()
    stored: dict[str, tuple[str, str]] = {}
    for row_url, canonical, title, body in rows:
        keys = {normalize_url(row_url)}
        if canonical:
            keys.add(normalize_url(canonical))
        for key in keys:
            by_url[key] += 1
        stored[normalize_url(row_url)] = (title or "", body or "")
    missing = sorted(set(good) - set(stored))
    doubled = sorted(u for u in good if by_url[u] > 1)
    faulty_stored = sorted(u for u in bad if u in stored)
    extra = sorted(set(stored) - set(good) - set(bad))
    wrong_title, cut_body = [], []
    for page in set(good) & set(stored):
        name, path = good[page]
        title, body = stored[page]
        if title != web[name].articles[path][0]:
            wrong_title.append(page)
        tail = last_paragraph(web[name], path)
        if not tail or tail[:200] not in body:
            cut_body.append(page)
    bad_dropped = Counter(dropped.get(u, "not recorded") for u in bad if u not in stored)
    return {
        "good": len(good),
        "bad": len(bad),
        "bad_kinds": Counter(bad.values()),
        "stored": len(rows),
        "missing": missing,
        "doubled": doubled,
        "faulty_stored": [(u, bad[u]) for u in faulty_stored],
        "extra": extra,
        "wrong_title": sorted(wrong_title),
        "cut_body": sorted(cut_body),
        "bad_dropped": bad_dropped,
    }


def fault_log_summary(log: Path, web: dict[str, GeneratedSite]) -> dict:
    """From the server's log: URLs that got a transient fault, and how many were then served;
    faults on pages that are not articles (feeds, sitemaps, archives, robots.txt)."""
    faulted: set[tuple[str, str]] = set()
    on_discovery = 0
    served: set[tuple[str, str]] = set()
    per_url: Counter[tuple[str, str]] = Counter()
    with log.open(encoding="utf-8") as lines:
        next(lines)
        for line in lines:
            _, site, _, path, _, fault, status = line.rstrip("\n").split("\t")
            key = (site, path)
            per_url[key] += 1
            if fault != "-" and path not in web[site].articles:
                on_discovery += 1
            if fault in TRANSIENT and fault != "drip":
                faulted.add(key)
            elif fault in ("-", "drip") and status in ("200", "304"):
                served.add(key)
    return {
        "transient_urls": len(faulted),
        "recovered": len(faulted & served),
        "never_recovered": sorted(faulted - served),
        "max_requests": max(per_url.values(), default=0),
        "on_discovery": on_discovery,
    }


# -- main ---------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=20000, help="pages in the web (at least)")
    parser.add_argument("--fault-rate", type=float, default=0.05, help="share of faulty answers")
    parser.add_argument("--sites", type=int, default=len(SITES), choices=range(1, len(SITES) + 1))
    parser.add_argument("--seed", type=int, default=0, help="fault plan seed")
    parser.add_argument("--database-url", help="server to create the scratch database on")
    parser.add_argument(
        "--keep", type=Path, help="keep the server's request log, the crawl's output and RSS here"
    )
    parser.add_argument(
        "-s",
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a Scrapy setting for the crawl (after the bench's own), e.g. -s NAME=VALUE",
    )
    args = parser.parse_args()
    extra = [arg for pair in args.set for arg in ("-s", pair)]

    per_site = plan_web(args.pages, args.sites)
    per_page = _per_page(per_site)
    specs = tuple(
        SiteSpec(name, style, per_site, per_page=per_page) for name, style in SITES[: args.sites]
    )
    plan = FaultPlan(rate=args.fault_rate, seed=args.seed)
    server = args.database_url or resolve_database_url(announce=False)
    with (
        scratch_database(server, "newsbot_bench_soak") as url,
        tempfile.TemporaryDirectory(prefix="newsbot-soak-") as tmp,
    ):
        workdir = Path(tmp)
        print(f"generating {args.sites} sites × {per_site} articles…", file=sys.stderr)
        web = build_web(workdir / "web", specs)
        files = [f for site in web.values() for f in site.root.rglob("*") if f.is_file()]
        articles = sum(len(s.articles) for s in web.values())
        article_bytes = sum(_file(s, p).stat().st_size for s in web.values() for p in s.articles)
        other_bytes = sum(f.stat().st_size for f in files) - article_bytes
        print(
            f"fixture web: {len(web)} sites, {len(files)} pages ({articles} articles, "
            f"{len(files) - articles} feeds/sitemaps/archives/robots.txt), "
            f"{article_bytes / articles / 1024:.0f} KiB per article page, "
            f"{(article_bytes + other_bytes) / 2**20:.0f} MiB in all",
            file=sys.stderr,
        )
        faulty = FaultyWeb(
            {n: s.root for n, s in web.items()},
            plan,
            {n: s.articles.keys() for n, s in web.items()},
            log=workdir / "requests.tsv",
        )
        with faulty.serve() as bases:
            sources = workdir / "sources.toml"
            sources.write_text("".join(
                f'[[sources]]\nname = "{n}"\nfeeds = ["{bases[n]}/rss.xml"]\n'
                f'sitemaps = ["{bases[n]}/sitemap.xml"]\nstart_urls = ["{bases[n]}/"]\n'
                f"max_depth = {MAX_DEPTH}\n\n" for n in web
            ))  # fmt: skip
            print("crawling…", file=sys.stderr)
            result = crawl(sources, url, workdir, faulty, extra)
        record = run_record(url)
        print("checking the database…", file=sys.stderr)
        check = check_store(url, web, bases, faulty)
        log = fault_log_summary(workdir / "requests.tsv", web)
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for name in ("requests.tsv", "crawl.err", "crawl.out", "sources.toml"):
                (args.keep / name).write_bytes((workdir / name).read_bytes())
            (args.keep / "rss.tsv").write_text(
                "seconds\tcrawler_kib\ttree_kib\n"
                + "".join(f"{t:.1f}\t{own}\t{tree}\n" for t, own, tree in result["samples"])
            )
        if result["code"] != 0:
            sys.stderr.write(result["stderr"][-3000:])

    wall = result["wall"]
    own_first, own_last = quarters(result["samples"], wall, 1)
    tree_first, tree_last = quarters(result["samples"], wall, 2)
    own_ratio = own_last / own_first if own_first else math.inf
    tree_ratio = tree_last / tree_first if tree_first else math.inf
    total = record["total"]
    responses = int(total.get("downloader/response_count", 0))
    stored_ok = (
        not check["missing"]
        and not check["doubled"]
        and not check["faulty_stored"]
        and result["code"] == 0
    )
    memory_ok = own_ratio <= RSS_LIMIT and tree_ratio <= RSS_LIMIT

    def mib(kib: int) -> str:
        return f"{kib / 1024:.0f} MiB"

    faults = faulty.faults
    rows = [
        ("pages in the web", f"{len(files)} ({articles} articles)"),
        ("article page size (average)", f"{article_bytes / articles / 1024:.0f} KiB"),
        ("fault rate asked", f"{args.fault_rate:.1%}"),
        (
            "requests served / faulty",
            f"{faulty.requests} / {faulty.faulty_responses} "
            f"({faulty.faulty_responses / max(1, faulty.requests):.1%})",
        ),
        *((f"  fault {kind}", f"{faults.get(kind, 0)}") for kind in (*TRANSIENT, *PERMANENT)),
        ("  of which on feeds/sitemaps/archives/robots", f"{log['on_discovery']}"),
        (
            "URLs with a transient fault / then served",
            f"{log['transient_urls']} / {log['recovered']}",
        ),
        ("most requests for one URL", f"{log['max_requests']}"),
        ("crawler responses", f"{responses}"),
        ("crawler retries", f"{int(total.get('retry/count', 0))}"),
        ("wall time", f"{wall:.1f} s"),
        ("articles expected (good)", f"{check['good']}"),
        (
            "permanently faulty article URLs",
            f"{check['bad']} ("
            + ", ".join(f"{k} {v}" for k, v in sorted(check["bad_kinds"].items()))
            + ")",
        ),
        ("articles stored", f"{check['stored']}"),
        ("good articles missing", f"{len(check['missing'])}"),
        ("good articles doubled", f"{len(check['doubled'])}"),
        ("rows for permanently faulty URLs", f"{len(check['faulty_stored'])}"),
        ("rows for URLs not in the web", f"{len(check['extra'])}"),
        ("stored with another title (extraction)", f"{len(check['wrong_title'])}"),
        ("stored without the last paragraph", f"{len(check['cut_body'])}"),
        (
            "permanently faulty URLs in dropped_pages",
            ", ".join(f"{k} {v}" for k, v in sorted(check["bad_dropped"].items())) or "-",
        ),
        ("crawl exit code", f"{result['code']}"),
        ("run status", f"{record['status']} ({record['finish_reason']})"),
        ("RSS samples", f"{len(result['samples'])} (every {SAMPLE_EVERY} s)"),
        ("crawler peak RSS, first quarter", mib(own_first)),
        ("crawler peak RSS, last quarter", mib(own_last)),
        ("crawler last / first quarter", f"{own_ratio:.3f}"),
        ("crawler + workers peak RSS, first quarter", mib(tree_first)),
        ("crawler + workers peak RSS, last quarter", mib(tree_last)),
        ("crawler + workers last / first quarter", f"{tree_ratio:.3f}"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"\n{'measure':<{width}}  value")
    for label, value in rows:
        print(f"{label:<{width}}  {value}")

    print("\nover the crawl (peak RSS in each eighth; requests and articles at its end):")
    print("\n".join(timeline(result["samples"], result["points"], wall)))

    print("\nrun counters (all sources):")
    shown = (
        "downloader/request_count",
        "downloader/response_count",
        "retry/count",
        "newsbot/retry/backoff_seconds",
        "newsbot/articles/fetched",
        "newsbot/articles/fetch_failed",
        "newsbot/store/new",
        "newsbot/store/updated",
        "newsbot/store/unchanged",
        "newsbot/store/failed",
        "newsbot/store/reposts",
        "log_count/ERROR",
        "log_count/WARNING",
    )
    keys = [k for k in shown if k in total] + sorted(
        k
        for k in total
        if k not in shown
        and k.startswith(("newsbot/dropped/", "downloader/response_status_count/", "retry/"))
    )
    for key in keys:
        value = total[key]
        print(f"  {key} = {value:g}" if isinstance(value, float) else f"  {key} = {value}")
    for name, per_source in sorted((record["counters"] or {}).items()):
        print(f"  {name}: finish_reason {per_source.get('finish_reason')}")

    for label, items in (
        ("missing", check["missing"]),
        ("doubled", check["doubled"]),
        ("faulty but stored", check["faulty_stored"]),
        ("not in the web", check["extra"]),
        ("another title", check["wrong_title"]),
        ("cut body", check["cut_body"]),
        ("transient fault, never served", log["never_recovered"]),
    ):
        if items:
            print(f"\n{label} ({len(items)}), first ones:")
            for item in items[:10]:
                print(f"  {item}")

    print(
        f"\nevery good article stored once: {'PASS' if stored_ok else 'FAIL'} "
        f"({check['good']} expected, {check['good'] - len(check['missing'])} stored, "
        f"{len(check['missing'])} missing, {len(check['doubled'])} doubled, "
        f"{len(check['faulty_stored']) + len(check['extra'])} unexpected, exit code "
        f"{result['code']})"
    )
    print(
        f"flat memory (last quarter peak ≤ {RSS_LIMIT:.2f} × first): "
        f"{'PASS' if memory_ok else 'FAIL'} (crawler {own_ratio:.3f}, "
        f"crawler + workers {tree_ratio:.3f})"
    )
    print(
        f"\n(one crawl on this machine's {os.cpu_count()} cores; "
        "PostgreSQL and the fault server on the same machine)"
    )
    return 0 if stored_ok and memory_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
