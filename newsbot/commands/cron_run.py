"""`newsbot cron-run`: `newsbot crawl` for cron, quiet unless something went wrong.

It runs the same crawl, with the same options, as a child process, and writes
everything that crawl prints (its log, progress lines, summary, any traceback of a
worker process) to a rotating log file. Cron mails whatever a job prints, so this
prints to stdout only when the run failed or a source had errors: one summary (the
exit code and what it means, a line per source, the log's path) and the last lines
of the log. A healthy run prints nothing. The exit code is the crawl's.

Exit 4 alone (a source skipped because another crawl still holds it: an overlapping
cron run) is not a failure here: it is logged, not printed.

A run whose database comes from no setting (no NEWSBOT_DATABASE_URL, no
`-s NEWSBOT_DATABASE_URL=…`) started off a terminal uses the embedded server in the
user's own data folder, which is rarely what a cron line wants: the log says so on
every run, the summary of a failed run says so, and the first such run for a data
folder prints it once even when healthy (a marker beside the default log remembers).
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from newsbot.commands import EXIT_OK
from newsbot.commands.crawl import add_crawl_command_options
from newsbot.exit_codes import (
    EXIT_DATABASE,
    EXIT_INTERRUPTED,
    EXIT_LOCKED,
    EXIT_SOURCE_FAILED,
    EXIT_USAGE,
)

MEANINGS = {
    EXIT_OK: "every source crawled",
    EXIT_SOURCE_FAILED: "a source failed",
    EXIT_USAGE: "bad usage or a bad sources file",
    EXIT_DATABASE: "the database cannot be reached",
    EXIT_LOCKED: "a source was skipped: another crawl holds it",
    EXIT_INTERRUPTED: "interrupted",
}


def meaning(code: int) -> str:
    """What an exit code of the crawl means, in a few words."""
    if code in MEANINGS:
        return MEANINGS[code]
    try:
        return f"stopped by {signal.Signals(code - 128).name}" if code > 128 else "unexpected"
    except ValueError:
        return "unexpected"


#: options of `newsbot crawl` that cron-run handles itself instead of passing them on
OWN_OPTIONS = frozenset({"help", "log_file"})


def state_dir() -> Path:
    """$XDG_STATE_HOME/newsbot, else ~/.local/state/newsbot."""
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local/state")
    return Path(base) / "newsbot"


def default_log_file() -> Path:
    return state_dir() / "cron.log"


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be ≥ 0")
    return value


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "cron-run",
        help="`crawl` for cron: full log to a rotating file, output only on failure",
        description="Run `newsbot crawl` with the same options; write its whole output to a "
        "rotating log file and print (for cron's mail) only when the run fails or has "
        "errors: a summary and the last lines of the log. Exit code: the crawl's.",
        conflict_handler="resolve",  # its own --log-file replaces the crawl's
    )
    add_crawl_command_options(parser)
    parser.add_argument(
        "--log-file",
        metavar="FILE",
        help="the rotating log (default: $XDG_STATE_HOME/newsbot/cron.log, "
        "else ~/.local/state/newsbot/cron.log)",
    )
    parser.add_argument(
        "--log-max-bytes",
        type=_positive_int,
        default=10 * 1024 * 1024,
        metavar="BYTES",
        help="rotate the log when it would grow past BYTES (default 10 MB; 0: never)",
    )
    parser.add_argument(
        "--log-backups",
        type=_positive_int,
        default=5,
        metavar="N",
        help="rotated logs kept: FILE.1 … FILE.N (default 5)",
    )
    parser.add_argument(
        "--tail-lines",
        type=_positive_int,
        default=40,
        metavar="N",
        help="lines of the log printed after the summary of a failed run (default 40)",
    )
    parser.set_defaults(run=run)


def crawl_argv(args: argparse.Namespace) -> list[str]:
    """`newsbot crawl`'s arguments for the options cron-run was given (its own left out)."""
    scratch = argparse.ArgumentParser(add_help=False)
    add_crawl_command_options(scratch)
    argv: list[str] = []
    for action in scratch._actions:
        if action.dest in OWN_OPTIONS or not hasattr(args, action.dest):
            continue
        value = getattr(args, action.dest)
        if not action.option_strings:  # the source names
            argv.extend(value or [])
            continue
        option = action.option_strings[-1]
        if isinstance(action, argparse._StoreTrueAction):
            argv.extend([option] if value else [])
        elif isinstance(action, argparse._AppendAction):
            for item in value or []:
                argv.extend([option, str(item)])
        elif value is None or value == action.default:
            continue
        elif action.nargs == "?" and value == action.const:
            argv.append(option)
        else:
            argv.extend([option, str(value)])
    return argv


