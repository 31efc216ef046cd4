"""The sources file: one `[[sources]]` table per site, validated at load time.

This format is a contract with operators. Unknown keys and bad values are rejected
with a message that names the file, the source and the key, so a typo never turns
into a silently empty crawl.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newsbot.errors import ConfigError
from newsbot.sites.base import KEYS as OVERRIDE_KEYS
from newsbot.sites.base import SiteOverrides

_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")


@dataclass(frozen=True)
class Source:
    """One site to crawl, as declared in the sources file."""

    name: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    start_urls: tuple[str, ...] = ()
    article_pattern: str | None = None
    follow_pattern: str | None = None
    max_depth: int = 2
    timezone: str | None = None
    language: str | None = None
    render_js: bool | str = False
    #: per-site extraction overrides declared under [sources.extract]
    extract: SiteOverrides | None = None
    #: re-fetch a stored article after this many days even if discovery says nothing changed
    refresh_days: float | None = None
    #: skip feed/sitemap entries older than this (by their dates, before fetching)
    max_age_days: float | None = None
    #: stop this source after this many article pages / seconds
    max_pages: int | None = None
    max_duration: float | None = None
    #: politeness towards this site: seconds between requests, parallel requests
    download_delay: float | None = None
    concurrency: int | None = None
    #: how often `newsbot schedule` runs this source: "15m", "1h", "daily", or a cron expression
    schedule: str | None = None
    #: the discovery methods chosen with `discover` (None: not given, see `discovery`)
    discover: tuple[str, ...] | None = None
    #: keep every fetched response as WARC in this directory (absolute; None: not asked)
    archive: str | None = None
    _article_re: re.Pattern[str] | None = field(default=None, repr=False, compare=False)
    _follow_re: re.Pattern[str] | None = field(default=None, repr=False, compare=False)

    @property
    def entry_points(self) -> tuple[str, ...]:
        return self.feeds + self.sitemaps + self.start_urls

    @property
    def hosts(self) -> frozenset[str]:
        """Hosts the sources file itself names for this source."""
        return frozenset(urlsplit(u).hostname or "" for u in self.entry_points) - {""}

    @property
    def discovery(self) -> frozenset[str]:
        """The discovery methods that run for this source (DISCOVER_METHODS).

        Without a `discover` key: feeds, sitemaps and links, plus the sitemaps robots.txt
        names when the source lists neither feeds nor sitemaps (as before the key existed).
        With it: exactly the methods it names.
        """
        if self.discover is not None:
            return frozenset(self.discover)
        robots = () if self.feeds or self.sitemaps else ("robots",)
        return frozenset(("feeds", "sitemaps", "links", *robots))

    @property
    def robots_hosts(self) -> tuple[str, ...]:
        """scheme://host of each site whose robots.txt is read for sitemaps (when "robots"
        runs): the hosts of the start URLs, else of every entry point."""
        urls = self.start_urls or self.entry_points
        return tuple(sorted({f"{p.scheme}://{p.netloc}" for p in map(urlsplit, urls)}))

    def matches_article(self, url: str) -> bool | None:
        """True/False by `article_pattern`; None when no pattern is set (use heuristics)."""
        if self._article_re is None:
            return None
        return self._article_re.search(url) is not None

    def matches_follow(self, url: str) -> bool | None:
        if self._follow_re is None:
            return None
        return self._follow_re.search(url) is not None

    def to_dict(self) -> dict[str, Any]:
        """The declared settings, as stored in the `sources` table."""
        return {
            "name": self.name,
            "feeds": list(self.feeds),
            "sitemaps": list(self.sitemaps),
            "start_urls": list(self.start_urls),
            "article_pattern": self.article_pattern,
            "follow_pattern": self.follow_pattern,
            "max_depth": self.max_depth,
            "timezone": self.timezone,
            "language": self.language,
            "render_js": self.render_js,
            "refresh_days": self.refresh_days,
            "max_age_days": self.max_age_days,
            "max_pages": self.max_pages,
            "max_duration": self.max_duration,
            "download_delay": self.download_delay,
            "concurrency": self.concurrency,
            "schedule": self.schedule,
            "discover": list(self.discover) if self.discover is not None else None,
            "archive": self.archive,
            "extract": {
                key: list(value) if isinstance(value, tuple) else value
                for key, value in vars(self.extract).items()
                if value and key != "hosts"
            }
            if self.extract
            else None,
        }


def source_from_config(config: dict[str, Any]) -> Source:
    """The settings extraction needs (timezone, language, [sources.extract]) of a source as
    the sources table keeps them (`Source.to_dict`): what re-extraction runs with."""
    name = str(config.get("name") or "")
    where = Path("<sources table>")
    return Source(
        name,
        timezone=config.get("timezone"),
        language=config.get("language"),
        extract=_overrides(where, name, config.get("extract")),
    )


def _fail(path: Path, source: str | None, key: str | None, message: str) -> ConfigError:
    where = str(path)
    if source is not None:
        where += f": source {source!r}"
    if key is not None:
        where += f", key {key!r}"
    return ConfigError(f"{where}: {message}")


def _url_list(path: Path, name: str, key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(path, name, key, 'must be a list of URLs, e.g. ["https://example.com/rss"]')
    for url in value:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise _fail(path, name, key, f"{url!r} is not an absolute http(s) URL")
    return tuple(value)


def _regex(path: Path, name: str, key: str, value: Any) -> re.Pattern[str] | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise _fail(path, name, key, "must be a non-empty regular expression string")
    try:
        return re.compile(value)
    except re.error as exc:
        raise _fail(path, name, key, f"invalid regular expression: {exc}") from None


def _parse_source(path: Path, index: int, table: Any) -> Source:
    if not isinstance(table, dict):
        raise _fail(path, f"#{index + 1}", None, "each [[sources]] entry must be a table")
    name = table.get("name")
    if not isinstance(name, str) or not name:
        raise _fail(
            path, f"#{index + 1}", "name", 'is required (a short unique name, e.g. "unian")'
        )
    if not _NAME_RE.match(name):
        raise _fail(
            path, name, "name", "use lower-case letters, digits, '-', '_' or '.' (at most 64)"
        )
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise _fail(
            path, name, unknown[0], f"unknown key; allowed keys: {', '.join(sorted(_KEYS))}"
        )

    feeds = _url_list(path, name, "feeds", table.get("feeds", []))
    sitemaps = _url_list(path, name, "sitemaps", table.get("sitemaps", []))
    start_urls = _url_list(path, name, "start_urls", table.get("start_urls", []))
    if not (feeds or sitemaps or start_urls):
        raise _fail(path, name, None, "needs at least one of feeds, sitemaps or start_urls")

    article_re = _regex(path, name, "article_pattern", table.get("article_pattern"))
    follow_re = _regex(path, name, "follow_pattern", table.get("follow_pattern"))

    max_depth = table.get("max_depth", 2)
    if isinstance(max_depth, bool) or not isinstance(max_depth, int) or not 0 <= max_depth <= 20:
        raise _fail(path, name, "max_depth", "must be a whole number from 0 to 20")

    timezone = table.get("timezone")
    if timezone is not None:
        if not isinstance(timezone, str):
            raise _fail(path, name, "timezone", 'must be an IANA zone name such as "Europe/Kyiv"')
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise _fail(
                path, name, "timezone", f'unknown time zone {timezone!r} (use e.g. "Europe/Kyiv")'
            ) from None

    language = table.get("language")
    if language is not None and (
        not isinstance(language, str)
        or not re.fullmatch(r"[a-zA-Z]{2,3}([-_][a-zA-Z]{2,4})?", language)
    ):
        raise _fail(path, name, "language", 'must be a language code such as "en" or "uk"')

    render_js = table.get("render_js", False)
    if render_js not in (True, False, "all"):
        raise _fail(path, name, "render_js", 'must be true, false or "all"')

    discover = _discover(path, name, table.get("discover"), feeds, sitemaps, start_urls)
    extract = _overrides(path, name, table.get("extract"))
    limits = {
        key: _number(path, name, key, table.get(key), integer=key in _INTEGER_LIMITS)
        for key in _LIMIT_KEYS
    }

    return Source(
        name=name,
        feeds=feeds,
        sitemaps=sitemaps,
        start_urls=start_urls,
        article_pattern=table.get("article_pattern"),
        follow_pattern=table.get("follow_pattern"),
        max_depth=max_depth,
        timezone=timezone,
        language=language.lower().replace("_", "-") if language else None,
        render_js=render_js,
        extract=extract,
        **limits,
        schedule=_schedule(path, name, table.get("schedule")),
        discover=discover,
        archive=_archive(path, name, table.get("archive")),
        _article_re=article_re,
        _follow_re=follow_re,
    )


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
#: cron fields: name, lowest, highest value, and names allowed for values
_CRON_FIELDS = (
    ("minute", 0, 59, ()),
    ("hour", 0, 23, ()),
    ("day of month", 1, 31, ()),
    ("month", 1, 12, _MONTHS),
    ("day of week", 0, 7, _DAYS),
)
_INTERVAL_RE = re.compile(r"^(\d+)([mhd])$")
_SCHEDULE_HELP = '"15m", "30m", "1h", "2h", "1d", "daily" or a cron expression like "5 */2 * * *"'


def schedule_interval(spec: str) -> tuple[int, str] | None:
    """("15m" → (15, "m")); None for a cron expression. "daily" is (1, "d")."""
    if spec == "daily":
        return (1, "d")
    match = _INTERVAL_RE.match(spec)
    return (int(match.group(1)), match.group(2)) if match else None


def _cron_value(text: str, low: int, high: int, names: tuple[str, ...]) -> int | None:
    if text.isdigit():
        value = int(text)
        return value if low <= value <= high else None
    if text.lower() in names:
        return names.index(text.lower()) + (1 if low == 1 else 0)
    return None


def _cron_error(spec: str) -> str | None:
    """Why a 5-field cron expression is invalid, or None."""
    fields = spec.split()
    if len(fields) != 5:
        return f"{spec!r} is not a valid schedule: use {_SCHEDULE_HELP} (5 fields)"
    for text, (label, low, high, names) in zip(fields, _CRON_FIELDS, strict=True):
        for item in text.split(","):
            base, _, step = item.partition("/")
            if step and (not step.isdigit() or int(step) == 0):
                return f"cron {label} field {text!r}: bad step {step!r}"
            if base == "*":
                continue
            first, dash, last = base.partition("-")
            bounds = [_cron_value(first, low, high, names)]
            if dash:
                bounds.append(_cron_value(last, low, high, names))
            if None in bounds or (dash and bounds[0] > bounds[1]):  # type: ignore[operator]
                return f"cron {label} field {text!r}: values must be {low}-{high}"
    return None


def _schedule(path: Path, name: str, value: Any) -> str | None:
    """Validate `schedule` so `newsbot schedule` never writes a crontab line cron rejects."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, name, "schedule", f"must be a string: {_SCHEDULE_HELP}")
    spec = " ".join(value.split())
    interval = schedule_interval(spec)
    if interval is not None:
        count, unit = interval
        allowed = {"m": (1, 60), "h": (1, 24), "d": (1, 1)}[unit]
        if not allowed[0] <= count <= allowed[1] or (unit != "d" and allowed[1] % count != 0):
            divisors = {
                "m": "a divisor of 60 (5m, 10m, 15m, 20m, 30m…)",
                "h": "a divisor of 24 (1h, 2h, 3h, 4h, 6h, 8h, 12h)",
                "d": "1d",
            }[unit]
            raise _fail(path, name, "schedule", f"{value!r}: the interval must be {divisors}")
        return spec
    if _INTERVAL_RE.match(spec.replace(" ", "")) or not any(c in spec for c in " *"):
        raise _fail(
            path, name, "schedule", f"{value!r} is not a valid schedule: use {_SCHEDULE_HELP}"
        )
    error = _cron_error(spec)
    if error:
        raise _fail(path, name, "schedule", error)
    return spec


