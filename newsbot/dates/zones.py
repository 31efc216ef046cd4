"""Time zones for page dates: IANA names, fixed offsets and the abbreviations pages
print ("EST", "MESZ"), each turned into a tzinfo without ever raising."""

from __future__ import annotations

import functools
import re
from datetime import UTC, timedelta, tzinfo
from datetime import timezone as fixed_tz
from zoneinfo import ZoneInfo

# --------------------------------------------------------------------------- zones

#: abbreviations dateparser misreads or ignores; fixed offsets in hours
TZ_FIXED: dict[str, float] = {
    "utc": 0, "gmt": 0, "ut": 0, "z": 0, "wet": 0,
    "edt": -4, "est": -5, "cdt": -5, "cst": -6, "mdt": -6, "mst": -7,
    "pdt": -7, "pst": -8, "akdt": -8, "akst": -9, "hst": -10,
    "adt": -3, "ast": -4, "ndt": -2.5, "nst": -3.5,
    "bst": 1, "west": 1, "cet": 1, "met": 1, "mez": 1,
    "cest": 2, "mest": 2, "mesz": 2, "eet": 2,
    "eest": 3, "msk": 3, "trt": 3,
    "pkt": 5, "ist": 5.5, "ict": 7, "wib": 7,
    "hkt": 8, "sgt": 8, "awst": 8, "pht": 8,
    "jst": 9, "kst": 9, "acst": 9.5, "aest": 10, "acdt": 10.5, "aedt": 11,
    "nzst": 12, "nzdt": 13,
}  # fmt: skip
#: generic (DST-following) abbreviations: resolved through the real zone
TZ_ZONES: dict[str, str] = {
    "et": "America/New_York",
    "ct": "America/Chicago",
    "mt": "America/Denver",
    "pt": "America/Los_Angeles",
    "at": "America/Halifax",
}


_FIXED_NAME = re.compile(r"([+-])(\d{2}):(\d{2})")


@functools.lru_cache(maxsize=64)
def _zone(name: str | None) -> tzinfo:
    """IANA name → tzinfo; unknown or missing names mean UTC (never raise)."""
    if not name:
        return UTC
    m = _FIXED_NAME.fullmatch(name)
    if m:  # "+03:00": a fixed offset read off the page itself
        return _offset(m.group(1), m.group(2), m.group(3)) or UTC
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return UTC
    except Exception:  # zoneinfo raises a few odd types on malformed keys
        return UTC


def _offset(sign: str, hours: str, minutes: str | None) -> tzinfo | None:
    try:
        h, m = int(hours), int(minutes or 0)
    except ValueError:
        return None
    if h > 14 or m > 59:
        return None
    delta = timedelta(hours=h, minutes=m)
    return fixed_tz(-delta if sign in "-−" else delta)


def _abbr_zone(token: str) -> tzinfo | None:
    token = token.lower().strip("()")
    if token in TZ_FIXED:
        return fixed_tz(timedelta(hours=TZ_FIXED[token]))
    if token in TZ_ZONES:
        return _zone(TZ_ZONES[token])
    return None
