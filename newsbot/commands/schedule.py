"""`newsbot schedule`: crontab lines from the sources file's per-source `schedule`.

Sources with the same schedule share one line (one process, one run row). Minutes
are spread by a hash of the source names, so a hundred hourly sources do not all
start at :00, and the same file always gives the same lines. Overlap needs no
wrapper such as flock: a crawl started while the previous one still runs exits 4.
Crawls run through `newsbot cron-run`: each line's full log goes to a rotating file of
its own, and cron mails only what a failed run prints (its summary and last log lines).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from newsbot.commands import EXIT_OK
from newsbot.errors import ConfigError, NewsbotError

BEGIN = "# >>> newsbot schedule: {file} (managed by `newsbot schedule --install`) >>>"
END = "# <<< newsbot schedule: {file} <<<"


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "schedule", help="print (or install) crontab lines from the sources' schedule keys"
    )
    parser.add_argument("--sources", required=True, metavar="FILE", help="sources file (TOML)")
    parser.add_argument(
        "--install",
        action="store_true",
        help="install into the user's crontab, replacing this file's previous newsbot block",
    )
    parser.add_argument(
        "--log-dir",
        metavar="DIR",
        help="directory of the crawl logs, rotated by `newsbot cron-run` "
        "(default: the current directory)",
    )
    parser.add_argument(
        "--enqueue",
        action="store_true",
        help="distributed mode: schedule `newsbot enqueue` (entry points into the Redis "
        "frontier for running `newsbot worker`s) instead of `newsbot cron-run` (a crawl)",
    )
    parser.set_defaults(run=run)


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def cron_expression(spec: str, names: list[str]) -> str:
    """The 5 cron fields for a schedule, with minute (and hour) offsets from the names."""
    from newsbot.config import schedule_interval

    interval = schedule_interval(spec)
    if interval is None:
        return spec
    count, unit = interval
    h = _hash(" ".join(names))
    minute = h % 60
    if unit == "m":
        if count == 60:
            return f"{minute} * * * *"
        return f"{minute % count}-59/{count} * * * *" if count > 1 else "* * * * *"
    if unit == "h":
        if count == 1:
            return f"{minute} * * * *"
        return f"{minute} {(h // 60) % count}-23/{count} * * *"
    return f"{minute} {(h // 60) % 24} * * *"


def newsbot_command() -> str:
    """An absolute path that runs this newsbot from cron (which has a minimal PATH)."""
    beside = Path(os.path.abspath(sys.executable)).parent / "newsbot"
    if beside.is_file() and os.access(beside, os.X_OK):
        return shlex.quote(str(beside))
    found = shutil.which("newsbot")
    if found:
        return shlex.quote(os.path.abspath(found))
    return f"{shlex.quote(os.path.abspath(sys.executable))} -m newsbot"


def _q(path: Path) -> str:
    """A shell-safe path (cron runs the line with /bin/sh)."""
    return shlex.quote(str(path))


def _log_stem(names: list[str]) -> str:
    stem = "-".join(names)
    if len(stem) > 80:
        stem = f"{names[0]}-and-{len(names) - 1}-more-{_hash(stem) % 10**6:06d}"
    return stem


def crontab_block(
    sources_file: str | Path, log_dir: str | Path | None = None, *, enqueue: bool = False
) -> list[str]:
    """The marked block of crontab lines for a sources file (ConfigError when none is due).

    With `enqueue`, each line starts a round of a distributed crawl instead of a crawl.
    """
    from newsbot.config import load_sources

    sources = load_sources(sources_file)
    path = Path(os.path.abspath(sources_file))
    workdir = Path(os.getcwd())
    logs = Path(os.path.abspath(log_dir)) if log_dir else workdir
    groups: dict[str, list[str]] = {}
    for source in sources:
        if source.schedule:
            groups.setdefault(source.schedule, []).append(source.name)
    if not groups:
        raise ConfigError(f"{path}: no source has a 'schedule' key (e.g. schedule = \"1h\")")
    program = newsbot_command()
    lines = [
        BEGIN.format(file=path),
        "# database: NEWSBOT_DATABASE_URL from cron's environment (set it above this block),"
        " else the embedded server",
    ]
    if enqueue:
        lines.append("# distributed: NEWSBOT_REDIS_URL from cron's environment; workers run apart")
    else:
        lines.append(
            "# output (mailed by cron: set MAILTO) only when a crawl fails or has errors;"
            " full logs rotate in the --log-file of each line"
        )
    cron_log = logs / "newsbot-cron.log"
    for spec, names in groups.items():
        log = logs / f"newsbot-{_log_stem(names)}.log"
        if log == cron_log:  # a source named "cron" must not share cron's own log
            log = logs / f"newsbot-{_log_stem(names)}-crawl.log"
        # no redirection: cron-run prints only when a crawl fails, and cron mails that
        command = (
            f"cd {_q(workdir)} && {program} cron-run --sources {_q(path)} {' '.join(names)} "
            f"--log-file {_q(log)}"
        )
        if enqueue:
            command = (
                f"cd {_q(workdir)} && {program} enqueue --sources {_q(path)} {' '.join(names)} "
                f">> {_q(cron_log)} 2>&1"
            )
        lines.append(f"{cron_expression(spec, names)} {command.replace('%', chr(92) + '%')}")
    unscheduled = [s.name for s in sources if not s.schedule]
    if unscheduled:
        lines.append(f"# not scheduled (no schedule key): {', '.join(unscheduled)}")
    lines.append(END.format(file=path))
    return lines


def replace_block(crontab: str, block: list[str], sources_file: Path) -> str:
    """The crontab with this file's previous newsbot block removed and `block` appended."""
    begin, end = BEGIN.format(file=sources_file), END.format(file=sources_file)
    kept: list[str] = []
    inside = False
    for line in crontab.splitlines():
        if line == begin:
            inside = True
        elif inside and line == end:
            inside = False
        elif not inside:
            kept.append(line)
    while kept and not kept[-1].strip():
        kept.pop()
    return "\n".join([*kept, *([""] if kept else []), *block]) + "\n"


def _crontab_program() -> str:
    """`crontab`, or NEWSBOT_CRONTAB (another crontab-compatible program, e.g. for tests)."""
    program = os.environ.get("NEWSBOT_CRONTAB") or shutil.which("crontab")
    if not program:
        raise NewsbotError("crontab is not installed (Debian: apt-get install cron)")
    return program


def install(block: list[str], sources_file: Path) -> None:
    program = _crontab_program()
    current = subprocess.run([program, "-l"], capture_output=True, text=True)
    # `crontab -l` fails with "no crontab for USER" when there is none yet
    existing = current.stdout if current.returncode == 0 else ""
    if current.returncode != 0 and "no crontab" not in current.stderr.lower():
        raise NewsbotError(f"crontab -l failed: {' '.join(current.stderr.split())}")
    new = replace_block(existing, block, sources_file)
    if new == existing:
        return
    result = subprocess.run([program, "-"], input=new, capture_output=True, text=True)
    if result.returncode != 0:
        raise NewsbotError(f"crontab - failed: {' '.join(result.stderr.split())}")


def run(args: argparse.Namespace) -> int:
    block = crontab_block(args.sources, args.log_dir, enqueue=args.enqueue)
    print("\n".join(block))
    if args.install:
        install(block, Path(os.path.abspath(args.sources)))
        entries = sum(1 for line in block if not line.startswith("#"))
        print(f"newsbot: crontab updated ({entries} newsbot lines)", file=sys.stderr)
    return EXIT_OK
