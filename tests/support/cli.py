"""The newsbot command in a subprocess, as the tests of the CLI run it.

`newsbot(...)` runs it to the end with its output captured; `start_in_session(...)`
starts it in a session of its own (its own process group, as a shell job or a systemd
unit has), for tests that signal the whole group. Whatever `start_in_session` started
and is still running when the test ends is killed with its group (`kill_strays`, an
autouse fixture in tests/conftest.py).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[2]

#: where a started command's stdout or stderr goes: a file (written), or
#: subprocess.PIPE / subprocess.STDOUT / subprocess.DEVNULL
Output = Path | int | IO[str]

_STARTED: list[subprocess.Popen] = []


def environment(database_url: str | None = None) -> dict[str, str]:
    """This process's environment without proxy settings (every test server is on
    127.0.0.1), with NEWSBOT_DATABASE_URL when `database_url` is given."""
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    if database_url is not None:
        env["NEWSBOT_DATABASE_URL"] = database_url
    return env


def command(*args: str) -> list[str]:
    """The argv of `newsbot *args` run by this interpreter."""
    return [sys.executable, "-m", "newsbot", *args]


def newsbot(
    *args: str,
    database_url: str | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path = ROOT,
    timeout: float = 180,
    stdin: int | None = None,
) -> subprocess.CompletedProcess:
    """Run `newsbot *args` to the end, stdout and stderr captured as text.

    The environment is `env` as given, or `environment(database_url)` without it."""
    return subprocess.run(
        command(*args),
        cwd=cwd,
        env=dict(env) if env is not None else environment(database_url),
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_in_session(
    *args: str,
    env: Mapping[str, str],
    stdout: Output = subprocess.PIPE,
    stderr: Output = subprocess.PIPE,
    cwd: Path = ROOT,
) -> subprocess.Popen:
    """Start `newsbot *args` in a session of its own, so that `os.killpg(proc.pid, ...)`
    reaches it and every process it starts. An output given as a Path is written to
    that file."""
    with ExitStack() as files:
        out, err = (
            files.enter_context(target.open("w")) if isinstance(target, Path) else target
            for target in (stdout, stderr)
        )
        proc = subprocess.Popen(
            command(*args),
            cwd=cwd,
            env=dict(env),
            stdout=out,
            stderr=err,
            text=True,
            start_new_session=True,
        )
    _STARTED.append(proc)
    return proc


def kill_strays() -> None:
    """Kill (SIGKILL, the whole group) whatever `start_in_session` started that still runs."""
    while _STARTED:
        proc = _STARTED.pop()
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
