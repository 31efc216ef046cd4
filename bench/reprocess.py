"""Re-extraction benchmark: real news pages in a WARC, ingested and reprocessed, against
trafilatura + htmldate reading the same WARC on the same cores.

    .venv/bin/python bench/reprocess.py [DATA_DIR] [--pages N] [--runs 3] [--workers N]
                                        [--database-url URL] [--crawl-pages N]

DATA_DIR is a WCEB-style set (html/<id>.html.gz, ground-truth/<id>.json; default
../shared/benchmarks/wceb-dev): its article pages (the benchmark's `page_type.primary`)
are written to one gzip WARC with newsbot's writer, as a crawl with `archive` on writes
them. Each run, in a fresh scratch database:

1. `newsbot ingest FILE` (stages on the stage pool, repost linking, storing);
2. `newsbot reprocess` of every stored article (read back from the WARC by offset,
   the stages again, rows updated in place): the issue's bar is 1,000 pages/min on
   2 cores;
3. the peer: trafilatura's `bare_extraction` (body, title, authors and, through
   htmldate, the date) over the same WARC with one process per core, no database.

Wall times include each command's start-up (imports, the stage pool). Medians over
`--runs`, timings vary by ±15% on a shared 2-core machine. Last, the WARC write
overhead of a crawl: bench/crawl.py's generated web crawled with and without `archive`
(pages/s), unless `--crawl-pages 0`.
"""

from __future__ import annotations

import argparse
import ast
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsbot.archive import Exchange, RawPage, WarcArchive, iter_pages  # noqa: E402
from newsbot.decoding import decode_html  # noqa: E402
from newsbot.storage import resolve_database_url  # noqa: E402
from tests.support.database import scratch_database  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared/benchmarks/wceb-dev"
NEWSBOT = [sys.executable, "-m", "newsbot"]


