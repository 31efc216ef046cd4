"""`newsbot status`: per-source health, and the silent-breakage guard.

A site redesign rarely makes a crawl fail: it makes it yield nothing, or yield
articles without dates or authors. Those runs look "finished", so this command
compares each source with its own recent past and warns (exit 1) when it slipped.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from typing import Any

from newsbot import stats as stat_keys
from newsbot.commands import EXIT_OK, EXIT_SOURCE_FAILED

#: runs looked at for the error rate
ERROR_RATE_RUNS = 5
#: a coverage warning needs at least this many articles on each side of the comparison
MIN_RECENT, MIN_BASELINE = 3, 5
#: warn when a share falls below this where it used to be at or above it ...
COVERAGE_FLOOR = 0.9
#: ... or drops by more than this
COVERAGE_DROP = 0.2


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "status",
        help="per-source health: last success, recent articles, errors, warnings (exit 1)",
    )
    parser.add_argument(
        "--sources", metavar="FILE", help="report the sources of this file (default: all known)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument(
        "--frontier",
        action="store_true",
        help="distributed mode: the current round per source in the Redis frontier "
        "(NEWSBOT_REDIS_URL): queued, leased (by which worker, since when), done, failed",
    )
    parser.set_defaults(run=run)


def frontier_status(front: Any, names: list[str] | None = None) -> dict[str, Any]:
    """The current round in the frontier, per source: queued, leased, done, failed."""
    from newsbot.run.frontier import outcomes_key, source_of

    queues = sorted(front.client.smembers(front.key("frontiers")))
    round_id = front.current_round()
    outcomes = front.client.hgetall(outcomes_key(round_id, front.prefix))
    sources: dict[str, Any] = {}
    for queue in queues:
        name = source_of(queue, front.prefix)
        if names is not None and name not in names:
            continue
        by_worker: dict[str, dict[str, Any]] = {}
        leases = front.leases(name)
        for lease in leases:
            worker = lease["worker"] or "?"
            entry = by_worker.setdefault(worker, {"worker": worker, "count": 0, "since": None})
            entry["count"] += 1
            if lease["since"] is not None and (
                entry["since"] is None or lease["since"] < entry["since"]
            ):
                entry["since"] = lease["since"]
        sources[name] = {
            "queued": front.client.zcard(queue),
            "leased": len(leases),
            "done": int(outcomes.get(f"{name}:done", 0)),
            "failed": int(outcomes.get(f"{name}:failed", 0)),
            # the oldest lease of each worker: since when it holds work
            "leases": [
                {**e, "since": _utc(e["since"])} for e in sorted(by_worker.values(), key=_worker)
            ],
        }
    return {"round": round_id, "sources": sources}


def _worker(entry: dict[str, Any]) -> str:
    return str(entry["worker"])


def _utc(epoch: float | None) -> str | None:
    from datetime import UTC

    return datetime.fromtimestamp(epoch, UTC).isoformat() if epoch is not None else None


def run_frontier(args: argparse.Namespace, names: list[str] | None) -> int:
    from newsbot.commands.runs import format_table, timestamp
    from newsbot.run import frontier

    report = frontier_status(frontier.Frontier(frontier.connect()), names)
    if args.json:
        print(json.dumps(report, indent=2))
        return EXIT_OK
    print(f"round {report['round'] if report['round'] is not None else '-'}")
    rows: list[list[Any]] = []
    for name, s in report["sources"].items():
        held = ", ".join(
            f"{e['worker']} ({e['count']} since {timestamp(datetime.fromisoformat(e['since']))})"
            if e["since"]
            else f"{e['worker']} ({e['count']})"
            for e in s["leases"]
        )
        rows.append([name, s["queued"], s["leased"], s["done"], s["failed"], held or "-"])
    headings = ["SOURCE", "QUEUED", "LEASED", "DONE", "FAILED", "LEASED BY (UTC)"]
    for line in format_table(headings, rows):
        print(line)
    return EXIT_OK


def _count(counters: dict[str, Any], key: str) -> int:
    value = counters.get(key, 0)
    return int(value) if isinstance(value, int | float) else 0


def _yield(counters: dict[str, Any]) -> int | None:
    """Articles a run found (stored, re-seen or known and skipped); None: no evidence.

    A run whose feeds and sitemaps all answered 304 fetched nothing by design, so it
    says nothing about whether the site still yields articles.
    """
    found = sum(
        _count(counters, k)
        for k in (
            stat_keys.STORE_NEW,
            stat_keys.STORE_UPDATED,
            stat_keys.STORE_UNCHANGED,
            stat_keys.INCREMENTAL_SKIPPED_KNOWN,
        )
    )
    if not found and _count(counters, stat_keys.DISCOVERY_NOT_MODIFIED):
        return None
    return found


def source_status(conn: Any, name: str) -> dict[str, Any]:
    from newsbot.run.runner import SourceReport
    from newsbot.storage.status import COVERAGE_FIELDS, coverage, new_articles_since, source_runs

    runs = source_runs(conn, name)
    warnings: list[str] = []
    outcomes = [(r, SourceReport(name, r["counters"] or {}).failure) for r in runs]
    successes = [r for r, failure in outcomes if failure is None]
    last_success = successes[0] if successes else None
    if outcomes and outcomes[0][1]:
        warnings.append(f"last run {outcomes[0][0]['id']} failed: {outcomes[0][1]}")

    # yielded nothing in its last successful run(s), though it used to yield
    yields = [(r, _yield(r["counters"] or {})) for r in successes]
    yields = [(r, y) for r, y in yields if y is not None]
    empty = 0
    for _run, found in yields:
        if found:
            break
        empty += 1
    if empty and any(found for _r, found in yields[empty:]):
        warnings.append(
            f"found no articles in its last {empty} successful run(s) "
            f"(run {yields[0][0]['id']}), though it used to"
        )

    recent_runs = [r["counters"] or {} for r in runs[:ERROR_RATE_RUNS]]
    errors = sum(stat_keys.recorded_errors(c) for c in recent_runs)
    requests = sum(_count(c, "downloader/request_count") for c in recent_runs)

    cov = coverage(conn, name)
    fields: dict[str, Any] = {}
    if cov is not None:
        recent, baseline = cov["recent"], cov["baseline"]
        for field in COVERAGE_FIELDS:
            now, before = recent[field], baseline[field]
            fields[field] = {"recent": now, "baseline": before}
            if recent["n"] < MIN_RECENT or baseline["n"] < MIN_BASELINE:
                continue
            if (now < COVERAGE_FLOOR <= before) or before - now > COVERAGE_DROP:
                warnings.append(
                    f"{field} coverage fell to {now:.0%} in run {cov['run_id']} "
                    f"({recent['n']} articles) from {before:.0%} in the 7 days before "
                    f"({baseline['n']} articles)"
                )
    return {
        "last_success": last_success["started_at"].isoformat() if last_success else None,
        "last_run": runs[0]["id"] if runs else None,
        "articles_24h": new_articles_since(conn, name),
        "errors": errors,
        "requests": requests,
        "error_rate": round(errors / requests, 4) if requests else None,
        "coverage": fields,
        "coverage_articles": (
            {"recent": cov["recent"]["n"], "baseline": cov["baseline"]["n"]} if cov else None
        ),
        "warnings": warnings,
    }


def _version_order(item: tuple[str, int]) -> Any:
    from newsbot.versions import sort_key

    return sort_key(item[0])


def run(args: argparse.Namespace) -> int:
    from newsbot.storage import connect, resolve_database_url
    from newsbot.storage.status import extractor_versions, known_sources

    names: list[str] | None = None
    if args.sources:
        from newsbot.config import load_sources

        names = [s.name for s in load_sources(args.sources)]
    if args.frontier:
        return run_frontier(args, names)
    from newsbot.run.locks import dead_run_warning, find_dead_runs

    with connect(resolve_database_url()) as conn:
        report = {name: source_status(conn, name) for name in (names or known_sources(conn))}
        # a crawler killed by SIGKILL or the OOM killer leaves its run `running`: said on
        # each of its sources, so the exit code and `ok` tell cron
        for dead in find_dead_runs(conn):
            for name in dead["sources"] or []:
                if name in report:
                    report[name]["warnings"].append(dead_run_warning(dead))
        versions = extractor_versions(conn, names)
    for name, s in report.items():
        s["extractor_versions"] = versions.get(name, {})
    totals: dict[str, int] = {}
    for counts in versions.values():
        for version, n in counts.items():
            totals[version] = totals.get(version, 0) + n
    warned = any(s["warnings"] for s in report.values())
    if args.json:
        print(
            json.dumps(
                {"sources": report, "extractor_versions": totals, "ok": not warned}, indent=2
            )
        )
    else:
        from newsbot.commands.runs import format_table, timestamp

        rows: list[list[Any]] = []
        for name, s in report.items():
            rate = f"{s['error_rate']:.1%}" if s["error_rate"] is not None else "-"
            cov = ", ".join(
                f"{field} {v['recent']:.0%}"
                for field, v in s["coverage"].items()
                if v["recent"] is not None
            )
            when = s["last_success"]
            success = timestamp(datetime.fromisoformat(when)) if when else "never"
            rows.append(
                [name, success, s["articles_24h"], s["errors"], s["requests"], rate, cov or "-"]
            )
        headings = ["SOURCE", "LAST SUCCESS (UTC)", "NEW 24H", "ERRORS", "REQUESTS"]
        headings += ["ERROR RATE", "COVERAGE"]
        for line in format_table(headings, rows):
            print(line)
        if totals:
            # which code made the stored articles: `newsbot reprocess --older-than-version`
            # re-extracts those an older one made
            print()
            version_rows = [
                [version or "unknown (stored before versions were recorded)", n]
                for version, n in sorted(totals.items(), key=_version_order)
            ]
            for line in format_table(["EXTRACTOR VERSION", "ARTICLES"], version_rows):
                print(line)
        for name, s in report.items():
            for warning in s["warnings"]:
                print(f"WARNING {name}: {warning}")
    return EXIT_SOURCE_FAILED if warned else EXIT_OK
