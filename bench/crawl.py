"""Crawl benchmark: a generated news web on 127.0.0.1, crawled twice end to end.

    .venv/bin/python bench/crawl.py [--articles-per-site 1000] [--runs 3] [--database-url URL]

Serves three generated sites (WordPress-style dated paths, numeric ids, long
slugs; feeds, sitemap indexes, paginated archives; news-sized pages) and runs
`newsbot crawl` over them into a scratch database, twice. Prints for the first
crawl pages/s, articles/s, CPU seconds per article and peak RSS of the crawler
process; for the second, the share of article pages fetched again. In the same
run it times the extraction stages alone (the `newsbot extract` code path) over
the same article pages on one core, and prints end-to-end articles/s as a ratio
of extraction-only articles/s. `--runs N` (default 3) repeats the first crawl (in a
fresh database) and the extraction-only pass N times, alternating, and prints each
run's figures and the medians: one run on a shared 2-core machine varies by ±15%.

    .venv/bin/python bench/crawl.py --archive [--quick] [--articles-per-site N] [--runs N]

`--archive` measures what keeping the raw pages as WARC costs instead: the same first
crawl with and without NEWSBOT_ARCHIVE_DIR, alternating, each in a fresh database, and
prints pages/s of each and the median slowdown. Other benches call `archive_overhead()`
for the figures as a dict. `--quick`: 40 articles per site, one run (a smoke test).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsbot import stages  # noqa: E402
from newsbot.demo.webserver import fill_bytes, serve_sites  # noqa: E402
from newsbot.errors import PageRejected  # noqa: E402
from newsbot.items import Article  # noqa: E402
from newsbot.storage import connect, resolve_database_url  # noqa: E402
from newsbot.storage.status import recent_runs  # noqa: E402
from tests.support.database import scratch_database  # noqa: E402
from tests.support.fixtureweb import LOCAL_CRAWL as LOCAL  # noqa: E402
from tests.support.fixtureweb import SiteSpec, build_web  # noqa: E402
from tests.support.proctree import process_table, tree  # noqa: E402


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine since boot."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


class TreeCpu(threading.Thread):
    """CPU seconds of a process and all its descendants (the crawler, its fork server and
    stage workers, which rusage of children misses: the workers are not our children)."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root, self.seen, self.done = root, {}, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.2):
            table = self._sample()
            if self.root not in table:
                break

    def _sample(self) -> dict[int, tuple[int, float]]:
        table = process_table()
        for pid in tree(self.root, table) & table.keys():
            self.seen[pid] = max(self.seen.get(pid, 0.0), table[pid][1])
        return table

    def stop(self) -> float:
        self.done.set()
        self.join()
        return sum(self.seen.values())


def crawl(sources: Path, url: str, archive: Path | None = None) -> dict:
    """One `newsbot crawl` in a child process: wall time, CPU of the crawler and its
    stage workers, the whole machine's busy share, and peak RSS. With `archive`, every
    response is kept as WARC there (NEWSBOT_ARCHIVE_DIR); without, nothing is."""
    env = {k: v for k, v in os.environ.items() if k != "NEWSBOT_ARCHIVE_DIR"}
    env["NEWSBOT_DATABASE_URL"] = url
    if archive is not None:
        env["NEWSBOT_ARCHIVE_DIR"] = str(archive)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy0, total0 = _machine_ticks()
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "newsbot", "crawl", "--sources", str(sources), "--json", *LOCAL],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    tree = TreeCpu(child.pid)
    tree.start()
    out, err = child.communicate()
    wall = time.perf_counter() - started
    busy1, total1 = _machine_ticks()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    cpu = max(tree.stop(), own)
    if child.returncode != 0:
        sys.stderr.write(err.decode()[-3000:])
        raise SystemExit(f"crawl failed with exit code {child.returncode}")
    # children's peak RSS: the largest child so far (the crawler; its workers are smaller)
    return {
        "wall": wall,
        "summary": json.loads(out),
        "cpu": cpu,
        "machine_busy": (busy1 - busy0) / max(1, total1 - total0),
        "rss_kib": after.ru_maxrss,
    }


def run_stats(url: str) -> dict:
    with connect(url) as conn:
        counters = recent_runs(conn, limit=1)[0]["counters"]
    total: dict[str, float] = {}
    for per_source in counters.values():
        for key, value in per_source.items():
            if isinstance(value, int | float):
                total[key] = total.get(key, 0) + value
    return total


