"""Real-page benchmark: newsbot against trafilatura and htmldate on a WCEB-layout folder.

A WCEB-layout folder holds `html/<id>.html.gz` and `ground-truth/<id>.json` (see
`../shared/benchmarks/wceb-dev/README.md`; that data is CC-BY-4.0, by Murrough Foley's
Web Content eXtraction Benchmark, and any figure published from it must credit it).

Each page goes through `newsbot extract`'s code path (the crawl's stages, with the page's
URL) and, in the same run, through trafilatura (`include_comments=False,
include_tables=True`, with the URL; its metadata for title and authors) and htmldate
(`find_date(extensive_search=True, original_date=True)`). Printed, for each system:

- body: mean word F1 over article pages (the benchmark's metric: lower-cased `\\w+`
  tokens, bag-of-words overlap, per-page F1, mean over pages; a dropped article counts
  as an empty body) and the share of articles with F1 >= 0.9;
- page types: articles dropped (with reasons), non-article pages stored, per type
  (trafilatura "stores" every page it returns text for);
- fields: title right (equal after NFKC, case folding and whitespace normalisation),
  authors right (the same set of lower-cased name words as the gold; no author when the
  gold has none), publication day right / wrong / none over articles whose gold has a
  full day;
- median ms per page (the body extraction call, one page at a time);

on the whole set and on its two halves (`int(id) % 2`), then the worst articles.

Usage: python bench/realworld.py DATA_DIR [--limit N] [--jobs N] [--show-worst N]
                                 [--only newsbot] [--peers-cache FILE] [--dump FILE]

`--jobs` spreads pages over processes (quality figures only: timings are then noisy);
`--peers-cache` keeps the peers' answers in a JSON file, so that a newsbot-only change
can be re-measured quickly with `--only newsbot`.
"""

from __future__ import annotations

import argparse
import ast
import gzip
import json
import re
import statistics
import sys
import time
import unicodedata
import warnings
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WORD_RE = re.compile(r"\w+")
SYSTEMS = ("newsbot", "trafilatura", "htmldate")
LISTING_TYPES = ("listing", "collection")


# ------------------------------------------------------------------ the data


def load_record(path: Path) -> dict[str, Any]:
    """One ground-truth record; a few store their dicts as Python-literal strings."""
    record = json.loads(path.read_text(encoding="utf-8"))
    for key in ("ground_truth", "_internal"):
        if isinstance(record.get(key), str):
            record[key] = ast.literal_eval(record[key])
    return record


def read_html(path: Path) -> str:
    """Decode as `newsbot extract` does (BOM, meta charset, then a guess)."""
    from w3lib.encoding import html_to_unicode

    with gzip.open(path, "rb") as fh:
        raw = fh.read()
    _encoding, text = html_to_unicode(None, raw)
    return text


# ------------------------------------------------------------------ metrics


def words(text: str | None) -> list[str]:
    return WORD_RE.findall((text or "").lower())


def word_f1(prediction: str | None, truth: str | None) -> float:
    """The benchmark's metric: bag-of-words overlap of lower-cased `\\w+` tokens."""
    pred, gold = Counter(words(prediction)), Counter(words(truth))
    if not pred and not gold:
        return 1.0
    if not pred or not gold:
        return 0.0
    common = sum((pred & gold).values())
    if not common:
        return 0.0
    precision = common / sum(pred.values())
    recall = common / sum(gold.values())
    return 2 * precision * recall / (precision + recall)


