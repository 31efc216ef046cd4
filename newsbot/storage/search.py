"""Full-text search over stored articles (migration 0005: `articles.search_vector`).

The query uses PostgreSQL's websearch syntax (`"exact phrase"`, `or`, `-word`). Candidates
come from the GIN index through `newsbot_search_query(q)` (the query parsed with every
language configuration, `simple` included, OR-ed: one constant the index can use); each
candidate is then checked and ranked with `newsbot_article_query(q, language)`, the query
parsed with the configuration the article's vector was built with, so stemming follows the
article's language, exclusions hold, and words of other languages match as written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg import sql

from newsbot.errors import NewsbotError, NoSchema
from newsbot.storage.export import ArticleFilter
from newsbot.storage.migrate import pending

#: ts_rank_cd normalisation 1: divide by 1 + log(length), so long pages do not win by length
RANK_NORMALIZATION = 1
HEADLINE_OPTIONS = "StartSel=**, StopSel=**, MaxWords=30, MinWords=12, MaxFragments=2"


@dataclass
class Hit:
    """One search result; for a repost, its original too (`original_*`)."""

    id: int
    url: str
    source: str
    title: str | None
    published_at: datetime | None
    language: str | None
    rank: float
    headline: str
    duplicate_of: int | None
    original_source: str | None
    original_title: str | None
    original_url: str | None
    #: with --unique: how many copies of the story matched (the original included)
    matched_copies: int = 1

    def as_json(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["published_at"] = self.published_at.isoformat() if self.published_at else None
        data["rank"] = round(self.rank, 6)
        return data


# Matches per article: the index narrows (@@ the all-languages query), the per-article query
# decides and ranks. Headlines (expensive) are computed for the rows returned only.
_MATCHES = """
matches AS (
    SELECT a.id, a.duplicate_of,
           ts_rank_cd(a.search_vector, newsbot_article_query(%(q)s, a.language),
                      {norm}) AS rank
    FROM articles a
    WHERE a.search_vector @@ newsbot_search_query(%(q)s)
      AND a.search_vector @@ newsbot_article_query(%(q)s, a.language)
      {filters}
)"""

_PER_ARTICLE = """
WITH {matches},
best AS (
    SELECT id AS shown_id, id AS matched_id, rank, 1 AS matched_copies
    FROM matches ORDER BY rank DESC, id LIMIT %(limit)s
)"""

# --unique: a story's copies collapse to its original; the best-ranked copy gives the rank
# and the snippet (the original itself may not contain the words, e.g. an extended repost).
_PER_STORY = """
WITH {matches},
stories AS (
    SELECT DISTINCT ON (coalesce(duplicate_of, id))
           coalesce(duplicate_of, id) AS shown_id, id AS matched_id, rank,
           count(*) OVER (PARTITION BY coalesce(duplicate_of, id)) AS matched_copies
    FROM matches
    ORDER BY coalesce(duplicate_of, id), rank DESC, id
),
best AS (SELECT * FROM stories ORDER BY rank DESC, shown_id LIMIT %(limit)s)"""

_SELECT = """
SELECT s.id, s.url, s.source, s.title, s.published_at, s.language, b.rank,
       ts_headline(newsbot_text_search_config(m.language),
                   coalesce(nullif(m.body, ''), m.lead, m.title, ''),
                   newsbot_article_query(%(q)s, m.language), %(headline)s) AS headline,
       s.duplicate_of, o.source AS original_source, o.title AS original_title,
       o.url AS original_url, b.matched_copies
FROM best b
JOIN articles s ON s.id = b.shown_id
JOIN articles m ON m.id = b.matched_id
LEFT JOIN articles o ON o.id = s.duplicate_of
ORDER BY b.rank DESC, s.id"""


def search(
    conn: psycopg.Connection,
    query: str,
    filters: ArticleFilter | None = None,
    limit: int = 20,
) -> list[Hit]:
    """The best `limit` matches of `query`, best first.

    `filters` select which articles may match (source, dates on `published_at`);
    `filters.unique` then collapses the matching copies of a story into one row showing
    its original, rather than dropping reposts before matching: a story carried by the
    selected source is found even when only its repost there matched.
    """
    filters = filters or ArticleFilter()
    if not query.strip():
        raise NewsbotError("empty search query")
    if limit < 1:
        raise NewsbotError("--limit must be at least 1")
    missing = pending(conn)
    if any(name.startswith("0005_") for name in missing):
        raise NoSchema(
            "the database has no search index yet: run `newsbot db upgrade` first "
            "(pending migrations: " + ", ".join(missing) + ")"
        )
    per_copy = ArticleFilter(filters.source, filters.since, filters.until, unique=False)
    conditions, params = per_copy.conditions("a")
    filter_sql = sql.SQL("").join(sql.SQL("AND ") + c + sql.SQL(" ") for c in conditions)
    template = _PER_STORY if filters.unique else _PER_ARTICLE
    statement = sql.SQL(template + _SELECT).format(
        matches=sql.SQL(_MATCHES).format(filters=filter_sql, norm=sql.Literal(RANK_NORMALIZATION))
    )
    params.update(q=query, limit=limit, headline=HEADLINE_OPTIONS)
    with conn.cursor() as cursor:
        rows = cursor.execute(statement, params).fetchall()
    conn.rollback()  # read-only: end the transaction instead of leaving it open
    return [Hit(**_as_dict(row)) for row in rows]


def _as_dict(row: Any) -> dict[str, Any]:
    if isinstance(row, dict):
        return row
    raise TypeError("search expects a connection with dict rows (newsbot.storage.connect)")
