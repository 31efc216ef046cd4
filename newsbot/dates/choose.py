"""Pick published and modified dates from parsed candidates.

Trust follows how often each source is right on real sites: structured data a
CMS writes (JSON-LD, article:* meta) beats markup (itemprop, <time>), beats
visible text, beats what a feed or the URL said, beats HTTP Last-Modified.
Agreement between independent sources adds a little; the URL date is a sanity
check. A modified date never becomes the published one: no published evidence
means None, not a guess.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from datetime import timezone as fixed_tz
from typing import Any

from newsbot.dates.parse import _zone, language_zone, parse_date
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


def resolve_dates(
    candidates: list[DateCandidate],
    *,
    fetched_at: datetime,
    timezone: str | None = None,
    language: str | None = None,
) -> tuple[PageDate | None, PageDate | None]:
    """(published, modified) from raw candidates; either may be None, neither is invented."""
    if fetched_at.tzinfo is None:
        fetched_at = fetched_at.replace(tzinfo=UTC)
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
    if pub is not None and mod is not None:
        if mod.utc < pub.utc and mod.as_date() < pub.as_date():
            mod = None  # "modified" before publication: mislabelled or stale, drop it
        elif mod.evidence == "http" and mod.utc < pub.utc:
            mod = None
    shown = {p.date.value.date() for p in published + modified if p.date.date_only}
    return _in_zone(pub, tz, shown), _in_zone(mod, tz, shown)
