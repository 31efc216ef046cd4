"""Errors that carry a message an operator can act on."""


class NewsbotError(Exception):
    """Base class: its message is printed as one line, without a traceback."""

    exit_code = 1


class ConfigError(NewsbotError):
    """A sources file that cannot be used; the message names file, source and key."""

    exit_code = 2


class DatabaseUnavailable(NewsbotError):
    """PostgreSQL cannot be reached or used."""

    exit_code = 3


class PageRejected(Exception):
    """A page that is not (or not usable as) an article; `reason` is a short stat key."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail

    def __reduce__(self) -> tuple:
        # travels back from worker processes intact (default pickling would lose `reason`)
        return (type(self), (self.reason, self.detail))


#: exit code of `newsbot crawl` when a source was not crawled because another run holds it
EXIT_LOCKED = 4


class SourceLocked(NewsbotError):
    """Another crawl (on any machine) holds a source's lock; nothing of it was fetched.

    A distinct exit code lets cron wrappers and monitoring tell "already running"
    apart from a real failure.
    """

    exit_code = EXIT_LOCKED
