"""Raw date string → `PageDate`, cheapest parser first.

Order: exact machine formats (ISO 8601, compact, epoch, RFC 2822), then our own
token parser for human dates (month names from dateparser's locale data, so it
knows ~200 languages without dateparser's slow search), then dateparser itself
as the last resort (relative phrases in other languages, odd layouts). Every
path ends in `_finish`, which bounds-checks against the fetch time, so garbage
returns None instead of raising.

Time zones live in `zones`, what a language says about dates in `languages`.
"""

from __future__ import annotations

import email.utils
import functools
import re
from datetime import UTC, date, datetime, timedelta, tzinfo
from datetime import timezone as fixed_tz
from typing import Any

from newsbot.dates.languages import _WORD, _vocab, date_order, languages_for
from newsbot.dates.languages import DEFAULT_LANGUAGES as DEFAULT_LANGUAGES
from newsbot.dates.languages import language_zone as language_zone
from newsbot.dates.zones import _abbr_zone, _offset, _zone
from newsbot.items import PageDate

#: earliest date we believe a news page can carry
MIN_DATE = datetime(1990, 1, 1, tzinfo=UTC)
#: how far past the fetch time a date may lie (time-zone slop, clock skew)
FUTURE_TOLERANCE = timedelta(days=1)
#: longest free-text string we look at (bylines are short; this bounds the cost)
MAX_TEXT = 300

# --------------------------------------------------------------------------- result


def _as_fixed(value: datetime) -> datetime:
    """Replace a ZoneInfo by its fixed offset at that instant (stable, comparable)."""
    off = value.utcoffset()
    if off is None:
        return value.replace(tzinfo=UTC)
    return value.replace(tzinfo=fixed_tz(off))


def _finish(value: datetime | None, precision: str, fetched_at: datetime) -> PageDate | None:
    """Bounds check (1990 … fetch time + 1 day) and wrap."""
    if value is None:
        return None
    try:
        value = _as_fixed(value)
        if value < MIN_DATE or value > fetched_at + FUTURE_TOLERANCE:
            return None
    except (OverflowError, ValueError):
        return None
    return PageDate(value=value, precision=precision)


def _build(
    y: int,
    mo: int,
    d: int,
    hh: int | None,
    mi: int | None,
    ss: int | None,
    tz: tzinfo,
    fetched_at: datetime,
) -> PageDate | None:
    """Assemble a PageDate from parts; a date-only value is midnight in the page's zone."""
    try:
        if hh is None:
            return _finish(datetime(y, mo, d, tzinfo=tz), "day", fetched_at)
        value = datetime(y, mo, d, hh, mi or 0, ss or 0, tzinfo=tz)
    except (ValueError, OverflowError, TypeError):
        return None
    return _finish(value, "second" if ss is not None else "minute", fetched_at)


def _two_digit_year(yy: int, fetched_at: datetime) -> int:
    year = 2000 + yy
    return year if year <= fetched_at.year + 1 else 1900 + yy


# --------------------------------------------------------------------------- machine formats

_ISO = re.compile(
    r"(\d{4})-?(\d{2})-?(\d{2})"
    r"(?:[T ](\d{2}):?(\d{2})(?::?(\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2})?|UTC|GMT)?",
    re.I,
)
_ISO_DASHED = re.compile(r"\d{4}-\d{2}-\d{2}")
_EPOCH = re.compile(r"(\d{9,10}|\d{12,13})(?:\.\d+)?")
_RFC_START = re.compile(r"(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}")


def _parse_iso(s: str, tz: tzinfo, fetched_at: datetime) -> PageDate | None:
    m = _ISO.fullmatch(s)
    if not m:
        return None
    y, mo, d, hh, mi, ss, off = m.groups()
    if len(s) == 8 or (hh and ":" not in s and "-" not in s):
        pass  # compact forms: 20220731, 20220731T1940Z
    elif not _ISO_DASHED.match(s):
        return None  # mixed forms like 2022-0731 are not ISO
    zone: tzinfo | None = tz
    if off:
        o = off.upper()
        zone = UTC if o in ("Z", "UTC", "GMT") else _offset(o[0], o[1:3], o[3:].lstrip(":") or None)
        if zone is None:
            return None
    return _build(
        int(y),
        int(mo),
        int(d),
        int(hh) if hh else None,
        int(mi) if mi else None,
        int(ss) if ss else None,
        zone,
        fetched_at,
    )


