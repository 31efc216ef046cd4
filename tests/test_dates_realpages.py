"""Classes of date errors seen on real pages (issue 17), each on a small hand-written page.

Each test names the class it guards; none copies a real page.
"""

from __future__ import annotations

from datetime import UTC, datetime

import lxml.html

from newsbot.dates import collect_candidates, resolve_dates
from newsbot.items import DateCandidate, Hints

FETCHED = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)


def day(
    html: str,
    url: str = "https://example.com/news/story",
    *,
    jsonld: list[dict] | None = None,
    hints: Hints | None = None,
    timezone: str | None = None,
    language: str | None = "en",
) -> str | None:
    """The published day the full collect → resolve path gives for a page."""
    cands = collect_candidates(lxml.html.fromstring(html), url, jsonld=jsonld or [], hints=hints)
    pub, _ = resolve_dates(cands, fetched_at=FETCHED, timezone=timezone, language=language)
    return pub.value.date().isoformat() if pub else None


def C(raw: str, role: str, evidence: str, key: str = "") -> DateCandidate:
    return DateCandidate(raw=raw, role=role, evidence=evidence, key=key)


# ------------------------------------------------------------------ time zones


def test_utc_stamp_near_midnight_keeps_the_local_day_the_page_shows() -> None:
    """03:05Z on a -08:00 site whose URL and byline say the 18th is the 18th, not the 19th."""
    html = """<html><head>
      <meta property="article:published_time" content="2025-12-19T03:05:00+00:00">
      </head><body><article><h1>Winter notes</h1>
      <div class="wp-block-post-date"><time datetime="2025-12-18T19:05:00-08:00">December 18,
      2025</time></div><p>Text.</p></article></body></html>"""
    assert day(html, "https://blog.example.org/2025/12/18/winter-notes") == "2025-12-18"


def test_utc_stamp_stays_on_its_day_without_a_local_sign() -> None:
    """No visible local day and no URL date: the stamp is not shifted on a guess."""
    cands = [
        C("2025-07-05T00:04:00+00:00", "published", "meta", "article:published_time"),
        C("2026-01-02T11:17:27-05:00", "modified", "time", "time[datetime]@article"),
    ]
    pub, _ = resolve_dates(cands, fetched_at=FETCHED)
    assert pub is not None and pub.value.date().isoformat() == "2025-07-05"
