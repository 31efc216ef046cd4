"""Quality run: the gold repost set stored through the real save_batch in crawl order,
its stored duplicate_of scored against the gold stories."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from dedup_data.corpus import NEGATIVE, build_corpus, gold_original, to_article

from dedup_runs import log
from dedup_runs.database import reset
from newsbot.storage import connect, for_ingest
from newsbot.storage.articles import save_batch
from newsbot.storage.measures import duplicate_links


@dataclass
class QualityReport:
    """What the quality run found, for bench/dedup.py to print."""

    seed: int
    articles: int
    languages: Counter[str]
    stories: int
    multi: int  # stories with 2+ copies
    fetches: int
    words: list[int]  # per article
    crawled_late: int  # stories whose original was crawled after a copy
    elapsed: float  # seconds to store the crawl
    table: dict[str, list[int]]  # kind -> articles, linked, right original, false merges
    precision: float
    recall: float
    f1: float
    gold_pairs: int
    pred_pairs: int
    right_pairs: int
    right: int  # stories whose original is right
    original_right: float
    misses: list[str]
    wrong_examples: list[str]


def pairs(n: int) -> int:
    """Unordered pairs among n items."""
    return n * (n - 1) // 2


def run_quality(url: str, seed: int, show: int) -> QualityReport:
    """Store the corpus in crawl order through save_batch, score duplicate_of against gold."""
    corpus = build_corpus(seed)
    copies = corpus.copies
    words = [len(c.body.split()) for c in copies]
    log(f"quality: {len(copies)} articles, {len({c.story for c in copies})} stories, "
        f"{len(corpus.crawl)} fetches")  # fmt: skip
    crawl_start = datetime(2024, 6, 1, 8, 0, tzinfo=UTC)
    with for_ingest(connect(url)) as conn:  # as the crawler store stage does
        reset(conn)
        t0 = time.perf_counter()
        for k, (i, again) in enumerate(corpus.crawl):
            c = copies[i]
            fetched = crawl_start + timedelta(seconds=20 * k)
            paras = c.updated if again and c.updated else None
            result = save_batch(conn, [to_article(c, fetched, paras)])[0]
            assert result.outcome != "failed", result
        elapsed = time.perf_counter() - t0
        rows = duplicate_links(conn)
    by_url = {r["url"]: r for r in rows}
    row_of = [by_url[c.url] for c in copies]
    pred = [r["duplicate_of"] or r["id"] for r in row_of]
    id_to_copy = {r["id"]: i for i, r in enumerate(row_of)}

    gold_sizes = Counter(c.story for c in copies)
    pred_sizes = Counter(pred)
    cells = Counter((c.story, p) for c, p in zip(copies, pred, strict=True))
    tp = sum(pairs(n) for n in cells.values())
    gold_pairs = sum(pairs(n) for n in gold_sizes.values())
    pred_pairs = sum(pairs(n) for n in pred_sizes.values())
    precision = tp / pred_pairs if pred_pairs else 1.0
    recall = tp / gold_pairs if gold_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    members: dict[int, list[int]] = defaultdict(list)
    for i, c in enumerate(copies):
        members[c.story].append(i)
    gold_orig: dict[int, int] = {}
    right = 0
    multi = [s for s, m in members.items() if len(m) >= 2]
    crawled_late = 0
    wrong_examples: list[str] = []
    for s, m in members.items():
        o = gold_original(copies, m)
        gold_orig[s] = o
        if len(m) < 2:
            continue
        if any(copies[i].first_fetch < copies[o].first_fetch for i in m if i != o):
            crawled_late += 1
        oid = row_of[o]["id"]
        ok = row_of[o]["duplicate_of"] is None and all(
            row_of[i]["duplicate_of"] == oid for i in m if i != o
        )
        right += ok
        if not ok and len(wrong_examples) < show:
            chosen = pred[o]
            got = copies[id_to_copy[chosen]] if chosen in id_to_copy else None
            wrong_examples.append(
                f"  story {s}: gold original {copies[o].url} ({copies[o].kind}, "
                f"{copies[o].published:%m-%d %H:%M}); predicted "
                f"{got.url if got else chosen} ({got.kind if got else '?'}, "
                f"shown {got.shown.isoformat() if got else '?'})"
            )
    original_right = right / len(multi) if multi else 1.0

    # per kind: n, linked, points at the right original, false merges
    table: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    clusters: dict[int, set[int]] = defaultdict(set)
    for i, p in enumerate(pred):
        clusters[p].add(copies[i].story)
    misses: list[str] = []
    for i, c in enumerate(copies):
        o = gold_orig[c.story]
        kind = "original" if i == o and gold_sizes[c.story] > 1 else c.kind
        if kind == "original" and c.kind in NEGATIVE:
            kind = f"original ({c.kind})"
        row = table[kind]
        row[0] += 1
        merged = len(clusters[pred[i]]) > 1
        if c.partner is not None:
            merged = merged or pred[i] == pred[gold_orig[c.partner]]
        row[3] += merged
        if merged and len(misses) < show:
            misses.append(f"  false merge: {c.kind} {c.url} (story {c.story})")
        if i == o:
            row[1] += 1
            row[2] += row_of[i]["duplicate_of"] is None
        else:
            row[1] += pred[i] == pred[o]
            row[2] += row_of[i]["duplicate_of"] == row_of[o]["id"]
            if pred[i] != pred[o] and len(misses) < show:
                misses.append(f"  missed: {c.kind} {c.url} -> {copies[o].url}")

    return QualityReport(
        seed=seed,
        articles=len(copies),
        languages=Counter(c.site.language for c in copies),
        stories=len(members),
        multi=len(multi),
        fetches=len(corpus.crawl),
        words=words,
        crawled_late=crawled_late,
        elapsed=elapsed,
        table=table,
        precision=precision,
        recall=recall,
        f1=f1,
        gold_pairs=gold_pairs,
        pred_pairs=pred_pairs,
        right_pairs=tp,
        right=right,
        original_right=original_right,
        misses=misses,
        wrong_examples=wrong_examples,
    )
