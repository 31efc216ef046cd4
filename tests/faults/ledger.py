"""The fault suite's ledger: what the tests injected and what they observed, counted.

Tests record as they go (`LEDGER.fault(...)` where a fault is injected, `LEDGER.crawl(...)`
where a crawl ends, `LEDGER.measure(...)` where the stored articles are checked against
what should be there, `LEDGER.fuzzed()` per hypothesis example); tests/faults/conftest.py
notes which test is running, finds hangs (pytest-timeout, a subprocess timeout) and prints
the totals at the end of the session. The ledger only reports: every test still passes or
fails on its own assertions. Counts are per process (one pytest process, no xdist).
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

import psycopg
from psycopg.rows import tuple_row

TRACEBACK = "Traceback (most recent call last):"


@dataclass
class Crawl:
    test: str
    #: 'survived' (ended by itself with an expected exit code, no traceback), 'crashed',
    #: 'killed' (SIGKILLed by the test: the fault itself) or 'hung' (a timeout expired)
    outcome: str
    exit_code: int | None
    reason: str = ""


@dataclass
class ArticleCheck:
    test: str
    expected: int
    stored: int
    doubled: int
    unexpected: int

    @property
    def lost(self) -> int:
        return self.expected - self.stored


def _tracebacks(stderr: str) -> list[str]:
    """The exception line of each Python traceback in `stderr`."""
    found = []
    lines = stderr.splitlines()
    for i, line in enumerate(lines):
        if TRACEBACK in line:
            rest = lines[i + 1 :]
            last = next(
                (x for x in rest if x.strip() and not x.startswith((" ", "\t"))), "(no end)"
            )
            found.append(last.strip())
    return found


def _short(cmd: object) -> str:
    words = cmd if isinstance(cmd, list | tuple) else str(cmd).split()
    words = [str(w) for w in words]
    if "-c" in words:  # an inline script: its source says nothing
        words = words[: words.index("-c") + 1] + ["…"]
    return " ".join(w.rsplit("/", 1)[-1] for w in words)[:120]


@dataclass
class Ledger:
    test: str = ""  # nodeid of the running test, set by conftest
    faults: Counter[str] = field(default_factory=Counter)
    crawls: list[Crawl] = field(default_factory=list)
    checks: list[ArticleCheck] = field(default_factory=list)
    examples: int = 0
    hangs: dict[str, str] = field(default_factory=dict)  # test -> what timed out
    outcomes: dict[str, str] = field(default_factory=dict)  # test -> passed/failed/skipped

    # -- recording ---------------------------------------------------------------------

    def fault(self, kind: str, n: int = 1) -> None:
        """`n` faults of `kind` were really injected (served, killed, refused...)."""
        if n:
            self.faults[kind] += n

    def crawl(
        self,
        exit_code: int | None,
        stderr: str = "",
        *,
        expected: Iterable[int] = (0,),
        allowed_errors: Iterable[str] = (),
    ) -> bool:
        """A crawl process ended by itself with `exit_code`; whether it survived.

        It crashed when the exit code is not an expected one or its stderr holds a Python
        traceback whose exception line matches none of `allowed_errors` (regular expressions
        for errors the test provokes on purpose and the crawler logs)."""
        expected = tuple(expected)
        allowed = [re.compile(p) for p in allowed_errors]
        unexpected = [t for t in _tracebacks(stderr) if not any(p.search(t) for p in allowed)]
        reasons = []
        if exit_code not in expected:
            reasons.append(f"exit code {exit_code}, expected {' or '.join(map(str, expected))}")
        if unexpected:
            reasons.append(f"traceback: {unexpected[0]}")
        if not reasons:
            self.crawls.append(Crawl(self.test, "survived", exit_code))
            return True
        reason = "; ".join(reasons)
        self.crawls.append(Crawl(self.test, "crashed", exit_code, reason))
        return False

    def crawl_result(
        self,
        result: subprocess.CompletedProcess,
        *,
        expected: Iterable[int] = (0,),
        allowed_errors: Iterable[str] = (),
    ) -> bool:
        """`crawl` for a finished `subprocess.run` (its stderr captured as text)."""
        return self.crawl(
            result.returncode, result.stderr or "", expected=expected, allowed_errors=allowed_errors
        )

    def crawl_killed(self, exit_code: int | None) -> None:
        """A crawl the test SIGKILLed on purpose: neither survived nor crashed."""
        self.crawls.append(Crawl(self.test, "killed", exit_code, "SIGKILL by the test"))

    def crawl_hung(self, what: str) -> None:
        self.crawls.append(Crawl(self.test, "hung", None, what))
        self.hang(what)

    def hang(self, what: str, test: str | None = None) -> None:
        self.hangs.setdefault(test or self.test, what)

    def articles(self, expected: int, stored: int, doubled: int = 0, unexpected: int = 0) -> None:
        """`expected` articles should be stored; `stored` of them are, `doubled` rows are
        second copies, `unexpected` rows should not be there at all."""
        self.checks.append(ArticleCheck(self.test, expected, stored, doubled, unexpected))

    def measure(self, db: psycopg.Connection, expected_urls: Collection[str]) -> ArticleCheck:
        """Count, in the database, the expected articles stored, the rows beyond one per
        URL (count(*) - count(DISTINCT url)) and the rows nobody expected (the test's
        database holds this test's articles only: tables are truncated per test)."""
        wanted = sorted(set(expected_urls))
        with db.cursor(row_factory=tuple_row) as cur:
            rows, urls, stored = cur.execute(
                """SELECT count(*), count(DISTINCT url),
                          count(DISTINCT url) FILTER (WHERE url = ANY(%s))
                   FROM articles""",
                (wanted,),
            ).fetchone()
        self.articles(len(wanted), stored, doubled=rows - urls, unexpected=urls - stored)
        return self.checks[-1]

    def fuzzed(self, n: int = 1) -> None:
        """`n` hypothesis examples ran through the code under test."""
        self.examples += n

    # -- totals ------------------------------------------------------------------------

    def count(self, outcome: str) -> int:
        return sum(c.outcome == outcome for c in self.crawls)

    @property
    def crashes(self) -> int:
        return self.count("crashed")

    @property
    def lost(self) -> int:
        return sum(max(c.lost, 0) for c in self.checks)

    @property
    def doubled(self) -> int:
        return sum(c.doubled for c in self.checks)

    def summary(self) -> list[str]:
        lines = []
        total = sum(self.faults.values())
        lines.append(f"faults injected: {total} ({len(self.faults)} kinds)")
        width = max((len(k) for k in self.faults), default=0)
        lines += [f"  {kind:<{width}}  {n:>4}" for kind, n in sorted(self.faults.items())]
        lines.append(
            f"crawls: {len(self.crawls)} run, {self.count('survived')} survived, "
            f"{self.count('killed')} SIGKILLed by the test, {self.crashes} crashed, "
            f"{self.count('hung')} hung"
        )
        lines += [f"  crashed: {c.test}: {c.reason}" for c in self.crawls if c.outcome == "crashed"]
        expected = sum(c.expected for c in self.checks)
        stored = sum(c.stored for c in self.checks)
        unexpected = sum(c.unexpected for c in self.checks)
        lines.append(
            f"articles ({len(self.checks)} checks): {expected} expected, {stored} stored, "
            f"{self.lost} lost, {self.doubled} doubled, {unexpected} stored unexpectedly"
        )
        lines += [
            f"  {c.test}: {c.expected} expected, {c.stored} stored, {c.doubled} doubled, "
            f"{c.unexpected} unexpected"
            for c in self.checks
            if c.lost or c.doubled or c.unexpected
        ]
        lines.append(f"hypothesis examples run: {self.examples}")
        tests = Counter(self.outcomes.values())
        lines.append(
            f"fault tests: {len(self.outcomes)} run, {tests['passed']} passed, "
            f"{tests['failed']} failed, {tests['skipped']} skipped"
        )
        lines += [f"  hang: {test}: {what}" for test, what in self.hangs.items()]
        lines.append(
            f"FAULT SUITE: {self.crashes} crashes, {len(self.hangs)} hangs, "
            f"{self.lost} articles lost, {self.doubled} doubled"
        )
        return lines


#: the one ledger of this pytest process (the `ledger` fixture returns it too)
LEDGER = Ledger()


def hang_reason(exc: BaseException) -> str | None:
    """What timed out, when `exc` is a timeout: a subprocess (a crawl, a probe) or
    pytest-timeout stopping the test."""
    if isinstance(exc, subprocess.TimeoutExpired):
        return f"{_short(exc.cmd)} still running after {round(exc.timeout, 1):g} s"
    if "from pytest-timeout" in str(exc):
        return str(exc).strip()
    return None


def is_crawl(cmd: object) -> bool:
    words = [str(w) for w in cmd] if isinstance(cmd, list | tuple) else str(cmd).split()
    return "crawl" in words
