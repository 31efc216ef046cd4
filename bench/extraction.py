"""Article-body benchmark: newsbot's extractor against trafilatura on the same pages.

Implements the Scrapinghub article-extraction-benchmark metric (see the dataset's
README): `\\w+` tokens, multisets of 4-gram shingles, precision averaged over pages
with a non-empty prediction, recall over all pages, F1 of the two means, exact-match
accuracy and a bootstrap std over pages.

Besides the full set, the scores are printed on two fixed halves of the pages (split
by the page id: `int(id[:8], 16) % 2`), so that a reader can see whether a change
helps on pages in general or only on some of them: the two halves must agree. The
page-type classifier's verdicts on these (all real articles) are counted too.

Usage: python bench/extraction.py [DATA_DIR] [--limit N] [--only newsbot|trafilatura]
                                  [--show-worst N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import statistics
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newsbot import boilerplate
from newsbot.extraction import extract_page

DEFAULT_DATA = (
    Path(__file__).resolve().parent.parent.parent / "shared/benchmarks/article-extraction"
)
TOKEN_RE = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    """Tokenise exactly as upstream: `\\w+`, case kept."""
    return TOKEN_RE.findall(text or "")


def shingles(toks: list[str], n: int = 4) -> Counter:
    """Multiset of n-gram shingles; 1..n-1 tokens make a single shingle."""
    if not toks:
        return Counter()
    if len(toks) < n:
        return Counter([tuple(toks)])
    return Counter(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))


@dataclass
class PageScore:
    page_id: str
    tp: int
    fp: int
    fn: int
    exact: bool
    ms: float

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p = self.precision or 0.0
        r = self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score_page(page_id: str, prediction: str, truth: str, ms: float) -> PageScore:
    pt, tt = tokens(prediction), tokens(truth)
    ps, ts = shingles(pt), shingles(tt)
    tp = sum((ps & ts).values())
    return PageScore(
        page_id,
        tp=tp,
        fp=sum(ps.values()) - tp,
        fn=sum(ts.values()) - tp,
        exact=pt == tt,
        ms=ms,
    )


def aggregate(scores: list[PageScore]) -> tuple[float, float, float, float]:
    """Mean precision (non-empty predictions only), mean recall, F1 of means, accuracy."""
    precisions = [s.precision for s in scores if s.precision is not None]
    p = statistics.fmean(precisions) if precisions else 0.0
    r = statistics.fmean(s.recall for s in scores) if scores else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    acc = statistics.fmean(s.exact for s in scores) if scores else 0.0
    return p, r, f1, acc


def bootstrap_std(scores: list[PageScore], n: int = 1000, seed: int = 0) -> tuple[float, ...]:
    rng = random.Random(seed)
    samples = [aggregate(rng.choices(scores, k=len(scores))) for _ in range(n)]
    return tuple(statistics.pstdev(col) for col in zip(*samples, strict=True))


@dataclass
class Result:
    name: str
    scores: list[PageScore] = field(default_factory=list)


#: page types newsbot gave the benchmark pages (every one of them is an article)
PAGE_TYPES: Counter = Counter()
NOT_ARTICLES: list[tuple[str, str, str]] = []


def newsbot_body(html: str, url: str) -> str:
    extraction = extract_page(html, url)
    PAGE_TYPES[extraction.page_type] += 1
    if extraction.page_type != "article":
        NOT_ARTICLES.append((url, extraction.page_type, extraction.page_type_reason))
    return boilerplate.clean(
        extraction.blocks, title=extraction.title, language=extraction.language
    ).body


def trafilatura_body(html: str, url: str) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url, include_comments=False) or ""


EXTRACTORS: dict[str, Callable[[str, str], str]] = {
    "newsbot": newsbot_body,
    "trafilatura": trafilatura_body,
}


def print_table(label: str, results: dict[str, Result], keep: Callable[[str], bool]) -> None:
    """One table of scores over the pages `keep` selects."""
    subset = {n: [s for s in r.scores if keep(s.page_id)] for n, r in results.items()}
    medians = {n: statistics.median(s.ms for s in sc) for n, sc in subset.items() if sc}
    if not medians:
        return
    base = medians.get("trafilatura") or next(iter(medians.values()))
    pages = len(next(iter(subset.values())))
    print(f"\n{label}: {pages} pages")
    header = (
        f"{'extractor':<12} {'P':>14} {'R':>14} {'F1':>14} {'accuracy':>14}"
        f" {'ms/page':>8} {'ratio':>6}"
    )
    print(header)
    print("-" * len(header))
    for name, scores in subset.items():
        if not scores:
            continue
        p, r, f1, acc = aggregate(scores)
        sp, sr, sf, sa = bootstrap_std(scores)
        print(
            f"{name:<12} {p:.3f} ± {sp:.3f}  {r:.3f} ± {sr:.3f}  {f1:.3f} ± {sf:.3f}"
            f"  {acc:.3f} ± {sa:.3f} {medians[name]:8.1f} {medians[name] / base:6.2f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", default=str(DEFAULT_DATA), type=Path)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--only", choices=sorted(EXTRACTORS), default=None)
    parser.add_argument("--show-worst", type=int, default=0, metavar="N")
    args = parser.parse_args(argv)

    truth = json.loads((args.data / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)[: args.limit] if args.limit else sorted(truth)
    names = [args.only] if args.only else list(EXTRACTORS)
    results = {name: Result(name) for name in names}
    warnings.simplefilter("ignore")

    for page_id in ids:
        with gzip.open(args.data / "html" / f"{page_id}.html.gz", "rb") as fh:
            html = fh.read().decode("utf-8", errors="replace")
        url = truth[page_id].get("url", "")
        expected = truth[page_id].get("articleBody", "")
        for name in names:
            start = time.perf_counter()
            prediction = EXTRACTORS[name](html, url)
            ms = (time.perf_counter() - start) * 1000
            results[name].scores.append(score_page(page_id, prediction, expected, ms))

    print(f"{len(ids)} pages from {args.data}")
    print_table("all pages", results, lambda _pid: True)
    for half in (0, 1):
        print_table(
            f"half {half} (int(id[:8], 16) % 2 == {half})",
            results,
            lambda pid, half=half: int(pid[:8], 16) % 2 == half,
        )
    if PAGE_TYPES:
        counts = ", ".join(f"{k} {v}" for k, v in sorted(PAGE_TYPES.items()))
        print(f"\nnewsbot page types: {counts}")
        for url, kind, reason in NOT_ARTICLES:
            print(f"  {kind}: {url[:80]} ({reason})")

    if args.show_worst and "newsbot" in results:
        other = {s.page_id: s for s in results.get("trafilatura", Result("")).scores}
        print(f"\nworst {args.show_worst} pages for newsbot (by F1):")
        worst = sorted(results["newsbot"].scores, key=lambda s: s.f1)[: args.show_worst]
        for s in worst:
            t = other.get(s.page_id)
            extra = f" trafilatura F1 {t.f1:.3f}" if t else ""
            print(
                f"  {s.page_id[:16]} F1 {s.f1:.3f} P {s.precision or 0:.3f} R {s.recall:.3f}"
                f"{extra}  {truth[s.page_id].get('url', '')[:80]}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