def _parse_epoch(s: str, tz: tzinfo, fetched_at: datetime) -> PageDate | None:
    if not _EPOCH.fullmatch(s):
        return None
    try:
        n = float(s)
        if n > 1e11:
            n /= 1000.0  # milliseconds
        value = datetime.fromtimestamp(n, UTC).astimezone(tz)
    except (ValueError, OverflowError, OSError):
        return None
    return _finish(value.replace(microsecond=0), "second", fetched_at)


def _parse_rfc2822(s: str, tz: tzinfo, fetched_at: datetime) -> PageDate | None:
    if not _RFC_START.match(s):
        return None
    try:
        value = email.utils.parsedate_to_datetime(s)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if value.tzinfo is None:  # "-0000": explicitly unknown zone → UTC per RFC 5322
        value = value.replace(tzinfo=UTC)
    has_seconds = re.search(r"\d:\d{2}:\d{2}", s) is not None
    return _finish(value, "second" if has_seconds else "minute", fetched_at)


# --------------------------------------------------------------------------- free text

_TOKEN = re.compile(r"\d+|[^\W\d_]+(?:-[^\W\d_]+)*|'")
_AMPM = re.compile(r"(\d)\s*([ap])\.?\s?m\.?(?![^\W\d_])", re.I)
_NUMERIC = re.compile(r"(?<![\d.:/-])(\d{1,4})([./-])(\d{1,2})\2(\d{4}|\d{2})(?![\d/-]|\.\d)")
_CJK = re.compile(r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]?")
_TIME = re.compile(
    r"(?<![\d.:/,-])(2[0-3]|[01]?\d)(?:(?P<sep>[:h.])([0-5]\d)(?:(?P=sep)([0-5]\d)(?:[.,]\d+)?)?)?"
    r"(?:\s*(am|pm)\b)?"
    r"(?:\s*\(?(z\b|[a-z]{2,5}\b|(?:gmt|utc)?\s?[+−-]\s?\d{1,2}(?::?\d{2})?)\)?)?",
    re.I,
)
_DOTTED = re.compile(r"\d\.\d")
_RELATIVE_EN = re.compile(
    r"\b(\d+|an?|one)\s+(sec(?:ond)?|min(?:ute)?|hour|hr|day|week)s?\s+ago\b", re.I
)
_FILLERS = {
    "de", "del", "of", "the", "d", "di", "du", "le", "la", "el", "en", "em", "am",
    "a", "à", "st", "nd", "rd", "th", "er", "e", "o", "den", "der", "die", "im",
    "'", "г", "р", "року", "года", "roku", "r", "år", "á", "ā", "tháng", "ngày",
}  # fmt: skip
_STRIP_LABEL = re.compile(r"^[^\d]*?(?:[:：]|\b(?:on|am|le|el|il|em|op|dne|den)\b)\s*", re.I)


def _extract_zone(text: str) -> tzinfo | None:
    """A zone token right after a time: 'EDT', '+03:00', 'GMT+3', '(MSK)'."""
    t = text.strip().strip("()").lower().replace("−", "-")
    if not t:
        return None
    z = _abbr_zone(t)
    if z is not None:
        return z
    m = re.fullmatch(r"(?:gmt|utc)?\s?([+-])\s?(\d{1,2})(?::?(\d{2}))?", t)
    if m:
        return _offset(m.group(1), m.group(2), m.group(3))
    return None


def _find_time(text: str) -> tuple[tuple[int, int, int | None] | None, tzinfo | None, str]:
    """First clock time in the text (and its zone); returns the text with it blanked out."""
    for m in _TIME.finditer(text):
        hh, sep, mi, ss, ampm, zone = m.group(1, "sep", 3, 4, 5, 6)
        if mi is None and not ampm:
            continue  # a bare number is not a time
        # "19.40" next to more dotted digits is a date part, not a time
        clock_word = re.match(r"\s*(uhr|h\b|год|godz)", text[m.end() :])
        if (
            sep == "."
            and not ampm
            and not clock_word
            and _DOTTED.search(text, m.end(), m.end() + 4)
        ):
            continue
        h = int(hh)
        if ampm and 1 <= h <= 12:
            h = h % 12 + (12 if ampm.lower() == "pm" else 0)
        elif ampm and mi is None:
            continue
        tz = _extract_zone(zone) if zone else None
        end = m.end() if tz is not None or zone is None else m.start(6)
        blanked = text[: m.start()] + " " + text[end:]
        return (h, int(mi or 0), int(ss) if ss else None), tz, blanked
    return None, None, text


