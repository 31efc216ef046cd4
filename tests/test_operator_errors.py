"""One-line errors: what an operator sees when the database or a path is not usable.

Each case prints one line (`newsbot: …`) with its fix and exits with its own code
(newsbot.exit_codes); no Python traceback unless `newsbot --debug` asks for one.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from newsbot import cli, commands
from newsbot.exit_codes import (
    EXIT_FILE,
    EXIT_INTERNAL,
    EXIT_NO_PRIVILEGE,
    EXIT_NO_SCHEMA,
    EXIT_USAGE,
)
from tests.support.database import drop_role, scratch_database


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert lines[0].startswith("newsbot: ")
    return lines[0]


@pytest.fixture
def empty_database(pg_server: str) -> Iterator[str]:
    """A database without newsbot's tables (nobody ran `db upgrade` or a crawl)."""
    with scratch_database(pg_server, "newsbot_empty") as url:
        yield url


@pytest.fixture
def no_grants_role(database_url: str) -> Iterator[tuple[str, str]]:
    """A login role granted nothing on newsbot's tables, and the URL connecting as it."""
    name = f"newsbot_nobody_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(database_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name)))
    params = conninfo_to_dict(database_url)
    params["user"] = name
    params.pop("password", None)
    try:
        yield name, make_conninfo(**params)
    finally:
        drop_role(database_url, name)


@pytest.mark.parametrize(
    "command",
    [["runs"], ["status"], ["export", "--format", "jsonl"], ["search", "volcano"]],
    ids=lambda c: c[0],
)
def test_missing_tables_is_one_line(
    command: list[str],
    empty_database: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("NEWSBOT_DATABASE_URL", empty_database)
    assert cli.main(command) == EXIT_NO_SCHEMA
    line = one_line(capsys.readouterr().err)
    assert "newsbot db upgrade" in line
    assert "no newsbot tables yet" in line or "no search index yet" in line


@pytest.mark.parametrize(
    "command",
    [["runs"], ["status"], ["export", "--format", "csv"], ["search", "volcano"]],
    ids=lambda c: c[0],
)
def test_role_without_privilege_is_one_line(
    command: list[str],
    no_grants_role: tuple[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    role, url = no_grants_role
    monkeypatch.setenv("NEWSBOT_DATABASE_URL", url)
    assert cli.main(command) == EXIT_NO_PRIVILEGE
    line = one_line(capsys.readouterr().err)
    assert f"the database role '{role}' may not read table " in line
    assert "(permission denied)" in line
    assert f"newsbot db grant-reader {role}" in line


def test_crawl_as_role_without_privilege_is_one_line(
    no_grants_role: tuple[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    role, url = no_grants_role
    sources = tmp_path / "sources.toml"
    sources.write_text('[[sources]]\nname = "wire"\nfeeds = ["http://127.0.0.1:9/rss.xml"]\n')
    monkeypatch.setenv("NEWSBOT_DATABASE_URL", url)
    assert cli.main(["crawl", "--sources", str(sources), "--progress", "off"]) == (
        EXIT_NO_PRIVILEGE
    )
    line = one_line(capsys.readouterr().err)
    assert f"the database role '{role}' may not use " in line
    assert "connect as the role that owns newsbot's tables" in line


def test_export_into_missing_folder_is_one_line(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("NEWSBOT_DATABASE_URL", database_url)
    missing = tmp_path / "no" / "such"
    out = missing / "articles.jsonl"
    assert cli.main(["export", "--format", "jsonl", "--out", str(out)]) == EXIT_FILE
    line = one_line(capsys.readouterr().err)
    assert f"folder {missing} does not exist" in line
    assert not missing.exists()


def test_debug_shows_the_traceback(
    empty_database: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("NEWSBOT_DATABASE_URL", empty_database)
    assert cli.main(["--debug", "runs"]) == EXIT_NO_SCHEMA
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert "psycopg.errors.UndefinedTable" in err
    assert err.rstrip().splitlines()[-1].startswith("newsbot: ")  # the one line still ends it


def test_unexpected_error_is_one_line_with_its_own_code(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsbot.commands import runs

    def broken(args: object) -> int:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(runs, "run", broken)
    assert cli.main(["runs"]) == EXIT_INTERNAL
    line = one_line(capsys.readouterr().err)
    assert "ZeroDivisionError: division by zero" in line and "--debug" in line


def test_os_error_names_the_missing_folder(capsys: pytest.CaptureFixture[str]) -> None:
    from newsbot.oneline import explain

    missing = Path("/nonexistent-newsbot-folder/sub")
    error = explain(FileNotFoundError(2, "No such file or directory", str(missing / "x.log")))
    assert error.exit_code == EXIT_FILE
    assert f"folder {missing} does not exist" in str(error)


def test_log_level_is_global_and_per_command() -> None:
    parser = cli._parser()
    level = commands.log_level
    assert level(parser.parse_args(["runs"])) == "WARNING"
    assert level(parser.parse_args(["--log-level", "info", "runs"])) == "INFO"
    crawl = ["crawl", "--sources", "s.toml"]
    assert level(parser.parse_args(crawl)) == "WARNING"
    assert level(parser.parse_args(["--log-level", "DEBUG", *crawl])) == "DEBUG"
    assert level(parser.parse_args([*crawl, "--log-level", "error"])) == "ERROR"
    with pytest.raises(SystemExit) as exc:
        parser.parse_args(["--log-level", "chatty", "runs"])
    assert exc.value.code == EXIT_USAGE