def norm_title(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def title_right(prediction: str | None, truth: str | None) -> bool:
    return norm_title(prediction) == norm_title(truth)


def authors_right(prediction: list[str] | str | None, truth: str | None) -> bool:
    if isinstance(prediction, list):
        prediction = " ".join(prediction)
    return set(words(prediction)) == set(words(truth))


FULL_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def day_verdict(prediction: str | None, truth: str) -> str:
    if not prediction:
        return "none"
    return "right" if prediction[:10] == truth else "wrong"


# ------------------------------------------------------------------ the systems


def run_newsbot(html: str, url: str) -> dict[str, Any]:
    """`newsbot extract`'s code path: every crawl stage, with the page's URL."""
    from newsbot import stages
    from newsbot.errors import PageRejected
    from newsbot.items import Article

    article = Article(url=url, source="bench", html=html, fetched_at=datetime.now(UTC))
    dropped = None
    start = time.perf_counter()
    try:
        for stage in stages.STAGES:
            article = stage(article)
    except PageRejected as exc:
        dropped = exc.reason if hasattr(exc, "reason") else str(exc).split(":")[0]
    except Exception as exc:  # a crash is a drop, and is shown as one
        dropped = f"crash: {type(exc).__name__}"
    ms = (time.perf_counter() - start) * 1000
    day = article.published.value.date().isoformat() if article.published else None
    if dropped:
        return {"stored": False, "dropped": dropped, "body": "", "ms": ms}
    return {
        "stored": True,
        "body": article.body or "",
        "title": article.title,
        "authors": article.authors,
        "day": day,
        "by": article.body_by,
        "ms": ms,
    }


def run_trafilatura(html: str, url: str) -> dict[str, Any]:
    import trafilatura

    start = time.perf_counter()
    body = trafilatura.extract(html, url=url, include_comments=False, include_tables=True)
    ms = (time.perf_counter() - start) * 1000
    meta = trafilatura.extract_metadata(html, default_url=url)
    return {
        "stored": bool(body),
        "body": body or "",
        "title": meta.title if meta else None,
        "authors": meta.author if meta else None,
        "day": meta.date if meta else None,
        "ms": ms,
    }


def run_htmldate(html: str, url: str) -> dict[str, Any]:
    from htmldate import find_date

    start = time.perf_counter()
    try:
        day = find_date(html, url=url or None, extensive_search=True, original_date=True)
    except Exception:
        day = None
    return {"day": day, "ms": (time.perf_counter() - start) * 1000}


RUNNERS: dict[str, Callable[[str, str], dict[str, Any]]] = {
    "newsbot": run_newsbot,
    "trafilatura": run_trafilatura,
    "htmldate": run_htmldate,
}


def measure_page(job: tuple[str, str, list[str]]) -> tuple[str, dict[str, Any]]:
    data_dir, page_id, systems = job
    warnings.simplefilter("ignore")
    import logging

    logging.disable(logging.CRITICAL)
    html = read_html(Path(data_dir) / "html" / f"{page_id}.html.gz")
    record = load_record(Path(data_dir) / "ground-truth" / f"{page_id}.json")
    url = record.get("url") or ""
    return page_id, {name: RUNNERS[name](html, url) for name in systems}


# ------------------------------------------------------------------ the report


def page_type(record: dict[str, Any]) -> str:
    return record.get("_internal", {}).get("page_type", {}).get("primary", "unknown")


def report(
    label: str,
    ids: list[str],
    records: dict[str, dict],
    answers: dict[str, dict[str, dict]],
    systems: list[str],
) -> None:
    articles = [i for i in ids if page_type(records[i]) == "article"]
    others = [i for i in ids if page_type(records[i]) != "article"]
    dated = [
        i for i in articles if FULL_DAY.match(str(records[i]["ground_truth"].get("publish_date")))
    ]
    print(f"\n== {label}: {len(ids)} pages, {len(articles)} articles ({len(dated)} with a day)")
    rows: list[tuple[str, ...]] = []
    for name in systems:
        got = {i: answers[i][name] for i in ids}
        if name == "htmldate":
            f1 = share = title = author = "-"
            dropped = "-"
            stored = "-"
        else:
            f1s = [
                word_f1(got[i].get("body"), records[i]["ground_truth"].get("main_content") or "")
                for i in articles
            ]
            f1 = f"{statistics.fmean(f1s):.3f}" if f1s else "-"
            share = f"{sum(f >= 0.9 for f in f1s) / len(f1s):.3f}" if f1s else "-"
            dropped = str(sum(not got[i]["stored"] for i in articles))
            listing = [i for i in others if page_type(records[i]) in LISTING_TYPES]
            stored_listing = sum(got[i]["stored"] for i in listing)
            stored = f"{stored_listing}/{len(listing)}"
            title = f"{statistics.fmean(title_right(got[i].get('title'), records[i]['ground_truth'].get('title')) for i in articles):.3f}"  # noqa: E501
            author = f"{statistics.fmean(authors_right(got[i].get('authors'), records[i]['ground_truth'].get('author')) for i in articles):.3f}"  # noqa: E501
        verdicts = Counter(
            day_verdict(got[i].get("day"), records[i]["ground_truth"]["publish_date"])
            for i in dated
        )
        n = len(dated) or 1
        days = " / ".join(f"{verdicts[v] / n:.3f}" for v in ("right", "wrong", "none"))
        ms = f"{statistics.median(got[i]['ms'] for i in ids):.1f}"
        rows.append((name, f1, share, dropped, stored, title, author, days, ms))
    header = (
        "system",
        "body F1",
        "F1>=0.9",
        "dropped",
        "list+coll stored",
        "title",
        "authors",
        "day right / wrong / none",
        "ms/page",
    )
    widths = [max(len(r[c]) for r in [*rows, header]) for c in range(len(header))]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    for row in rows:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))
    if "newsbot" in systems and "trafilatura" in systems:
        ratio = statistics.median(answers[i]["newsbot"]["ms"] for i in ids) / statistics.median(
            answers[i]["trafilatura"]["ms"] for i in ids
        )
        print(f"median ms/page, newsbot / trafilatura: {ratio:.2f}")