def _record(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    for key in ("ground_truth", "_internal"):
        if isinstance(data.get(key), str):
            data[key] = ast.literal_eval(data[key])
    return data


def article_pages(data: Path, limit: int | None) -> list[tuple[str, bytes]]:
    """(url, raw bytes) of the set's article pages, in file id order."""
    pages = []
    for truth in sorted((data / "ground-truth").glob("*.json")):
        record = _record(truth)
        kind = ((record.get("_internal") or {}).get("page_type") or {}).get("primary")
        html = data / "html" / f"{truth.stem}.html.gz"
        if kind != "article" or not record.get("url") or not html.exists():
            continue
        pages.append((record["url"], gzip.decompress(html.read_bytes())))
        if limit and len(pages) >= limit:
            break
    return pages


def write_warc(pages: list[tuple[str, bytes]], directory: Path) -> Path:
    archive = WarcArchive(directory)
    for url, body in pages:
        archive.write(
            Exchange(url=url, status=200, headers=[("Content-Type", "text/html")], body=body)
        )
    archive.close()
    return archive.files[0]


def timed(command: list[str], database_url: str, workers: int) -> tuple[float, str]:
    env = {**os.environ, "NEWSBOT_DATABASE_URL": database_url}
    start = time.perf_counter()
    done = subprocess.run(
        [*command, "--workers", str(workers), "--progress", "off"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
    return wall, done.stdout.strip().splitlines()[-1]


def _peer_one(item: tuple[str, bytes, str | None]) -> bool:
    import trafilatura

    url, body, content_type = item
    html = decode_html(body, content_type)[1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    return doc is not None


def peer(warc: Path, workers: int) -> tuple[float, int]:
    """trafilatura + htmldate over the WARC's pages, one process per core: (wall, pages)."""
    start = time.perf_counter()
    items = [
        (found.url, found.body, found.content_type)
        for found, _ in iter_pages(warc)
        if isinstance(found, RawPage)
    ]
    with ProcessPoolExecutor(max_workers=max(1, workers)) as pool:
        results = list(pool.map(_peer_one, items, chunksize=8))
    return time.perf_counter() - start, len(results)


def crawl_overhead(articles_per_site: int, runs: int, server: str) -> list[tuple[str, str]]:
    """bench/crawl.py's generated web crawled without and with `archive`: pages/s."""
    from bench.crawl import archive_overhead

    found = archive_overhead(articles_per_site, runs, server)

    def per_run(rates: list[float]) -> str:
        return ", ".join(f"{r:.1f}" for r in rates)

    mib = statistics.median(found["warc_bytes"]) / 2**20 if found["warc_bytes"] else 0.0
    return [
        (f"crawl of {found['articles']} generated articles: pages/s without archive, per run",
         per_run(found["pages_per_s_off"])),
        ("crawl: pages/s with archive, per run", per_run(found["pages_per_s_on"])),
        ("crawl median pages/s: without | with archive",
         f"{found['median_off']:.1f} | {found['median_on']:.1f}"),
        ("crawl: WARC write overhead (1 - with/without)", f"{found['slowdown']:.0%}"),
        ("crawl: WARC size per run (median)", f"{mib:.1f} MiB"),
    ]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--pages", type=int, help="at most this many article pages")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--database-url", help="server to create the scratch database on")
    parser.add_argument(
        "--crawl-pages",
        type=int,
        default=300,
        help="articles per site of the crawl overhead measure (0: skip it)",
    )
    args = parser.parse_args()

    pages = article_pages(args.data, args.pages)
    if not pages:
        raise SystemExit(f"no article pages under {args.data}")
    server = args.database_url or resolve_database_url(announce=False)
    size = sum(len(b) for _, b in pages) / len(pages)
    print(
        f"{len(pages)} article pages from {args.data.name}, {size / 1024:.0f} KiB each on "
        f"average; {args.workers} stage workers; {args.runs} runs",
        file=sys.stderr,
    )
    ingest_rates, reprocess_rates, peer_rates, lines = [], [], [], []
    with tempfile.TemporaryDirectory(prefix="newsbot-bench-warc-") as tmp:
        warc = write_warc(pages, Path(tmp))
        warc_mib = warc.stat().st_size / 2**20
        for i in range(args.runs):
            with scratch_database(server, "newsbot_bench_reprocess") as url:
                print(f"run {i + 1}/{args.runs}: ingest…", file=sys.stderr)
                wall, line = timed([*NEWSBOT, "ingest", str(warc)], url, args.workers)
                ingest_rates.append(len(pages) / wall * 60)
                print("reprocess…", file=sys.stderr)
                wall, summary = timed([*NEWSBOT, "reprocess"], url, args.workers)
                reprocess_rates.append(len(pages) / wall * 60)
                lines.append((line, summary))
            print("peer (trafilatura + htmldate)…", file=sys.stderr)
            wall, done = peer(warc, args.workers)
            peer_rates.append(done / wall * 60)

    def per_run(rates: list[float]) -> str:
        return ", ".join(f"{r:.0f}" for r in rates)

    reprocess = statistics.median(reprocess_rates)
    peer_rate = statistics.median(peer_rates)
    rows = [
        ("pages (WCEB articles) | WARC size", f"{len(pages)} | {warc_mib:.1f} MiB"),
        ("newsbot ingest: pages/min, per run", per_run(ingest_rates)),
        ("newsbot reprocess: pages/min, per run", per_run(reprocess_rates)),
        ("trafilatura + htmldate (no store): pages/min, per run", per_run(peer_rates)),
        (
            "median pages/min: ingest | reprocess | trafilatura",
            f"{statistics.median(ingest_rates):.0f} | {reprocess:.0f} | {peer_rate:.0f}",
        ),
        ("reprocess / trafilatura (median)", f"{reprocess / peer_rate:.2f}"),
        ("bar: reprocess ≥ 1,000 pages/min", "PASS" if reprocess >= 1000 else "FAIL"),
    ]
    if args.crawl_pages:
        print("crawl with and without archive…", file=sys.stderr)
        rows += crawl_overhead(args.crawl_pages, args.runs, server)
    width = max(len(r[0]) for r in rows)
    print(f"\n{'measure':<{width}}  value")
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    print(f"\nlast run's ingest: {lines[-1][0]}\nlast run's reprocess: {lines[-1][1]}")
    print(f"({os.cpu_count()} cores; PostgreSQL on the same machine)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
