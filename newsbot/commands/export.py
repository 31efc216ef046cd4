"""`newsbot export`: every stored article (or a selection) as JSON lines, CSV or Parquet."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from newsbot.commands import EXIT_OK

if TYPE_CHECKING:
    from newsbot.storage.export import ArticleFilter


def register(commands: argparse._SubParsersAction) -> None:
    export = commands.add_parser(
        "export",
        help="export stored articles (jsonl, csv, parquet)",
        description="Stream articles in id order, reposts included with their duplicate_of "
        "(--unique: originals only). Timestamps ISO 8601 UTC; in CSV, authors and tags are "
        "JSON arrays.",
    )
    export.add_argument("--format", required=True, choices=["jsonl", "csv", "parquet"])
    add_filter_arguments(export)
    export.add_argument(
        "--out", metavar="FILE", help="write to FILE (default: stdout; parquet needs a file)"
    )
    export.set_defaults(run=run)


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    """--source, --since, --until, --unique: shared by `export` and `search`."""
    from newsbot.storage.export import parse_time_bound

    def bound(end: bool, text: str) -> datetime:
        try:
            return parse_time_bound(text, end=end)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    parser.add_argument("--source", metavar="NAME", help="only articles of this source")
    parser.add_argument(
        "--since",
        type=partial(bound, False),
        metavar="DATE",
        help="published at or after DATE (YYYY-MM-DD or ISO 8601; UTC unless an offset is given)",
    )
    parser.add_argument(
        "--until",
        type=partial(bound, True),
        metavar="DATE",
        help="published before the end of DATE (a day is included), or before a given time",
    )
    parser.add_argument(
        "--unique", action="store_true", help="one row per story (originals, not reposts)"
    )


def filter_from_args(args: argparse.Namespace) -> ArticleFilter:
    """The ArticleFilter the filter options describe (imported late: fast CLI start)."""
    from newsbot.storage.export import ArticleFilter

    return ArticleFilter(source=args.source, since=args.since, until=args.until, unique=args.unique)


def run(args: argparse.Namespace) -> int:
    from newsbot.storage import connect, resolve_database_url
    from newsbot.storage.export import ExportError, export

    if args.format == "parquet" and not args.out:
        raise ExportError("--format parquet needs --out FILE (Parquet cannot be streamed)")
    out = Path(args.out) if args.out else None
    if out is not None and not out.parent.is_dir():
        from newsbot.errors import FileProblem

        raise FileProblem(
            f"cannot write {out}: folder {out.parent} does not exist "
            f"(create it with `mkdir -p {out.parent}` or choose another --out)"
        )
    with connect(resolve_database_url()) as conn:
        try:
            count = export(conn, args.format, filter_from_args(args), out, stdout=sys.stdout)
            sys.stdout.flush()
        except BrokenPipeError:  # `newsbot export … | head`: not an error
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return EXIT_OK
    where = str(out) if out else "stdout"
    print(f"exported {count} article(s) as {args.format} to {where}", file=sys.stderr)
    return EXIT_OK
