"""`newsbot runs`: the latest crawl runs and what each source did in them."""

from __future__ import annotations

import argparse
import json
from datetime import timedelta
from typing import Any

from newsbot import stats as stat_keys
from newsbot.commands import EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("runs", help="list recent crawl runs (crawl_runs)")
    parser.add_argument("--limit", type=int, default=20, metavar="N", help="runs to show (20)")
    parser.add_argument("--source", metavar="NAME", help="only runs that crawled this source")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(run=run)


def source_summary(counters: dict[str, Any]) -> dict[str, Any]:
    """One source's figures in a run, from its recorded counters."""

    def count(key: str) -> int:
        value = counters.get(key, 0)
        return int(value) if isinstance(value, int | float) else 0

    from newsbot.run.runner import SourceReport

    report = SourceReport("", counters)
    return {
        "new": count(stat_keys.STORE_NEW),
        "updated": count(stat_keys.STORE_UPDATED),
        "reposts": count(stat_keys.STORE_REPOSTS),
        "dropped": report.dropped,
        "errors": count("log_count/ERROR"),
        "requests": count("downloader/request_count"),
        "finish_reason": counters.get("finish_reason"),
        "failure": report.failure if counters else None,
    }


def _duration(value: timedelta | None) -> str:
    if value is None:
        return "-"
    seconds = int(value.total_seconds())
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def run(args: argparse.Namespace) -> int:
    from newsbot.storage import connect, resolve_database_url
    from newsbot.storage.status import recent_runs

    with connect(resolve_database_url()) as conn:
        rows = recent_runs(conn, max(1, args.limit), args.source)
    runs = [
        {
            "id": r["id"],
            "started_at": r["started_at"].isoformat(),
            "finished_at": r["finished_at"].isoformat() if r["finished_at"] else None,
            "duration_seconds": round(r["duration"].total_seconds(), 3),
            "status": r["status"],
            "finish_reason": r["finish_reason"],
            "host": r["host"],
            "pid": r["pid"],
            "sources": {
                name: source_summary((r["counters"] or {}).get(name) or {})
                for name in (r["sources"] or [])
                if args.source in (None, name)
            },
        }
        for r in rows
    ]
    if args.json:
        print(json.dumps({"runs": runs}, indent=2))
        return EXIT_OK
    for r, row in zip(runs, rows, strict=True):
        started = row["started_at"].strftime("%Y-%m-%d %H:%M:%S %Z")
        print(
            f"run {r['id']}  {started}  {_duration(row['duration'])}  {r['status']}"
            f"  {r['finish_reason'] or ''}".rstrip()
        )
        for name, s in r["sources"].items():
            print(
                f"  {name}: {s['new']} new, {s['updated']} updated, {s['reposts']} reposts, "
                f"{s['dropped']} dropped, {s['errors']} errors"
                f" ({s['failure'] or s['finish_reason'] or 'no counters'})"
            )
    if not runs:
        print("no runs recorded")
    return EXIT_OK
