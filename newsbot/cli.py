"""The `newsbot` command line (also `python -m newsbot`).

Commands live in `newsbot.commands`, one module each. Exit codes: 0 success; 1 a
source failed (the others still ran); 2 bad usage or a bad sources file; 3 the
database cannot be reached; 4 a source was skipped because another crawl holds it;
130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from newsbot import __version__, commands
from newsbot.commands import EXIT_INTERRUPTED
from newsbot.errors import NewsbotError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsbot",
        description="Crawl news sites and blogs into clean, dated, de-duplicated articles.",
        epilog="Database: NEWSBOT_DATABASE_URL (libpq URL), else an embedded PostgreSQL "
        "with its data in NEWSBOT_PGDATA or /var/tmp/newsbot-<user>/pgdata.",
    )
    parser.add_argument("--version", action="version", version=f"newsbot {__version__}")
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
    except NewsbotError as exc:
        print(f"newsbot: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("newsbot: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    raise SystemExit(main())
