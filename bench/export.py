"""Export benchmark (issue 7): rows/s and peak memory of `newsbot export` at a million rows.

Creates a scratch database `newsbot_bench_export` on the server (`--database-url`, default
$NEWSBOT_DATABASE_URL, else the embedded server), migrates it, fills `articles` by bulk
INSERT … SELECT generate_series with rows shaped like real ones (bodies of ~3 KB assembled
from 2,000 generated paragraphs, authors, tags, three languages, one row in five a repost
with `duplicate_of`, `dedup_method` and `similarity`), then runs the real
`newsbot export --format F --out FILE` once per format in a child process and reports
rows/s, the file size and the child's peak RSS (os.wait4's ru_maxrss: that child alone).

The generated `search_vector` column is dropped in the scratch database before loading
unless `--with-search-vector`: export never reads it, and computing it (~0.4 ms a row)
would triple the load time. Acceptance: peak RSS under 300 MB for every format.

Usage: python bench/export.py [--rows 1000000] [--formats jsonl,csv,parquet]
       [--database-url URL] [--keep] [--with-search-vector]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsbot.config import Source  # noqa: E402
from newsbot.storage import connect, for_ingest, resolve_database_url, upgrade  # noqa: E402
from newsbot.storage.articles import ensure_sources  # noqa: E402
from newsbot.storage.measures import body_size_summary  # noqa: E402
from newsbot.storage.scratch import (  # noqa: E402
    drop_database,
    drop_search_vector,
    recreate_database,
    vacuum_analyze,
)
from newsbot.storage.synthetic import (  # noqa: E402
    create_paragraph_pool,
    drop_paragraph_pool,
    insert_export_articles,
)

BENCH_DB = "newsbot_bench_export"
LIMIT_MB = 300
PARAGRAPHS = 2000
BATCH = 50_000
#: the sources the generated articles belong to
SOURCES = ("wire", "blog", "daily", "portal")


def _vocabulary(rng: random.Random) -> list[str]:
    """Pseudo-words of realistic lengths (2-12 letters), plus common English words."""
    common = [
        "the",
        "of",
        "and",
        "to",
        "in",
        "a",
        "is",
        "that",
        "for",
        "on",
        "was",
        "with",
        "he",
        "it",
        "as",
        "at",
        "by",
        "said",
        "from",
        "his",
        "an",
        "be",
        "has",
        "are",
        "have",
        "but",
        "were",
        "not",
        "this",
        "they",
        "who",
        "had",
        "been",
        "which",
        "will",
        "their",
        "its",
        "after",
        "also",
        "two",
    ]
    syllables = [a + b for a in "bcdfghklmnprstvz" for b in "aeiou"] + ["str", "nd", "ck"]
    words = {"".join(rng.choices(syllables, k=rng.randint(1, 4))) for _ in range(6000)}
    return common * 20 + sorted(words)


def _paragraphs(rng: random.Random) -> list[str]:
    vocab = _vocabulary(rng)
    out = []
    for _ in range(PARAGRAPHS):
        sentences = []
        for _ in range(rng.randint(2, 4)):
            words = rng.choices(vocab, k=rng.randint(10, 22))
            words[0] = words[0].capitalize()
            sentences.append(" ".join(words) + ".")
        out.append(" ".join(sentences))
    return out


def fill(url: str, rows: int, with_search_vector: bool) -> float:
    """Create and fill the scratch tables; return seconds taken."""
    started = time.perf_counter()
    with connect(url) as conn:
        upgrade(conn)
        conn.commit()
        if not with_search_vector:
            drop_search_vector(conn)
        ensure_sources(conn, [Source(name) for name in SOURCES])
        create_paragraph_pool(conn, _paragraphs(random.Random(7)))
        conn.commit()

    def batch(start: int) -> None:
        stop = min(start + BATCH - 1, rows)
        with for_ingest(connect(url)) as conn:
            insert_export_articles(conn, start, stop)
            conn.commit()

    # batches start at 1 mod 5, so a repost's original (i - 1) is always in its batch
    starts = range(1, rows + 1, BATCH)
    done = 0
    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        for _ in pool.map(batch, starts):
            done += 1
            print(f"  loaded {min(done * BATCH, rows):>9,} rows", file=sys.stderr, end="\r")
    print(file=sys.stderr)
    with connect(url, autocommit=True) as conn:
        drop_paragraph_pool(conn)
    vacuum_analyze(url, ["articles"])
    return time.perf_counter() - started


def run_export(url: str, fmt: str, out: Path) -> tuple[float, int, int, str]:
    """One `newsbot export` child: (seconds, peak RSS in KiB, exit status, stderr)."""
    env = dict(os.environ, NEWSBOT_DATABASE_URL=url)
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "newsbot", "export", "--format", fmt, "--out", str(out)],
        env=env,
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stderr is not None
    err = child.stderr.read()
    _pid, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss, child.returncode, err.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--formats", default="jsonl,csv,parquet")
    parser.add_argument("--database-url", help="server to use (default: $NEWSBOT_DATABASE_URL)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--with-search-vector", action="store_true")
    args = parser.parse_args(argv)

    server = resolve_database_url(args.database_url, announce=False)
    url = recreate_database(server, BENCH_DB)
    failed = False
    try:
        seconds = fill(url, args.rows, args.with_search_vector)
        with connect(url) as conn:
            size = body_size_summary(conn)
        print(
            f"loaded {size['n']:,} articles in {seconds:.0f} s "
            f"(average body {size['body']:,} bytes, database {size['s']})"
        )
        print(
            f"{'format':<8} {'rows':>10} {'seconds':>8} {'rows/s':>9} {'file MB':>8} "
            f"{'peak RSS MB':>11}  result"
        )
        with tempfile.TemporaryDirectory(prefix="newsbot-bench-export-") as tmp:
            for fmt in args.formats.split(","):
                out = Path(tmp) / f"articles.{fmt}"
                elapsed, rss_kib, status, err = run_export(url, fmt, out)
                rss_mb = rss_kib / 1024
                ok = status == 0 and rss_mb < LIMIT_MB
                failed |= not ok
                file_mb = out.stat().st_size / 1e6 if out.exists() else 0.0
                verdict = "ok" if ok else f"FAIL (exit {status}: {err[-200:]})"
                print(
                    f"{fmt:<8} {size['n']:>10,} {elapsed:>8.1f} {size['n'] / elapsed:>9,.0f} "
                    f"{file_mb:>8.0f} {rss_mb:>11.1f}  {verdict}",
                    flush=True,
                )
                out.unlink(missing_ok=True)
    finally:
        if not args.keep:
            drop_database(server, BENCH_DB)
    print(
        f"acceptance: peak RSS under {LIMIT_MB} MB for every format: "
        + ("FAILED" if failed else "passed")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
