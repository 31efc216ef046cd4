"""The end-of-crawl summary line names the spool only when it was used.

The crawl in which the database refuses connections and batches go to the spool (and
what its summary says) is tests/faults/test_database_faults.py
::test_database_away_for_a_while_spools_then_stores_within_the_run.
"""

from __future__ import annotations

import pytest

from newsbot.commands.crawl import summary_line

pytestmark = pytest.mark.slow  # the fault suite: `make test`, not `make test-fast`


def test_summary_line_names_the_spool_only_when_it_was_used() -> None:
    row = {
        "pages": 12, "articles_new": 10, "articles_updated": 0, "articles_unchanged": 0,
        "reposts": 1, "dropped": 2, "errors": 0, "articles_spooled": 0, "spool_pending": 0,
    }  # fmt: skip
    plain = "wire: 12 pages, 10 new, 0 updated, 0 unchanged, 1 reposts, 2 dropped, 0 errors"
    assert summary_line("wire", row) == plain
    row.update(articles_spooled=7, spool_pending=3)
    assert summary_line("wire", row) == (
        f"{plain}, 7 spooled (database unavailable), 3 still spooled for the next run"
    )
