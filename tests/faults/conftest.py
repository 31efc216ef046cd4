"""The fault suite's ledger: a `ledger` fixture, hang detection and the end-of-run totals.

The totals are printed (pytest_terminal_summary) only when tests of this directory ran,
for `pytest tests/faults` and `pytest tests` alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.ledger import LEDGER, Ledger, hang_reason, is_crawl

HERE = Path(__file__).resolve().parent
#: node ids of the fault tests that started
_STARTED: set[str] = set()


def _ours(item: pytest.Item) -> bool:
    return HERE in item.path.resolve().parents


@pytest.fixture(scope="session")
def ledger() -> Ledger:
    """The suite's ledger (also importable: tests.faults.ledger.LEDGER)."""
    return LEDGER


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    if not _ours(item):
        return (yield)
    LEDGER.test = item.nodeid
    _STARTED.add(item.nodeid)
    try:
        return (yield)
    finally:
        LEDGER.test = ""


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Iterator[pytest.TestReport]:
    report = yield
    if _ours(item) and call.excinfo is not None:
        what = hang_reason(call.excinfo.value)
        if what is not None:
            cmd = getattr(call.excinfo.value, "cmd", None)
            if cmd is not None and is_crawl(cmd):
                LEDGER.crawl_hung(what)
            else:
                LEDGER.hang(what, item.nodeid)
    return report


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.nodeid not in _STARTED:
        return
    previous = LEDGER.outcomes.get(report.nodeid)
    if report.failed:
        LEDGER.outcomes[report.nodeid] = "failed"
    elif report.skipped and previous is None:
        LEDGER.outcomes[report.nodeid] = "skipped"
    elif report.when == "call" and report.passed and previous is None:
        LEDGER.outcomes[report.nodeid] = "passed"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not LEDGER.outcomes:
        return  # no fault test ran
    terminalreporter.write_sep("=", "fault suite ledger")
    for line in LEDGER.summary():
        terminalreporter.write_line(line)
