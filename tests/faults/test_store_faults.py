"""A row the database refuses (a constraint violation) fails alone, never its batch."""

from __future__ import annotations

from datetime import UTC, datetime

import psycopg
import pytest

from newsbot import stages
from newsbot.items import Article
from newsbot.storage.articles import save_batch
from tests.faults.ledger import LEDGER

pytestmark = pytest.mark.slow  # the fault suite: `make test`, not `make test-fast`


def _article(n: int, title: str) -> Article:
    paragraphs = "".join(
        f"<p>Paragraph {i} of report {n}: the council met on Monday to discuss the new "
        f"tram line, and residents asked about noise, fares and the timetable.</p>"
        for i in range(6)
    )
    html = (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        f"{paragraphs}</article></body></html>"
    )
    page = Article(url=f"https://news.example/{n}", source="s", html=html,
                   fetched_at=datetime(2024, 3, 10, tzinfo=UTC))  # fmt: skip
    return stages.process(page)


def test_a_constraint_violation_fails_one_article_and_the_batch_goes_on(
    db: psycopg.Connection,
) -> None:
    db.execute("INSERT INTO sources (name, config) VALUES ('s', '{}')")
    # a real violation, raised by PostgreSQL itself for one row of the batch
    db.execute("ALTER TABLE articles ADD CONSTRAINT test_no_rejected CHECK (title <> 'REJECT ME')")
    db.commit()
    try:
        batch = [_article(1, "Tram line one"), _article(2, "REJECT ME"), _article(3, "Tram three")]
        results = save_batch(db, batch)
        LEDGER.fault("db/constraint-violation")
        outcomes = [r.outcome for r in results]
        LEDGER.measure(db, ["https://news.example/1", "https://news.example/3"])
        assert outcomes == ["new", "failed", "new"]
        assert "test_no_rejected" in (results[1].error or "")
        urls = [r["url"] for r in db.execute("SELECT url FROM articles ORDER BY url")]
        assert urls == ["https://news.example/1", "https://news.example/3"]
        # the connection is usable afterwards: the next batch is stored
        assert [r.outcome for r in save_batch(db, [_article(4, "Tram four")])] == ["new"]
    finally:
        db.rollback()
        db.execute("ALTER TABLE articles DROP CONSTRAINT IF EXISTS test_no_rejected")
        db.commit()
