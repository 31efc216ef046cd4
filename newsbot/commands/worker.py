"""`newsbot worker`: crawl from the shared frontier, on any number of machines."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from newsbot.commands import EXIT_OK, log_level
from newsbot.commands.crawl import (
    add_crawl_options,
    interrupted_message,
    parse_overrides,
    seconds_arg,
    summary_line,
)
from newsbot.exit_codes import stopped_exit_code


def _idle_seconds(text: str) -> float:
    from newsbot.run.distributed_worker import HEARTBEAT

    value = seconds_arg(text)
    if value < 2 * HEARTBEAT:
        # a worker heartbeats every HEARTBEAT s: a shorter wait could miss a busy one
        raise argparse.ArgumentTypeError(f"must be at least {2 * HEARTBEAT:g} seconds")
    return value


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "worker",
        help="distributed mode: one crawler worker on the Redis frontier (NEWSBOT_REDIS_URL)",
    )
    add_crawl_options(parser, what="sources to work on")
    parser.add_argument(
        "--until-idle",
        type=_idle_seconds,
        metavar="SECONDS",
        help="exit once the frontier has been empty and every worker idle for SECONDS "
        "(at least 1); without it the worker waits for the next round",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from newsbot.config import load_sources, select_sources
    from newsbot.run.distributed_worker import run_worker
    from newsbot.run.runner import source_row

    select_sources(load_sources(args.sources), args.names, args.sources)  # fail fast
    report = run_worker(
        args.sources,
        args.names,
        until_idle=args.until_idle,
        log_level=log_level(args),
        log_file=args.log_file,
        overrides=parse_overrides(args.set),
        progress=args.progress,
    )
    summary: dict[str, Any] = {
        "worker": report.worker_id,
        "rounds": report.rounds,
        "sources": {s.name: source_row(s) for s in report.sources},
    }
    for name, row in summary["sources"].items():
        print(summary_line(name, row), file=sys.stderr)
    if args.json:
        print(json.dumps(summary, indent=2))
    if report.interrupted:
        print(f"newsbot: {interrupted_message(report.stopped_by)}", file=sys.stderr)
        return stopped_exit_code(report.stopped_by)
    return EXIT_OK
