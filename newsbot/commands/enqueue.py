"""`newsbot enqueue`: push sources' entry points into the shared frontier (a round)."""

from __future__ import annotations

import argparse
import json
import sys

from newsbot.commands import EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "enqueue",
        help="distributed mode: push the sources' entry points into the Redis frontier "
        "(NEWSBOT_REDIS_URL) for `newsbot worker` processes",
    )
    parser.add_argument("--sources", required=True, metavar="FILE", help="sources file (TOML)")
    parser.add_argument("names", nargs="*", metavar="NAME", help="sources (default: all)")
    parser.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from newsbot.run.frontier.enqueue import enqueue

    done = enqueue(args.sources, args.names, command=" ".join(["newsbot", *sys.argv[1:]]))
    total = sum(done.requests.values())
    how = "joined running round" if done.joined else "round"
    print(
        f"{how} {done.round_id}: {total} entry points of {len(done.requests)} sources enqueued; "
        f"{done.pending} requests in the frontier",
        file=sys.stderr,
    )
    if args.json:
        summary = {
            "round": done.round_id,
            "joined": done.joined,
            "enqueued": done.requests,
            "frontier_pending": done.pending,
        }
        print(json.dumps(summary, indent=2))
    return EXIT_OK
