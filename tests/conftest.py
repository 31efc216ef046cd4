"""Shared fixtures: a real PostgreSQL database per test session.

NEWSBOT_TEST_DATABASE_URL points at a server to use (a fresh database is created
on it and dropped afterwards); without it, the embedded server is started with
its data under /var/tmp, apart from the operator's own data.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from newsbot.storage import connect, upgrade
from tests.support.cli import kill_strays
from tests.support.database import scratch_database
from tests.support.redisserver import redis_available, redis_server

ROOT = Path(__file__).resolve().parent.parent
PAGES = Path(__file__).resolve().parent / "pages"


def _server_url() -> str:
    url = os.environ.get("NEWSBOT_TEST_DATABASE_URL")
    if url:
        return url
    from newsbot.storage.embedded import default_data_dir, embedded_server_url

    data_dir = Path(
        os.environ.get("NEWSBOT_TEST_PGDATA") or default_data_dir().with_name("pgdata-tests")
    )
    return embedded_server_url(data_dir, announce=False)


@pytest.fixture(scope="session")
def pg_server() -> str:
    """URL of the test PostgreSQL server, for tests that need databases of their own."""
    return _server_url()


@pytest.fixture(scope="session")
def database_url(pg_server: str) -> Iterator[str]:
    """URL of a fresh, migrated database that lives for the test session."""
    with scratch_database(pg_server, "newsbot_test") as url:
        with connect(url) as conn:
            upgrade(conn)
            conn.commit()
        yield url


@pytest.fixture
def db(database_url: str) -> Iterator[psycopg.Connection]:
    """A connection to an empty schema (tables truncated before each test)."""
    with connect(database_url) as conn:
        conn.execute(
            "TRUNCATE articles, article_comments, crawl_runs, sources, reprocess_runs, "
            "ingested_files RESTART IDENTITY CASCADE"
        )
        conn.commit()
        yield conn


@pytest.fixture
def fetched_at() -> datetime:
    return datetime(2024, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A private redis-server on a free port for one test (skipped without one)."""
    if why := redis_available():
        pytest.skip(why)
    with redis_server() as url:
        yield url


@pytest.fixture(autouse=True)
def _no_stray_sessions() -> Iterator[None]:
    """Commands a test started with tests.support.cli.start_in_session do not outlive it."""
    yield
    kill_strays()
