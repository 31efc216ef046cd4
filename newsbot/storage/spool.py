"""A local spool for articles the database could not take: nothing extracted is lost.

When PostgreSQL goes away mid-crawl (connections killed, server restarted), the store
pipeline appends the batch it could not write here, one JSON object per line, fsynced.
The spool is drained through `save_batch` as soon as the database answers again: later
in the same run, else when the next run for the same database and source opens.

Replaying is safe after a partial write: rows are keyed by URL and `save_batch` upserts,
so an article already stored comes back "unchanged" and is never stored twice. The file
is removed only after every line in it was written.

One file per database + source, under $NEWSBOT_SPOOL_DIR (default
/var/tmp/newsbot-<user>/spool). The threads of one process share a file, and so do
the `newsbot worker`s of one machine, which crawl a source together: a thread lock and
an flock on ``<file>.lock`` serialise them, so a drain that removes the file never
removes what another process appended after it was read.
"""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import hashlib
import json
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from types import UnionType
from typing import Any, Union, get_args, get_origin, get_type_hints

import psycopg
from psycopg.conninfo import conninfo_to_dict

from newsbot.items import Article, Hints, PageDate, fields_of
from newsbot.storage.articles import save_batch

ENV_DIR = "NEWSBOT_SPOOL_DIR"

#: one lock per spool file, shared by every Spool object of this process
_LOCKS: dict[Path, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def spool_dir() -> Path:
    explicit = os.environ.get(ENV_DIR)
    if explicit:
        return Path(explicit)
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = str(os.getuid())
    return Path("/var/tmp") / f"newsbot-{user}" / "spool"


def database_key(database_url: str) -> str:
    """A file-name-safe name for the database: its name plus a hash of where it lives."""
    try:
        params = conninfo_to_dict(database_url)
    except psycopg.Error:
        params = {"dsn": database_url}
    where = "|".join(str(params.get(k, "")) for k in ("host", "hostaddr", "port", "dbname", "dsn"))
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(params.get("dbname") or "db"))[:40]
    return f"{name}-{hashlib.sha256(where.encode()).hexdigest()[:10]}"


def _types() -> dict[str, Any]:
    """Each Article field's type, `X | None` read as X."""
    types = {}
    for name, hint in get_type_hints(Article).items():
        args = [a for a in get_args(hint) if a is not type(None)]
        types[name] = args[0] if get_origin(hint) in (UnionType, Union) and len(args) == 1 else hint
    return types


_TYPES = _types()
#: the spooled Article fields (metadata "spool"): what the store reads, no html, blocks...
_SPOOLED = [f.name for f in fields_of("spool")]
#: those written as they are, then those converted (the order of the file's keys)
_PLAIN = [n for n in _SPOOLED if _TYPES[n] not in (datetime, PageDate, Hints)]
_CONVERTED = [n for n in _SPOOLED if _TYPES[n] in (datetime, PageDate)]
#: the hints, whole (stored as discovery_hints); spools written before that kept only
#: the discovery lastmod, as "hints_modified", which is still read
_HINTS = [n for n in _SPOOLED if _TYPES[n] is Hints]


def _dump(kind: type, value: Any) -> Any:
    if kind is PageDate:
        if value is None:
            return None
        return {
            "value": value.value.isoformat(),
            "precision": value.precision,
            "evidence": value.evidence,
        }
    return value.isoformat()  # a datetime


def _load(kind: type, value: Any) -> Any:
    if kind is PageDate:
        if not value:
            return None
        return PageDate(
            datetime.fromisoformat(value["value"]), value["precision"], value["evidence"]
        )
    return datetime.fromisoformat(value)


def to_record(article: Article, run_id: int | None = None) -> dict[str, Any]:
    record: dict[str, Any] = {name: getattr(article, name) for name in _PLAIN}
    for name in _CONVERTED:
        record[name] = _dump(_TYPES[name], getattr(article, name))
    for name in _HINTS:
        record[name] = getattr(article, name).as_json()
    record["run_id"] = run_id
    return record