def database_from_no_setting(args: argparse.Namespace) -> bool:
    if os.environ.get("NEWSBOT_DATABASE_URL"):
        return False
    return not any(pair.partition("=")[0].strip() == "NEWSBOT_DATABASE_URL" for pair in args.set)


def on_terminal() -> bool:
    return any(stream is not None and stream.isatty() for stream in (sys.stdin, sys.stdout))


class _Log:
    """The rotating log file, and this run's last lines of it."""

    def __init__(self, path: Path, max_bytes: int, backups: int, tail: int) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
        )
        self.handler.setFormatter(logging.Formatter("%(message)s"))
        self.tail: deque[str] = deque(maxlen=tail)
        self._lock = threading.Lock()

    def line(self, text: str) -> None:
        text = text.rstrip("\n")
        record = logging.LogRecord("newsbot.cron", logging.INFO, "", 0, text, None, None)
        with self._lock:
            self.handler.emit(record)
            self.tail.append(text)

    def note(self, level: str, text: str) -> None:
        """A line of cron-run's own, formatted as the crawl's log lines are."""
        self.line(f"{time.strftime('%Y-%m-%d %H:%M:%S')} [newsbot.cron] {level}: {text}")

    def close(self) -> None:
        self.handler.close()


def _pump(stream: IO[str], log: _Log, keep: list[str] | None = None) -> None:
    for text in stream:
        if keep is not None:
            keep.append(text)
        else:
            log.line(text)


def _forward_signals(child: subprocess.Popen) -> dict[int, Any]:
    """SIGINT/SIGTERM to cron-run go to the crawl (in a group of its own, so that a signal
    to cron-run's whole group reaches it once); cron-run then waits for its exit code."""

    def forward(signum: int, _frame: object) -> None:
        if child.poll() is None:
            child.send_signal(signum)

    return {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM)}


def run_child(argv: list[str], log: _Log) -> tuple[int, str]:
    """Run `newsbot crawl argv`, its stderr into the log: its exit code and its stdout."""
    child = subprocess.Popen(
        [sys.executable, "-m", "newsbot", "crawl", *argv],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
        start_new_session=True,
    )
    previous = _forward_signals(child)
    out: list[str] = []
    assert child.stdout is not None and child.stderr is not None
    readers = [
        threading.Thread(target=_pump, args=(child.stderr, log), daemon=True),
        threading.Thread(target=_pump, args=(child.stdout, log, out), daemon=True),
    ]
    try:
        for reader in readers:
            reader.start()
        code = child.wait()
        for reader in readers:
            reader.join()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if code < 0:  # killed by a signal: the shell's convention
        code = 128 - code
    return code, "".join(out)


def _parse_summary(stdout: str) -> dict[str, Any] | None:
    import json

    start = stdout.find("{")
    if start < 0:
        return None
    try:
        summary = json.loads(stdout[start:])
    except ValueError:
        return None
    return summary if isinstance(summary, dict) else None


