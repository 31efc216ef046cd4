"""Pick published and modified dates from parsed candidates.

Trust follows how often each source is right on real sites: structured data a
CMS writes (JSON-LD, article:* meta) beats markup (itemprop, <time>), beats
visible text, beats what a feed or the URL said, beats HTTP Last-Modified.
Agreement between independent sources adds a little; the URL date is a sanity
check. A modified date never becomes the published one: no published evidence
means None, not a guess.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from datetime import timezone as fixed_tz
from typing import Any

from newsbot.dates.candidates import _label_role
from newsbot.dates.parse import FUTURE_TOLERANCE, _zone, language_zone, parse_date
from newsbot.items import DateCandidate, PageDate

#: base trust per evidence kind ("text" = weak: comments, sidebars, related links)
WEIGHTS: dict[str, int] = {
    "jsonld": 100,
    "meta": 90,
    "microdata": 80,
    "time": 65,
    "byline": 55,
    "feed": 50,
    "sitemap": 50,
    "url": 35,
    "script": 30,
    "http": 5,
    "text": 0,
}
#: meta keys as trustworthy as JSON-LD (written by the CMS for Facebook/Google)
STRONG_META = {
    "article:published_time",
    "article:modified_time",
    "og:published_time",
    "og:updated_time",
    "og:article:published_time",
    "article.published",
}
#: kinds that never decide alone (comment/related dates, Last-Modified for published)
_WEAK = {"text"}
_PRECISION_RANK = {"day": 0, "minute": 1, "second": 2}


@dataclass
class _Parsed:
    cand: DateCandidate
    date: PageDate
    weight: int
    order: int
    day: date


def _weight(c: DateCandidate) -> int:
    w = WEIGHTS.get(c.evidence, 10)
    key = c.key.lower()
    if c.evidence == "meta" and key.split("@")[0] in STRONG_META:
        w += 8
    if c.evidence in ("time", "byline") and "@article" in key:
        w += 10
    if c.evidence == "time" and "[datetime]" in key:
        w += 3
    if c.role == "unknown":
        w -= 5
        if c.evidence in ("time", "byline") and "@article" not in key:
            w -= 12  # an unlabelled date outside the article: below what a feed/sitemap said
    return w


def _local_day(d: PageDate, tz: tzinfo | None) -> date:
    """The calendar day a reader of the page would see."""
    if d.date_only or tz is None:
        return d.value.date()
    return d.value.astimezone(tz).date()


def _fine(p: _Parsed) -> tuple[int, int]:
    """How much a value says beyond the day; T00:00:00 is usually a date in disguise."""
    rank = _PRECISION_RANK.get(p.date.precision, 0)
    v = p.date.value
    if rank and v.hour == 0 and v.minute == 0 and v.second == 0:
        rank = 0
    return rank, p.weight


def _page_offset(values: list[PageDate]) -> tzinfo | None:
    """Without a configured zone, the page's own most common non-UTC offset (if any).

    So '20:15-04:00' in JSON-LD and '00:15Z' in a meta tag count as the same day.
    """
    offsets = Counter(
        d.value.utcoffset() for d in values if not d.date_only and d.value.utcoffset()
    )
    if not offsets:
        return None
    return fixed_tz(offsets.most_common(1)[0][0])


#: a zone far from any page's, to tell a printed offset from a zone-less time
_PROBE_ZONE = "Pacific/Kiritimati"


def _naive(
    cache: dict[str, PageDate | None], fetched_at: datetime, language: str | None
) -> list[str]:
    """Raw strings whose value depends on the zone they are read in (no offset printed)."""
    out = []
    for raw, d in cache.items():
        if d is None:
            continue
        probe = parse_date(raw, fetched_at=fetched_at, timezone=_PROBE_ZONE, language=language)
        if probe is not None and probe.value.utcoffset() != d.value.utcoffset():
            out.append(raw)
    return out


def _zone_of_page(
    cands: list[tuple[int, DateCandidate]],
    cache: dict[str, PageDate | None],
    language: str | None,
) -> str | None:
    """Without a configured zone: the offset the page's own dated markup prints most
    (its CMS writes local time with the offset), else the zone its language is read in.

    A 'Z' or +00:00 is not evidence (many CMSs serialise in UTC; zone-less times were
    read as UTC, so they drop out here too); weak dates (comments, related lists) count,
    since the same CMS printed them.
    """
    offsets: Counter = Counter()
    for _, c in cands:
        d = cache.get(c.raw)
        if d is None or d.date_only or c.evidence in ("http", "feed", "url"):
            continue
        off = d.value.utcoffset()
        if off:
            offsets[off] += 1
    if offsets:
        off = offsets.most_common(1)[0][0]
        minutes = int(off.total_seconds() // 60)
        sign = "-" if minutes < 0 else "+"
        return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return language_zone(language)


def _wall(d: PageDate) -> datetime:
    return d.value.replace(tzinfo=None, second=0, microsecond=0)


def _fix_false_utc(
    parsed: list[tuple[int, DateCandidate, PageDate]],
) -> list[tuple[int, DateCandidate, PageDate]]:
    """A value stamped UTC ('Z', +00:00) whose wall-clock time is exactly what the page
    prints elsewhere with a real offset is local time mislabelled by a plugin: keep the
    wall clock, take the offset. (A true UTC value differs from local wall time by the
    offset, so it never matches.)"""
    walls: dict[datetime, Any] = {}
    for _, _, d in parsed:
        off = d.value.utcoffset()
        if not d.date_only and off:
            walls.setdefault(_wall(d), off)
    if not walls:
        return parsed
    out = []
    for i, c, d in parsed:
        off = walls.get(_wall(d)) if not d.date_only and not d.value.utcoffset() else None
        if off is not None and c.evidence != "http":
            d = PageDate(d.value.replace(tzinfo=fixed_tz(off)), d.precision, d.evidence)
        out.append((i, c, d))
    return out


def _in_zone(d: PageDate | None, tz: tzinfo | None, shown: set[date]) -> PageDate | None:
    """A UTC ('Z') stamp near midnight, re-expressed in the page's own zone when the page
    shows that local day: 03:05Z from a -08:00 site whose byline reads '18 December' (or
    whose URL holds /12/18/) is the 18th, as its readers saw it. `shown` holds the days the
    page prints without a time (visible dates, the URL); without such a sign the stamp is
    left as written, and a value already carrying a real offset is never shifted again."""
    if d is None or tz is None or d.date_only or d.value.utcoffset():
        return d
    value = d.value.astimezone(tz)
    if value.date() == d.value.date() or value.date() not in shown or d.value.date() in shown:
        return d
    off = value.utcoffset()
    return PageDate(value=value.replace(tzinfo=fixed_tz(off) if off is not None else UTC),
                    precision=d.precision, evidence=d.evidence)  # fmt: skip


def _pick(pool: list[_Parsed], url_days: set[date]) -> PageDate | None:
    """Best-supported day, then the most precise value within that day."""
    strong = [p for p in pool if p.cand.evidence not in _WEAK]
    if not strong:
        return None
    groups: dict[date, list[_Parsed]] = {}
    for p in strong:
        groups.setdefault(p.day, []).append(p)

    def score(day: date) -> tuple[int, int]:
        members = groups[day]
        best = max(m.weight for m in members)
        kinds = {m.cand.evidence for m in members}
        bonus = 4 * (len(kinds) - 1)
        if url_days and any(abs((day - u).days) <= 1 for u in url_days):
            bonus += 12
        return best + bonus, -min(m.order for m in members)

    day = max(groups, key=score)
    members = groups[day]
    top = max(m.weight for m in members)
    # a value from a much weaker source may add the time of day, never change the day
    chosen = max(members, key=lambda m: (_fine(m), m.weight == top, -m.order))
    result = chosen.date
    head = max(members, key=lambda m: (m.weight, -m.order))
    return PageDate(value=result.value, precision=result.precision, evidence=head.cand.evidence)


_METADATA = {"jsonld", "meta", "microdata"}
_FULL_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def _shown_over_metadata(
    pub: PageDate | None, published: list[_Parsed], modified: list[_Parsed]
) -> PageDate | None:
    """The date the article's header shows, when the metadata's published date cannot be
    trusted against it. Metadata loses to a date line in the article header on another day
    when (a) the line says outright that it is the publication date ('Published 26 Apr
    2023', a published class), or (b) the metadata's published day is also its modified day:
    a template that writes the item's last save into both fields, while the page prints
    the day it first appeared. Otherwise metadata stands."""
    if pub is None or pub.evidence not in _METADATA:
        return None
    meta_pub = {p.day for p in published if p.cand.evidence in _METADATA}
    meta_mod = {p.day for p in modified if p.cand.evidence in _METADATA}
    shown = [
        p
        for p in published
        if p.cand.evidence in ("byline", "time")
        and ("@article" in p.cand.key or p.cand.key == "near-title@article")
        and p.day not in meta_pub
        and _FULL_YEAR.search(p.cand.raw)  # a year-less '12 Apr' is a guess of its year
    ]
    if not shown:
        return None
    save_stamp = bool(meta_pub) and all(
        any(abs((d - m).days) <= 1 for m in meta_mod) for d in meta_pub
    )
    labelled = [p for p in shown if _label_role(p.cand.raw) == "published"]
    pool = labelled or (shown if save_stamp else [])
    if not pool or len({p.day for p in pool}) > 1:
        return None  # the header disagrees with itself: keep the metadata
    best = max(pool, key=lambda m: (m.weight, _fine(m), -m.order))
    return PageDate(value=best.date.value, precision=best.date.precision,
                    evidence=best.cand.evidence)  # fmt: skip


def _second_opinion_day(html: str, url: str | None, fetched_at: datetime) -> date | None:
    """htmldate's reading of the page (its own markup and text heuristics), or None.

    Only asked when our own evidence is weak, so its cost (a few ms) is paid on few pages.
    """
    try:
        from htmldate import find_date

        found = find_date(
            html,
            url=url or None,
            extensive_search=True,
            original_date=True,
            max_date=fetched_at.replace(tzinfo=None) + FUTURE_TOLERANCE,
        )
        return date.fromisoformat(found[:10]) if found else None
    except Exception:  # a second opinion must never cost us the page
        return None


#: evidence a reader sees on the page (an "Updated 3 May" line is the only date a page
#: without any published date shows; a modified meta tag is not shown to anyone)
_VISIBLE = {"byline", "time", "text"}


def _corroborated(day: date | None, pool: list[_Parsed]) -> PageDate | None:
    """The page's own value for a day another reader chose: the strongest candidate on
    that day, of any kind (a sidebar-looking byline, an 'Updated' line). A day none of our
    candidates shows is not taken: a reader that saw nothing we can check is a guess."""
    if day is None:
        return None
    members = [p for p in pool if p.day == day]
    if not members:
        return None
    best = max(members, key=lambda m: (m.weight, _fine(m), -m.order))
    return PageDate(value=best.date.value, precision=best.date.precision, evidence="second_opinion")


def _read(
    candidates: list[DateCandidate],
    fetched_at: datetime,
    timezone: str | None,
    language: str | None,
) -> tuple[list[tuple[int, DateCandidate, PageDate]], str | None]:
    """Every candidate parsed once, times without a zone read in the source's zone, else
    in the zone the page's other dates show: (parsed ones, the zone used)."""
    cands = [
        (i, c)
        for i, c in enumerate(candidates or [])
        if isinstance(c, DateCandidate) and isinstance(c.raw, str)
    ]
    cache: dict[str, PageDate | None] = {}
    for _, c in cands:
        if c.raw not in cache:
            cache[c.raw] = parse_date(
                c.raw, fetched_at=fetched_at, timezone=timezone, language=language
            )
    if not timezone:
        zone = _zone_of_page(cands, cache, language)
        if zone:  # re-read the times the page printed without a zone in the page's zone
            for raw in _naive(cache, fetched_at, language):
                cache[raw] = parse_date(
                    raw, fetched_at=fetched_at, timezone=zone, language=language
                )
            timezone = zone
    parsed = _fix_false_utc([(i, c, cache[c.raw]) for i, c in cands if cache[c.raw] is not None])
    return parsed, timezone


def resolve_dates(
    candidates: list[DateCandidate],
    *,
    fetched_at: datetime,
    timezone: str | None = None,
    language: str | None = None,
    html: str | None = None,
    url: str | None = None,
) -> tuple[PageDate | None, PageDate | None]:
    """(published, modified) from raw candidates; either may be None, neither is invented.

    With the page's `html`, a page on which we find no trustworthy published date is read
    a second time by htmldate; its day is taken only when one of our own candidates (weak
    or modified ones included) shows that same day.
    """
    if fetched_at.tzinfo is None:
        fetched_at = fetched_at.replace(tzinfo=UTC)
    parsed, timezone = _read(candidates, fetched_at, timezone, language)
    tz = _zone(timezone) if timezone else _page_offset([d for _, _, d in parsed])
    published: list[_Parsed] = []
    modified: list[_Parsed] = []
    url_days: set[date] = set()
    for i, c, d in parsed:
        p = _Parsed(cand=c, date=d, weight=_weight(c), order=i, day=_local_day(d, tz))
        if c.evidence == "url":
            url_days.add(p.day)
        if c.role == "modified":
            modified.append(p)
        elif c.evidence != "http":  # Last-Modified says when the file changed, not published
            published.append(p)

    pub = _pick(published, url_days)
    mod = _pick(modified, set())
    pub = _shown_over_metadata(pub, published, modified) or pub
    if pub is None and html:
        pub = _corroborated(
            _second_opinion_day(html, url, fetched_at),
            published + [p for p in modified if p.cand.evidence in _VISIBLE],
        )
    if pub is not None and mod is not None:
        if mod.utc < pub.utc and mod.as_date() < pub.as_date():
            mod = None  # "modified" before publication: mislabelled or stale, drop it
        elif mod.evidence == "http" and mod.utc < pub.utc:
            mod = None
    shown = {p.date.value.date() for p in published + modified if p.date.date_only}
    return _in_zone(pub, tz, shown), _in_zone(mod, tz, shown)


def explain(
    candidates: list[DateCandidate],
    *,
    published: PageDate | None,
    modified: PageDate | None,
    fetched_at: datetime,
    timezone: str | None = None,
    language: str | None = None,
) -> list[dict[str, Any]]:
    """Each candidate as `newsbot extract --candidates` shows it: what it parsed to, how
    much its kind of evidence is trusted, and whether it carries the chosen value.

    The published date is the best-supported day: the highest trust among the
    candidates of that day, plus a little per other kind of evidence that agrees and
    more when the URL shows that day; a modified date never stands in for it.
    """
    if fetched_at.tzinfo is None:
        fetched_at = fetched_at.replace(tzinfo=UTC)
    # the values the chooser saw (same zone reading), not a second parse of our own
    parsed, _zone_used = _read(candidates, fetched_at, timezone, language)
    values = {i: d for i, _c, d in parsed}
    out: list[dict[str, Any]] = []
    for i, c in enumerate(candidates or []):
        d = values.get(i)
        row: dict[str, Any] = {
            "raw": c.raw,
            "role": c.role,
            "evidence": c.evidence,
            "key": c.key,
            "parsed": d.value.isoformat() if d else None,
            "trust": _weight(c),
        }
        if d is None:
            row["why_not"] = "unparseable, imprecise or implausible"
        elif c.evidence in _WEAK:
            row["why_not"] = "weak evidence (comments, sidebars, related links): never decides"
        chosen = [
            name
            for name, value in (("published", published), ("modified", modified))
            if d is not None and value is not None and d.value.date() == value.value.date()
            and (c.role == "modified") == (name == "modified")
        ]  # fmt: skip
        if chosen:
            row["supports"] = chosen[0]
        out.append(row)
    return out
