"""`newsbot` subcommands: one module per command (group), found and registered by `newsbot.cli`.

Each module defines `register(commands)`, which adds its parser(s) to the argparse
sub-parsers and sets `run` (a function taking the parsed arguments and returning
the exit code) as a default.
"""

import argparse

from newsbot.exit_codes import (  # noqa: F401  (commands import them from here)
    EXIT_DATABASE,
    EXIT_INTERRUPTED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_SOURCE_FAILED,
    EXIT_USAGE,
)

#: log messages shown when no `--log-level` is given: warnings and errors (progress and
#: summaries print at every level)
DEFAULT_LOG_LEVEL = "WARNING"


def log_level(args: object) -> str:
    """The log level a command runs at: the one given (globally or after the command's
    name), else DEFAULT_LOG_LEVEL."""
    return getattr(args, "log_level", None) or DEFAULT_LOG_LEVEL


def add_progress_argument(parser: argparse.ArgumentParser, help: str) -> None:
    """--progress, one definition for the commands that show progress (`help` says what
    each shows); the modes are newsbot.run.progress's."""
    parser.add_argument(
        "--progress", choices=["auto", "rich", "plain", "off"], default="auto", help=help
    )