def _resolve_yearless(
    mo: int, d: int, weekday: int | None, fetched_at: datetime
) -> tuple[int, int, int] | None:
    """The nearest year ≤ fetch time in which month/day exists (and falls on the weekday)."""
    limit = (fetched_at + FUTURE_TOLERANCE).date()
    for year in range(limit.year, limit.year - 29, -1):
        try:
            day = date(year, mo, d)
        except ValueError:
            continue
        if day > limit:
            continue
        if weekday is None or day.isoweekday() == weekday:
            return year, mo, d
    return None


def _numeric(a: str, b: str, c: str, sep: str, order: str) -> tuple[int, int, int, bool] | None:
    """(year, month, day, two_digit_year) from a numeric date, using the page's order."""
    x, y, z = int(a), int(b), int(c)
    if len(a) == 4:
        return x, y, z, False
    if len(a) > 2:
        return None
    if x > 12 and y <= 12:
        day, month = x, y
    elif y > 12 and x <= 12:
        day, month = y, x
    elif sep == "." or order != "MDY":
        day, month = x, y
    else:
        day, month = y, x
    return z, month, day, len(c) == 2


_GLUED_CASE = re.compile(r"(?<=[a-zà-ÿ])(?=[A-Z][a-z])")
_GLUED_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")
_GLUED_YEAR = re.compile(
    r"\b((?:19|20)\d\d)(\d{1,2}\s*(?:min|mins|minutes?|hrs?|hours?|sec|secs)\b)", re.I
)


def _unglue(text: str) -> str:
    """Bylines whose parts were glued when the page's tags were dropped: "Jane
    DoeDecember 2, 2025", "Jane Doe-June 12, 2025", "Apr 16, 20240 min read"."""
    text = _GLUED_YEAR.sub(r"\1 \2", text)
    text = _GLUED_CASE.sub(" ", text)
    return _GLUED_HYPHEN.sub(" ", text)


def _parse_text(
    text: str, tz: tzinfo, fetched_at: datetime, language: str | None
) -> PageDate | None:
    """Human dates: labels and bylines around a date, any language dateparser knows."""
    s = _AMPM.sub(r"\1 \2m", _unglue(text).casefold().replace("\u00a0", " "))

    # numeric dates first (so their parts are not mistaken for a time)
    ymd: tuple[int, int, int] | None = None
    m = _CJK.search(s)
    if m:
        ymd = int(m.group(1)), int(m.group(2)), int(m.group(3))
        s = s[: m.start()] + " " + s[m.end() :]
    else:
        m = _NUMERIC.search(s)
        if m:
            parts = _numeric(m.group(1), m.group(3), m.group(4), m.group(2), date_order(language))
            if parts is None:
                return None
            y, mo, d, short = parts
            ymd = (_two_digit_year(y, fetched_at) if short else y), mo, d
            s = s[: m.start()] + " " + s[m.end() :]

    clock, zone, s = _find_time(s)
    tzi = zone or tz

    if ymd is None:
        months, weekdays = _vocab(languages_for(language))
        tokens = _TOKEN.findall(s)
        weekday = next((weekdays[t] for t in tokens if t in weekdays and t not in months), None)
        yearless: tuple[int, int] | None = None
        for i, tok in enumerate(tokens):
            mo = months.get(tok)
            if mo is None:
                continue
            before = [t for t in tokens[:i] if t not in _FILLERS][-1:]
            after = [t for t in tokens[i + 1 :] if t not in _FILLERS][:2]
            prev = before[0] if before and before[0].isdigit() else None
            nxt = after[0] if after and after[0].isdigit() else None
            nxt2 = after[1] if len(after) > 1 and after[1].isdigit() else None
            if prev and len(prev) <= 2 and nxt and len(nxt) == 4:
                ymd = int(nxt), mo, int(prev)  # 31 July 2022
            elif nxt and len(nxt) <= 2 and nxt2 and len(nxt2) == 4:
                ymd = int(nxt2), mo, int(nxt)  # July 31, 2022
            elif prev and len(prev) == 4 and nxt and len(nxt) <= 2:
                ymd = int(prev), mo, int(nxt)  # 2022. július 31.
            elif prev and len(prev) <= 2 and nxt and len(nxt) == 2 and nxt2 is None:
                ymd = _two_digit_year(int(nxt), fetched_at), mo, int(prev)  # 31 Jul 22
            elif nxt and len(nxt) == 4:
                return None  # July 2022: month precision only, never invent a day
            elif prev and len(prev) <= 2 and yearless is None:
                yearless = mo, int(prev)
            elif nxt and len(nxt) <= 2 and yearless is None:
                yearless = mo, int(nxt)
            if ymd:
                break
        if ymd is None and yearless is not None:
            ymd = _resolve_yearless(yearless[0], yearless[1], weekday, fetched_at)
            if ymd is None:
                return None
    if ymd is None:
        return _parse_relative_en(s, tz, fetched_at)
    hh, mi, ss = clock if clock else (None, None, None)
    return _build(ymd[0], ymd[1], ymd[2], hh, mi, ss, tzi, fetched_at)


