"""What a page's language says about its dates: the order of day, month and year,
the zone its times are likely in, and the month and weekday words to look for
(from dateparser's locale data).
"""

from __future__ import annotations

import functools
import re

# --------------------------------------------------------------------------- language data


def _lang_parts(language: str | None) -> tuple[str | None, str | None]:
    if not language or not isinstance(language, str):
        return None, None
    parts = re.split(r"[-_]", language.strip(), maxsplit=1)
    primary = parts[0].lower() or None
    region = parts[1].upper() if len(parts) > 1 else None
    return primary, region


#: languages whose month names we know when the page's language is unknown
DEFAULT_LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "uk", "ru", "pl", "cs", "sv", "tr")
_MDY_REGIONS = {None, "US", "PH", "FM", "MH", "PW", "AS", "GU", "MP", "PR", "UM", "VI"}
_YMD_LANGUAGES = {"zh", "ja", "ko", "hu", "lt", "mn"}


#: where a language (or language-region) is read, when it is read in one zone: the
#: fallback for times a page prints without a zone, when no zone is configured and
#: the page itself shows no offset. Languages spread over many zones (en, es, pt, ar…)
#: without a region are left out on purpose.
LANGUAGE_ZONES: dict[str, str] = {
    "uk": "Europe/Kyiv", "pl": "Europe/Warsaw", "cs": "Europe/Prague", "sk": "Europe/Bratislava",
    "hu": "Europe/Budapest", "ro": "Europe/Bucharest", "bg": "Europe/Sofia", "el": "Europe/Athens",
    "tr": "Europe/Istanbul", "ja": "Asia/Tokyo", "ko": "Asia/Seoul", "zh": "Asia/Shanghai",
    "de": "Europe/Berlin", "it": "Europe/Rome", "nl": "Europe/Amsterdam", "sv": "Europe/Stockholm",
    "da": "Europe/Copenhagen", "nb": "Europe/Oslo", "no": "Europe/Oslo", "fi": "Europe/Helsinki",
    "hr": "Europe/Zagreb", "sl": "Europe/Ljubljana", "sr": "Europe/Belgrade",
    "lt": "Europe/Vilnius",
    "lv": "Europe/Riga", "et": "Europe/Tallinn", "fr": "Europe/Paris",
    "ru": "Europe/Moscow",  # Russian-language outlets overwhelmingly print Moscow time
    "en-GB": "Europe/London", "en-IE": "Europe/Dublin", "en-IN": "Asia/Kolkata",
    "es-ES": "Europe/Madrid", "es-MX": "America/Mexico_City",
    "es-AR": "America/Argentina/Buenos_Aires", "es-CO": "America/Bogota",
    "es-CL": "America/Santiago", "es-PE": "America/Lima",
    "pt-BR": "America/Sao_Paulo", "pt-PT": "Europe/Lisbon", "fr-CA": "America/Toronto",
    "nl-BE": "Europe/Brussels", "fr-BE": "Europe/Brussels", "de-AT": "Europe/Vienna",
    "de-CH": "Europe/Zurich", "fr-CH": "Europe/Zurich", "it-CH": "Europe/Zurich",
}  # fmt: skip
#: regions where the primary language's zone above does not hold
_OTHER_REGIONS = {
    "ru": {"KZ", "BY", "UA", "KG"},
    "fr": {"CA", "SN", "CI", "MA", "DZ", "TN"},
    "nl": {"SR"},
    "tr": {"CY"},
}


def language_zone(language: str | None) -> str | None:
    """The zone a page in this language is almost surely written in, or None."""
    primary, region = _lang_parts(language)
    if not primary:
        return None
    if region and f"{primary}-{region}" in LANGUAGE_ZONES:
        return LANGUAGE_ZONES[f"{primary}-{region}"]
    if region and region in _OTHER_REGIONS.get(primary, ()):
        return None
    return LANGUAGE_ZONES.get(primary)


def date_order(language: str | None) -> str:
    """'MDY' for US English, 'YMD' for East Asian/Hungarian, otherwise 'DMY'."""
    primary, region = _lang_parts(language)
    if primary == "en":
        return "MDY" if region in _MDY_REGIONS else "DMY"
    if primary in _YMD_LANGUAGES:
        return "YMD"
    return "DMY"


_MONTH_KEYS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_WEEKDAY_KEYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def _supported(lang: str) -> bool:
    try:
        from dateparser.languages.loader import default_loader

        return lang in default_loader.get_locale_map()
    except Exception:
        return False


@functools.lru_cache(maxsize=32)
def languages_for(language: str | None) -> tuple[str, ...]:
    """The hint's language plus English, or a default European set when unknown."""
    primary, _ = _lang_parts(language)
    if primary and primary != "en" and _supported(primary):
        return (primary, "en")
    if primary == "en":
        return ("en",)
    return DEFAULT_LANGUAGES


@functools.lru_cache(maxsize=32)
def _vocab(langs: tuple[str, ...]) -> tuple[dict[str, int], dict[str, int]]:
    """Month and weekday words (lower-case, all inflections dateparser knows)."""
    from dateparser.languages.loader import default_loader

    months: dict[str, int] = {}
    weekdays: dict[str, int] = {}
    for lang in langs:
        try:
            info = default_loader.get_locale(lang).info
        except Exception:
            continue
        for table, keys in ((months, _MONTH_KEYS), (weekdays, _WEEKDAY_KEYS)):
            for number, key in enumerate(keys, start=1):
                for word in info.get(key, []):
                    w = word.casefold().strip(".")
                    if len(w) < 3 or re.fullmatch(r"[ivxl]+", w) or not _WORD.fullmatch(w):
                        continue
                    table.setdefault(w, number)
    return months, weekdays


#: a word of letters (hyphenated compounds count as one)
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
