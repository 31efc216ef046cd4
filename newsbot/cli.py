"""The `newsbot` command line (also `python -m newsbot`).

Commands live in `newsbot.commands`, one module each. Exit codes: 0 success; 1 a
source failed (the others still ran); 2 bad usage or a bad sources file; 3 the
database cannot be reached; 4 a source was skipped because another crawl holds it;
5 the database role lacks a privilege; 6 the database has no newsbot tables yet; 7 a file
or folder cannot be used; 8 an unexpected error; 130 interrupted (newsbot.exit_codes).
Errors are one line (newsbot.oneline); `--debug` adds the traceback.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import traceback

from newsbot import __version__, commands
from newsbot.commands import DEFAULT_LOG_LEVEL, EXIT_INTERRUPTED

#: `--log-level` choices (Scrapy's and newsbot's log; progress and summaries always print)
LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsbot",
        description="Crawl news sites and blogs into clean, dated, de-duplicated articles.",
        epilog="Database: NEWSBOT_DATABASE_URL (libpq URL), else an embedded PostgreSQL "
        "with its data in NEWSBOT_PGDATA or /var/tmp/newsbot-<user>/pgdata.",
    )
    parser.add_argument("--version", action="version", version=f"newsbot {__version__}")
    parser.add_argument(
        "--debug",
        action="store_true",
        help="show the Python traceback of an error (else: one line with its fix)",
    )
    parser.add_argument(
        "--log-level",
        type=str.upper,
        choices=LOG_LEVELS,
        default=None,  # unset: DEFAULT_LOG_LEVEL (cron-run's crawl logs everything: INFO)
        help=f"log messages shown (default {DEFAULT_LOG_LEVEL}: warnings and errors; progress "
        "and summaries print at every level); commands that crawl also take it after their name",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("newsbot: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # one line for the operator; the traceback with --debug
        from newsbot.oneline import explain

        error = explain(exc, args.command)
        if args.debug:
            traceback.print_exc()
        print(f"newsbot: {error}", file=sys.stderr)
        return error.exit_code


if __name__ == "__main__":
    raise SystemExit(main())
