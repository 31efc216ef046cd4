"""Page language: what the page declares, normalised to an ISO 639-1 code.

No detection library is installed (trafilatura ships none), so the fallbacks are the
source's configured hint and a tiny stop-word vote that only speaks when it is sure.
"""

from __future__ import annotations

import re
from collections import Counter

_THREE_TO_TWO = {
    "eng": "en",
    "ukr": "uk",
    "rus": "ru",
    "deu": "de",
    "ger": "de",
    "fra": "fr",
    "fre": "fr",
    "spa": "es",
    "ita": "it",
    "por": "pt",
    "pol": "pl",
    "nld": "nl",
    "dut": "nl",
}
_ALIASES = {"ua": "uk", "iw": "he", "in": "id", "ji": "yi", "jw": "jv"}

_STOPWORDS = {
    "en": "the and of to in is that for with was on are as by it this from have",
    "de": "der die und das ist nicht mit von den sich des auf für ein eine dem im",
    "fr": "le la les et des est une dans pour que qui pas sur par du au avec",
    "es": "el la los las y que del en por una con para es se al como",
    "it": "il di che la per non del della una sono gli con le nel è",
    "pt": "o que não uma os do da em para com no é se por mais",
    "ru": "и в не на что с по как это он из за его но от",
    "uk": "і в на що не з та до як це у за від його про",
}
_STOP_INDEX = {w: lang for lang, words in _STOPWORDS.items() for w in words.split()}
_WORD = re.compile(r"\w+")


def normalise(value: str | None) -> str | None:
    """'en-US', 'en_GB', 'eng', 'UA' → 'en'/'uk'…; None for anything that is not a code."""
    if not value:
        return None
    code = re.split(r"[-_,;\s]", value.strip().lower(), maxsplit=1)[0]
    code = _ALIASES.get(code, code)
    if len(code) == 3:
        code = _THREE_TO_TWO.get(code, "")
    if len(code) == 2 and code.isalpha() and code.isascii():
        return code
    return None


def detect(text: str) -> str | None:
    """A cheap stop-word vote; None unless one language clearly wins on enough words."""
    words = _WORD.findall(text[:5000].lower())
    if len(words) < 30:
        return None
    votes = Counter(_STOP_INDEX[w] for w in words if w in _STOP_INDEX)
    if not votes:
        return None
    ranked = [*votes.most_common(2), ("", 0)]
    (best, n), runner_up = ranked[0], ranked[1][1]
    if n >= 8 and n >= 2 * runner_up:
        return best
    return None
