"""One-line errors for what commands do not catch themselves (`newsbot.cli.main` uses it).

Operators get one line saying what went wrong and how to fix it, with an exit code of its
own (newsbot.exit_codes), instead of a Python traceback; `newsbot --debug` shows the
traceback as well. Database errors are told apart by their SQLSTATE class (psycopg's
exception types), files by OSError.
"""

from __future__ import annotations

import errno
import getpass
import os
import re
from pathlib import Path

import psycopg

from newsbot.errors import (
    DatabaseUnavailable,
    FileProblem,
    NewsbotError,
    NoPrivilege,
    NoSchema,
    message_of,
)
from newsbot.exit_codes import EXIT_INTERNAL

#: commands that only read newsbot's tables: a read-only role (`db grant-reader`) suffices
READING_COMMANDS = frozenset({"runs", "status", "export", "search", "story", "stories"})

_DENIED_FOR = re.compile(r"permission denied for (?P<what>\w+ .+)", re.I)


class InternalError(NewsbotError):
    """An error nobody foresaw: a bug. One line; the traceback with `--debug`."""

    exit_code = EXIT_INTERNAL


def _flat(text: object) -> str:
    return message_of(text)


def _database_url() -> str | None:
    from newsbot.storage.connection import last_database_url

    return last_database_url() or os.environ.get("NEWSBOT_DATABASE_URL")


def _where() -> str:
    from newsbot.storage import mask_url

    url = _database_url()
    return f"the database {mask_url(url)}" if url else "the database"


def _role() -> str:
    """The role the command connected as: asked of the server, else read from the URL."""
    url = _database_url()
    if url:
        from newsbot.storage import connect
        from newsbot.storage.roles import current_role

        try:
            with connect(url, autocommit=True, timeout=3) as conn:
                return current_role(conn)
        except (NewsbotError, psycopg.Error):
            pass
        try:
            user = psycopg.conninfo.conninfo_to_dict(url).get("user")
        except psycopg.Error:
            user = None
        if user:
            return str(user)
    return os.environ.get("PGUSER") or getpass.getuser()


def _no_privilege(exc: psycopg.Error, command: str | None) -> NewsbotError:
    primary = _flat(exc.diag.message_primary or exc)
    role = _role()
    match = _DENIED_FOR.search(primary)
    if command in READING_COMMANDS:
        verb = "read"
        fix = (
            f"grant it with `newsbot db grant-reader {role}` (run as the owner of newsbot's "
            "tables) or connect as the owner"
        )
    else:
        verb = "use"
        fix = (
            "connect as the role that owns newsbot's tables (the one that ran "
            "`newsbot db upgrade`) or have the owner grant it"
        )
    if match:
        what = match.group("what")
        return NoPrivilege(
            f"the database role {role!r} may not {verb} {what} (permission denied); {fix}"
        )
    return NoPrivilege(f"the database role {role!r} is not allowed to do this ({primary}); {fix}")


def _no_schema(exc: psycopg.Error) -> NewsbotError:
    primary = _flat(exc.diag.message_primary or exc)
    return NoSchema(
        f"{_where()} has no newsbot tables yet ({primary}): run `newsbot db upgrade` "
        "(or a crawl) to create them"
    )


def _file(exc: OSError) -> NewsbotError:
    name = exc.filename
    reason = exc.strerror or _flat(exc) or type(exc).__name__
    if name is None:
        return FileProblem(f"{reason}")
    path = Path(os.fsdecode(name))
    if exc.errno == errno.ENOENT and not path.parent.is_dir():
        return FileProblem(
            f"folder {path.parent} does not exist (for {path}): create it "
            f"(mkdir -p {path.parent}) or choose another path"
        )
    if exc.errno in (errno.EACCES, errno.EPERM):
        return FileProblem(
            f"{path}: permission denied: choose a path this user ({getpass.getuser()}) "
            "may use, or change its permissions"
        )
    return FileProblem(f"{path}: {reason}")


def explain(exc: BaseException, command: str | None = None) -> NewsbotError:
    """The one-line NewsbotError an operator sees for `exc`, raised by `command`."""
    if isinstance(exc, NewsbotError):
        return exc
    if isinstance(exc, psycopg.errors.InsufficientPrivilege):
        return _no_privilege(exc, command)
    if isinstance(exc, psycopg.errors.UndefinedTable):
        return _no_schema(exc)
    if isinstance(exc, psycopg.errors.UndefinedFunction) and "newsbot_" in str(exc):
        return _no_schema(exc)
    if isinstance(exc, psycopg.OperationalError):
        from newsbot.storage import mask_url

        return DatabaseUnavailable(
            f"lost {_where()}: {mask_url(_flat(exc))}. Check that the server is running "
            "and try again"
        )
    if isinstance(exc, OSError):
        return _file(exc)
    detail = _flat(exc)
    what = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
    return InternalError(
        f"unexpected error ({what}); run again with `newsbot --debug …` for the traceback "
        "and report it"
    )
