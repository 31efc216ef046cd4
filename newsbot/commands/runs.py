"""`newsbot runs`: the latest crawl runs and what each source did in them."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime, timedelta
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
        "errors": stat_keys.recorded_errors(counters),
        "requests": count("downloader/request_count"),
        "finish_reason": counters.get("finish_reason"),
        "failure": report.failure if counters else None,
    }


def format_table(headings: list[str], rows: list[list[Any]]) -> list[str]:
    """Aligned columns under their headings (numbers right-aligned), no trailing spaces."""
    cells = [[str(c) for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headings)]
    numeric = [
        bool(rows) and all(isinstance(row[i], int) or row[i] in ("-", "") for row in rows)
        for i in range(len(headings))
    ]

    def line(values: list[str]) -> str:
        return "  ".join(
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ).rstrip()

    return [line(headings), *(line(r) for r in cells)]


def timestamp(value: datetime | None) -> str:
    """A time for the text output: UTC, to the second."""
    if value is None:
        return "-"
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


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
    table: list[list[Any]] = []
    for r, row in zip(runs, rows, strict=True):
        first = [r["id"], timestamp(row["started_at"]), _duration(row["duration"]), r["status"]]
        figures = [
            [
                name,
                s["new"],
                s["updated"],
                s["reposts"],
                s["dropped"],
                s["errors"],
                s["failure"]
                or s["finish_reason"]
                or (r["finish_reason"] if r["status"] != "running" else "running")
                or "no counters",
            ]
            for name, s in r["sources"].items()
        ] or [["-", "-", "-", "-", "-", "-", r["finish_reason"] or "-"]]
        for i, source in enumerate(figures):
            table.append((first if i == 0 else ["", "", "", ""]) + source)
    if runs:
        headings = ["RUN", "STARTED (UTC)", "DURATION", "STATUS", "SOURCE", "NEW", "UPDATED"]
        headings += ["REPOSTS", "DROPPED", "ERRORS", "REASON"]
        for line in format_table(headings, table):
            print(line)
    if not runs:
        print("no runs recorded")
    return EXIT_OK