def summary_lines(
    args: argparse.Namespace, code: int, summary: dict[str, Any] | None, elapsed: float
) -> list[str]:
    from newsbot.commands.crawl import summary_line

    what = " ".join(args.names) if args.names else "all sources"
    means = meaning(code)
    state = "failed" if code not in (EXIT_OK, EXIT_LOCKED) else "had errors"
    lines = [
        f"newsbot cron-run: crawl {state} (exit {code}: {means}): {what} of {args.sources}, "
        f"{elapsed:.0f} s"
    ]
    for name, row in (summary or {}).get("sources", {}).items():
        line = f"  {summary_line(name, row)}"
        if row.get("failure"):
            line += f"; FAILED: {row['failure']}"
        lines.append(line)
    for name, who in (summary or {}).get("skipped", {}).items():
        lines.append(f"  {name}: skipped, being crawled by {who}")
    return lines


def needs_attention(code: int, summary: dict[str, Any] | None) -> bool:
    if code not in (EXIT_OK, EXIT_LOCKED):
        return True
    rows = (summary or {}).get("sources", {}).values()
    return any(row.get("errors") or row.get("failure") for row in rows)


def _first_embedded_warning(data_dir: Path) -> bool:
    """True the first time the embedded database of `data_dir` is used by cron-run."""
    marker = state_dir() / "embedded-warned"
    try:
        seen = marker.read_text(encoding="utf-8").splitlines()
    except OSError:
        seen = []
    if str(data_dir) in seen:
        return False
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        with marker.open("a", encoding="utf-8") as out:
            out.write(f"{data_dir}\n")
    except OSError:
        pass
    return True


def _print(lines: Iterable[str]) -> None:
    sys.stdout.write("".join(f"{line}\n" for line in lines))
    sys.stdout.flush()


def run(args: argparse.Namespace) -> int:
    log_path = Path(args.log_file).expanduser() if args.log_file else default_log_file()
    try:
        log = _Log(log_path, args.log_max_bytes, args.log_backups, args.tail_lines)
    except OSError as exc:
        from newsbot.errors import NewsbotError

        error = NewsbotError(
            f"cannot write the log {log_path}: {exc.strerror or exc}; give a writable --log-file"
        )
        error.exit_code = EXIT_USAGE
        raise error from None
    argv = crawl_argv(args)
    if "--log-level" not in argv:
        argv += ["--log-level", "INFO"]  # the log file holds the whole crawl, as before
    if "--json" not in argv:
        argv.append("--json")  # the summary cron-run prints comes from it
    embedded_warning = data_dir = None
    if database_from_no_setting(args) and not on_terminal():
        from newsbot.storage.embedded import default_data_dir

        data_dir = default_data_dir()
        embedded_warning = (
            "warning: NEWSBOT_DATABASE_URL is not set, so the database is the embedded one, "
            f"its data in {data_dir}; set NEWSBOT_DATABASE_URL in the cron line to use "
            "your server"
        )
    try:
        log.note("INFO", f"newsbot crawl {' '.join(argv)}")
        if embedded_warning:
            log.note("WARNING", embedded_warning)
        started = time.monotonic()
        code, stdout = run_child(argv, log)
        elapsed = time.monotonic() - started
        summary = _parse_summary(stdout)
        if args.json and stdout:
            for text in stdout.splitlines():
                log.line(text)
        log.note("INFO", f"crawl ended: exit {code} ({meaning(code)})")
        printed: list[str] = []
        if needs_attention(code, summary):
            printed = summary_lines(args, code, summary, elapsed)
            if embedded_warning:
                printed.append(embedded_warning)
            if args.tail_lines:
                printed.append(f"log: {log_path}; its last {len(log.tail)} lines:")
                printed.extend(log.tail)
            else:
                printed.append(f"log: {log_path}")
        elif embedded_warning and data_dir and _first_embedded_warning(data_dir):
            printed = [
                f"newsbot cron-run: {embedded_warning} (said once; the log {log_path} "
                "repeats it on every run)"
            ]
    finally:
        log.close()
    _print(printed)
    return code
