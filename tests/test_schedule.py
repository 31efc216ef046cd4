"""`newsbot schedule`: crontab lines from per-source schedules, and the `schedule` key."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsbot.commands.schedule import cron_expression
from newsbot.config import load_sources
from newsbot.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent

SOURCES = """
[[sources]]
name = "unian"
feeds = ["https://u.example/rss"]
schedule = "1h"

[[sources]]
name = "bbc"
feeds = ["https://b.example/rss"]
schedule = "1h"

[[sources]]
name = "blog"
feeds = ["https://c.example/rss"]
schedule = "15m"

[[sources]]
name = "weekly"
feeds = ["https://w.example/rss"]
schedule = "30 6 * * mon"

[[sources]]
name = "manual"
feeds = ["https://m.example/rss"]
"""


def schedule(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newsbot", "schedule", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_crontab_lines(tmp_path: Path) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text(SOURCES, encoding="utf-8")
    result = schedule("--sources", "sources.toml", "--log-dir", "/var/log/newsbot", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    program = str(Path(sys.executable).parent / "newsbot")
    # cron-run: no redirection, cron mails only what a failed crawl prints
    tail = "--log-file /var/log/newsbot/newsbot-{}.log"
    head = f"cd {tmp_path} && {program} cron-run --sources {sources}"
    assert result.stdout.splitlines() == [
        f"# >>> newsbot schedule: {sources} (managed by `newsbot schedule --install`) >>>",
        "# database: NEWSBOT_DATABASE_URL from cron's environment (set it above this block),"
        " else the embedded server",
        "# output (mailed by cron: set MAILTO) only when a crawl fails or has errors;"
        " full logs rotate in the --log-file of each line",
        f"28 * * * * {head} unian bbc {tail.format('unian-bbc')}",
        f"0-59/15 * * * * {head} blog {tail.format('blog')}",
        f"30 6 * * mon {head} weekly {tail.format('weekly')}",
        "# not scheduled (no schedule key): manual",
        f"# <<< newsbot schedule: {sources} <<<",
    ]
    # the same file always gives the same lines
    again = schedule("--sources", "sources.toml", "--log-dir", "/var/log/newsbot", cwd=tmp_path)
    assert again.stdout == result.stdout


def test_distributed_schedule_enqueues_rounds(tmp_path: Path) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text(SOURCES, encoding="utf-8")
    result = schedule(
        "--sources", "sources.toml", "--log-dir", "/var/log/newsbot", "--enqueue", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    program = str(Path(sys.executable).parent / "newsbot")
    head = f"cd {tmp_path} && {program} enqueue --sources {sources}"
    lines = [line for line in result.stdout.splitlines() if not line.startswith("#")]
    assert lines == [
        f"28 * * * * {head} unian bbc >> /var/log/newsbot/newsbot-cron.log 2>&1",
        f"0-59/15 * * * * {head} blog >> /var/log/newsbot/newsbot-cron.log 2>&1",
        f"30 6 * * mon {head} weekly >> /var/log/newsbot/newsbot-cron.log 2>&1",
    ]
    assert "NEWSBOT_REDIS_URL" in result.stdout


def test_minutes_are_spread_and_deterministic() -> None:
    names = [f"site{i}" for i in range(40)]
    minutes = {cron_expression("1h", [n]).split()[0] for n in names}
    assert len(minutes) > 20  # not everything at :00
    assert cron_expression("1h", ["site1"]) == cron_expression("1h", ["site1"])
    assert cron_expression("2h", ["a"]).split()[1].endswith("-23/2")
    minute, hour, *rest = cron_expression("daily", ["a"]).split()
    assert 0 <= int(minute) < 60 and 0 <= int(hour) < 24 and rest == ["*", "*", "*"]
    assert cron_expression("*/5 * * * *", ["a"]) == "*/5 * * * *"


def test_install_replaces_the_block_idempotently(tmp_path: Path) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text(SOURCES, encoding="utf-8")
    table = tmp_path / "crontab.txt"
    table.write_text("MAILTO=ops@example.com\n0 3 * * * /usr/bin/backup\n", encoding="utf-8")
    fake = tmp_path / "crontab"  # a crontab-compatible program keeping the table in a file
    fake.write_text(
        f'#!/bin/sh\nif [ "$1" = "-l" ]; then cat {table}; else cat > {table}; fi\n',
        encoding="utf-8",
    )
    fake.chmod(0o755)
    env = {"NEWSBOT_CRONTAB": str(fake)}
    first = schedule("--sources", str(sources), "--install", cwd=tmp_path, env=env)
    assert first.returncode == 0, first.stderr
    installed = table.read_text()
    assert installed.startswith("MAILTO=ops@example.com\n0 3 * * * /usr/bin/backup\n\n# >>>")
    assert installed.count(" cron-run --sources ") == 3

    second = schedule("--sources", str(sources), "--install", cwd=tmp_path, env=env)
    assert second.returncode == 0
    assert table.read_text() == installed

    sources.write_text(SOURCES.replace('schedule = "15m"', 'schedule = "30m"'), encoding="utf-8")
    third = schedule("--sources", str(sources), "--install", cwd=tmp_path, env=env)
    assert third.returncode == 0
    updated = table.read_text()
    assert updated.count("# >>> newsbot schedule") == 1
    assert "0-59/15 " not in updated and "-59/30 * * * *" in updated
    assert "/usr/bin/backup" in updated


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"7m"', "'7m': the interval must be a divisor of 60"),
        ('"5h"', "'5h': the interval must be a divisor of 24"),
        ('"2d"', "'2d': the interval must be 1d"),
        ('"hourly-ish"', "'hourly-ish' is not a valid schedule: use \"15m\""),
        ('"61 * * * *"', "cron minute field '61': values must be 0-59"),
        ('"* * * *"', "(5 fields)"),
        ('"0 0 * * fun"', "cron day of week field 'fun': values must be 0-7"),
        ('"*/0 * * * *"', "bad step '0'"),
        ("60", "must be a string"),
    ],
)
def test_schedule_validation(tmp_path: Path, value: str, message: str) -> None:
    path = tmp_path / "s.toml"
    path.write_text(
        f'[[sources]]\nname = "x"\nfeeds = ["https://x.example/rss"]\nschedule = {value}\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as error:
        load_sources(path)
    assert str(error.value).startswith(f"{path}: source 'x', key 'schedule': ")
    assert message in str(error.value)


def test_good_schedules_load(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    values = ["15m", "30m", "1h", "2h", "1d", "daily", "5 */2 * * *", "0 6 1-15 jan-mar 1-5"]
    path.write_text(
        "".join(
            f'[[sources]]\nname = "s{i}"\nfeeds = ["https://x.example/rss"]\nschedule = "{v}"\n'
            for i, v in enumerate(values)
        ),
        encoding="utf-8",
    )
    assert [s.schedule for s in load_sources(path)] == values


def test_bad_schedule_is_exit_2_one_line(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(
        '[[sources]]\nname = "x"\nfeeds = ["https://x.example/rss"]\nschedule = "7m"\n',
        encoding="utf-8",
    )
    result = schedule("--sources", str(path), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "source 'x', key 'schedule'" in result.stderr