def extraction_only(web: dict, bases: dict[str, str]) -> tuple[float, int]:
    """Articles/s of the extraction stages alone over the same pages, on this process."""
    pages = []
    for name, site in web.items():
        for path in site.articles:
            file = site.root / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))
            html = fill_bytes(file.read_bytes(), bases).decode("utf-8")
            pages.append((bases[name] + path, html))
    timings = []
    now = datetime.now(UTC)
    started = time.perf_counter()
    for url, html in pages:
        t = time.perf_counter()
        with contextlib.suppress(PageRejected):
            stages.process(Article(url=url, source="bench", html=html, fetched_at=now))
        timings.append(time.perf_counter() - t)
    elapsed = time.perf_counter() - started
    print(
        f"  extraction only: median {statistics.median(timings) * 1000:.1f} ms/page",
        file=sys.stderr,
    )
    return len(pages) / elapsed, len(pages)


def _specs(articles_per_site: int) -> tuple[SiteSpec, ...]:
    return tuple(
        SiteSpec(name, style, articles_per_site)
        for name, style in (("dailywire", "dated"), ("metronews", "id"), ("worldpost", "slug"))
    )


def _sources_file(path: Path, web: dict, bases: dict[str, str]) -> Path:
    path.write_text("".join(
        f'[[sources]]\nname = "{n}"\nfeeds = ["{bases[n]}/rss.xml"]\n'
        f'sitemaps = ["{bases[n]}/sitemap.xml"]\nstart_urls = ["{bases[n]}/"]\n'
        "max_depth = 2\n\n" for n in web
    ))  # fmt: skip
    return path


def archive_overhead(
    articles_per_site: int = 300, runs: int = 3, database_url: str | None = None
) -> dict:
    """Pages/s of the same first crawl of the generated web without and with the WARC
    archive (NEWSBOT_ARCHIVE_DIR), alternating `runs` times, each crawl in a fresh
    database. Returns per-run and median figures; `slowdown` is 1 - median(on)/median(off)
    (0.05: archiving costs 5% of the crawl's speed)."""
    server = database_url or resolve_database_url(announce=False)
    off: list[float] = []
    on: list[float] = []
    warc_bytes: list[int] = []
    archived: list[int] = []
    with tempfile.TemporaryDirectory(prefix="newsbot-bench-archive-") as tmp:
        web = build_web(Path(tmp) / "web", _specs(articles_per_site))
        with serve_sites({n: s.root for n, s in web.items()}) as bases:
            sources = _sources_file(Path(tmp) / "sources.toml", web, bases)
            for i in range(runs):
                for keep in (False, True):
                    warc = Path(tmp) / f"warc-{i}" if keep else None
                    with scratch_database(server, "newsbot_bench_archive") as url:
                        print(
                            f"run {i + 1}/{runs}: crawl {'with' if keep else 'without'} archive…",
                            file=sys.stderr,
                        )
                        result = crawl(sources, url, warc)
                        stats = run_stats(url)
                    rate = stats.get("downloader/response_count", 0) / result["wall"]
                    (on if keep else off).append(rate)
                    if warc is not None:
                        warc_bytes.append(sum(f.stat().st_size for f in warc.glob("*.warc.gz")))
                        archived.append(int(stats.get("newsbot/archive/responses", 0)))
    median_off, median_on = statistics.median(off), statistics.median(on)
    return {
        "articles": sum(len(s.articles) for s in web.values()),
        "runs": runs,
        "pages_per_s_off": off,
        "pages_per_s_on": on,
        "median_off": median_off,
        "median_on": median_on,
        "slowdown": 1 - median_on / median_off if median_off else 0.0,
        "warc_bytes": warc_bytes,
        "responses_archived": archived,
    }


