"""`newsbot cron-run` and `--metrics-file`: quiet cron runs, a rotating log, metrics for schedulers.

The crawls are real (a local web server, real PostgreSQL); the README's cron line is
the one run.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from prometheus_client.parser import text_string_to_metric_families

from newsbot.commands.cron_run import crawl_argv, needs_attention, register, summary_lines
from newsbot.exit_codes import EXIT_LOCKED
from newsbot.run.metrics import write_metrics
from newsbot.run.runner import CrawlReport, SourceReport
from tests import fixture_web
from tests.support import cli
from tests.support.cli import ROOT

DOWN = '\n[[sources]]\nname = "down"\nfeeds = ["http://127.0.0.1:9/rss.xml"]\n'


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.pop("NEWSBOT_DATABASE_URL", None)
    return {**env, **extra}


def newsbot(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """The command with no stdin, as cron runs it."""
    return cli.newsbot(*args, env=env, stdin=subprocess.DEVNULL)


@pytest.fixture
def wire(tmp_path: Path) -> Iterator[Path]:
    """The generated site served on 127.0.0.1, and a sources file naming it."""
    with fixture_web.served(tmp_path) as (_bases, sources):
        yield sources


def metrics(path: Path) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a metrics file, parsed by Prometheus' own parser."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(path.read_text(encoding="utf-8"))
        for sample in family.samples
    }


def value(samples: dict, name: str, **labels: str) -> float | None:
    return samples.get((name, tuple(sorted(labels.items()))))


# -- fast: options, metrics merging, the embedded-database warning ------------------------


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    return parser.parse_args(["cron-run", *argv])


def test_crawl_options_are_passed_on_and_its_own_kept() -> None:
    args = parse(
        "--sources", "s.toml", "a", "b", "--wait", "-s", "X=1", "-s", "Y=2", "--log-level",
        "DEBUG", "--log-file", "/tmp/x.log", "--log-max-bytes", "100", "--metrics-file", "m.prom",
    )  # fmt: skip
    assert crawl_argv(args) == [
        "--sources", "s.toml", "a", "b", "--log-level", "DEBUG", "--set", "X=1", "--set", "Y=2",
        "--wait", "--metrics-file", "m.prom",
    ]  # fmt: skip
    assert crawl_argv(parse("--sources", "s.toml", "--wait", "5", "--json")) == [
        "--sources", "s.toml", "--json", "--wait", "5.0",
    ]  # fmt: skip


def test_summary_names_the_exit_code_and_each_source() -> None:
    row = {
        "pages": 3, "articles_new": 1, "articles_updated": 0, "articles_unchanged": 0,
        "reposts": 0, "articles_spooled": 0, "spool_pending": 0, "dropped": 0, "errors": 2,
        "finish_reason": "finished", "failure": None,
    }  # fmt: skip
    summary = {"sources": {"a": row}, "skipped": {"b": "pid 7 on host"}}
    args = parse("--sources", "s.toml", "a", "b")
    assert needs_attention(EXIT_LOCKED, summary)  # a source had errors
    assert not needs_attention(EXIT_LOCKED, {"sources": {"a": {**row, "errors": 0}}})
    assert needs_attention(143, None)
    assert summary_lines(args, 143, summary, 2.0) == [
        "newsbot cron-run: crawl failed (exit 143: stopped by SIGTERM): a b of s.toml, 2 s",
        "  a: 3 pages, 1 new, 0 updated, 0 unchanged, 0 reposts, 0 dropped, 2 errors",
        "  b: skipped, being crawled by pid 7 on host",
    ]
    assert summary_lines(args, 4, summary, 2.0)[0].startswith(
        "newsbot cron-run: crawl had errors (exit 4: a source was skipped: another crawl"
    )


def report(*sources: SourceReport) -> CrawlReport:
    return CrawlReport(run_id=1, database_url="postgresql://x", sources=list(sources))


def ok_source(name: str, ended: datetime, pages: int = 10) -> SourceReport:
    return SourceReport(
        name,
        {
            "finish_reason": "finished",
            "finish_time": ended,
            "elapsed_time_seconds": 12.5,
            "downloader/response_count": pages,
            "newsbot/store/new": 3,
            "newsbot/store/updated": 1,
            "newsbot/dropped/no_article_body": 2,
            "newsbot/dropped/listing": 1,
        },
    )


def failed_source(name: str, ended: datetime) -> SourceReport:
    return SourceReport(
        name,
        {
            "finish_reason": "finished",
            "finish_time": ended,
            "elapsed_time_seconds": 1.0,
            "newsbot/entry_points/failed": 1,
            "log_count/ERROR": 2,
        },
    )


def test_metrics_file_keeps_the_last_success_of_a_failed_source(tmp_path: Path) -> None:
    path = tmp_path / "textfile" / "newsbot.prom"
    first = datetime(2026, 1, 1, 10, 0, tzinfo=UTC)
    write_metrics(path, report(ok_source("a", first), ok_source("b", first)))
    samples = metrics(path)
    assert value(samples, "newsbot_pages_fetched", source="a") == 10
    assert value(samples, "newsbot_articles_stored", source="a", status="new") == 3
    assert value(samples, "newsbot_articles_stored", source="a", status="updated") == 1
    assert value(samples, "newsbot_dropped_pages", source="a", reason="listing") == 1
    assert value(samples, "newsbot_dropped_pages", source="a", reason="no_article_body") == 2
    assert value(samples, "newsbot_run_duration_seconds", source="a") == 12.5
    assert value(samples, "newsbot_last_success_timestamp_seconds", source="b") == (
        first.timestamp()
    )
    text = path.read_text()
    assert "# HELP newsbot_pages_fetched " in text and "# TYPE newsbot_errors gauge" in text

    # b fails: its last success stays; a is not crawled: all its values stay
    second = datetime(2026, 1, 1, 11, 0, tzinfo=UTC)
    write_metrics(path, report(failed_source("b", second)))
    samples = metrics(path)
    assert value(samples, "newsbot_last_success_timestamp_seconds", source="b") == (
        first.timestamp()
    )
    assert value(samples, "newsbot_last_run_timestamp_seconds", source="b") == second.timestamp()
    assert value(samples, "newsbot_run_success", source="b") == 0
    assert value(samples, "newsbot_errors", source="b") == 1  # its feed: nothing listens
    assert value(samples, "newsbot_pages_fetched", source="b") == 0
    assert value(samples, "newsbot_dropped_pages", source="b", reason="listing") is None
    assert value(samples, "newsbot_pages_fetched", source="a") == 10
    assert value(samples, "newsbot_run_success", source="a") == 1
    assert [p.name for p in path.parent.iterdir() if not p.name.endswith(".lock")] == [
        "newsbot.prom"
    ]  # written through a temporary file renamed over it, none left behind


def test_embedded_database_warning_is_in_the_summary(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[sources]]\nname = "x"\nfeeds = ["https://x.example/rss"]\nfeeds_url = 1\n')
    env = clean_env(NEWSBOT_PGDATA=str(tmp_path / "pgdata"), XDG_STATE_HOME=str(tmp_path))
    result = newsbot("cron-run", "--sources", str(bad), env=env)
    assert result.returncode == 2
    out = result.stdout
    assert out.startswith("newsbot cron-run: crawl failed (exit 2: bad usage or a bad sources")
    assert f"the embedded one, its data in {tmp_path / 'pgdata'}" in out
    assert "source 'x', key 'feeds_url': unknown key" in out  # the log's last lines
    log = (tmp_path / "newsbot" / "cron.log").read_text()  # the default log, in the state dir
    assert "NEWSBOT_DATABASE_URL is not set" in log and "unknown key" in log
    assert result.stderr == ""


# -- crawls of a local site ---------------------------------------------------------------


@pytest.mark.slow
def test_healthy_run_prints_nothing_and_the_log_rotates(
    db: psycopg.Connection, database_url: str, wire: Path, tmp_path: Path
) -> None:
    log = tmp_path / "logs" / "cron.log"
    args = ["cron-run", "--sources", str(wire), "--log-file", str(log)]
    rotate = ["--log-max-bytes", "4000", "--log-backups", "2", "--log-level", "DEBUG"]
    env = clean_env(NEWSBOT_DATABASE_URL=database_url)
    result = newsbot(*args, *rotate, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "" and result.stderr == ""
    rotated = sorted(p.name for p in log.parent.iterdir())
    assert rotated == ["cron.log", "cron.log.1", "cron.log.2"]  # 2 backups, no more
    assert all(p.stat().st_size <= 4000 for p in log.parent.iterdir())
    # the summary is in the log, in whichever of its files the rotation left it
    logged = "".join(p.read_text() for p in sorted(log.parent.iterdir(), reverse=True))
    assert "wire: " in logged and "12 new" in logged
    assert db.execute("SELECT count(*) AS n FROM articles").fetchone()["n"] == 12


@pytest.mark.slow
def test_failing_run_prints_the_summary_and_the_last_log_lines(
    db: psycopg.Connection, database_url: str, wire: Path, tmp_path: Path
) -> None:
    two = tmp_path / "two.toml"
    two.write_text(wire.read_text() + DOWN, encoding="utf-8")
    log = tmp_path / "cron.log"
    prom = tmp_path / "newsbot.prom"
    env = clean_env(NEWSBOT_DATABASE_URL=database_url)
    args = ["--sources", str(two), "--log-file", str(log), "--tail-lines", "15"]
    # the refused connection retried 0.05 s apart, not 1 s: the report is what is tested
    args += ["-s", "NEWSBOT_RETRY_BASE_DELAY=0.05"]
    result = newsbot("cron-run", *args, "--metrics-file", str(prom), env=env)
    assert result.returncode == 1
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0].startswith("newsbot cron-run: crawl failed (exit 1: a source failed): all ")
    assert any(re.match(r"  wire: \d+ pages, 12 new, ", line) for line in lines)
    assert any(
        line.startswith("  down: 0 pages")
        and line.endswith("FAILED: none of its 1 entry points could be fetched")
        for line in lines
    )
    assert f"log: {log}; its last 15 lines:" in lines
    tail = lines[lines.index(f"log: {log}; its last 15 lines:") + 1 :]
    assert tail == log.read_text().splitlines()[-15:]
    assert any("source down failed" in line for line in tail)
    assert "NEWSBOT_DATABASE_URL is not set" not in result.stdout

    samples = metrics(prom)
    run = db.execute("SELECT counters FROM crawl_runs ORDER BY id DESC").fetchone()["counters"]
    wire_pages = run["wire"]["downloader/response_count"]
    assert value(samples, "newsbot_pages_fetched", source="wire") == wire_pages
    assert value(samples, "newsbot_articles_stored", source="wire", status="new") == 12
    assert value(samples, "newsbot_dropped_pages", source="wire", reason="no_article_body") == 2
    assert value(samples, "newsbot_run_success", source="wire") == 1
    assert value(samples, "newsbot_run_success", source="down") == 0
    assert value(samples, "newsbot_last_success_timestamp_seconds", source="down") is None
    success = value(samples, "newsbot_last_success_timestamp_seconds", source="wire")
    assert success is not None and abs(success - datetime.now(UTC).timestamp()) < 120
    assert value(samples, "newsbot_run_duration_seconds", source="wire") > 0


def readme_cron_line() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"A cron line written by hand:\n\n```cron\n(.*?)```", readme, re.S)
    assert block, "the README's cron section moved"
    lines = [x for x in block.group(1).splitlines() if x.strip() and not x.startswith("#")]
    (line,) = [x for x in lines if "newsbot cron-run" in x]
    return line


@pytest.mark.slow
def test_the_readme_cron_line_runs(
    db: psycopg.Connection, database_url: str, wire: Path, tmp_path: Path
) -> None:
    line = readme_cron_line()
    command = " ".join(line.split()[5:])  # the 5 time fields off, as cron does
    assert "NEWSBOT_DATABASE_URL=" in command
    assert " 2>&1" not in command and ">>" not in command  # its output is cron's mail
    for path, there in {
        "/opt/newsbot": str(ROOT),
        ".venv/bin/newsbot": f"{shlex.quote(sys.executable)} -m newsbot",
        "/etc/newsbot/sources.toml": str(wire),
        "/var/log/newsbot/": f"{tmp_path}/log/",
        "/var/lib/node_exporter/textfile/": f"{tmp_path}/textfile/",
    }.items():
        assert path in command
        command = command.replace(path, there)
    url = re.search(r"NEWSBOT_DATABASE_URL=(\S+)", command)
    assert url
    command = command.replace(url.group(1), shlex.quote(database_url))
    # cron's environment: next to nothing
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SHELL": "/bin/sh"}
    result = subprocess.run(
        ["/bin/sh", "-c", command],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "" and result.stderr == ""  # nothing to mail
    assert "12 new" in (tmp_path / "log" / "cron.log").read_text()
    samples = metrics(tmp_path / "textfile" / "newsbot.prom")
    assert value(samples, "newsbot_articles_stored", source="wire", status="new") == 12