def _relative(amount: timedelta, coarse: bool, tz: tzinfo, fetched_at: datetime) -> PageDate | None:
    """fetch time minus amount, in the page's zone; day precision for day-sized steps."""
    local = fetched_at.astimezone(tz) - amount
    if coarse:
        return _build(local.year, local.month, local.day, None, None, None, tz, fetched_at)
    return _finish(local.replace(second=0, microsecond=0), "minute", fetched_at)


def _parse_relative_en(s: str, tz: tzinfo, fetched_at: datetime) -> PageDate | None:
    if re.search(r"\b(yesterday)\b", s):
        return _relative(timedelta(days=1), True, tz, fetched_at)
    if re.search(r"\b(today|just now)\b", s):
        return _relative(timedelta(0), True, tz, fetched_at)
    m = _RELATIVE_EN.search(s)
    if not m:
        return None
    n = 1 if not m.group(1).isdigit() else int(m.group(1))
    unit = m.group(2)[:2]
    step = {
        "se": timedelta(seconds=1),
        "mi": timedelta(minutes=1),
        "ho": timedelta(hours=1),
        "hr": timedelta(hours=1),
        "da": timedelta(days=1),
        "we": timedelta(weeks=1),
    }[unit]
    try:
        return _relative(step * n, unit in ("da", "we"), tz, fetched_at)
    except OverflowError:
        return None


# --------------------------------------------------------------------------- dateparser fallback

_BASE_A = datetime(2001, 6, 15, 12, 0, 0)
_BASE_B = datetime(2003, 2, 10, 7, 30, 0)


@functools.lru_cache(maxsize=64)
def _dateparser(langs: tuple[str, ...], order: str, base: datetime) -> Any:
    """One DateDataParser per language tuple (construction is the slow part)."""
    from dateparser.date import DateDataParser

    return DateDataParser(
        languages=list(langs),
        try_previous_locales=False,
        settings={
            "PREFER_DATES_FROM": "past",
            "RELATIVE_BASE": base,
            "DATE_ORDER": order,
            "RETURN_AS_TIMEZONE_AWARE": False,
            "PREFER_DAY_OF_MONTH": "first",
        },
    )


def _parse_with_dateparser(
    text: str, tz: tzinfo, fetched_at: datetime, language: str | None
) -> PageDate | None:
    """Last resort; relative phrases are detected by parsing against two bases."""
    langs = languages_for(language)
    order = date_order(language)
    clock, zone, s = _find_time(text)
    digit = re.search(r"\d", s)
    tries = [s[digit.start() :]] if digit else []
    tries.append(_STRIP_LABEL.sub("", s, count=1))
    for attempt in tries:
        attempt = attempt.strip(" ,.|-–—")
        if attempt and len(attempt) <= 80:
            result = _dateparser_one(attempt, langs, order, clock, zone, tz, fetched_at)
            if result is not None:
                return result
    return None


