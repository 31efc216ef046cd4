"""News prose for one story: headline, lede, paragraphs, quotes, an "about us" paragraph.

A story's facts (people, places, organisation, numbers) come from one seed; two writers
sharing it write the same event in their own sentences (the same-event negatives).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from dedup_data.vocabulary import (
    EN_BODIES,
    EN_BRAND_KINDS,
    EN_BRANDS,
    EN_DAYS,
    EN_FIRST,
    EN_MONTHS,
    EN_OUTLETS,
    EN_PAST,
    EN_PLACES,
    EN_QUOTES,
    EN_ROLES,
    EN_TOPICS,
    EN_VP,
    UK_BODIES,
    UK_BRANDS,
    UK_DAYS,
    UK_INF,
    UK_MONTHS_GEN,
    UK_MONTHS_LOC,
    UK_PEOPLE,
    UK_PLACES,
    UK_QUOTES,
    UK_ROLES,
    UK_TOPICS,
    UK_VERB,
)

ALT = re.compile(r"\[([^\[\]]*)\]")


def thousands(n: int, sep: str) -> str:
    return f"{n:,}".replace(",", sep)


class Writer:
    """News prose for one story: its own people, places, organisation and numbers.

    Two writers built with the same `facts` seed share the event (names, numbers,
    organisation) but write their own sentences: that is a same-event pair.
    """

    def __init__(self, language: str, rng: random.Random, facts: random.Random | None = None):
        self.lang = language
        self.rng = rng
        f = facts or rng
        self.topic = f.choice(sorted(EN_TOPICS))
        if language == "en":
            names = EN_FIRST
            self.people = [
                f"{names[f.randrange(0, len(names), 2)]} {names[f.randrange(1, len(names), 2)]}"
                for _ in range(4)
            ]
            self.places = f.sample(EN_PLACES, 3)
            self.org = f"{f.choice(EN_BRANDS)} {f.choice(EN_BRAND_KINDS)}"
            self.body = f.choice(EN_BODIES)
            self.nouns = list(EN_TOPICS[self.topic])
        else:
            self.people_g = f.sample(UK_PEOPLE, 4)
            self.places_g = f.sample(UK_PLACES, 3)
            self.org = f.choice(UK_BRANDS)
            self.body_g = f.choice(UK_BODIES)
            self.nouns_g = list(UK_TOPICS[self.topic])
        self.numbers = [f.randint(120, 48000) for _ in range(6)]
        self.money = [round(f.uniform(1.2, 950.0), 1) for _ in range(3)]
        self.event_place = f.randrange(3)

    # ---- slots ----
    def num(self) -> str:
        n = self.rng.choice(self.numbers) if self.rng.random() < 0.6 else self.rng.randint(12, 9000)
        return thousands(n, "," if self.lang == "en" else "\u00a0")

    def money_s(self) -> str:
        m = self.rng.choice(self.money)
        if self.lang == "en":
            return self.rng.choice((f"${m} million", f"€{m} million", f"{m} million euros"))
        return self.rng.choice((f"{m} млн гривень", f"{m} млн грн", f"{m} млн євро")).replace(
            ".", ","
        )

    def fill(self, template: str) -> str:
        r = self.rng
        if self.lang == "en":
            values = {
                "money": self.money_s(),
                "num": self.num(),
                "small": str(r.randint(2, 14)),
                "pct": str(r.randint(3, 40)),
                "month": r.choice(EN_MONTHS),
                "noun": r.choice(self.nouns),
                "place": r.choice(self.places),
            }
        else:
            values = {
                "money": self.money_s(),
                "num": self.num(),
                "small": str(r.randint(5, 14)),
                "pct": str(r.randint(3, 40)),
                "month_gen": r.choice(UK_MONTHS_GEN),
            }
        return template.format(**values)

    # ---- English sentences ----
    def alt(self, text: str) -> str:
        """Expand [a|b|c] alternatives (innermost first): one template, many wordings."""
        while "[" in text:
            text = ALT.sub(lambda m: self.rng.choice(m.group(1).split("|")), text)
        return text

    def en_clause(self) -> str:
        r = self.rng
        modal = self.alt(
            "[would|could|might|was expected to|was likely to|may|will|is set to|"
            "could still|would probably|was unlikely to]"
        )
        subject = r.choice(self.nouns)
        if r.random() < 0.3:
            subject = f"{self.alt('[work on|spending on|the debate over|plans for|talks on]')} " \
                f"{subject}"  # fmt: skip
        return f"{subject} {modal} {self.fill(self.alt(r.choice(EN_VP)))}"

    def en_sentence(self) -> str:
        r = self.rng
        p, p2 = r.sample(self.people, 2)
        place = r.choice(self.places)
        who = r.choice((self.org, self.body))
        a = self.alt
        templates: list[Callable[[], str]] = [
            lambda: a(
                f"{cap(who)} {r.choice(EN_PAST)} [the plan|a proposal|the decision|"
                f"a draft] [for|on|concerning] {r.choice(self.nouns)} {r.choice(EN_DAYS)}, "
                f"[saying|arguing|warning|noting] that {self.en_clause()}."
            ),
            lambda: a(
                f"{p}, {r.choice(EN_ROLES)} {who}, [said|told {r.choice(EN_OUTLETS)}|"
                f"wrote in a post on {r.choice(('Facebook', 'X', 'Telegram', 'LinkedIn'))}] "
                f"that {self.en_clause()}."
            ),
            lambda: a(
                f'"{self.quote()}," {p} [told reporters|told journalists|said|said '
                f"at a briefing|said in an interview] [in {place}|{r.choice(EN_DAYS)}|"
                f"after the meeting]."
            ),
            lambda: a(
                f"[According to|Figures from|Data published by] {who} [show that|suggest "
                f"that|indicate that|,] {self.num()} [people|households|businesses|"
                f"patients|passengers] were [affected|hit|involved] {r.choice(EN_DAYS)}, "
                f"[compared with|against|up from|down from] {self.num()} "
                f"[a year earlier|in {r.choice(EN_MONTHS)}|last year]."
            ),
            lambda: a(
                f"[The work|The project|The upgrade|Repairing {r.choice(self.nouns)}] "
                f"[is expected to|will|could] cost {self.money_s()}, [most of it from the "
                f"state budget|twice the original estimate|to be shared with private "
                f"investors|according to {r.choice(('preliminary', 'early', 'official', 'internal'))} estimates|"  # noqa: E501
                f"{self.num()} per household]."
            ),
            lambda: a(
                f"[Residents|Shop owners|Drivers|Parents|Pensioners] in {place} "
                f"[have complained about|have protested over|have long criticised] "
                f"{r.choice(self.nouns)} since {r.choice(EN_MONTHS)}, when "
                f"{self.en_clause()}."
            ),
            lambda: a(
                f"[Officials|The authorities|{cap(who)}] [did not say|would not say|"
                f"gave no date for|declined to say] when {r.choice(self.nouns)} "
                f"[would be back to normal|would reopen|would be fixed|could resume]."
            ),
            lambda: a(
                f"{p} [added|also said|stressed] that {self.en_clause()}, [and that|while] "
                f"a [final|formal] decision was [due|expected] by {r.randint(1, 28)} "
                f"{r.choice(EN_MONTHS)}."
            ),
            lambda: a(
                f"[Critics|Opponents|Some experts], [including|among them] {p2} of "
                f"{r.choice(EN_BODIES)}, [argue|say|warn|believe] that {self.en_clause()}."
            ),
            lambda: a(
                f"The [decision|move|announcement] [follows|comes after] a "
                f"[protest|court ruling|fire|strike|storm|audit|power cut|leak] in {place} "
                f"{r.choice(EN_DAYS)}, which [left {self.num()} people without services|"
                f"drew national attention|exposed years of underinvestment|forced the "
                f"authorities to act|cost {self.money_s()}]."
            ),
            lambda: a(
                f"In a [statement|press release|letter to {r.choice(EN_BODIES)}], {who} "
                f"said it would [publish|release|present] [the full report|its findings|"
                f"a revised plan] by [the end of|mid-] {r.choice(EN_MONTHS)}."
            ),
            lambda: a(
                f"The [figures|numbers|results] were [higher|lower|much worse|slightly "
                f"better] than [analysts|economists|officials] had [expected|forecast], "
                f"with {r.choice(self.nouns)} up {r.randint(2, 35)} per cent."
            ),
            lambda: a(
                f"[About|Some|More than|Nearly] {self.num()} people [gathered|rallied|"
                f"marched] in {place} {r.choice(EN_DAYS)}, [police said|organisers said|"
                f"local media reported], [demanding answers about|to protest against|"
                f"calling for changes to] {r.choice(self.nouns)}."
            ),
            lambda: a(
                f"The [row|dispute|argument] over {r.choice(self.nouns)} has [gone on|"
                f"dragged on|simmered] in {place} for {r.randint(2, 15)} years, and {p2} "
                f"said the [government|council|regulator] had [received|ignored] "
                f"[repeated|several|written] warnings."
            ),
        ]
        return r.choice(templates)()

    def quote(self) -> str:
        lang = EN_QUOTES if self.lang == "en" else UK_QUOTES
        return self.fill(self.alt(self.rng.choice(lang)))

    # ---- Ukrainian sentences ----
    def uk_clause(self) -> str:
        noun, g = self.rng.choice(self.nouns_g)
        may = (
            self.alt("[може|ймовірно, може|навряд чи зможе|має]")
            if g != "pl"
            else self.alt("[можуть|ймовірно, можуть|навряд чи зможуть|мають]")
        )
        return f"{noun} {may} {self.fill(self.alt(self.rng.choice(UK_INF)))}"

    def uk_sentence(self) -> str:
        r = self.rng
        (p, pg), (p2, _) = r.sample(self.people_g, 2)
        _place, place_loc = r.choice(self.places_g)
        body, bg = self.body_g
        who, wg = r.choice(((f"Компанія «{self.org}»", "f"), (body, bg)))
        a = self.alt
        templates: list[Callable[[], str]] = [
            lambda: a(
                f"{who} {r.choice(UK_DAYS)} {UK_VERB[r.choice(('say', 'report'))][wg]}, "
                f"що {self.uk_clause()}."
            ),
            lambda: a(
                f"{p}, {r.choice(UK_ROLES)}, {UK_VERB[r.choice(('tell', 'note'))][pg]} "
                f"[журналістам|в ефірі телемарафону|на брифінгу|у коментарі виданню], "
                f"що {self.uk_clause()}."
            ),
            lambda: a(
                f"«{self.quote()}», — {UK_VERB['tell'][pg]} {p} [журналістам|на брифінгу|"
                f"після засідання] {place_loc}."
            ),
            lambda: a(
                f"[За даними відомства|За офіційними даними|Як свідчить статистика], "
                f"{r.choice(UK_DAYS)} [постраждали|звернулися по допомогу|залишилися без "
                f"послуг] {self.num()} [людей|мешканців|споживачів], тоді як "
                f"[торік|у {r.choice(UK_MONTHS_LOC)}] — {self.num()}."
            ),
            lambda: a(
                f"[Вартість робіт|Кошторис проєкту|Загальну суму] оцінюють у "
                f"{self.money_s()}, [більшу частину коштів виділить держава|що вдвічі "
                f"більше за початковий кошторис|частину витрат покриють інвестори|"
                f"повідомили у відомстві|і ця сума може зрости]."
            ),
            lambda: a(
                f"[Мешканці|Підприємці|Водії|Батьки школярів] {place_loc} [скаржаться на "
                f"проблеми|вимагають пояснень|звертаються до влади] ще з "
                f"{r.choice(UK_MONTHS_GEN)}, коли стало відомо, що {self.uk_clause()}."
            ),
            lambda: a(
                "[У відомстві|У міській раді|У компанії] [не уточнили|не змогли сказати|"
                "поки не називають дати], [коли|як швидко] ситуація [повернеться до "
                "норми|стабілізується|зміниться]."
            ),
            lambda: a(
                f"{p} також {UK_VERB['add'][pg]}, що [остаточне|офіційне] рішення "
                f"[ухвалять|оголосять|мають ухвалити] до {r.randint(1, 28)} "
                f"{r.choice(UK_MONTHS_GEN)}."
            ),
            lambda: a(
                f"[Критики|Опоненти|Деякі експерти], [зокрема|серед них] {p2}, "
                f"[вважають|наголошують|попереджають], що {self.uk_clause()}."
            ),
            lambda: a(
                f"Рішення ухвалили після [протесту|пожежі|страйку|негоди|перевірки|аварії|"
                f"знеструмлення] {place_loc} {r.choice(UK_DAYS)}, [через що {self.num()} "
                f"людей залишилися без послуг|що привернуло увагу всієї країни|яка виявила "
                f"роки недофінансування|збитки від якої сягнули {self.money_s()}]."
            ),
            lambda: a(
                f"{body} {UK_VERB['promise'][bg]} [оприлюднити|представити|передати "
                f"депутатам] [повний звіт|результати перевірки|оновлений план] до "
                f"[кінця|середини] {r.choice(UK_MONTHS_GEN)}."
            ),
            lambda: a(
                f"[Показники|Результати|Цифри] виявилися [гіршими|кращими|значно гіршими|"
                f"трохи кращими], ніж [очікували аналітики|прогнозували економісти|"
                f"розраховували у відомстві]: [зростання|зміна] становила "
                f"{r.randint(2, 35)}%."
            ),
            lambda: a(
                f"[Близько|Понад|Майже] {self.num()} [людей|мешканців|активістів] "
                f"[зібралися|вийшли на акцію] {place_loc} {r.choice(UK_DAYS)}, "
                f"[повідомила поліція|розповіли організатори|пишуть місцеві медіа]."
            ),
            lambda: a(
                f"Як {UK_VERB['note'][pg]} {p}, [уряд|міська влада|регулятор] "
                f"[неодноразово|кілька разів|ще торік] отримував попередження, "
                f"[однак|проте|але] {self.uk_clause()}."
            ),
        ]
        return r.choice(templates)()

    # ---- paragraphs, stories ----
    def sentence(self) -> str:
        return self.en_sentence() if self.lang == "en" else self.uk_sentence()

    def paragraph(self, lo: int = 2, hi: int = 4) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(lo, hi)))

    def lede(self) -> str:
        r = self.rng
        if self.lang == "en":
            place = self.places[self.event_place].upper()
            return self.alt(
                f"{place} — {cap(r.choice((self.org, self.body)))} {r.choice(EN_PAST)} "
                f"[the plan|a proposal|a deal|new rules] [for|on] {r.choice(self.nouns)} "
                f"{r.choice(EN_DAYS)}, [saying|warning|arguing] that {self.en_clause()} "
                f"[and that|while] {self.en_clause()}."
            )
        place = self.places_g[self.event_place][0].upper()
        body, bg = self.body_g
        verb = UK_VERB[r.choice(("report", "say"))][bg]
        return self.alt(
            f"{place}. {body} {r.choice(UK_DAYS)} {verb}, що {self.uk_clause()}, "
            f"[а|тоді як|при цьому] {self.uk_clause()}."
        )

    def story(self, words: int) -> list[str]:
        """Paragraphs until about `words` words: a lede, then 2-4 sentence paragraphs."""
        out = [self.lede()]
        while sum(len(p.split()) for p in out) < words:
            out.append(self.paragraph())
        return out

    def brief(self) -> list[str]:
        """40-80 words: one or two short paragraphs."""
        while True:
            out = [self.lede()]
            if self.rng.random() < 0.5:
                out.append(self.sentence())
            if 40 <= sum(len(p.split()) for p in out) <= 80:
                return out

    def headline(self) -> str:
        r = self.rng
        if self.lang == "en":
            return f"{cap(self.org)} {r.choice(('faces questions over', 'delays', 'backs', 'warns on', 'moves ahead with'))} {r.choice(self.nouns)}"  # noqa: E501
        noun = r.choice(self.nouns_g)[0]
        return f"{cap(noun)}: {r.choice(('що відомо', 'нові подробиці', 'рішення відклали', 'влада пояснила'))}"  # noqa: E501

    def quote_paragraph(self) -> str:
        """An official statement that several outlets quote in full."""
        if self.lang == "en":
            q = " ".join(self.fill(self.alt(q)) + "." for q in self.rng.sample(EN_QUOTES, 3))
            return f'"{q}" {self.people[0]} said in a statement published on the company website.'
        q = " ".join(self.fill(self.alt(q)) + "." for q in self.rng.sample(UK_QUOTES, 3))
        return f"«{q}» — йдеться в заяві, яку {self.people_g[0][0]} оприлюднила на сайті компанії."

    def about_us(self) -> str:
        """The press-release boilerplate every article about the company repeats."""
        if self.lang == "en":
            return (
                f"About {self.org}: {self.org} was founded in {1990 + len(self.org) % 25} and "
                f"employs about {thousands(900 + 37 * len(self.org), ',')} people in "
                f"{len(self.org) % 7 + 3} countries. The company is listed on the Warsaw Stock "
                "Exchange and publishes its results every quarter."
            )
        return (
            f"Довідка. «{self.org}» — українська компанія, заснована у {1992 + len(self.org) % 20} "
            f"році. На підприємствах компанії працюють понад {900 + 37 * len(self.org)} "
            "працівників, продукцію експортують до дев'яти країн світу."
        )


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]
