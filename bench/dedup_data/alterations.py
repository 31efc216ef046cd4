"""What a reposting site does to a story: rewords, typos, renumbers, drops or moves a
paragraph, adds a credit line or a "Read more" link."""

from __future__ import annotations

import random
import re

from dedup_data.sites import Site
from dedup_data.vocabulary import EN_TYPOS
from dedup_data.writer import thousands
from newsbot.boilerplate import credit_of

SENT_SPLIT = re.compile(r"(?<=[.!?»\"])\s+(?=[A-ZА-ЯІЇЄҐ«\"])")
EN_REWORD = ((r"\bsaid\b", "stated"), (r"\btold reporters\b", "told journalists"),
             (r"\bwould\b", "will"), (r"\bAbout\b", "Around"), (r"\babout\b", "around"),
             (r"\bcould\b", "may"), (r"\bargue\b", "say"), (r"\bexpected\b", "forecast"),
             (r"\bpeople\b", "residents"), (r"\bcompared with\b", "against"))  # fmt: skip
UK_REWORD = ((r"\bзаявив\b", "повідомив"), (r"\bзаявила\b", "повідомила"),
             (r"\bсказав\b", "зазначив"), (r"\bсказала\b", "зазначила"),
             (r"\bБлизько\b", "Приблизно"), (r"\bблизько\b", "приблизно"),
             (r"\bтакож\b", "крім того"), (r"\bоднак\b", "проте"), (r"\bможе\b", "ймовірно, може"),
             (r"\bвважають\b", "переконані"))  # fmt: skip


def sentences(paragraph: str) -> list[str]:
    return SENT_SPLIT.split(paragraph)


def reword(paras: list[str], rng: random.Random, lang: str) -> list[str]:
    """One sentence reworded the way an editor would (a verb or two swapped)."""
    out = paras[:]
    i = rng.randrange(len(out))
    sents = sentences(out[i])
    j = rng.randrange(len(sents))
    rules = EN_REWORD if lang == "en" else UK_REWORD
    changed = sents[j]
    for pattern, repl in rng.sample(rules, len(rules)):
        changed, n = re.subn(pattern, repl, changed, count=1)
        if n and changed != sents[j] and rng.random() < 0.6:
            break
    if changed == sents[j]:
        changed = (
            ("Meanwhile, " if lang == "en" else "Тим часом ") + changed[:1].lower() + changed[1:]
        )
    sents[j] = changed
    out[i] = " ".join(sents)
    return out


def typo(paras: list[str], rng: random.Random, lang: str) -> list[str]:
    """A typo fixed (or made): one word differs, as between an original and its repost."""
    out = paras[:]
    i = rng.randrange(len(out))
    words = out[i].split(" ")
    for word, wrong in EN_TYPOS.items():
        if word in words:
            words[words.index(word)] = wrong
            out[i] = " ".join(words)
            return out
    candidates = [k for k, w in enumerate(words) if len(w) >= 6 and w.isalpha()]
    if candidates:
        k = rng.choice(candidates)
        w = words[k]
        m = rng.randrange(1, len(w) - 2)
        words[k] = w[:m] + w[m + 1] + w[m] + w[m + 2 :]
    out[i] = " ".join(words)
    return out


NUMBER = re.compile(r"\d{1,3}(?:[,\u00a0]\d{3})+|\d+ per cent|\d+%")


def renumber(paras: list[str], rng: random.Random, lang: str) -> list[str]:
    """Numbers formatted differently: 12,500 -> 12500 / 12 500; 15 per cent -> 15%."""

    def swap(m: re.Match[str]) -> str:
        s = m.group(0)
        if s.endswith(" per cent"):
            return s.replace(" per cent", "%")
        if s.endswith("%"):
            return s[:-1] + (" per cent" if lang == "en" else " відсотків")
        digits = s.replace(",", "").replace("\u00a0", "")
        return rng.choice((digits, thousands(int(digits), " ")))

    out = paras[:]
    order = list(range(len(out)))
    rng.shuffle(order)
    for i in order:
        new = NUMBER.sub(swap, out[i], count=2)
        if new != out[i]:
            out[i] = new
            return out
    return reword(out, rng, lang)


def drop_paragraph(paras: list[str], rng: random.Random, lang: str) -> list[str]:
    if len(paras) < 5:
        return reword(paras, rng, lang)
    i = rng.randrange(1, len(paras))
    return paras[:i] + paras[i + 1 :]


def move_paragraph(paras: list[str], rng: random.Random, lang: str) -> list[str]:
    if len(paras) < 4:
        return typo(paras, rng, lang)
    i = rng.randrange(1, len(paras) - 1)
    out = paras[:]
    out[i], out[i + 1] = out[i + 1], out[i]
    return out


LIGHT_EDITS = (reword, typo, renumber, drop_paragraph, move_paragraph)


def light_edits(paras: list[str], rng: random.Random, lang: str, most: int = 3) -> list[str]:
    for edit in rng.sample(LIGHT_EDITS, rng.randint(1, most)):
        paras = edit(paras, rng, lang)
    return paras


def credit_line(agency: Site, rng: random.Random, year: int) -> str:
    """A credit line naming the original publisher, as blogs add them."""
    name = agency.credit or agency.site_name
    if agency.language == "uk":
        forms = (f"Джерело: {name}", f"(C){name.upper()} {year}")
    else:
        forms = (f"(C){name.upper()} {year}", f"Source: {name}", f"© {name}", f"via {name}")
    line = rng.choice(forms)
    assert credit_of(line), line
    return line


def read_more(site: Site, lang: str, rng: random.Random, url: str) -> str:
    if lang == "en":
        return rng.choice((f"Read more at {site.site_name}", f"Read more at {url}"))
    return rng.choice((f"Детальніше — на сайті {site.site_name}", f"Read more at {site.host}"))