#: `discover` values: how a source's articles are found
DISCOVER_METHODS = {
    "feeds": "RSS/Atom/JSON feeds: those listed in `feeds`, and those the start and "
    "listing pages link to (<link rel=alternate>)",
    "sitemaps": "the sitemaps listed in `sitemaps` (and the sitemaps their indexes name)",
    "robots": "the sitemaps the site's robots.txt names",
    "links": "article links on the start URLs and the listing pages followed from them",
}


def _discover(
    path: Path,
    name: str,
    value: Any,
    feeds: tuple[str, ...],
    sitemaps: tuple[str, ...],
    start_urls: tuple[str, ...],
) -> tuple[str, ...] | None:
    """Validate `discover`: known methods, at least one, none contradicting the lists."""
    if value is None:
        return None
    allowed = ", ".join(f'"{m}"' for m in DISCOVER_METHODS)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(path, name, "discover", f"must be a list of methods from {allowed}")
    for method in value:
        if method not in DISCOVER_METHODS:
            raise _fail(path, name, "discover", f"unknown method {method!r}; use any of {allowed}")
    if not value:
        raise _fail(path, name, "discover", f"names no method; use any of {allowed}")
    if feeds and "feeds" not in value:
        raise _fail(path, name, "discover", 'leaves out "feeds", but the source lists feeds')
    if sitemaps and "sitemaps" not in value:
        raise _fail(path, name, "discover", 'leaves out "sitemaps", but the source lists sitemaps')
    if not (feeds or sitemaps) and not ({"feeds", "robots", "links"} & set(value)):
        raise _fail(
            path,
            name,
            "discover",
            'finds nothing: the source lists no sitemaps; from start_urls use "feeds", '
            '"robots" or "links"',
        )
    return tuple(dict.fromkeys(value))