def _dateparser_one(
    s: str,
    langs: tuple[str, ...],
    order: str,
    clock: tuple[int, int, int | None] | None,
    zone: tzinfo | None,
    tz: tzinfo,
    fetched_at: datetime,
) -> PageDate | None:
    try:
        a = _dateparser(langs, order, _BASE_A).get_date_data(s)
        if a is None or a.date_obj is None:
            return None
        parts = getattr(a, "parts", None) or ()
        if parts and ("day" not in parts or "month" not in parts):
            return None
        if a.period not in ("day", "time", None) and not parts:
            return None
        b = _dateparser(langs, order, _BASE_B).get_date_data(s)
    except Exception:
        return None
    va = a.date_obj.replace(tzinfo=None)
    vb = b.date_obj.replace(tzinfo=None) if b is not None and b.date_obj else None
    if vb is not None and vb - _BASE_B == va - _BASE_A:  # relative to "now"
        delta = _BASE_A - va
        if delta < timedelta(0) or abs(delta) > timedelta(days=60):
            return None
        coarse = delta % timedelta(days=1) == timedelta(0)
        if coarse and clock:  # "yesterday at 19:40"
            day = (fetched_at.astimezone(tz) - delta).date()
            return _build(day.year, day.month, day.day, *clock, zone or tz, fetched_at)
        return _relative(delta, coarse, tz, fetched_at)
    y, mo, d = va.year, va.month, va.day
    if parts and "year" not in parts:
        ymd = _resolve_yearless(mo, d, None, fetched_at)
        if ymd is None:
            return None
        y, mo, d = ymd
    tzi = zone or tz
    if clock:
        return _build(y, mo, d, clock[0], clock[1], clock[2], tzi, fetched_at)
    if "time" in parts:
        return _build(y, mo, d, va.hour, va.minute, None, tzi, fetched_at)
    return _build(y, mo, d, None, None, None, tzi, fetched_at)


# --------------------------------------------------------------------------- public


def _aware(fetched_at: datetime) -> datetime:
    return fetched_at if fetched_at.tzinfo else fetched_at.replace(tzinfo=UTC)


_SPACE = re.compile(r"\s+")


def parse_date(
    raw: str,
    *,
    fetched_at: datetime,
    timezone: str | None = None,
    language: str | None = None,
) -> PageDate | None:
    """Normalise one raw date string; None for anything unparseable, imprecise or implausible.

    Naive times are read in `timezone` (IANA), else UTC; explicit offsets are kept.
    Date-only strings give precision "day" (midnight in the page's zone).
    """
    try:
        return _parse(raw, fetched_at=_aware(fetched_at), timezone=timezone, language=language)
    except Exception:  # never let one odd string take down a page
        return None


def _parse(
    raw: str, *, fetched_at: datetime, timezone: str | None, language: str | None
) -> PageDate | None:
    if not isinstance(raw, str):
        return None
    s = _SPACE.sub(" ", raw.replace("\x00", " ")).strip()
    if not s:
        return None
    if len(s) > MAX_TEXT:
        s = s[:MAX_TEXT]
    tz = _zone(timezone)
    if len(s) <= 40 and s[0].isdigit():
        for fast in (_parse_iso, _parse_epoch):
            result = fast(s, tz, fetched_at)
            if result is not None:
                return result
        if _ISO.fullmatch(s) or _EPOCH.fullmatch(s):
            return None  # well-formed but out of range: do not reinterpret
    result = _parse_rfc2822(s, tz, fetched_at)
    if result is not None:
        return result
    result = _parse_text(s, tz, fetched_at, language)
    if result is not None:
        return result
    if not _WORD.search(s) or (not re.search(r"\d", s) and not _has_relative_word(s)):
        return None  # dateparser cannot do better on bare digits/punctuation
    return _parse_with_dateparser(s, tz, fetched_at, language)


_RELATIVE_HINT = re.compile(
    r"ago|yesterday|today|вчора|вчера|сьогодні|сегодня|gestern|heute|hier|aujourd|ayer|hoy|ieri|oggi|ontem|hoje|gisteren|wczoraj|dzisiaj",
    re.I,
)


def _has_relative_word(s: str) -> bool:
    return _RELATIVE_HINT.search(s) is not None