def from_record(record: dict[str, Any]) -> tuple[Article, int | None]:
    """The article of a spool line (TypeError when a field without default is missing)."""
    values: dict[str, Any] = {}
    for name in _PLAIN:
        if name in record:
            values[name] = record[name]
    for name in _CONVERTED:
        if name in record:
            values[name] = _load(_TYPES[name], record[name])
    for name in _HINTS:
        if name in record:
            values[name] = Hints.from_json(record[name])
        else:
            values[name] = Hints(modified=record.get(f"{name}_modified"))
    article = Article(**{"html": "", **values})
    return article, record.get("run_id")


class Spool:
    """The spool file of one database + source."""

    def __init__(self, database_url: str, source: str, directory: Path | str | None = None):
        safe_source = re.sub(r"[^A-Za-z0-9_.-]+", "_", source)
        self.directory = Path(directory) if directory is not None else spool_dir()
        self.path = self.directory / f"{database_key(database_url)}--{safe_source}.jsonl"
        with _LOCKS_GUARD:
            self._lock = _LOCKS.setdefault(self.path, threading.Lock())
        #: articles the last drain found the database would never take
        self.rejected = 0

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """This process's threads, then the other processes on this machine, one at a time."""
        with self._lock:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(
                self.path.with_name(self.path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600
            )
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                os.close(fd)  # releases the flock

    def append(self, articles: Iterable[Article], run_id: int | None = None) -> int:
        """Append articles durably (written and fsynced before returning); how many."""
        lines = [
            json.dumps(to_record(a, run_id), ensure_ascii=False, separators=(",", ":")) + "\n"
            for a in articles
        ]
        if not lines:
            return 0
        with self._locked():
            created = not self.path.exists()
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            with os.fdopen(fd, "a", encoding="utf-8") as out:
                out.writelines(lines)
                out.flush()
                os.fsync(out.fileno())
            if created:  # the new directory entry must survive a crash too
                dir_fd = os.open(self.directory, os.O_RDONLY)
                try:
                    os.fsync(dir_fd)
                finally:
                    os.close(dir_fd)
        return len(lines)

    def _read(self) -> list[tuple[Article, int | None]]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        entries = []
        for line in text.splitlines():
            if not line.strip():
                continue
            try:
                entries.append(from_record(json.loads(line)))
            except (ValueError, KeyError, TypeError):
                # a line torn by a crash while appending: its batch was never acknowledged
                continue
        return entries

    def pending(self) -> int:
        """How many articles wait in the spool."""
        with self._locked():
            return len(self._read())

    def drain(
        self,
        conn_factory: Callable[[], psycopg.Connection],
        *,
        run_id: int | None = None,
    ) -> int:
        """Write every spooled article through `save_batch`; how many were stored.

        An article the database refuses for good (a constraint violation) is logged
        by `save_batch`, counted in `self.rejected` and not kept.

        The file is removed only once all of them were written; on any error it is
        left as it was and the error is raised, so a later drain replays it (safely:
        the upserts are idempotent). `run_id` replaces the run recorded with each
        article when given. Appends from other threads wait while a drain runs.
        """
        with self._locked():
            entries = self._read()
            if not entries:
                self.path.unlink(missing_ok=True)
                return 0
            self.rejected = 0
            results = []
            conn = conn_factory()
            try:
                # consecutive articles of one run go in one call
                group: list[Article] = []
                group_run: int | None = None
                for article, spooled_run in entries:
                    wanted = run_id if run_id is not None else spooled_run
                    if group and wanted != group_run:
                        results += save_batch(conn, group, group_run)
                        group = []
                    group.append(article)
                    group_run = wanted
                if group:
                    results += save_batch(conn, group, group_run)
            finally:
                conn.close()
            self.path.unlink(missing_ok=True)
            self.rejected = sum(1 for r in results if r.outcome == "failed")
            return len(results) - self.rejected
