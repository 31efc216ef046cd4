"""`newsbot search "query"`: full-text search over stored articles, best matches first."""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap

from newsbot.commands import EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    from newsbot.commands.export import add_filter_arguments

    search = commands.add_parser(
        "search",
        help="full-text search over stored articles",
        description="Search titles, leads and bodies. Query syntax: words (all must match), "
        '"exact phrase", or, -excluded. Ranked by ts_rank_cd (title > lead > body).',
    )
    search.add_argument("query", help="e.g. 'kosovo \"border crossing\" -football'")
    add_filter_arguments(search)
    search.add_argument(
        "--limit", type=_positive, default=20, metavar="N", help="at most N results (20)"
    )
    search.add_argument("--json", action="store_true", help="one JSON object per line")
    search.set_defaults(run=run)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def run(args: argparse.Namespace) -> int:
    from newsbot.commands.export import filter_from_args
    from newsbot.storage import connect, resolve_database_url
    from newsbot.storage.search import search

    with connect(resolve_database_url()) as conn:
        hits = search(conn, args.query, filter_from_args(args), limit=args.limit)
    try:
        for number, hit in enumerate(hits, 1):
            if args.json:
                print(json.dumps(hit.as_json(), ensure_ascii=False))
                continue
            day = hit.published_at.strftime("%Y-%m-%d %H:%M") if hit.published_at else "undated"
            print(f"{number:>3}. #{hit.id}  {day}  {hit.source}  {hit.title or '(no title)'}")
            snippet = " ".join(hit.headline.split())
            print(textwrap.indent(textwrap.fill(snippet, 96), "     "))
            if hit.duplicate_of is not None:
                print(
                    f"     repost of #{hit.duplicate_of} ({hit.original_source}): "
                    f"{hit.original_title or hit.original_url}"
                )
            if hit.matched_copies > 1:
                print(f"     {hit.matched_copies} copies of this story matched")
        if not hits and not args.json:
            print("no matches", file=sys.stderr)
        sys.stdout.flush()
    except BrokenPipeError:  # `newsbot search … | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK
