"""A crawl at the default log level is quiet, and opens no door.

Quiet: a small crawl prints its summary and the warnings that matter, not Scrapy's banner,
component lists, disabled-middleware notes, deprecation warnings or dropped items with
their HTML. Closed: no process of the crawl listens on a TCP port (Scrapy's telnet console
and remote control are off).
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from tests import fixture_web
from tests.support.cli import ROOT, command, environment, newsbot

pytestmark = pytest.mark.slow  # crawls of a local server


#: what must never reach an operator at the default level
NOISE = re.compile(
    r"Overridden settings|Enabled (extensions|downloader middlewares|spider middlewares|"
    r"item pipelines|addons)|Telnet|Scrapy \S+ started|Disabled |download_delay|"
    r"Deprecat|Dropped:|Traceback|<html|'body':|'html':",
    re.I,
)
MAX_LINE = 500


@pytest.fixture
def wire(tmp_path: Path) -> Iterator[Path]:
    """The generated site served on 127.0.0.1, and a sources file naming it."""
    with fixture_web.served(tmp_path) as (_bases, sources):
        yield sources


def crawl_command(sources: Path, *extra: str) -> list[str]:
    return command("crawl", "--sources", str(sources), *extra)


def test_default_level_is_quiet(db: object, database_url: str, wire: Path) -> None:
    done = newsbot(
        *("crawl", "--sources", str(wire)),
        *("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"),
        database_url=database_url,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = (done.stdout + done.stderr).splitlines()
    pages = re.search(r"^wire: (\d+) pages, (\d+) new, .* (\d+) dropped", done.stderr, re.M)
    assert pages, done.stderr
    assert int(pages.group(1)) >= 20 and int(pages.group(3)) >= 2  # the crawl did happen
    assert len(lines) <= 10, "\n".join(lines)
    assert all(len(line) <= MAX_LINE for line in lines), max(lines, key=len)[:1000]
    noisy = [line for line in lines if NOISE.search(line)]
    assert not noisy, "\n".join(noisy)


def test_info_level_names_each_drop_in_one_short_line(
    db: object, database_url: str, wire: Path
) -> None:
    done = newsbot(
        *("crawl", "--sources", str(wire), "--log-level", "INFO", "-s", "DOWNLOAD_DELAY=0"),
        database_url=database_url,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    drops = [line for line in done.stderr.splitlines() if "dropped http" in line]
    assert any(re.search(r"dropped http://\S+0098-broken\.html: no_article_body", d) for d in drops)
    assert all(len(line) <= MAX_LINE for line in done.stderr.splitlines())
    assert "Disabled " not in done.stderr and "download_delay" not in done.stderr


def listening_ports(root: psutil.Process) -> set[tuple[str, int]]:
    """TCP addresses on which `root` or any of its descendants listens."""
    found: set[tuple[str, int]] = set()
    try:
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return found
    for process in processes:
        try:
            for conn in process.net_connections(kind="tcp"):
                if conn.status == psutil.CONN_LISTEN:
                    found.add((conn.laddr.ip, conn.laddr.port))
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def test_crawl_opens_no_listening_port(db: object, database_url: str, wire: Path) -> None:
    # a slow crawl (one request at a time, 0.3 s apart) so that it is watched while it runs
    crawl = subprocess.Popen(
        crawl_command(
            wire,
            "-s",
            "DOWNLOAD_DELAY=0.3",
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
            "-s",
            "CONCURRENT_REQUESTS_PER_DOMAIN=1",
            "-s",
            "DOWNLOAD_DELAY_JITTER=0",
        ),
        cwd=ROOT,
        env=environment(database_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watched = psutil.Process(crawl.pid)
    seen: set[tuple[str, int]] = set()
    samples = 0
    deadline = time.monotonic() + 180
    try:
        while crawl.poll() is None and time.monotonic() < deadline:
            seen |= listening_ports(watched)
            samples += 1
            time.sleep(0.1)
    finally:
        if crawl.poll() is None:
            crawl.kill()
        _out, err = crawl.communicate(timeout=30)
    assert crawl.returncode == 0, err[-3000:]
    assert samples >= 30, f"the crawl ended too soon to be watched ({samples} samples)"
    assert seen == set(), f"the crawl listens on {sorted(seen)}"