def _archive(path: Path, name: str, value: Any) -> str | None:
    """The WARC directory, made absolute now: a relative one is beside the sources file
    (where the operator wrote it), whatever the crawl's working directory."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, name, "archive", 'must be a directory path, e.g. "/var/lib/newsbot/warc"')
    directory = Path(value).expanduser()
    if not directory.is_absolute():
        directory = path.resolve().parent / directory
    return str(directory)


def _number(path: Path, name: str, key: str, value: Any, *, integer: bool) -> Any:
    if value is None:
        return None
    kinds = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or value < 0:
        kind = "a whole number" if integer else "a number"
        raise _fail(path, name, key, f"must be {kind} ≥ 0")
    if key == "concurrency" and value == 0:
        raise _fail(path, name, key, "must be at least 1")
    return value


def _selector(path: Path, name: str, key: str, value: Any) -> str:
    from cssselect import SelectorError
    from lxml.cssselect import CSSSelector

    if not isinstance(value, str) or not value.strip():
        raise _fail(path, name, key, 'must be a CSS selector string, e.g. "div.article-body"')
    try:
        CSSSelector(value)
    except (SelectorError, SyntaxError) as exc:
        raise _fail(path, name, key, f"invalid CSS selector {value!r}: {exc}") from None
    return value


def _overrides(path: Path, name: str, table: Any) -> SiteOverrides | None:
    if table is None:
        return None
    if not isinstance(table, dict):
        raise _fail(path, name, "extract", "must be a table: [sources.extract] with body, drop, …")
    unknown = sorted(set(table) - set(OVERRIDE_KEYS))
    if unknown:
        raise _fail(
            path, name, f"extract.{unknown[0]}", f"unknown key; allowed: {', '.join(OVERRIDE_KEYS)}"
        )
    values: dict[str, Any] = {}
    for key in ("body", "drop"):
        raw = table.get(key, [])
        raw = [raw] if isinstance(raw, str) else raw
        if not isinstance(raw, list):
            raise _fail(path, name, f"extract.{key}", "must be a list of CSS selectors")
        values[key] = tuple(_selector(path, name, f"extract.{key}", v) for v in raw)
    for key in ("title", "authors", "lead"):
        if key in table:
            values[key] = _selector(path, name, f"extract.{key}", table[key])
    return SiteOverrides(**values)


#: per-source limits and politeness: numbers ≥ 0 (whole numbers for _INTEGER_LIMITS)
_LIMIT_KEYS = (
    "refresh_days",
    "max_age_days",
    "max_pages",
    "max_duration",
    "download_delay",
    "concurrency",
)
_INTEGER_LIMITS = ("max_pages", "concurrency")

_KEYS = frozenset(
    {
        "extract",
        *_LIMIT_KEYS,
        "name",
        "feeds",
        "sitemaps",
        "start_urls",
        "article_pattern",
        "follow_pattern",
        "max_depth",
        "timezone",
        "language",
        "render_js",
        "schedule",
        "discover",
        "archive",
    }
)


def load_sources(path: str | Path) -> list[Source]:
    """Read and validate a sources file; raise ConfigError naming what to fix."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: sources file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read sources file: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None

    extra = sorted(set(data) - {"sources"})
    if extra:
        raise _fail(
            path, None, extra[0], "unknown top-level key; only [[sources]] tables are allowed"
        )
    tables = data.get("sources")
    if not isinstance(tables, list) or not tables:
        raise ConfigError(f"{path}: no [[sources]] tables found")

    sources: list[Source] = []
    seen: set[str] = set()
    for index, table in enumerate(tables):
        source = _parse_source(path, index, table)
        if source.name in seen:
            raise _fail(path, source.name, "name", "is used by two sources; names must be unique")
        seen.add(source.name)
        sources.append(source)
    return sources


def select_sources(
    sources: list[Source], names: list[str] | tuple[str, ...], path: str | Path
) -> list[Source]:
    """The named sources (all when none named); an unknown name is a ConfigError."""
    if not names:
        return list(sources)
    by_name = {s.name: s for s in sources}
    missing = [n for n in names if n not in by_name]
    if missing:
        raise ConfigError(
            f"{path}: no source named {missing[0]!r}; known: {', '.join(sorted(by_name))}"
        )
    return [by_name[n] for n in names]
