"""`newsbot worker`: crawl from the shared frontier, on any number of machines."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from newsbot.commands import EXIT_INTERRUPTED, EXIT_OK
from newsbot.commands.crawl import _parse_overrides, _seconds


def _idle_seconds(text: str) -> float:
    from newsbot.worker import HEARTBEAT

    value = _seconds(text)
    if value < 2 * HEARTBEAT:
        # a worker heartbeats every HEARTBEAT s: a shorter wait could miss a busy one
        raise argparse.ArgumentTypeError(f"must be at least {2 * HEARTBEAT:g} seconds")
    return value


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "worker",
        help="distributed mode: one crawler worker on the Redis frontier (NEWSBOT_REDIS_URL)",
    )
    parser.add_argument("--sources", required=True, metavar="FILE", help="sources file (TOML)")
    parser.add_argument("names", nargs="*", metavar="NAME", help="sources (default: all)")
    parser.add_argument(
        "--until-idle",
        type=_idle_seconds,
        metavar="SECONDS",
        help="exit once the frontier has been empty and every worker idle for SECONDS "
        "(at least 1); without it the worker waits for the next round",
    )
    parser.add_argument(
        "--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"]
    )
    parser.add_argument("--log-file", metavar="FILE", help="write the log to FILE")
    parser.add_argument("--json", action="store_true", help="print a JSON summary at exit")
    parser.add_argument(
        "--progress",
        choices=["auto", "rich", "plain", "off"],
        default="auto",
        help="live progress on stderr (as for `newsbot crawl`)",
    )
    parser.add_argument(
        "-s",
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a Scrapy setting, e.g. -s CONCURRENT_REQUESTS=32",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from newsbot.config import load_sources, select_sources
    from newsbot.worker import run_worker

    select_sources(load_sources(args.sources), args.names, args.sources)  # fail fast
    report = run_worker(
        args.sources,
        args.names,
        until_idle=args.until_idle,
        log_level=args.log_level,
        log_file=args.log_file,
        overrides=_parse_overrides(args.set),
        progress=args.progress,
    )
    summary: dict[str, Any] = {
        "worker": report.worker_id,
        "rounds": report.rounds,
        "sources": {
            s.name: {
                "pages": s.count("downloader/response_count"),
                "articles_new": s.count("newsbot/store/new"),
                "articles_updated": s.count("newsbot/store/updated"),
                "reposts": s.count("newsbot/store/reposts"),
                "dropped": s.dropped,
                "errors": s.count("log_count/ERROR"),
            }
            for s in report.sources
        },
    }
    for name, row in summary["sources"].items():
        print(
            f"{name}: {row['pages']} pages, {row['articles_new']} new, "
            f"{row['articles_updated']} updated, {row['reposts']} reposts, "
            f"{row['dropped']} dropped, {row['errors']} errors",
            file=sys.stderr,
        )
    if args.json:
        print(json.dumps(summary, indent=2))
    return EXIT_INTERRUPTED if report.interrupted else EXIT_OK
