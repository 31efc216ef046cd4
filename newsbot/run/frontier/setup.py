"""What `newsbot enqueue` and `newsbot worker` both do first."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from newsbot.config import Source, load_sources, select_sources
from newsbot.run import frontier
from newsbot.storage import connect, resolve_database_url, upgrade
from newsbot.storage.articles import ensure_sources


@dataclass
class Shared:
    """The named sources, registered in the database, and the shared frontier."""

    sources: list[Source]
    front: frontier.Frontier
    redis_url: str
    database_url: str


def open_shared(
    sources_file: str | Path,
    names: list[str] | tuple[str, ...],
    database_url: str | None,
    redis_url: str | None,
) -> Shared:
    """Load the sources, reach Redis and PostgreSQL (migrated, sources recorded)."""
    sources = select_sources(load_sources(sources_file), list(names), sources_file)
    url = frontier.redis_url(redis_url)
    front = frontier.Frontier(frontier.connect(url))
    database_url = resolve_database_url(database_url)
    with connect(database_url) as conn:
        upgrade(conn)
        ensure_sources(conn, sources)
    return Shared(sources, front, url, database_url)
