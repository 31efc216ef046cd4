"""`newsbot` subcommands: one module per command (group), found and registered by `newsbot.cli`.

Each module defines `register(commands)`, which adds its parser(s) to the argparse
sub-parsers and sets `run` (a function taking the parsed arguments and returning
the exit code) as a default.
"""

EXIT_OK = 0
#: a source failed; the other sources still ran
EXIT_SOURCE_FAILED = 1
#: bad usage or a bad sources file (nothing was fetched)
EXIT_USAGE = 2
#: the database cannot be reached
EXIT_DATABASE = 3
#: a source was skipped: another crawl (on any machine) holds its lock
EXIT_LOCKED = 4
EXIT_INTERRUPTED = 130