def report_types(ids: list[str], records: dict, answers: dict, systems: list[str]) -> None:
    articles = [i for i in ids if page_type(records[i]) == "article"]
    for name in systems:
        if name == "htmldate":
            continue
        reasons = Counter(answers[i][name].get("dropped") for i in articles)
        reasons.pop(None, None)
        print(f"\n{name}: articles dropped by reason: {dict(reasons.most_common()) or 'none'}")
        seconds = Counter(answers[i][name].get("by") for i in ids if answers[i][name]["stored"])
        if name == "newsbot":
            print(f"newsbot: stored pages by body extractor: {dict(seconds.most_common())}")
        per_type: Counter = Counter()
        totals: Counter = Counter()
        for i in ids:
            kind = page_type(records[i])
            if kind == "article":
                continue
            totals[kind] += 1
            per_type[kind] += answers[i][name]["stored"]
        print(
            f"{name}: non-article pages stored as articles: "
            + ", ".join(f"{k} {per_type[k]}/{totals[k]}" for k in sorted(totals))
        )


def show_worst(ids: list[str], records: dict, answers: dict, count: int) -> None:
    articles = [i for i in ids if page_type(records[i]) == "article"]
    scored = []
    for i in articles:
        gold = records[i]["ground_truth"].get("main_content") or ""
        mine = word_f1(answers[i]["newsbot"].get("body"), gold)
        peer = (
            word_f1(answers[i]["trafilatura"].get("body"), gold)
            if "trafilatura" in answers[i]
            else float("nan")
        )
        scored.append((mine, peer, i))
    scored.sort()
    print(f"\nthe {count} worst articles for newsbot (F1 newsbot | trafilatura, id, why, url):")
    for mine, peer, i in scored[:count]:
        why = answers[i]["newsbot"].get("dropped") or ""
        print(f"  {mine:.3f} | {peer:.3f}  {i}  {why:<16} {records[i].get('url', '')}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--show-worst", type=int, default=20, metavar="N")
    parser.add_argument("--only", choices=SYSTEMS, action="append")
    parser.add_argument("--peers-cache", type=Path, default=None)
    parser.add_argument("--dump", type=Path, default=None, help="write every answer as JSON")
    parser.add_argument("--replay", type=Path, default=None, help="report a --dump file again")
    args = parser.parse_args(argv)

    ids = sorted(p.name.split(".")[0] for p in (args.data / "ground-truth").glob("*.json"))
    if args.limit:
        ids = ids[: args.limit]
    records = {i: load_record(args.data / "ground-truth" / f"{i}.json") for i in ids}
    systems = args.only or list(SYSTEMS)
    answers: dict[str, dict[str, dict]] = {i: {} for i in ids}
    if args.peers_cache and args.peers_cache.exists():
        cached = json.loads(args.peers_cache.read_text())
        for i in ids:
            for name, answer in cached.get(i, {}).items():
                if name != "newsbot" and name not in systems:
                    answers[i][name] = answer
    jobs = [(str(args.data), i, systems) for i in ids]
    started = time.perf_counter()
    if args.replay:
        replayed = json.loads(args.replay.read_text())
        for i in ids:
            answers[i].update(replayed[i])
        jobs = []
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            for page_id, got in pool.map(measure_page, jobs, chunksize=8):
                answers[page_id].update(got)
    else:
        for job in jobs:
            page_id, got = measure_page(job)
            answers[page_id].update(got)
    elapsed = time.perf_counter() - started
    if args.peers_cache and set(systems) & {"trafilatura", "htmldate"}:
        peers = {i: {k: v for k, v in a.items() if k != "newsbot"} for i, a in answers.items()}
        args.peers_cache.write_text(json.dumps(peers))
    if args.dump:
        args.dump.write_text(json.dumps(answers, ensure_ascii=False))

    shown = [s for s in SYSTEMS if all(s in answers[i] for i in ids)]
    print(f"{len(ids)} pages from {args.data} in {elapsed:.0f} s ({args.jobs} process(es))")
    print("data: WCEB / WCXB by Murrough Foley, CC-BY-4.0")
    report("all pages", ids, records, answers, shown)
    for half in (0, 1):
        report(
            f"half {half} (int(id) % 2 == {half})",
            [i for i in ids if int(i) % 2 == half],
            records,
            answers,
            shown,
        )
    report_types(ids, records, answers, shown)
    if "newsbot" in shown and args.show_worst:
        show_worst(ids, records, answers, args.show_worst)
    return 0


if __name__ == "__main__":
    sys.exit(main())