def _print_archive(figures: dict) -> None:
    def rates(key: str) -> str:
        return ", ".join(f"{x:.1f}" for x in figures[key])

    rows = [
        ("article pages in the web", f"{figures['articles']}"),
        ("runs (without and with archive, alternating)", f"{figures['runs']}"),
        ("pages/s without archive, per run", rates("pages_per_s_off")),
        ("pages/s with archive, per run", rates("pages_per_s_on")),
        (
            "median pages/s: without | with",
            f"{figures['median_off']:.1f} | {figures['median_on']:.1f}",
        ),
        ("slowdown (1 - with/without, medians)", f"{figures['slowdown']:.1%}"),
        ("responses archived, per run", ", ".join(map(str, figures["responses_archived"]))),
        ("WARC MiB, per run", ", ".join(f"{b / 2**20:.1f}" for b in figures["warc_bytes"])),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"\n{'measure':<{width}}  value")
    for label, value in rows:
        print(f"{label:<{width}}  {value}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles-per-site", type=int, default=None, help="default 1000")
    parser.add_argument("--database-url", help="server to create the scratch database on")
    parser.add_argument("--runs", type=int, default=None, help="end-to-end/extraction-only pairs")
    parser.add_argument(
        "--archive", action="store_true", help="pages/s without and with the WARC archive"
    )
    parser.add_argument("--quick", action="store_true", help="40 articles per site, one run")
    args = parser.parse_args()
    per_site = args.articles_per_site or (40 if args.quick else 1000)
    runs = args.runs or (1 if args.quick else 3)
    if args.archive:
        _print_archive(archive_overhead(per_site, runs, args.database_url))
        return 0

    specs = _specs(per_site)
    server = args.database_url or resolve_database_url(announce=False)
    with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as tmp:
        web = build_web(Path(tmp), specs)
        articles = sum(len(s.articles) for s in web.values())
        size = sum(
            (site.root / (p.lstrip("/") + ("index.html" if p.endswith("/") else ""))).stat().st_size
            for site in web.values()
            for p in site.articles
        ) / max(1, articles)
        print(
            f"fixture web: {len(web)} sites, {articles} article pages, "
            f"{size / 1024:.0f} KiB per article page on average",
            file=sys.stderr,
        )
        runs = []
        with serve_sites({n: s.root for n, s in web.items()}) as bases:
            sources = _sources_file(Path(tmp) / "sources.toml", web, bases)
            # end to end and extraction only alternate, each run in a fresh database: the
            # machine's noise hits both alike, and the medians say what one run cannot
            for i in range(runs):
                with scratch_database(server, "newsbot_bench_crawl") as url:
                    print(f"run {i + 1}/{runs}: first crawl…", file=sys.stderr)
                    first = crawl(sources, url)
                    stats1 = run_stats(url)
                    if i == 0:
                        print("second crawl…", file=sys.stderr)
                        second = crawl(sources, url)
                        stats2 = run_stats(url)
                print("extraction only…", file=sys.stderr)
                extract_rate, pages = extraction_only(web, bases)
                stored = int(stats1.get("newsbot/store/new", 0))
                runs.append((first, stats1, stored, stored / first["wall"], extract_rate))

    first, stats1, stored, _, _ = runs[0]
    responses = int(stats1.get("downloader/response_count", 0))
    cpu = first["cpu"]
    rss_mb = first["rss_kib"] / 1024
    e2e_rate = statistics.median(r[3] for r in runs)
    extract_rate = statistics.median(r[4] for r in runs)
    ratios = [r[3] / r[4] for r in runs]
    refetched = int(stats2.get("newsbot/articles/fetched", 0))
    rows = [
        ("article pages in the web", f"{articles}"),
        ("runs (end to end and extraction only, alternating)", f"{len(runs)}"),
        ("first crawl: wall time (run 1)", f"{first['wall']:.1f} s"),
        ("first crawl: pages/s (all responses, run 1)", f"{responses / first['wall']:.1f}"),
        ("first crawl: articles stored", ", ".join(str(r[2]) for r in runs)),
        ("first crawl: articles/s end to end, per run", ", ".join(f"{r[3]:.1f}" for r in runs)),
        (
            "first crawl: CPU per article (crawler + stage workers)",
            f"{cpu / max(stored, 1) * 1000:.1f} ms",
        ),
        (
            "first crawl: machine CPU busy (all cores, all processes)",
            f"{first['machine_busy']:.0%}",
        ),
        ("first crawl: peak RSS (largest process)", f"{rss_mb:.0f} MiB"),
        ("second crawl: wall time", f"{second['wall']:.1f} s"),
        ("second crawl: article pages fetched again", f"{refetched} ({refetched / articles:.1%})"),
        ("second crawl: requests", f"{int(stats2.get('downloader/request_count', 0))}"),
        ("extraction only: articles/s (one core), per run", ", ".join(f"{r[4]:.1f}" for r in runs)),
        ("end to end / extraction only, per run", ", ".join(f"{x:.2f}" for x in ratios)),
        ("median articles/s: end to end | extraction only", f"{e2e_rate:.1f} | {extract_rate:.1f}"),
        ("end to end / extraction only (median of runs)", f"{statistics.median(ratios):.2f}"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"\n{'measure':<{width}}  value")
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    print(
        f"\n(pages: {pages}; both crawls on this machine's {os.cpu_count()} cores, "
        "PostgreSQL and the web server included)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
