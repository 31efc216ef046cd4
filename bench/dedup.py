"""Repost-detection benchmark (issue 5): quality on a generated repost set, cost at scale.

(1) Quality. A generator writes news prose (English and Ukrainian: named people,
organisations, places, numbers, quotes; briefs of 40-80 words, articles of
300-900) and makes copies of it the way the web does: agency stories reposted by
blogs (headline tweaked, a sentence reworded, a typo fixed, numbers formatted
differently, a paragraph dropped or moved, a credit line added), mirrored verbatim
by aggregators, reachable at a second URL, excerpted ("Read more at ..."),
extended with commentary, re-crawled (sometimes updated). Negatives: follow-ups
quoting up to a third of another story, same-event articles written
independently that share a quoted statement and an "about us" paragraph, and
briefs of one agency that share a long sign-off. Every article goes through the
real `save_batch` in a shuffled crawl order; the stored `duplicate_of` is scored
against the gold stories: pairwise precision/recall/F1 of same-story pairs, the
share of stories whose original is right, and a table per alteration kind.
The original of a story is its earliest-published copy (ties: the copy the
others credit, then the smallest URL: never the first fetched). `--seed` draws another corpus.

(2) Cost. The database is filled to N articles by bulk SQL (rows shaped like
real ones: 40-120 anchors per article, some briefs, 1 in 5 rows a copy in a
repost group sharing anchors, agency sign-off anchors shared by many rows), then
VACUUM ANALYZE, then M fresh articles (originals, reposts of stored stories,
excerpts, mirrors, extended reposts) go through the real `save_batch` one per
call with all indexes in place; wall time per article, the database size and
whether each copy was linked right are reported per N.

This file parses the options and prints the report. The synthetic news is made in
bench/dedup_data/ (sites, writer, alterations, corpus for quality; fresh for cost),
the runs in bench/dedup_runs/ (quality.py, cost.py, database.py); the SQL they need
is in newsbot/storage/ (scratch, measures, bulk_load, synthetic).

Usage: python bench/dedup.py [--quick] [--sizes 10000,100000,1000000] [--seed 7]
       [--timed 300] [--database-url URL] [--keep] [--skip-quality] [--skip-cost]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dedup_data.corpus import NEGATIVE, POSITIVE
from dedup_runs import log
from dedup_runs.cost import SizeResult, mb, pct, run_cost
from dedup_runs.database import BENCH_DB, create_db, drop_db, server_url
from dedup_runs.quality import QualityReport, run_quality

# --------------------------------------------------------------------------- report


def print_quality(r: QualityReport, show: int) -> None:
    """The quality report: corpus, the table per kind, pairwise scores, verdict, examples."""
    print(f"== Quality: repost set seed={r.seed} ==")
    print(
        f"articles {r.articles} ({', '.join(f'{k} {v}' for k, v in sorted(r.languages.items()))}), "
        f"gold stories {r.stories} ({r.multi} with 2+ copies), fetches {r.fetches}, "
        f"words/article median {statistics.median(r.words):.0f} "
        f"[{min(r.words)}-{max(r.words)}]"
    )
    print(
        f"stories whose original was crawled after a copy: {r.crawled_late}/{r.multi}; "
        f"stored in {r.elapsed:.1f} s ({1000 * r.elapsed / r.fetches:.1f} ms/fetch)"
    )
    print()
    print(f"{'kind':<26}{'articles':>9}{'linked':>8}{'recall':>8}{'right orig':>12}"
          f"{'false merge':>12}")  # fmt: skip
    order = ["original", *(f"original ({k})" for k in NEGATIVE), *POSITIVE, *NEGATIVE]
    for kind in order:
        if kind not in r.table:
            continue
        n, linked, ptr, false = r.table[kind]
        if kind in NEGATIVE:
            print(f"{kind:<26}{n:>9}{'-':>8}{'-':>8}{'-':>12}{false:>12}")
        else:
            print(f"{kind:<26}{n:>9}{linked:>8}{linked / n:>8.3f}{f'{ptr}/{n}':>12}{false:>12}")
    print()
    print("(original: the gold original of a story with 2+ copies; linked: in the same predicted")
    print(" story as the gold original; right orig: points straight at it, or for an original:")
    print(" is a root; false merge: its predicted story holds another gold story, or for a")
    print(" negative: it joined the story it quotes or shares an event with; negative rows")
    print(" count single-copy articles, their reposted ones are under 'original (...)')")
    print()
    print(
        f"pairwise precision {r.precision:.4f}  recall {r.recall:.4f}  F1 {r.f1:.4f}  "
        f"(same-story pairs: gold {r.gold_pairs}, predicted {r.pred_pairs}, "
        f"right {r.right_pairs})"
    )
    print(f"original right for {r.right}/{r.multi} stories = {r.original_right:.4f}")
    verdict = r.precision >= 0.99 and r.recall >= 0.97 and r.original_right >= 0.97
    print(f"acceptance (P >= 0.99, R >= 0.97, original >= 0.97): {'PASS' if verdict else 'FAIL'}")
    if show and (r.misses or r.wrong_examples):
        print("examples:")
        print("\n".join(r.misses + r.wrong_examples))
    print()


def print_cost(results: list[SizeResult], timed: int) -> None:
    """The cost report: time and sizes per N, links per kind of fresh article, p95 ratio."""
    print("== Cost: per-article dedup+store time through save_batch (one article per call) ==")
    print(f"{timed} timed articles per N after 20 untimed warm-up ones; background rows bulk-")
    print("loaded by SQL, then vacuumed and analysed; all indexes in place while timing.")
    print()
    head = (f"{'N stored':>11}{'anchors':>13}{'median ms':>11}{'p95 ms':>9}{'max ms':>9}"
            f"{'db MB':>9}{'articles MB':>13}{'anchors MB':>12}{'fill s':>8}")  # fmt: skip
    print(head)
    for _n, times, size, fill_s, _ in results:
        print(
            f"{size['n']:>11,}{size['anchor_rows']:>13,}{statistics.median(times):>11.2f}"
            f"{pct(times, 0.95):>9.2f}{max(times):>9.2f}{mb(size['db']):>9}"
            f"{mb(size['articles']):>13}{mb(size['anchors']):>12}{fill_s:>8.0f}"
        )
    print()
    print("linked as expected (copies to their stored original, new stories to none), per N:")
    kinds = sorted({k for *_, checks in results for k in checks})
    print(f"{'kind':<18}" + "".join(f"{r[2]['n']:>14,}" for r in results))
    for kind in kinds:
        cells = []
        for *_, checks in results:
            total, ok = checks.get(kind, (0, 0))
            cells.append(f"{ok}/{total}" if total else "-")
        print(f"{kind:<18}" + "".join(f"{c:>14}" for c in cells))
    print()
    if len(results) >= 2:
        first, last = results[0], results[-1]
        ratio = pct(last[1], 0.95) / pct(first[1], 0.95)
        ok = ratio <= 3 and pct(last[1], 0.95) <= 20
        print(
            f"p95 ratio N={last[2]['n']:,} / N={first[2]['n']:,}: {ratio:.2f} "
            f"(acceptance at 1M: <= 3 and p95 <= 20 ms: {'PASS' if ok else 'FAIL'})"
        )
    print()


# --------------------------------------------------------------------------- main


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="server URL (default $NEWSBOT_DATABASE_URL)")
    parser.add_argument("--seed", type=int, default=7, help="draw another repost set")
    parser.add_argument("--sizes", default="10000,100000,1000000", help="N values, comma-separated")
    parser.add_argument("--quick", action="store_true", help="N = 2k and 20k")
    parser.add_argument("--timed", type=int, default=300, help="timed articles per N")
    parser.add_argument("--show", type=int, default=8, help="print up to this many misses")
    parser.add_argument("--keep", action="store_true", help=f"keep the {BENCH_DB} database")
    parser.add_argument(
        "--with-search-vector",
        action="store_true",
        help="keep the full-text search column (time the whole store, not only dedup)",
    )
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-cost", action="store_true")
    args = parser.parse_args(argv)
    sizes = [2000, 20000] if args.quick else [int(s) for s in args.sizes.split(",") if s]
    server = server_url(args.database_url)
    url = create_db(server, search_vector=args.with_search_vector)
    log(f"bench database {BENCH_DB} created")
    try:
        if not args.skip_quality:
            print_quality(run_quality(url, args.seed, args.show), args.show)
        if not args.skip_cost:
            print_cost(run_cost(url, sizes, args.timed, args.seed), args.timed)
    finally:
        if not args.keep:
            drop_db(server)
            log(f"bench database {BENCH_DB} dropped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
