"""The exit codes of every `newsbot` command, in one place (a contract: cron wrappers and
monitoring read them)."""

EXIT_OK = 0
#: a source failed; the other sources still ran
EXIT_SOURCE_FAILED = 1
#: bad usage or a bad sources file (nothing was fetched)
EXIT_USAGE = 2
#: the database (or, in distributed mode, Redis) cannot be reached
EXIT_DATABASE = 3
#: a source was skipped: another crawl (on any machine) holds its lock
EXIT_LOCKED = 4
#: the database role lacks a privilege the command needs (permission denied)
EXIT_NO_PRIVILEGE = 5
#: the database has no newsbot tables yet (`newsbot db upgrade` creates them)
EXIT_NO_SCHEMA = 6
#: a file or folder the command reads or writes cannot be used (missing folder, permissions…)
EXIT_FILE = 7
#: an unexpected error (a bug): one line, the traceback with `newsbot --debug`
EXIT_INTERNAL = 8
#: stopped by Ctrl-C (SIGINT): what was extracted is stored, the run recorded `interrupted`
EXIT_INTERRUPTED = 130
#: stopped by SIGTERM (`kill`, `systemctl stop`): as for SIGINT (it was 130 before)
EXIT_TERMINATED = 143


def stopped_exit_code(signum: int | None) -> int:
    """The exit code of a crawl stopped by the signal `signum` (2: SIGINT, 15: SIGTERM)."""
    return EXIT_TERMINATED if signum == 15 else EXIT_INTERRUPTED
