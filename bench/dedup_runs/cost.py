"""Cost run: the table filled to each N by bulk SQL, then fresh articles timed through
the real save_batch one per call, with every index in place."""

from __future__ import annotations

import math
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import NamedTuple

import psycopg
from dedup_data.corpus import Copy, to_article
from dedup_data.fresh import (
    BODY_POOL,
    background_sites,
    body_rows,
    fresh_articles,
    seed_copies,
    sign_off_rows,
    site_rows,
)

from dedup_runs import log
from dedup_runs.database import reset
from newsbot.storage import connect, for_ingest
from newsbot.storage.articles import save_batch
from newsbot.storage.bulk_load import (
    drop_for_load,
    restore_after_load,
    resume_article_ids,
    settle_after_load,
)
from newsbot.storage.measures import article_count_and_max_id, article_ids, database_sizes
from newsbot.storage.synthetic import (
    create_dedup_helpers,
    insert_dedup_helpers,
    insert_planned_anchors,
    insert_planned_articles,
    plan_dedup_background,
)


class SizeResult(NamedTuple):
    """One N: the timings (ms), database sizes, fill seconds, and per kind of fresh
    article (timed, linked as expected)."""

    n: int
    times: list[float]
    size: dict[str, int]
    fill_s: float
    checks: dict[str, list[int]]


def bulk_fill(url: str, target: int) -> float:
    """Add background articles until the table holds `target` rows; return seconds."""
    t0 = time.perf_counter()
    with connect(url) as conn:
        have, max_id = article_count_and_max_id(conn)
        need = target - have
        if need <= 0:
            return 0.0
        lo = (max_id // 4 + 1) * 4  # story blocks never straddle stored rows
        orig, copies, agencies = background_sites()
        plan_dedup_background(conn, lo, lo + need, orig, copies, agencies)
        dropped = drop_for_load(conn)
    log(f"  bulk: planned {need} rows from id {lo}, indexes dropped")

    def load(insert: Callable[[psycopg.Connection, int], None], arg: int) -> None:
        with for_ingest(connect(url)) as c:
            insert(c, arg)
            c.commit()

    with ThreadPoolExecutor(2) as pool:
        jobs = [
            pool.submit(load, insert_planned_articles, BODY_POOL),
            pool.submit(load, insert_planned_anchors, 0),
            pool.submit(load, insert_planned_anchors, 1),
        ]
        for j in jobs:
            j.result()
    log(f"  bulk: rows in ({time.perf_counter() - t0:.0f} s), rebuilding indexes")
    restore_after_load(url, dropped)
    with connect(url, autocommit=True) as conn:
        resume_article_ids(conn)
        log(f"  bulk: indexes back ({time.perf_counter() - t0:.0f} s), vacuum analyze")
        settle_after_load(conn)
    return time.perf_counter() - t0


def seed_stories(url: str, seed: int, count: int) -> list[Copy]:
    """Real stories stored first, so that timed copies have something to match."""
    stored = seed_copies(seed, count)
    with for_ingest(connect(url)) as conn:  # as the crawler store stage does
        save_batch(conn, [to_article(c, c.published + timedelta(hours=1)) for c in stored])
    return stored


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def mb(n: int) -> str:
    return f"{n / 2**20:,.0f}"


def run_cost(url: str, sizes: list[int], timed: int, seed: int) -> list[SizeResult]:
    """Fill to each N, then time `timed` fresh articles through save_batch, one per call."""
    with connect(url) as conn:
        reset(conn)
        create_dedup_helpers(conn)
        insert_dedup_helpers(conn, site_rows(), body_rows(), sign_off_rows())
    stored = seed_stories(url, seed, 200)
    log(f"cost: {len(stored)} real stories stored")
    results: list[SizeResult] = []
    for n in sizes:
        log(f"cost: filling to N={n:,}")
        fill_s = bulk_fill(url, n - timed)
        times: list[float] = []
        checks: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        with for_ingest(connect(url)) as conn:  # as the crawler store stage does
            ids = article_ids(conn, [c.url for c in stored])
            warm = list(fresh_articles(seed * 1000 + n + 1, stored, 20, f"warm{n}"))
            save_batch(conn, [f.article for f in warm])
            for f in fresh_articles(seed * 1000 + n, stored, timed, f"n{n}"):
                t0 = time.perf_counter()
                result = save_batch(conn, [f.article])[0]
                times.append(1000 * (time.perf_counter() - t0))
                expect = ids.get(f.expect_url) if f.expect_url else None
                checks[f.kind][0] += 1
                checks[f.kind][1] += result.duplicate_of == expect
            size = database_sizes(conn)
        results.append(SizeResult(n, times, size, fill_s, checks))
        log(
            f"cost: N={size['n']:,}: median {statistics.median(times):.2f} ms, "
            f"p95 {pct(times, 0.95):.2f} ms, db {mb(size['db'])} MB"
        )
    return results
