"""`newsbot db grant-reader`: a LOGIN role that can read everything and change nothing.

Roles are cluster-wide: each test uses a role of its own and drops it afterwards. The test
servers use trust (local) authentication, so the tests connect as the role without its
password; that a password was stored is checked in pg_authid instead.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from newsbot import cli
from newsbot.config import Source
from newsbot.errors import NewsbotError
from newsbot.storage import connect
from newsbot.storage.articles import ensure_sources
from newsbot.storage.roles import grant_reader, validate_role_name
from tests.support.database import drop_role


@pytest.fixture
def role(database_url: str) -> Iterator[str]:
    """A unique role name; the role (and its privileges) are removed after the test."""
    name = f"newsbot_reader_{uuid.uuid4().hex[:10]}"
    yield name
    with psycopg.connect(database_url, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
    if exists:
        drop_role(database_url, name)


def as_role(database_url: str, role: str) -> psycopg.Connection:
    params = conninfo_to_dict(database_url)
    params["user"] = role
    params.pop("password", None)
    return psycopg.connect(make_conninfo(**params), autocommit=True)


@pytest.fixture
def one_article(db: psycopg.Connection) -> None:
    ensure_sources(db, [Source("wire", feeds=("https://wire.example/rss",))])
    db.execute(
        "INSERT INTO articles (url, source, title, body, fetched_at) "
        "VALUES ('https://wire.example/1', 'wire', 'Volcano', 'Ash.', now())"
    )
    db.commit()


def test_reader_reads_and_cannot_write(
    db: psycopg.Connection, one_article: None, database_url: str, role: str
) -> None:
    report = grant_reader(db, role, "pw")
    assert report.created and report.password_set and report.warnings == []
    with as_role(database_url, role) as reader:
        assert reader.execute("SELECT title FROM articles").fetchall() == [("Volcano",)]
        for view in ("stories", "unique_articles", "reposts", "articles_per_source_day"):
            reader.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier(view))).fetchall()
        found = reader.execute(
            "SELECT id FROM articles WHERE search_vector @@ newsbot_search_query('volcano')"
        ).fetchall()
        assert len(found) == 1
        refused = [
            "INSERT INTO sources (name) VALUES ('evil')",
            "UPDATE articles SET title = 'x'",
            "DELETE FROM articles",
            "TRUNCATE article_comments",
            "CREATE TABLE mine (x int)",
            "CREATE VIEW mine AS SELECT 1",
        ]
        for statement in refused:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                reader.execute(statement)


def test_future_tables_are_readable_and_rerun_is_idempotent(
    db: psycopg.Connection, database_url: str, role: str
) -> None:
    grant_reader(db, role, "pw")
    db.execute("CREATE TABLE later_migration (x int)")
    db.execute("INSERT INTO later_migration VALUES (7)")
    db.commit()
    try:
        with as_role(database_url, role) as reader:
            assert reader.execute("SELECT x FROM later_migration").fetchall() == [(7,)]
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                reader.execute("INSERT INTO later_migration VALUES (8)")
        # a role that was given too much is made read-only again; running twice is harmless
        db.execute(sql.SQL("GRANT INSERT ON articles TO {}").format(sql.Identifier(role)))
        db.commit()
        again = grant_reader(db, role)
        assert not again.created
        assert grant_reader(db, role).warnings == []
        privileges = db.execute(
            "SELECT has_table_privilege(%s, 'articles', 'INSERT') AS ins, "
            "has_table_privilege(%s, 'articles', 'SELECT') AS sel",
            (role, role),
        ).fetchone()
        assert privileges == {"ins": False, "sel": True}
    finally:
        db.execute("DROP TABLE later_migration")
        db.commit()


def test_cli_grant_reader_with_password_file(
    database_url: str,
    role: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    secret = f"s3cret-{uuid.uuid4().hex}"
    password_file = tmp_path / "pw"
    password_file.write_text(secret + "\nignored second line\n")
    monkeypatch.setenv("NEWSBOT_DATABASE_URL", database_url)
    args = ["db", "grant-reader", role, "--password-file", str(password_file)]
    assert cli.main(args) == 0
    assert cli.main(args) == 0  # idempotent
    out = capsys.readouterr()
    assert secret not in out.out + out.err
    assert f"role {role}: created, password set" in out.out
    assert f"role {role}: already existed, password set" in out.out
    with connect(database_url) as conn:
        stored = conn.execute(
            "SELECT rolcanlogin, rolpassword FROM pg_authid WHERE rolname = %s", (role,)
        ).fetchone()
        assert stored is not None and stored["rolcanlogin"]
        # hashed on the client: the server never saw (nor stored) the clear text
        assert stored["rolpassword"].startswith("SCRAM-SHA-256$")
        verified = conn.execute(
            "SELECT has_database_privilege(%s, current_database(), 'CONNECT') AS c, "
            "has_schema_privilege(%s, 'public', 'CREATE') AS create_in_public",
            (role, role),
        ).fetchone()
        assert verified == {"c": True, "create_in_public": False}
    with as_role(database_url, role) as reader:
        assert reader.execute("SELECT current_user").fetchone() == (role,)


def test_bad_names_and_superusers_are_refused(
    db: psycopg.Connection, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for bad in ("", "pg_reader", "x" * 64, " padded"):
        with pytest.raises(NewsbotError):
            validate_role_name(bad)
    # a name needing quotes is fine: it only ever reaches SQL as an identifier
    assert validate_role_name('Ana"lyst; DROP TABLE articles') == 'Ana"lyst; DROP TABLE articles'
    me = db.execute("SELECT current_user AS u").fetchone()["u"]  # type: ignore[index]
    with pytest.raises(NewsbotError, match="running this command"):
        grant_reader(db, me)
    monkeypatch.setenv("NEWSBOT_DATABASE_URL", database_url)
    assert cli.main(["db", "grant-reader", "pg_monitor"]) == 2


def test_quoted_role_name(db: psycopg.Connection, database_url: str) -> None:
    name = f'Reader "{uuid.uuid4().hex[:6]}"; DROP TABLE articles'
    try:
        grant_reader(db, name, "pw")
        assert db.execute("SELECT to_regclass('articles') IS NOT NULL AS ok").fetchone() == {
            "ok": True
        }
        with as_role(database_url, name) as reader:
            assert reader.execute("SELECT count(*) FROM articles").fetchone() is not None
    finally:
        drop_role(database_url, name)


def test_login_role_without_password_is_refused(
    database_url: str,
    role: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("NEWSBOT_DATABASE_URL", database_url)
    assert cli.main(["db", "grant-reader", role]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "without a password" in err and "--password-file" in err and "--no-login" in err
    with connect(database_url) as conn:
        assert conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() is None


def test_no_login_role_is_created_without_password(
    database_url: str,
    role: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("NEWSBOT_DATABASE_URL", database_url)
    assert cli.main(["db", "grant-reader", role, "--no-login"]) == 0
    assert f"role {role}: created, without login" in capsys.readouterr().out
    with connect(database_url) as conn:
        row = conn.execute(
            "SELECT rolcanlogin, has_table_privilege(%s, 'articles', 'SELECT') AS sel "
            "FROM pg_roles WHERE rolname = %s",
            (role, role),
        ).fetchone()
        assert row == {"rolcanlogin": False, "sel": True}
    with pytest.raises(psycopg.OperationalError):  # a role without login cannot connect
        as_role(database_url, role)
    password_file = tmp_path / "pw"
    password_file.write_text("secret\n")
    both = ["db", "grant-reader", role, "--nologin", "--password-file", str(password_file)]
    assert cli.main(both) == 2
    assert "exclude each other" in capsys.readouterr().err
