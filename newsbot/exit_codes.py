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
#: stopped by Ctrl-C (SIGINT)
EXIT_INTERRUPTED = 130
