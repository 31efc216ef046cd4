"""Date normalisation and choice: hard strings, fixed fetch time, exact expected values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from newsbot.dates import parse_date, resolve_dates
from newsbot.items import DateCandidate

FETCHED = datetime(2024, 3, 10, 12, 0, tzinfo=UTC)

# (raw, language, timezone, expected isoformat() keeping the page offset, precision)
PARSE_CASES: list[tuple[str, str | None, str | None, str | None, str | None]] = [
    # --- machine formats
    ("2022-07-31T19:40:00+03:00", None, None, "2022-07-31T19:40:00+03:00", "second"),
    ("2022-07-31T19:40:00.123Z", None, None, "2022-07-31T19:40:00+00:00", "second"),
    ("2022-07-31T19:40Z", None, None, "2022-07-31T19:40:00+00:00", "minute"),
    ("2022-07-31T19:40:00+0300", None, None, "2022-07-31T19:40:00+03:00", "second"),
    ("2022-07-31 19:40", None, "Europe/Kyiv", "2022-07-31T19:40:00+03:00", "minute"),
    ("2022-07-31 19:40", None, None, "2022-07-31T19:40:00+00:00", "minute"),
    ("2022-07-31", None, "Europe/Kyiv", "2022-07-31", "day"),
    ("2022-07-31", None, "America/Los_Angeles", "2022-07-31", "day"),
    ("20220731", None, None, "2022-07-31", "day"),
    ("20220731T194000Z", None, None, "2022-07-31T19:40:00+00:00", "second"),
    ("1659296100", None, None, "2022-07-31T19:35:00+00:00", "second"),
    ("1659296100000", None, None, "2022-07-31T19:35:00+00:00", "second"),
    ("1659296100000", None, "Europe/Kyiv", "2022-07-31T22:35:00+03:00", "second"),
    ("Sun, 31 Jul 2022 19:40:00 GMT", None, None, "2022-07-31T19:40:00+00:00", "second"),
    ("Sun, 31 Jul 2022 19:40:00 +0300", None, None, "2022-07-31T19:40:00+03:00", "second"),
    ("Sun, 31 Jul 2022 19:40:00 -0000", None, None, "2022-07-31T19:40:00+00:00", "second"),
    # --- day/month order from the page's language
    ("03/04/2022", "fr", None, "2022-04-03", "day"),
    ("03/04/2022", "en-GB", None, "2022-04-03", "day"),
    ("03/04/2022", "uk", None, "2022-04-03", "day"),
    ("03/04/2022", "de", None, "2022-04-03", "day"),
    ("03/04/2022", "en-US", None, "2022-03-04", "day"),
    ("03/04/2022", "en", None, "2022-03-04", "day"),
    ("13/04/2022", "en-US", None, "2022-04-13", "day"),  # impossible month: must be D/M
    ("04/13/2022", "fr", None, "2022-04-13", "day"),
    ("31.07.2022", "en-US", None, "2022-07-31", "day"),
    ("31.07.22", "de", None, "2022-07-31", "day"),
    ("7/31/22", "en", None, "2022-07-31", "day"),
    ("2022/07/31", "en-US", None, "2022-07-31", "day"),
    # --- English text, zone abbreviations
    ("July 31, 2022 8:15 p.m. EDT", "en", None, "2022-07-31T20:15:00-04:00", "minute"),
    ("July 31, 2022 at 8:15 pm ET", "en", None, "2022-07-31T20:15:00-04:00", "minute"),
    ("January 5, 2022 at 8:15 pm ET", "en", None, "2022-01-05T20:15:00-05:00", "minute"),
    ("10:30 AM PT, July 31, 2022", "en", None, "2022-07-31T10:30:00-07:00", "minute"),
    ("31 July 2022 19:40 BST", "en-GB", None, "2022-07-31T19:40:00+01:00", "minute"),
    ("31 July 2022 19:40 MSK", "ru", None, "2022-07-31T19:40:00+03:00", "minute"),
    ("31 July 2022 19:40 CET", "de", None, "2022-07-31T19:40:00+01:00", "minute"),
    ("31 July 2022 19:40 EEST", "uk", None, "2022-07-31T19:40:00+03:00", "minute"),
    ("12 Jan 2023, 12:05 am EST", "en", None, "2023-01-12T00:05:00-05:00", "minute"),
    ("Posted on July 31, 2022 by admin", "en", None, "2022-07-31", "day"),
    ("Published: Sunday, 31st July 2022", "en", None, "2022-07-31", "day"),
    ("Updated: 01/08/2022", "en-GB", None, "2022-08-01", "day"),
    ("Jul 31, 2022 | 08:15 PM", "en", "America/Chicago", "2022-07-31T20:15:00-05:00", "minute"),
    ("Posted by May Smith on 3 June 2022", "en", None, "2022-06-03", "day"),
    # --- other languages
    (
        "Опубліковано: 31 липня 2022, 19:40",
        "uk",
        "Europe/Kyiv",
        "2022-07-31T19:40:00+03:00",
        "minute",
    ),
    (
        "Опубліковано: 31 липня 2022, 19:40",
        None,
        "Europe/Kyiv",
        "2022-07-31T19:40:00+03:00",
        "minute",
    ),
    (
        "Опубликовано: 31 июля 2022 в 19:40",
        "ru",
        "Europe/Moscow",
        "2022-07-31T19:40:00+03:00",
        "minute",
    ),
    (
        "Veröffentlicht am 31. Juli 2022 um 19:40 Uhr",
        "de",
        "Europe/Berlin",
        "2022-07-31T19:40:00+02:00",
        "minute",
    ),
    (
        "Publié le 31 juillet 2022 à 19h40",
        "fr",
        "Europe/Paris",
        "2022-07-31T19:40:00+02:00",
        "minute",
    ),
    ("Publicado el 31 de julio de 2022", "es", None, "2022-07-31", "day"),
    (
        "31 de julho de 2022 às 19:40",
        "pt",
        "America/Sao_Paulo",
        "2022-07-31T19:40:00-03:00",
        "minute",
    ),
    ("Pubblicato il 31 luglio 2022", "it", None, "2022-07-31", "day"),
    ("31 lipca 2022, 19:40", "pl", "Europe/Warsaw", "2022-07-31T19:40:00+02:00", "minute"),
    ("2022. július 31. 19:40", "hu", "Europe/Budapest", "2022-07-31T19:40:00+02:00", "minute"),
    ("2022年7月31日 19:40", "ja", "Asia/Tokyo", "2022-07-31T19:40:00+09:00", "minute"),
    ("gepubliceerd op 31 juli 2022", "nl", None, "2022-07-31", "day"),
    # --- year-less
    ("Sunday, July 31", "en", None, "2022-07-31", "day"),
    ("Sunday, July 31", None, None, "2022-07-31", "day"),
    ("July 31", "en", None, "2023-07-31", "day"),
    ("5 March", "en", None, "2024-03-05", "day"),
    ("неділя, 31 липня", "uk", None, "2022-07-31", "day"),
    ("29 February", "en", None, "2024-02-29", "day"),
    # --- relative to the fetch time
    ("Last updated 3 days ago", "en", None, "2024-03-07", "day"),
    ("Updated 5 hours ago", "en", None, "2024-03-10T07:00:00+00:00", "minute"),
    ("yesterday", "en", "Europe/Kyiv", "2024-03-09", "day"),
    ("Опубліковано 3 дні тому", "uk", "Europe/Kyiv", "2024-03-07", "day"),
    ("вчора о 19:40", "uk", "Europe/Kyiv", "2024-03-09T19:40:00+02:00", "minute"),
    ("vor 2 Stunden", "de", "Europe/Berlin", "2024-03-10T11:00:00+01:00", "minute"),
    ("il y a 3 jours", "fr", None, "2024-03-07", "day"),
    # --- imprecise: never invent a day
    ("July 2022", "en", None, None, None),
    ("липень 2022", "uk", None, None, None),
    ("2022", None, None, None, None),
    ("2022-07", None, None, None, None),
    ("12:30", None, None, None, None),
    ("3 months ago", "en", None, None, None),
    # --- implausible or garbage
    ("0000-00-00", None, None, None, None),
    ("0001-01-01T00:00:00Z", None, None, None, None),
    ("1989-12-31", None, None, None, None),
    ("2999-01-01", None, None, None, None),
    ("2024-03-12T00:00:00Z", None, None, None, None),  # > fetch time + 1 day
    ("0", None, None, None, None),
    ("0000000000", None, None, None, None),  # epoch 0
    ("2022-02-30", None, None, None, None),
    ("31/31/2022", "en", None, None, None),
    ("\x00\x00\x00", None, None, None, None),
    ("2022-07-31\x00", None, None, "2022-07-31", "day"),
    ("x" * 10_000, None, None, None, None),
    ("9" * 10_000, None, None, None, None),
    ("garbage", "en", None, None, None),
    ("", None, None, None, None),
    ("2022-07-31T19:40:00+99:00", None, None, None, None),
    ("2022-07-31", None, "Not/AZone", "2022-07-31", "day"),
]


@pytest.mark.parametrize(("raw", "language", "tz", "expected", "precision"), PARSE_CASES)
def test_parse_date(
    raw: str, language: str | None, tz: str | None, expected: str | None, precision: str | None
) -> None:
    got = parse_date(raw, fetched_at=FETCHED, timezone=tz, language=language)
    if expected is None:
        assert got is None, got
        return
    assert got is not None
    assert got.isoformat() == expected
    assert got.precision == precision


def test_edt_is_converted_exactly_to_utc() -> None:
    got = parse_date("July 31, 2022 8:15 p.m. EDT", fetched_at=FETCHED, language="en")
    assert got is not None
    assert got.utc == datetime(2022, 8, 1, 0, 15, tzinfo=UTC)


def test_kyiv_offset_kept_in_value() -> None:
    got = parse_date(
        "Опубліковано: 31 липня 2022, 19:40",
        fetched_at=FETCHED,
        timezone="Europe/Kyiv",
        language="uk",
    )
    assert got is not None
    assert got.value.utcoffset() == timedelta(hours=3)
    assert got.utc == datetime(2022, 7, 31, 16, 40, tzinfo=UTC)


def test_date_only_stays_on_its_day_in_any_zone() -> None:
    for tz in ("Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/Kyiv", None):
        got = parse_date("2022-07-31", fetched_at=FETCHED, timezone=tz)
        assert got is not None
        assert got.as_date().isoformat() == "2022-07-31"
        assert got.date_only


def test_naive_fetched_at_is_treated_as_utc() -> None:
    got = parse_date("Last updated 3 days ago", fetched_at=datetime(2024, 3, 10, 12, 0))
    assert got is not None
    assert got.isoformat() == "2024-03-07"


@pytest.mark.parametrize("raw", [None, 12345, b"2022-07-31", ["2022-07-31"]])
def test_non_strings_do_not_raise(raw: object) -> None:
    assert parse_date(raw, fetched_at=FETCHED) is None  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- resolve_dates


def C(raw: str, role: str, evidence: str, key: str = "") -> DateCandidate:
    return DateCandidate(raw=raw, role=role, evidence=evidence, key=key)


def resolve(cands: list[DateCandidate], **kw: str) -> tuple[str | None, str | None]:
    pub, mod = resolve_dates(cands, fetched_at=FETCHED, **kw)
    return (pub.isoformat() if pub else None, mod.isoformat() if mod else None)


def test_jsonld_beats_byline_and_url() -> None:
    cands = [
        C("2022-07-30", "published", "url"),
        C("Posted on August 2, 2022", "published", "byline"),
        C("2022-07-31T19:40:00+03:00", "published", "jsonld", "datePublished"),
        C("2022-08-01T08:00:00+03:00", "modified", "jsonld", "dateModified"),
    ]
    assert resolve(cands) == ("2022-07-31T19:40:00+03:00", "2022-08-01T08:00:00+03:00")


def test_modified_never_becomes_published() -> None:
    cands = [
        C("2022-08-01T08:00:00+03:00", "modified", "jsonld", "dateModified"),
        C("Sun, 10 Mar 2024 11:00:00 GMT", "modified", "http", "Last-Modified"),
    ]
    pub, mod = resolve_dates(cands, fetched_at=FETCHED)
    assert pub is None
    assert mod is not None and mod.isoformat() == "2022-08-01T08:00:00+03:00"


def test_last_modified_alone_gives_no_published() -> None:
    cands = [C("Sun, 10 Mar 2024 11:00:00 GMT", "modified", "http", "Last-Modified")]
    pub, mod = resolve_dates(cands, fetched_at=FETCHED)
    assert pub is None
    assert mod is not None and mod.evidence == "http"


def test_higher_precision_on_same_day_wins() -> None:
    cands = [
        C("2022-07-31", "published", "jsonld", "datePublished"),
        C("Sun, 31 Jul 2022 16:40:00 GMT", "published", "feed", "hint:published"),
    ]
    pub, _ = resolve_dates(cands, fetched_at=FETCHED, timezone="Europe/Kyiv")
    assert pub is not None
    assert pub.isoformat() == "2022-07-31T16:40:00+00:00"
    assert pub.evidence == "jsonld"


def test_midnight_timestamp_yields_to_real_time_same_day() -> None:
    cands = [
        C("2022-07-31T00:00:00+00:00", "published", "jsonld", "datePublished"),
        C("2022-07-31T19:40:00+00:00", "published", "time", "time[datetime]@article"),
    ]
    assert resolve(cands)[0] == "2022-07-31T19:40:00+00:00"


def test_lower_precision_other_day_does_not_shift() -> None:
    cands = [
        C("2022-07-31", "published", "jsonld", "datePublished"),
        C("2022-08-05T10:00:00Z", "published", "feed", "hint:published"),
    ]
    assert resolve(cands)[0] == "2022-07-31"


def test_future_and_ancient_dates_rejected() -> None:
    cands = [
        C("2030-01-01T00:00:00Z", "published", "jsonld", "datePublished"),
        C("1970-01-01T00:00:00Z", "published", "meta", "article:published_time"),
        C("Posted on July 31, 2022", "published", "byline"),
    ]
    assert resolve(cands, language="en") == ("2022-07-31", None)


def test_weak_dates_are_ignored() -> None:
    cands = [
        C("2024-03-09", "unknown", "text", "time[datetime]@weak"),
        C("March 9, 2024 at 10:00 am", "unknown", "text", "span.comment-date@weak"),
    ]
    assert resolve(cands, language="en") == (None, None)


def test_url_date_breaks_ties() -> None:
    cands = [
        C("2022-07-30T10:00:00Z", "unknown", "time", "time[datetime]"),
        C("2022-07-31T10:00:00Z", "unknown", "time", "time[datetime]"),
        C("2022-07-31", "published", "url", "url-path"),
    ]
    assert resolve(cands)[0] == "2022-07-31T10:00:00+00:00"


def test_url_alone_gives_day() -> None:
    assert resolve([C("2022-07-31", "published", "url")]) == ("2022-07-31", None)


def test_modified_before_published_is_dropped() -> None:
    cands = [
        C("2022-07-31T10:00:00Z", "published", "jsonld", "datePublished"),
        C("2021-01-01T10:00:00Z", "modified", "jsonld", "dateModified"),
    ]
    assert resolve(cands) == ("2022-07-31T10:00:00+00:00", None)


def test_empty_and_garbage_candidates() -> None:
    assert resolve_dates([], fetched_at=FETCHED) == (None, None)
    cands = [C("\x00" * 50, "published", "jsonld"), C("x" * 10_000, "published", "meta")]
    assert resolve_dates(cands, fetched_at=FETCHED) == (None, None)


def test_fixed_offset_values_compare_equal() -> None:
    pub, _ = resolve_dates(
        [C("2022-07-31T19:40:00+03:00", "published", "jsonld")], fetched_at=FETCHED
    )
    assert pub is not None
    assert pub.value == datetime(2022, 7, 31, 19, 40, tzinfo=timezone(timedelta(hours=3)))


def test_same_instant_in_two_offsets_is_one_day_without_configured_zone() -> None:
    cands = [
        C("2023-11-03T00:15:00Z", "published", "meta", "article:published_time"),
        C("2023-11-02T20:15:00-04:00", "published", "jsonld", "datePublished"),
        C("November 2, 2023", "published", "byline"),
    ]
    pub, _ = resolve_dates(cands, fetched_at=FETCHED, language="en")
    assert pub is not None
    assert pub.isoformat() == "2023-11-02T20:15:00-04:00"


def test_evening_hours_keep_their_time() -> None:
    for raw, lang, want in [
        ("22 Mart 2023, 23:20", "tr", "2023-03-22T23:20:00+03:00"),
        ("Dodano: 22 czerwca 2020, 20:13 CEST", "pl", "2020-06-22T20:13:00+02:00"),
    ]:
        got = parse_date(raw, fetched_at=FETCHED, timezone="Europe/Istanbul", language=lang)
        assert got is not None and got.isoformat() == want, raw
