"""Errors that carry a message an operator can act on."""

from newsbot.exit_codes import (
    EXIT_DATABASE,
    EXIT_FILE,
    EXIT_LOCKED,
    EXIT_NO_PRIVILEGE,
    EXIT_NO_SCHEMA,
    EXIT_SOURCE_FAILED,
    EXIT_USAGE,
)


def message_of(error: object) -> str:
    """An error's message as one line (for log lines and one-line errors); its type's
    name when the message says nothing."""
    text = " ".join(str(error).split())
    return text or (type(error).__name__ if isinstance(error, BaseException) else "")


class NewsbotError(Exception):
    """Base class: its message is printed as one line, without a traceback."""

    exit_code = EXIT_SOURCE_FAILED


class ConfigError(NewsbotError):
    """A sources file that cannot be used; the message names file, source and key."""

    exit_code = EXIT_USAGE


class DatabaseUnavailable(NewsbotError):
    """PostgreSQL cannot be reached or used."""

    exit_code = EXIT_DATABASE


class NoPrivilege(NewsbotError):
    """The database role may not do what the command needs (permission denied)."""

    exit_code = EXIT_NO_PRIVILEGE


class NoSchema(NewsbotError):
    """The database has no newsbot tables yet."""

    exit_code = EXIT_NO_SCHEMA


class FileProblem(NewsbotError):
    """A file or folder the command reads or writes cannot be used."""

    exit_code = EXIT_FILE


class PageRejected(Exception):
    """A page that is not (or not usable as) an article; `reason` is a short stat key."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail

    def __reduce__(self) -> tuple:
        # travels back from worker processes intact (default pickling would lose `reason`)
        return (type(self), (self.reason, self.detail))


class SourceLocked(NewsbotError):
    """Another crawl (on any machine) holds a source's lock; nothing of it was fetched.

    A distinct exit code lets cron wrappers and monitoring tell "already running"
    apart from a real failure.
    """

    exit_code = EXIT_LOCKED


#: drop reasons that describe the page itself (not a bug or a transient fault): recorded in
#: dropped_pages by a crawl or an ingest, so that re-crawls skip the page until discovery
#: says it changed
KEEP_DROPPED = frozenset(
    {
        "not_html",
        "no_article_body",
        "no_title",
        "empty_page",
        "listing",
        "error_page",
        "login_wall",
        "empty",
        "too_large",
    }
)
