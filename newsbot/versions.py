"""Comparing extractor versions ("0.1.0+rules.2", newsbot.stages.EXTRACTOR_VERSION).

PEP 440 order (packaging), so "0.1.0+rules.10" is newer than "0.1.0+rules.9"; a row
without a version (stored before versions were recorded) is older than any.
"""

from __future__ import annotations

from packaging.version import InvalidVersion, Version


def parse(version: str | None) -> Version | None:
    """The version, or None for a missing one; an unreadable one raises ValueError."""
    if not version:
        return None
    try:
        return Version(version)
    except InvalidVersion:
        raise ValueError(
            f"{version!r} is not an extractor version (like '0.1.0+rules.1')"
        ) from None


def older_than(version: str | None, limit: str) -> bool:
    """True when `version` made its rows with older code than `limit`."""
    found, bound = parse(version), parse(limit)
    if bound is None:
        return False
    return found is None or found < bound


def sort_key(version: str | None) -> tuple[int, Version | str]:
    """Oldest first: missing versions, then in version order (unreadable ones last)."""
    try:
        found = parse(version)
    except ValueError:
        return (2, version or "")
    return (0, Version("0")) if found is None else (1, found)
