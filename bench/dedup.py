"""Repost-detection benchmark (issue 5): quality on a generated repost set, cost at scale.

(1) Quality. A generator writes news prose (English and Ukrainian: named people,
organisations, places, numbers, quotes; briefs of 40-80 words, articles of
300-900) and makes copies of it the way the web does: agency stories reposted by
blogs (headline tweaked, a sentence reworded, a typo fixed, numbers formatted
differently, a paragraph dropped or moved, a credit line added), mirrored verbatim
by aggregators, reachable at a second URL, excerpted ("Read more at ..."),
extended with commentary, re-crawled (sometimes updated). Negatives: follow-ups
quoting up to a third of another story, same-event articles written
independently that share a quoted statement and an "about us" paragraph, and
briefs of one agency that share a long sign-off. Every article goes through the
real `save_batch` in a shuffled crawl order; the stored `duplicate_of` is scored
against the gold stories: pairwise precision/recall/F1 of same-story pairs, the
share of stories whose original is right, and a table per alteration kind.
The original of a story is its earliest-published copy (ties: the copy the
others credit, then the first fetched). `--seed` draws another corpus.

(2) Cost. The database is filled to N articles by bulk SQL (rows shaped like
real ones: 40-120 anchors per article, some briefs, 1 in 5 rows a copy in a
repost group sharing anchors, agency sign-off anchors shared by many rows), then
VACUUM ANALYZE, then M fresh articles (originals, reposts of stored stories,
excerpts, mirrors, extended reposts) go through the real `save_batch` one per
call with all indexes in place; wall time per article, the database size and
whether each copy was linked right are reported per N.

Usage: python bench/dedup.py [--quick] [--sizes 10000,100000,1000000] [--seed 7]
       [--timed 300] [--database-url URL] [--keep] [--skip-quality] [--skip-cost]
"""

from __future__ import annotations

import argparse
import copy
import math
import random
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newsbot.boilerplate import credit_of
from newsbot.config import Source
from newsbot.items import Article, PageDate
from newsbot.reposts import fingerprint as dedup
from newsbot.reposts.similarity import anchors
from newsbot.storage import connect, for_ingest, resolve_database_url, upgrade
from newsbot.storage.articles import ensure_sources, save_batch

BENCH_DB = "newsbot_bench_dedup"
KYIV = timezone(timedelta(hours=3))


def log(message: str) -> None:
    """Progress goes to stderr so stdout stays the report."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- sites


@dataclass(frozen=True)
class Site:
    """A publisher: `name` is the source key, `site_name` what its pages call it."""

    name: str
    site_name: str
    host: str
    language: str
    role: str  # agency, paper, blog, aggregator
    credit: str = ""  # the name other sites put in their credit lines
    sign_off: str = ""  # standard paragraph closing this agency's briefs


SITES = (
    Site(
        "northstar",
        "Northstar Press",
        "northstarpress.example",
        "en",
        "agency",
        "NORTHSTAR",
        "Northstar Press is an independent news agency covering Central and Eastern Europe "
        "from bureaus in Warsaw, Kyiv, Vienna and Bucharest. Our reporting is available to "
        "subscribers in real time. For licensing enquiries, corrections or tips, contact the "
        "duty editor at desk@northstarpress.example or call the newsroom around the clock.",
    ),
    Site(
        "contiwire",
        "Continental Wire",
        "contiwire.example",
        "en",
        "agency",
        "Continental Wire",
        "Continental Wire delivers breaking business and policy news to more than 400 "
        "newsrooms across the region. Reproduction of this item without a valid licence is "
        "prohibited. Subscribers can find the full market data package, photographs and "
        "related coverage in the Continental Wire client portal.",
    ),
    Site("gazette", "The Harbour Gazette", "harbourgazette.example", "en", "paper"),
    Site("courier", "Midland Courier", "midlandcourier.example", "en", "paper"),
    Site("grainwatch", "GrainWatch", "grainwatch.example", "en", "blog"),
    Site("citybeat", "CityBeat Blog", "citybeat.example", "en", "blog"),
    Site("newshub", "NewsHub", "newshub.example", "en", "aggregator"),
    Site("dailyfeed", "Daily Feed", "dailyfeed.example", "en", "aggregator"),
    Site(
        "ukrpres",
        "Укрпрес",
        "ukrpres.example",
        "uk",
        "agency",
        "Укрпрес",
        "Укрпрес — незалежне інформаційне агентство, що працює з 1998 року та має "
        "кореспондентів у всіх обласних центрах України. Використання матеріалів "
        "дозволяється лише за умови гіперпосилання на сайт агентства. Новини, фото та "
        "відео надсилайте на редакційну пошту або в офіційний телеграм-канал агентства.",
    ),
    Site(
        "dniprovisti",
        "Дніпровісті",
        "dniprovisti.example",
        "uk",
        "agency",
        "Дніпровісті",
        "Дніпровісті — регіональне агентство новин, яке щодня публікує оперативну "
        "інформацію про події на Дніпропетровщині та в сусідніх областях. Передрук "
        "матеріалів можливий лише з активним посиланням на джерело. Редакція не завжди "
        "поділяє думку авторів колонок і не відповідає за зміст реклами.",
    ),
    Site("vechirnii", "Вечірній вісник", "vechirnii.example", "uk", "paper"),
    Site("zahid", "Західний кур'єр", "zahid.example", "uk", "paper"),
    Site("novynytut", "Новини тут", "novynytut.example", "uk", "blog"),
    Site("mistoblog", "Місто і люди", "mistoblog.example", "uk", "blog"),
    Site("uanewsfeed", "UA Newsfeed", "uanewsfeed.example", "uk", "aggregator"),
    Site("zbirka", "Збірка новин", "zbirka.example", "uk", "aggregator"),
)
SITE = {s.name: s for s in SITES}


def sites_of(language: str, role: str) -> list[Site]:
    return [s for s in SITES if s.language == language and s.role == role]


# --------------------------------------------------------------------------- prose


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


EN_FIRST = _words(
    "Olena Marchenko Andriy Kowalski Maria Fischer James Bennett Sarah Novak Tomasz "
    "Lindqvist Ingrid Harper Daniel Shevchuk Laura Moreau Viktor Keller Emma Dubois "
    "Oleksandr Hughes Nadia Petrenko Peter Larsen Hannah Brennan Marco Sokolova Yulia "
    "Hartmann David Novotny Claire Varga Stefan Horvat Anna Jensen Mikhail Rossi"
)
EN_PLACES = _words(
    "Lviv Odesa Kharkiv Dnipro Gdansk Rotterdam Hamburg Vienna Krakow Riga Tallinn "
    "Constanta Varna Linz Bratislava Brno Poznan Debrecen Cluj Chernivtsi"
)
EN_BRANDS = _words(
    "Baltic Northern Harbour Eastgate Riverside Silverline Meridian Blackwood Crestview "
    "Danube Carpathian Lakeside Ironbridge Westfield Amberline"
)
EN_BRAND_KINDS = (
    "Grain Holdings",
    "Energy",
    "Logistics",
    "Bank",
    "Steelworks",
    "Rail",
    "Telecom",
    "Pharmaceuticals",
    "Shipping",
    "Insurance",
    "Foods",
)
EN_BODIES = (
    "the Ministry of Energy",
    "the Ministry of Finance",
    "the Ministry of Health",
    "the Ministry of Infrastructure",
    "the city council",
    "the regional administration",
    "the national energy regulator",
    "the state railway company",
    "the Supreme Court",
    "the central bank",
    "the customs service",
    "the port authority",
)
EN_TOPICS = {
    "energy": ("the power grid", "gas reserves", "the new wind farm", "electricity tariffs",
               "the coal plant", "the heating season", "the solar park", "fuel imports"),
    "transport": ("the ring road", "the new tram line", "freight traffic", "the airport terminal",
                  "the river bridge", "port traffic", "the rail link", "bus fares"),
    "farming": ("the wheat harvest", "grain exports", "fertiliser prices", "the irrigation scheme",
                "sunflower oil shipments", "the corn crop", "storage capacity", "barley prices"),
    "finance": ("the state budget", "interest rates", "the bond issue", "consumer inflation",
                "the bank's quarterly profit", "mortgage lending", "the pension fund",
                "tax revenues"),
    "health": ("the children's hospital", "vaccination rates", "the new clinic",
               "ambulance response times", "the blood bank", "drug prices",
               "the cancer centre", "waiting lists"),
    "city": ("the water supply", "the central park", "parking fees", "the district heating plant",
             "the housing programme", "street lighting", "waste collection", "the old market hall"),
}  # fmt: skip
EN_DAYS = ("on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "on Saturday",
           "late on Sunday", "last week", "earlier this month", "this morning")  # fmt: skip
EN_MONTHS = _words(
"January February March April May June July August September October November "
             "December"
)  # fmt: skip
EN_VP = (
    "be delayed until [{month}|the autumn|next year]",
    "cost [an additional|another|at least] {money}",
    "[affect|hit|leave out] [about|some|up to] {num} [households|families|firms]",
    "resume [within|in] {small} [weeks|months]",
    "[require|need] approval from [parliament|the cabinet|the city council|regulators]",
    "be [reviewed|checked|examined] by [independent auditors|a special commission|prosecutors]",
    "create [up to|about|more than] {num} [jobs|new jobs|seasonal jobs]",
    "be [finished|completed] [ahead of schedule|by {month}|before the winter]",
    "face [legal challenges|lawsuits|objections] from [residents|landowners|rival bidders]",
    "depend on [loans|grants|guarantees] from [international lenders|the EU|donors]",
    "be extended to {small} more [districts|towns|regions]",
    "raise [monthly bills|prices|fares] by {pct} per cent",
    "be put to a [public consultation|vote|referendum]",
    "need {money} in [fresh|new|emergency] funding",
)
EN_PAST = ("approved", "postponed", "criticised", "defended", "announced", "rejected",
           "expanded", "suspended", "reviewed", "finalised", "backed", "questioned", "unveiled",
           "scrapped", "revised", "signed off")  # fmt: skip
EN_ROLES = ("a spokesperson for", "the head of", "a senior analyst at", "the deputy director of",
            "an adviser to", "a board member of", "a lawyer for", "the finance director of",
            "a former official at", "the press secretary of")  # fmt: skip
EN_OUTLETS = ("reporters", "journalists", "local television", "a radio station",
              "the Harbour Gazette", "Northstar Press", "a news conference")  # fmt: skip
EN_QUOTES = (
    "[We are doing|We will do|The team is doing] everything [we can|possible] to [keep|get] "
    "{noun} [running|back on track|under control], but we need [more support|more time|help]",
    "This is a [difficult|painful|necessary] decision, and [nobody|none of us] [here|in {place}] "
    "[takes|took] it lightly",
    "[Nobody|No one] [expected|predicted] {noun} to become [a problem|a crisis|so expensive] "
    "[so quickly|this year|in {month}]",
    "Our [priority|goal|task] is [simple|clear]: people must not pay for [other people's "
    "mistakes|bad planning|the delays]",
    "We have the [money|funding], we have the [plan|design], and now [the contractors|the "
    "builders|the ministry] [must|need to] deliver",
    "I have [seen|known] nothing like this in {small} years of [work|service] in {place}",
    "The [numbers|figures] speak for themselves, and they are [not good|worrying|worse than "
    "last year]",
    "We will publish [every document|all contracts|the audit] so that [anyone|every resident] "
    "can check what we did",
    "If the weather holds, {noun} will be back to normal by [{month}|the weekend|next week]",
)
EN_TYPOS = {
    "government": "goverment",
    "received": "recieved",
    "occurred": "occured",
    "until": "untill",
    "separate": "seperate",
    "committee": "comittee",
    "environment": "enviroment",
    "definitely": "definately",
}

UK_PEOPLE = (
    ("Олена Ковальчук", "f"), ("Андрій Мельник", "m"), ("Марія Бондаренко", "f"),
    ("Ігор Ткаченко", "m"), ("Наталія Шевчук", "f"), ("Сергій Кравченко", "m"),
    ("Оксана Литвиненко", "f"), ("Василь Гнатюк", "m"), ("Юлія Мороз", "f"),
    ("Дмитро Павленко", "m"), ("Ірина Савчук", "f"), ("Тарас Руденко", "m"),
    ("Галина Остапчук", "f"), ("Богдан Лисенко", "m"), ("Світлана Гуменюк", "f"),
    ("Роман Дячук", "m"),
)  # fmt: skip
UK_ROLES = ("речник міської ради", "заступник голови обласної адміністрації",
            "аналітик інвестиційної компанії", "директор департаменту", "депутат міської ради",
            "голова профспілки", "керівник пресслужби", "експерт аналітичного центру")  # fmt: skip
UK_PLACES = (("Львів", "у Львові"), ("Одеса", "в Одесі"), ("Харків", "у Харкові"),
             ("Дніпро", "у Дніпрі"), ("Вінниця", "у Вінниці"), ("Полтава", "у Полтаві"),
             ("Черкаси", "у Черкасах"), ("Житомир", "у Житомирі"), ("Ужгород", "в Ужгороді"),
             ("Луцьк", "у Луцьку"), ("Суми", "у Сумах"), ("Рівне", "у Рівному"),
             ("Тернопіль", "у Тернополі"), ("Чернігів", "у Чернігові"))  # fmt: skip
UK_BRANDS = ("Дніпро Агро", "Карпатська енергія", "Південний порт", "Зерновий союз",
             "Поділля Трейд", "Західна логістика", "Волинь Буд", "Сіверське молоко",
             "Степова енергія", "Галицькі мережі")  # fmt: skip
UK_BODIES = (
    ("Міністерство енергетики", "n"), ("Міністерство фінансів", "n"),
    ("Міністерство охорони здоров'я", "n"), ("Міська рада", "f"),
    ("Обласна військова адміністрація", "f"), ("Національний банк", "m"),
    ("Державна митна служба", "f"), ("Верховний суд", "m"), ("Фонд державного майна", "m"),
    ("Укренергонагляд", "m"), ("Адміністрація морських портів", "f"),
)  # fmt: skip
UK_TOPICS = {
    "energy": (("ремонт підстанції", "m"), ("опалювальний сезон", "m"),
               ("тарифи на електроенергію", "pl"), ("будівництво вітрової електростанції", "n"),
               ("імпорт газу", "m"), ("нова сонячна станція", "f")),
    "transport": (("ремонт мосту", "m"), ("нова трамвайна лінія", "f"),
                  ("вартість проїзду", "f"), ("реконструкція аеропорту", "f"),
                  ("вантажні перевезення", "pl"), ("об'їзна дорога", "f")),
    "farming": (("експорт зерна", "m"), ("врожай пшениці", "m"), ("ціни на добрива", "pl"),
                ("зрошувальна система", "f"), ("посівна кампанія", "f"), ("зберігання зерна", "n")),
    "finance": (("державний бюджет", "m"), ("облікова ставка", "f"), ("іпотечне кредитування", "n"),
                ("пенсійний фонд", "m"), ("податкові надходження", "pl"), ("інфляція", "f")),
    "health": (("дитяча лікарня", "f"), ("вакцинація", "f"), ("нова амбулаторія", "f"),
               ("черги до лікарів", "pl"), ("ціни на ліки", "pl"), ("онкологічний центр", "m")),
    "city": (("водопостачання", "n"), ("центральний парк", "m"), ("вартість паркування", "f"),
             ("вивезення сміття", "n"), ("програма доступного житла", "f"),
             ("вуличне освітлення", "n")),
}  # fmt: skip
UK_DAYS = ("у понеділок", "у вівторок", "у середу", "у четвер", "у п'ятницю", "у суботу",
           "минулого тижня", "на початку місяця", "сьогодні вранці")  # fmt: skip
UK_MONTHS_GEN = _words(
"січня лютого березня квітня травня червня липня серпня вересня жовтня "
                 "листопада грудня"
)  # fmt: skip
UK_MONTHS_LOC = _words(
"січні лютому березні квітні травні червні липні серпні вересні жовтні "
                 "листопаді грудні"
)  # fmt: skip
UK_INF = (
    "затриматися до [кінця|середини] {month_gen}",
    "коштувати [додатково|ще|щонайменше] {money}",
    "торкнутися [близько|понад|майже] {num} [домогосподарств|родин|підприємств]",
    "відновитися протягом {small} [тижнів|місяців]",
    "потребувати [схвалення|погодження] [парламенту|уряду|міської ради]",
    "пройти [незалежний аудит|перевірку спеціальної комісії|експертизу]",
    "створити [до|близько|понад] {num} робочих місць",
    "завершитися [раніше запланованого|до зими|до кінця {month_gen}]",
    "спричинити [судові позови|скарги|протести] [мешканців|землевласників|конкурентів]",
    "залежати від [кредитів|грантів|гарантій] [міжнародних партнерів|ЄС|донорів]",
    "поширитися ще на {small} [районів|громад|міст]",
    "підвищити [щомісячні платежі|ціни|тарифи] на {pct}%",
)
UK_QUOTES = (
    "Ми [робимо|зробимо] все [можливе|від нас залежне], щоб люди не відчули перебоїв, але нам "
    "[потрібна підтримка|потрібен час|потрібна допомога]",
    "Це [складне|болісне|вимушене] рішення, і ніхто з нас не ухвалював його легковажно",
    "[Ніхто|Жоден фахівець] не [очікував|прогнозував], що ситуація [погіршиться|зміниться] так "
    "швидко",
    "Наш [пріоритет|головне завдання] [простий|просте|очевидне]: люди не повинні платити за "
    "[чужі помилки|погане планування|затримки]",
    "[Гроші|Фінансування] є, [план|проєкт] є, тепер [підрядники|будівельники|міністерство] "
    "[мають|повинні] виконати свою роботу",
    "За {small} років [роботи|служби] я не бачив нічого подібного",
    "Цифри говорять самі за себе, і вони [невтішні|тривожні|гірші, ніж торік]",
    "Ми оприлюднимо [всі документи|усі договори|результати аудиту], щоб кожен міг перевірити "
    "наші дії",
)
UK_VERB = {  # past tense by gender/number of the subject
    "say": {"m": "заявив", "f": "заявила", "n": "заявило", "pl": "заявили"},
    "report": {"m": "повідомив", "f": "повідомила", "n": "повідомило", "pl": "повідомили"},
    "tell": {"m": "сказав", "f": "сказала", "n": "сказало", "pl": "сказали"},
    "promise": {"m": "пообіцяв", "f": "пообіцяла", "n": "пообіцяло", "pl": "пообіцяли"},
    "add": {"m": "додав", "f": "додала", "n": "додало", "pl": "додали"},
    "note": {"m": "зазначив", "f": "зазначила", "n": "зазначило", "pl": "зазначили"},
}


ALT = re.compile(r"\[([^\[\]]*)\]")


def _thousands(n: int, sep: str) -> str:
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
        return _thousands(n, "," if self.lang == "en" else "\u00a0")

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
                f"employs about {_thousands(900 + 37 * len(self.org), ',')} people in "
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


# --------------------------------------------------------------------------- alterations

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
        return rng.choice((digits, _thousands(int(digits), " ")))

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


# --------------------------------------------------------------------------- corpus


@dataclass
class Copy:
    """One article of the gold set and what the benchmark knows about it."""

    url: str
    site: Site
    story: int
    kind: str
    title: str
    paras: list[str]
    published: datetime  # the true instant
    shown: PageDate  # what the page says (a date-only page shows midnight)
    credit: str | None = None
    partner: int | None = None  # negatives: the story they must not join
    updated: list[str] | None = None  # text of a later re-crawl, if the page changed
    recrawl: bool = False
    first_fetch: int = 0

    @property
    def body(self) -> str:
        return "\n\n".join(self.paras)


POSITIVE = ("mirror", "url_variant", "repost", "repost_tie_credit", "brief_repost", "excerpt",
            "extended", "repost_date_only")  # fmt: skip
NEGATIVE = ("follow_up", "same_event", "brief_sign_off")


@dataclass
class Corpus:
    copies: list[Copy] = field(default_factory=list)
    crawl: list[tuple[int, bool]] = field(default_factory=list)  # (copy index, is re-crawl)


def _minutes(rng: random.Random, lo: int, hi: int) -> timedelta:
    return timedelta(minutes=rng.randint(lo, hi))


def build_corpus(seed: int, stories: int = 360) -> Corpus:
    """Agency stories with their copies, briefs, follow-ups and same-event pairs."""
    rng = random.Random(seed)
    corpus = Corpus()
    copies = corpus.copies
    story_no = 0
    t_start = datetime(2024, 5, 1, 5, 0, tzinfo=UTC)
    url_no = Counter()

    def url(site: Site, lang: str) -> str:
        url_no[site.host] += 1
        slug = "news" if lang == "en" else "novyny"
        return f"https://{site.host}/{slug}/{seed}-{url_no[site.host]}"

    def add(site: Site, story: int, kind: str, title: str, paras: list[str], when: datetime,
            credit: str | None = None, date_only: bool = False, partner: int | None = None,
            link: str | None = None) -> Copy:  # fmt: skip
        tz = KYIV if site.language == "uk" else UTC
        if date_only:
            local = when.astimezone(tz)
            shown = PageDate(datetime(local.year, local.month, local.day, tzinfo=tz), "day", "meta")
        else:
            shown = PageDate(when.astimezone(tz), "minute", "jsonld")
        c = Copy(link or url(site, site.language), site, story, kind, title, paras, when, shown,
                 credit, partner)  # fmt: skip
        copies.append(c)
        return c

    main_stories: list[tuple[int, Writer, list[str], Copy]] = []
    n_main = int(stories * 0.62)
    n_briefs = int(stories * 0.16)
    n_follow = int(stories * 0.10)
    n_event = stories - n_main - n_briefs - n_follow  # pairs count as two stories
    for s in range(n_main):
        story_no += 1
        lang = "en" if s % 2 == 0 else "uk"
        w = Writer(lang, random.Random(rng.random()))
        agency = rng.choice(sites_of(lang, "agency") + sites_of(lang, "paper"))
        paras = w.story(rng.randint(300, 900))
        title = w.headline()
        when = t_start + timedelta(minutes=rng.randint(0, 27 * 24 * 60))
        orig = add(agency, story_no, "original", title, paras, when)
        main_stories.append((story_no, w, paras, orig))
        year = when.year
        blogs = sites_of(lang, "blog") + sites_of(lang, "paper")
        blogs = [b for b in blogs if b is not agency]
        aggs = sites_of(lang, "aggregator")
        # who reposts this story: most agency stories travel, some stay home
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
            site = rng.choice(blogs)
            edited = light_edits(paras, rng, lang)
            credit = credit_line(agency, rng, year) if rng.random() < 0.85 else None
            if credit:
                edited = [*edited, credit]
            date_only = rng.random() < 0.06
            kind = "repost_date_only" if date_only else "repost"
            add(site, story_no, kind, w.headline(), edited, when + _minutes(rng, 40, 2 * 24 * 60),
                credit and credit_of(credit), date_only)  # fmt: skip
        for _ in range(rng.choice((0, 0, 1, 1, 2))):
            add(rng.choice(aggs), story_no, "mirror", title, paras, when + _minutes(rng, 3, 600))
        if rng.random() < 0.2:
            mobile = Site(agency.name, agency.site_name, "m." + agency.host, lang, agency.role)
            add(mobile, story_no, "url_variant", title, paras, when)
        if rng.random() < 0.35:
            site = rng.choice(aggs)
            k = rng.randint(2, 3)
            head = paras[:k]
            if rng.random() < 0.3:  # cut mid-sentence
                cut = head[-1].split(" ")
                head[-1] = " ".join(cut[: max(8, len(cut) * 2 // 3)]) + "…"
            ex = [*head, read_more(agency, lang, rng, orig.url)]
            add(site, story_no, "excerpt", title, ex, when + _minutes(rng, 10, 24 * 60))
        if rng.random() < 0.25:
            site = rng.choice(blogs)
            own = Writer(lang, random.Random(rng.random()))
            words = sum(len(p.split()) for p in paras)
            comment = own.story(int(words * rng.uniform(1.05, 1.6)))[1:]
            intro = "Our take:" if lang == "en" else "Коментар редакції:"
            ext = [*paras, credit_line(agency, rng, year), f"{intro} {comment[0]}", *comment[1:]]
            add(site, story_no, "extended", w.headline(), ext, when + _minutes(rng, 120, 3 * 1440),
                credit_of(ext[len(paras)]))  # fmt: skip
        if rng.random() < 0.15:
            site = rng.choice(blogs)
            credit = credit_line(agency, rng, year)
            edited = [*light_edits(paras, rng, lang, most=2), credit]
            add(site, story_no, "repost_tie_credit", w.headline(), edited, when, credit_of(credit))
        if rng.random() < 0.25 and not any(
            c.story == story_no and c.kind in ("url_variant", "repost_tie_credit") for c in copies
        ):
            note = (
                "Update: this story was updated with a statement from the ministry."
                if lang == "en"
                else "Оновлено: до матеріалу додано коментар міністерства."
            )
            orig.updated = [*paras, note + " " + w.sentence()]
        if rng.random() < 0.5:
            orig.recrawl = True

    # briefs from agencies: long shared sign-off; some reposted (without the sign-off or with)
    for s in range(n_briefs):
        story_no += 1
        lang = "en" if s % 2 == 0 else "uk"
        w = Writer(lang, random.Random(rng.random()))
        agency = rng.choice(sites_of(lang, "agency"))
        paras = [*w.brief(), agency.sign_off]
        when = t_start + timedelta(minutes=rng.randint(0, 27 * 24 * 60))
        add(agency, story_no, "brief_sign_off", w.headline(), paras, when)
        if rng.random() < 0.4:
            site = rng.choice(sites_of(lang, "blog"))
            repost = light_edits(paras[:-1], rng, lang, most=1)
            if rng.random() < 0.4:
                repost.append(agency.sign_off)
            credit = credit_line(agency, rng, when.year)
            add(site, story_no, "brief_repost", w.headline(), [*repost, credit],
                when + _minutes(rng, 20, 600), credit_of(credit))  # fmt: skip

    # follow-ups: own reporting quoting up to a third of an earlier story
    for _ in range(n_follow):
        story_no += 1
        base_no, base_w, base_paras, base = rng.choice(main_stories)
        lang = base.site.language
        k = max(1, len(base_paras) // 3)
        start = rng.randrange(0, len(base_paras) - k + 1)
        quoted = base_paras[start : start + k]
        quoted_words = sum(len(p.split()) for p in quoted)
        own = copy.copy(base_w)  # same people, places and numbers; its own sentences
        own.rng = random.Random(rng.random())
        body = own.story(int(quoted_words * rng.uniform(1.2, 3.0)))
        cut = rng.randint(1, len(body))
        paras = body[:cut] + quoted + body[cut:]
        site = rng.choice([s for s in SITES if s.language == lang and s.role != "aggregator"])
        add(site, story_no, "follow_up", own.headline(), paras, base.published + timedelta(days=1),
            partner=base_no)  # fmt: skip

    # same event written independently: shared names, numbers, a statement, the about-us
    for s in range(n_event // 2):
        lang = "en" if s % 2 == 0 else "uk"
        facts_seed = rng.random()
        quote = about = None
        when = t_start + timedelta(minutes=rng.randint(0, 27 * 24 * 60))
        first = story_no + 1
        for site in rng.sample(
            [x for x in SITES if x.language == lang and x.role != "aggregator"], 2
        ):
            story_no += 1
            w = Writer(lang, random.Random(rng.random()), facts=random.Random(facts_seed))
            quote = quote or w.quote_paragraph()
            about = about or w.about_us()
            paras = w.story(rng.randint(250, 700))
            paras.insert(rng.randint(1, len(paras)), quote)
            paras.append(about)
            add(site, story_no, "same_event", w.headline(), paras, when + _minutes(rng, 0, 180),
                partner=first if story_no != first else first + 1)  # fmt: skip

    # crawl order: shuffled first fetches, then re-crawls after the first fetch
    order = list(range(len(copies)))
    rng.shuffle(order)
    # a repost that ties with its original on time is fetched first (the hard case)
    pos = {c: i for i, c in enumerate(order)}
    for i, c in enumerate(copies):
        if c.kind == "repost_tie_credit":
            o = next(k for k, x in enumerate(copies) if x.story == c.story and x.kind == "original")
            if pos[o] < pos[i]:
                order[pos[o]], order[pos[i]] = i, o
                pos[o], pos[i] = pos[i], pos[o]
    crawl = [(i, False) for i in order]
    for i, c in enumerate(copies):
        c.first_fetch = pos[i]
        if c.recrawl or c.updated:
            at = rng.randint(pos[i] + 1, len(crawl))
            crawl.insert(at, (i, True))
            pos = {ci: k for k, (ci, again) in enumerate(crawl) if not again}
    for i, c in enumerate(copies):
        c.first_fetch = pos[i]
    corpus.crawl = crawl
    return corpus


def to_article(c: Copy, fetched: datetime, paras: list[str] | None = None) -> Article:
    """The Article the pipeline would hand to the storage stage for this page."""
    body = "\n\n".join(paras if paras is not None else c.paras)
    a = Article(url=c.url, source=c.site.name, html="", fetched_at=fetched)
    a.title = c.title
    a.body = body
    a.language = c.site.language
    a.site_name = c.site.site_name
    a.published = c.shown
    a.credited_source = c.credit
    a.content_hash = dedup.content_hash(body)
    return a


def gold_original(copies: list[Copy], members: list[int]) -> int:
    """Earliest published (true instant); ties: the copy others credit; then first fetched."""

    def credited(m: Copy) -> bool:
        names = {m.site.name.casefold(), m.site.site_name.casefold()}
        return any(
            (copies[o].credit or "").casefold() in names for o in members if copies[o] is not m
        )

    return min(
        members, key=lambda i: (copies[i].published, not credited(copies[i]), copies[i].first_fetch)
    )


# --------------------------------------------------------------------------- database


def server_url(explicit: str | None) -> str:
    return resolve_database_url(explicit, announce=False)


def bench_url(server: str) -> str:
    params = conninfo_to_dict(server)
    params["dbname"] = BENCH_DB
    return make_conninfo(**params)


def create_db(server: str, *, search_vector: bool = False) -> str:
    """A fresh bench database with the newsbot schema.

    Without `search_vector`, the full-text search column (issue 7, a generated column
    computed on every insert) is dropped: this bench measures repost detection, and
    computing 1M tsvectors would triple the fill time. `--with-search-vector` keeps it,
    to see the whole store cost.
    """
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{BENCH_DB}"')
    url = bench_url(server)
    with connect(url) as conn:
        upgrade(conn)
        if not search_vector:
            conn.execute("ALTER TABLE articles DROP COLUMN IF EXISTS search_vector CASCADE")
        conn.commit()
    return url


def drop_db(server: str) -> None:
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


def reset(conn: psycopg.Connection) -> None:
    conn.execute(
        "TRUNCATE articles, article_comments, crawl_runs, sources RESTART IDENTITY CASCADE"
    )
    conn.commit()
    ensure_sources(conn, [Source(s.name, feeds=(f"https://{s.host}/rss",)) for s in SITES])
    conn.commit()


# --------------------------------------------------------------------------- quality


def pairs(n: int) -> int:
    return n * (n - 1) // 2


def run_quality(url: str, seed: int, show: int) -> dict[str, float]:
    """Store the corpus in crawl order through save_batch, score duplicate_of against gold."""
    corpus = build_corpus(seed)
    copies = corpus.copies
    words = [len(c.body.split()) for c in copies]
    log(f"quality: {len(copies)} articles, {len({c.story for c in copies})} stories, "
        f"{len(corpus.crawl)} fetches")  # fmt: skip
    crawl_start = datetime(2024, 6, 1, 8, 0, tzinfo=UTC)
    with for_ingest(connect(url)) as conn:  # as the crawler store stage does
        reset(conn)
        t0 = time.perf_counter()
        for k, (i, again) in enumerate(corpus.crawl):
            c = copies[i]
            fetched = crawl_start + timedelta(seconds=20 * k)
            paras = c.updated if again and c.updated else None
            result = save_batch(conn, [to_article(c, fetched, paras)])[0]
            assert result.outcome != "failed", result
        elapsed = time.perf_counter() - t0
        rows = conn.execute("SELECT id, url, duplicate_of FROM articles").fetchall()
    by_url = {r["url"]: r for r in rows}
    row_of = [by_url[c.url] for c in copies]
    pred = [r["duplicate_of"] or r["id"] for r in row_of]
    id_to_copy = {r["id"]: i for i, r in enumerate(row_of)}

    gold_sizes = Counter(c.story for c in copies)
    pred_sizes = Counter(pred)
    cells = Counter((c.story, p) for c, p in zip(copies, pred, strict=True))
    tp = sum(pairs(n) for n in cells.values())
    gold_pairs = sum(pairs(n) for n in gold_sizes.values())
    pred_pairs = sum(pairs(n) for n in pred_sizes.values())
    precision = tp / pred_pairs if pred_pairs else 1.0
    recall = tp / gold_pairs if gold_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    members: dict[int, list[int]] = defaultdict(list)
    for i, c in enumerate(copies):
        members[c.story].append(i)
    gold_orig: dict[int, int] = {}
    right = 0
    multi = [s for s, m in members.items() if len(m) >= 2]
    crawled_late = 0
    wrong_examples: list[str] = []
    for s, m in members.items():
        o = gold_original(copies, m)
        gold_orig[s] = o
        if len(m) < 2:
            continue
        if any(copies[i].first_fetch < copies[o].first_fetch for i in m if i != o):
            crawled_late += 1
        oid = row_of[o]["id"]
        ok = row_of[o]["duplicate_of"] is None and all(
            row_of[i]["duplicate_of"] == oid for i in m if i != o
        )
        right += ok
        if not ok and len(wrong_examples) < show:
            chosen = pred[o]
            got = copies[id_to_copy[chosen]] if chosen in id_to_copy else None
            wrong_examples.append(
                f"  story {s}: gold original {copies[o].url} ({copies[o].kind}, "
                f"{copies[o].published:%m-%d %H:%M}); predicted "
                f"{got.url if got else chosen} ({got.kind if got else '?'}, "
                f"shown {got.shown.isoformat() if got else '?'})"
            )
    original_right = right / len(multi) if multi else 1.0

    # per kind: n, linked, points at the right original, false merges
    table: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    clusters: dict[int, set[int]] = defaultdict(set)
    for i, p in enumerate(pred):
        clusters[p].add(copies[i].story)
    misses: list[str] = []
    for i, c in enumerate(copies):
        o = gold_orig[c.story]
        kind = "original" if i == o and gold_sizes[c.story] > 1 else c.kind
        if kind == "original" and c.kind in NEGATIVE:
            kind = f"original ({c.kind})"
        row = table[kind]
        row[0] += 1
        merged = len(clusters[pred[i]]) > 1
        if c.partner is not None:
            merged = merged or pred[i] == pred[gold_orig[c.partner]]
        row[3] += merged
        if merged and len(misses) < show:
            misses.append(f"  false merge: {c.kind} {c.url} (story {c.story})")
        if i == o:
            row[1] += 1
            row[2] += row_of[i]["duplicate_of"] is None
        else:
            row[1] += pred[i] == pred[o]
            row[2] += row_of[i]["duplicate_of"] == row_of[o]["id"]
            if pred[i] != pred[o] and len(misses) < show:
                misses.append(f"  missed: {c.kind} {c.url} -> {copies[o].url}")

    print(f"== Quality: repost set seed={seed} ==")
    langs = Counter(c.site.language for c in copies)
    print(
        f"articles {len(copies)} ({', '.join(f'{k} {v}' for k, v in sorted(langs.items()))}), "
        f"gold stories {len(members)} ({len(multi)} with 2+ copies), fetches {len(corpus.crawl)}, "
        f"words/article median {statistics.median(words):.0f} "
        f"[{min(words)}-{max(words)}]"
    )
    print(
        f"stories whose original was crawled after a copy: {crawled_late}/{len(multi)}; "
        f"stored in {elapsed:.1f} s ({1000 * elapsed / len(corpus.crawl):.1f} ms/fetch)"
    )
    print()
    print(f"{'kind':<26}{'articles':>9}{'linked':>8}{'recall':>8}{'right orig':>12}"
          f"{'false merge':>12}")  # fmt: skip
    order = ["original", *(f"original ({k})" for k in NEGATIVE), *POSITIVE, *NEGATIVE]
    for kind in order:
        if kind not in table:
            continue
        n, linked, ptr, false = table[kind]
        if kind in NEGATIVE:
            print(f"{kind:<26}{n:>9}{'-':>8}{'-':>8}{'-':>12}{false:>12}")
        else:
            print(f"{kind:<26}{n:>9}{linked:>8}{linked / n:>8.3f}{f'{ptr}/{n}':>12}{false:>12}")
    print()
    print("(original: the gold original of a story with 2+ copies; linked: in the same predicted")
    print(" story as the gold original; right orig: points straight at it, or for an original:")
    print(" is a root; false merge: its predicted story holds another gold story, or for a")
    print(" negative: it joined the story it quotes or shares an event with; negative rows")
    print(" count single-copy articles, their reposted ones are under 'original (...)')")
    print()
    print(f"pairwise precision {precision:.4f}  recall {recall:.4f}  F1 {f1:.4f}  "
          f"(same-story pairs: gold {gold_pairs}, predicted {pred_pairs}, right {tp})")  # fmt: skip
    print(f"original right for {right}/{len(multi)} stories = {original_right:.4f}")
    verdict = precision >= 0.99 and recall >= 0.97 and original_right >= 0.97
    print(f"acceptance (P >= 0.99, R >= 0.97, original >= 0.97): {'PASS' if verdict else 'FAIL'}")
    if show and (misses or wrong_examples):
        print("examples:")
        print("\n".join(misses + wrong_examples))
    print()
    return {"precision": precision, "recall": recall, "f1": f1, "original": original_right}


# --------------------------------------------------------------------------- cost

LOAD_SQL = """
CREATE SCHEMA IF NOT EXISTS bench;
CREATE TABLE IF NOT EXISTS bench.sites (idx int PRIMARY KEY, name text, host text,
    site_name text, credit text, language text, agency bool);
CREATE TABLE IF NOT EXISTS bench.bodies (n int PRIMARY KEY, title text, body text, lead text,
    language text);
CREATE TABLE IF NOT EXISTS bench.sign_off (src int, hash bigint);
CREATE TABLE IF NOT EXISTS bench.plan (id bigint PRIMARY KEY, story bigint, kind int, a int,
    src int, story_src int, sign_off int, published_at timestamptz);
-- anchors of background article i: its story's sampled hashes, less what its kind changes
--   kind 0 original, 1 light edit (1 in 10 dropped, 3 new), 2 verbatim,
--   3 excerpt (first third), 4 extended (the story plus as much commentary)
CREATE OR REPLACE FUNCTION bench.anchor_set(i bigint, story bigint, kind int, a int, so int)
RETURNS SETOF bigint LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT hashint8extended(story, j) & (-8)::bigint
    FROM generate_series(1, CASE kind WHEN 3 THEN a / 3 + 1 ELSE a END) j
    WHERE kind <> 1 OR hashint8extended(i, j) % 10 <> 0
    UNION ALL
    SELECT hashint8extended(-i, j) & (-8)::bigint
    FROM generate_series(1, CASE kind WHEN 1 THEN 3 WHEN 4 THEN a + 10 ELSE 0 END) j
    UNION ALL
    SELECT hash FROM bench.sign_off WHERE src = so AND kind <> 3
$$;
"""

PLAN_SQL = """
INSERT INTO bench.plan
SELECT i, g.story,
    CASE WHEN NOT g.is_copy THEN 0
         ELSE (ARRAY[1, 1, 1, 1, 1, 2, 2, 3, 3, 4])[1 + abs(hashint8extended(i, 103)) %% 10]
    END,
    CASE WHEN abs(hashint8extended(g.story, 101)) %% 100 < 15
         THEN 5 + abs(hashint8extended(g.story, 105)) %% 8
         ELSE 40 + abs(hashint8extended(g.story, 105)) %% 81 END,
    CASE WHEN g.is_copy
         THEN (%(copy_sites)s::int[])[1 + abs(hashint8extended(i, 106)) %% %(n_copy)s]
         ELSE g.story_src END,
    g.story_src,
    CASE WHEN abs(hashint8extended(g.story, 104)) %% 100 < 40
              AND g.story_src = ANY(%(agencies)s::int[]) THEN g.story_src ELSE -1 END,
    timestamptz '2022-06-01 00:00+00' + g.story * interval '55 seconds'
        + CASE WHEN g.is_copy
               THEN (1 + abs(hashint8extended(i, 107)) %% 48) * interval '1 hour'
               ELSE interval '0' END
FROM generate_series(%(lo)s::bigint, %(hi)s::bigint - 1) i
CROSS JOIN LATERAL (
    SELECT (i %% 4 > 0 AND abs(hashint8extended(i, 102)) %% 100 < 27) AS is_copy
) c
CROSS JOIN LATERAL (
    SELECT c.is_copy, r.root AS story,
        (%(orig_sites)s::int[])[1 + abs(hashint8extended(r.root, 108)) %% %(n_orig)s] AS story_src
    FROM (SELECT CASE WHEN c.is_copy THEN i - i %% 4 ELSE i END AS root) r
) g
"""

ARTICLES_SQL = """
INSERT INTO articles (id, url, canonical_url, source, title, body, lead, language,
    published_at, published_precision, date_evidence, fetched_at, content_hash, duplicate_of,
    credited_source, site_name, section, anchor_count, dedup_method, similarity)
OVERRIDING SYSTEM VALUE
SELECT p.id,
    'https://' || s.host || '/' || to_char(p.published_at, 'YYYY/MM/DD') || '/story-' || p.id,
    'https://' || s.host || '/' || to_char(p.published_at, 'YYYY/MM/DD') || '/story-' || p.id,
    s.name, b.title, b.body, b.lead, b.language, p.published_at, 'minute', 'jsonld',
    p.published_at + interval '2 hours',
    CASE WHEN p.kind IN (0, 2) THEN md5(p.story::text) || md5((-p.story)::text)
         ELSE md5(p.id::text) || md5((p.id + 7)::text) END,
    CASE WHEN p.kind > 0 THEN p.story END,
    CASE WHEN p.kind IN (1, 4) THEN so.credit END,
    s.site_name, 'news',
    (SELECT count(*) FROM bench.anchor_set(p.id, p.story, p.kind, p.a, p.sign_off)),
    CASE p.kind WHEN 0 THEN NULL WHEN 2 THEN 'exact' ELSE 'near' END,
    CASE p.kind WHEN 0 THEN NULL WHEN 2 THEN 1.0 WHEN 1 THEN 0.93 ELSE 1.0 END
FROM bench.plan p
JOIN bench.sites s ON s.idx = p.src
JOIN bench.sites so ON so.idx = p.story_src
JOIN bench.bodies b ON b.n = p.story %% %(n_bodies)s
"""

ANCHORS_SQL = """
INSERT INTO article_anchors (hash, article_id)
SELECT h, p.id FROM bench.plan p,
    LATERAL bench.anchor_set(p.id, p.story, p.kind, p.a, p.sign_off) h
WHERE p.id %% 2 = %(part)s
"""


@dataclass
class Dropped:
    """Index and constraint definitions taken down for a bulk load, to put back after."""

    indexes: list[str]
    constraints: list[tuple[str, str, str]]  # table, name, definition


def drop_for_load(conn: psycopg.Connection) -> Dropped:
    """Plain indexes, foreign keys and the anchor primary key: rebuilt after, not per row."""
    tables = ("articles", "article_anchors")
    cons = conn.execute(
        """SELECT conrelid::regclass::text AS tbl, conname, pg_get_constraintdef(oid) AS def
           FROM pg_constraint
           WHERE conrelid = ANY(%s::regclass[])
             AND (contype = 'f' OR (contype = 'p' AND conrelid = 'article_anchors'::regclass))
           ORDER BY contype DESC""",
        (list(tables),),
    ).fetchall()
    idx = conn.execute(
        """SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
           FROM pg_index i
           WHERE i.indrelid = ANY(%s::regclass[])
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""",
        (list(tables),),
    ).fetchall()
    for c in cons:
        conn.execute(f'ALTER TABLE {c["tbl"]} DROP CONSTRAINT "{c["conname"]}"')
    for i in idx:
        conn.execute(f"DROP INDEX {i['name']}")
    conn.commit()
    return Dropped([i["def"] for i in idx], [(c["tbl"], c["conname"], c["def"]) for c in cons])


def restore_after_load(url: str, dropped: Dropped) -> None:
    """Primary key first, then indexes (two at a time), then foreign keys."""

    def run(sql: str) -> None:
        with connect(url, autocommit=True) as conn:
            conn.execute("SET maintenance_work_mem = '1GB'")
            conn.execute("SET max_parallel_maintenance_workers = 1")
            conn.execute(sql)

    keys = [c for c in dropped.constraints if c[2].startswith("PRIMARY KEY")]
    fks = [c for c in dropped.constraints if not c[2].startswith("PRIMARY KEY")]
    work = [f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}' for t, n, d in keys] + dropped.indexes
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(run, work))
    for t, n, d in fks:
        run(f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}')


def setup_background(conn: psycopg.Connection) -> None:
    """Helper tables: sites, a pool of real bodies, agency sign-off anchors."""
    conn.execute(LOAD_SQL)
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO bench.sites VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [
                (
                    i,
                    s.name,
                    s.host,
                    s.site_name,
                    s.credit or s.site_name,
                    s.language,
                    s.role == "agency",
                )
                for i, s in enumerate(SITES)
            ],
        )
        rng = random.Random(99)
        rows = []
        for n in range(400):
            lang = "en" if n % 2 else "uk"
            w = Writer(lang, random.Random(rng.random()))
            paras = w.brief() if n % 7 == 0 else w.story(rng.randint(300, 900))
            rows.append((n, w.headline(), "\n\n".join(paras), paras[0], lang))
        cur.executemany("INSERT INTO bench.bodies VALUES (%s, %s, %s, %s, %s)", rows)
        cur.executemany(
            "INSERT INTO bench.sign_off VALUES (%s, %s)",
            [(i, h) for i, s in enumerate(SITES) if s.sign_off for h in anchors(s.sign_off)],
        )
    conn.commit()


def bulk_fill(url: str, target: int) -> float:
    """Add background articles until the table holds `target` rows; return seconds."""
    t0 = time.perf_counter()
    with connect(url) as conn:
        have = conn.execute("SELECT count(*) AS n, coalesce(max(id), 0) AS m FROM articles")
        row = have.fetchone()
        need = target - row["n"]
        if need <= 0:
            return 0.0
        lo = (row["m"] // 4 + 1) * 4  # story blocks never straddle stored rows
        conn.execute("TRUNCATE bench.plan")
        orig = [i for i, s in enumerate(SITES) if s.role in ("agency", "paper")]
        copies = [i for i, s in enumerate(SITES) if s.role in ("blog", "aggregator", "paper")]
        agencies = [i for i, s in enumerate(SITES) if s.role == "agency"]
        conn.execute(
            PLAN_SQL,
            {
                "lo": lo,
                "hi": lo + need,
                "orig_sites": orig,
                "n_orig": len(orig),
                "copy_sites": copies,
                "n_copy": len(copies),
                "agencies": agencies,
            },
        )
        conn.execute("ANALYZE bench.plan")
        conn.commit()
        dropped = drop_for_load(conn)
    log(f"  bulk: planned {need} rows from id {lo}, indexes dropped")

    def load(sql: str, params: dict) -> None:
        with connect(url) as c:
            c.execute("SET synchronous_commit = off")
            c.execute(sql, params)
            c.commit()

    n_bodies = 400
    with ThreadPoolExecutor(2) as pool:
        jobs = [
            pool.submit(load, ARTICLES_SQL, {"n_bodies": n_bodies}),
            pool.submit(load, ANCHORS_SQL, {"part": 0}),
            pool.submit(load, ANCHORS_SQL, {"part": 1}),
        ]
        for j in jobs:
            j.result()
    log(f"  bulk: rows in ({time.perf_counter() - t0:.0f} s), rebuilding indexes")
    restore_after_load(url, dropped)
    with connect(url, autocommit=True) as conn:
        conn.execute(
            "SELECT setval(pg_get_serial_sequence('articles', 'id'), max(id)) FROM articles"
        )
        log(f"  bulk: indexes back ({time.perf_counter() - t0:.0f} s), vacuum analyze")
        conn.execute("VACUUM ANALYZE articles")
        conn.execute("VACUUM ANALYZE article_anchors")
        # flush the load's dirty pages now, not while the timed inserts run
        conn.execute("CHECKPOINT")
    return time.perf_counter() - t0


@dataclass
class Fresh:
    """A timed article and the id it should be linked to (None: a new story)."""

    article: Article
    kind: str
    expect_url: str | None


def fresh_articles(seed: int, stored: list[Copy], m: int, tag: str) -> Iterator[Fresh]:
    """Originals, reposts/excerpts/mirrors/extended copies of stored stories, briefs."""
    rng = random.Random(seed)
    now = datetime(2025, 1, 10, 9, 0, tzinfo=UTC)
    for k in range(m):
        r = rng.random()
        lang = "en" if k % 2 else "uk"
        fetched = now + timedelta(seconds=k)
        if r < 0.35 or not stored:
            w = Writer(lang, random.Random(rng.random()))
            site = rng.choice(sites_of(lang, "agency") + sites_of(lang, "paper"))
            brief = site.role == "agency" and rng.random() < 0.3
            paras = [*w.brief(), site.sign_off] if brief else w.story(rng.randint(300, 900))
            c = Copy(f"https://{site.host}/t/{tag}-{k}", site, 0, "original", w.headline(), paras,
                     fetched, PageDate(fetched, "minute", "jsonld"))  # fmt: skip
            yield Fresh(to_article(c, fetched), "new brief" if brief else "new story", None)
            continue
        base = rng.choice(stored)
        lang = base.site.language
        when = base.published + timedelta(hours=rng.randint(1, 30))
        agency = base.site
        if r < 0.65:
            kind = "repost"
            site = rng.choice(sites_of(lang, "blog"))
            paras = [*light_edits(base.paras, rng, lang), credit_line(agency, rng, 2024)]
        elif r < 0.8:
            kind = "excerpt"
            site = rng.choice(sites_of(lang, "aggregator"))
            paras = [*base.paras[: rng.randint(2, 3)], read_more(agency, lang, rng, base.url)]
        elif r < 0.93:
            kind = "mirror"
            site = rng.choice(sites_of(lang, "aggregator"))
            paras = base.paras
        else:
            kind = "extended"
            site = rng.choice(sites_of(lang, "blog"))
            own = Writer(lang, random.Random(rng.random())).story(len(base.body.split()) + 200)
            paras = [*base.paras, credit_line(agency, rng, 2024), *own]
        if kind != "excerpt" and len(base.paras) <= 3:
            kind = f"{kind} (brief)"
        credit = credit_of(paras[-1]) if kind.startswith("repost") else None
        c = Copy(f"https://{site.host}/t/{tag}-{k}", site, 0, kind, base.title, paras, when,
                 PageDate(when, "minute", "jsonld"), credit)  # fmt: skip
        yield Fresh(to_article(c, fetched), kind, base.url)


def seed_stories(url: str, seed: int, count: int) -> list[Copy]:
    """Real stories stored first, so that timed copies have something to match."""
    rng = random.Random(seed + 17)
    stored = []
    when = datetime(2022, 5, 1, 6, 0, tzinfo=UTC)
    for k in range(count):
        lang = "en" if k % 2 else "uk"
        w = Writer(lang, random.Random(rng.random()))
        site = rng.choice(sites_of(lang, "agency") + sites_of(lang, "paper"))
        brief = site.role == "agency" and k % 4 == 0
        paras = [*w.brief(), site.sign_off] if brief else w.story(rng.randint(300, 900))
        published = when + timedelta(minutes=37 * k)
        stored.append(
            Copy(
                f"https://{site.host}/seed/{k}",
                site,
                k,
                "original",
                w.headline(),
                paras,
                published,
                PageDate(published, "minute", "jsonld"),
            )
        )
    with for_ingest(connect(url)) as conn:  # as the crawler store stage does
        save_batch(conn, [to_article(c, c.published + timedelta(hours=1)) for c in stored])
    return stored


def sizes_of(conn: psycopg.Connection) -> dict[str, int]:
    row = conn.execute(
        """SELECT pg_database_size(current_database()) AS db,
                  pg_total_relation_size('articles') AS articles,
                  pg_total_relation_size('article_anchors') AS anchors,
                  (SELECT count(*) FROM articles) AS n,
                  (SELECT reltuples::bigint FROM pg_class WHERE oid = 'article_anchors'::regclass)
                      AS anchor_rows"""
    ).fetchone()
    return dict(row)


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def mb(n: int) -> str:
    return f"{n / 2**20:,.0f}"


def run_cost(url: str, sizes: list[int], timed: int, seed: int) -> None:
    """Fill to each N, then time `timed` fresh articles through save_batch, one per call."""
    with connect(url) as conn:
        reset(conn)
        conn.execute("DROP SCHEMA IF EXISTS bench CASCADE")
        conn.commit()
        setup_background(conn)
    stored = seed_stories(url, seed, 200)
    log(f"cost: {len(stored)} real stories stored")
    results = []
    for n in sizes:
        log(f"cost: filling to N={n:,}")
        fill_s = bulk_fill(url, n - timed)
        times: list[float] = []
        checks: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        with for_ingest(connect(url)) as conn:  # as the crawler store stage does
            ids = {
                r["url"]: r["id"]
                for r in conn.execute(
                    "SELECT url, id FROM articles WHERE url = ANY(%s)", ([c.url for c in stored],)
                )
            }
            warm = list(fresh_articles(seed * 1000 + n + 1, stored, 20, f"warm{n}"))
            save_batch(conn, [f.article for f in warm])
            for f in fresh_articles(seed * 1000 + n, stored, timed, f"n{n}"):
                t0 = time.perf_counter()
                result = save_batch(conn, [f.article])[0]
                times.append(1000 * (time.perf_counter() - t0))
                expect = ids.get(f.expect_url) if f.expect_url else None
                checks[f.kind][0] += 1
                checks[f.kind][1] += result.duplicate_of == expect
            size = sizes_of(conn)
        results.append((n, times, size, fill_s, checks))
        log(
            f"cost: N={size['n']:,}: median {statistics.median(times):.2f} ms, "
            f"p95 {pct(times, 0.95):.2f} ms, db {mb(size['db'])} MB"
        )

    print("== Cost: per-article dedup+store time through save_batch (one article per call) ==")
    print(f"{timed} timed articles per N after 20 untimed warm-up ones; background rows bulk-")
    print("loaded by SQL, then VACUUM ANALYZE; all indexes in place while timing.")
    print()
    head = (f"{'N stored':>11}{'anchors':>13}{'median ms':>11}{'p95 ms':>9}{'max ms':>9}"
            f"{'db MB':>9}{'articles MB':>13}{'anchors MB':>12}{'fill s':>8}")  # fmt: skip
    print(head)
    for _n, times, size, fill_s, _ in results:
        print(
            f"{size['n']:>11,}{size['anchor_rows']:>13,}{statistics.median(times):>11.2f}"
            f"{pct(times, 0.95):>9.2f}{max(times):>9.2f}{mb(size['db']):>9}"
            f"{mb(size['articles']):>13}{mb(size['anchors']):>12}{fill_s:>8.0f}"
        )
    print()
    print("linked as expected (copies to their stored original, new stories to none), per N:")
    kinds = sorted({k for *_, checks in results for k in checks})
    print(f"{'kind':<18}" + "".join(f"{r[2]['n']:>14,}" for r in results))
    for kind in kinds:
        cells = []
        for *_, checks in results:
            total, ok = checks.get(kind, (0, 0))
            cells.append(f"{ok}/{total}" if total else "-")
        print(f"{kind:<18}" + "".join(f"{c:>14}" for c in cells))
    print()
    if len(results) >= 2:
        first, last = results[0], results[-1]
        ratio = pct(last[1], 0.95) / pct(first[1], 0.95)
        ok = ratio <= 3 and pct(last[1], 0.95) <= 20
        print(
            f"p95 ratio N={last[2]['n']:,} / N={first[2]['n']:,}: {ratio:.2f} "
            f"(acceptance at 1M: <= 3 and p95 <= 20 ms: {'PASS' if ok else 'FAIL'})"
        )
    print()


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="server URL (default $NEWSBOT_DATABASE_URL)")
    parser.add_argument("--seed", type=int, default=7, help="draw another repost set")
    parser.add_argument("--sizes", default="10000,100000,1000000", help="N values, comma-separated")
    parser.add_argument("--quick", action="store_true", help="N = 2k and 20k")
    parser.add_argument("--timed", type=int, default=300, help="timed articles per N")
    parser.add_argument("--show", type=int, default=8, help="print up to this many misses")
    parser.add_argument("--keep", action="store_true", help=f"keep the {BENCH_DB} database")
    parser.add_argument(
        "--with-search-vector",
        action="store_true",
        help="keep the full-text search column (time the whole store, not only dedup)",
    )
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-cost", action="store_true")
    args = parser.parse_args(argv)
    sizes = [2000, 20000] if args.quick else [int(s) for s in args.sizes.split(",") if s]
    server = server_url(args.database_url)
    url = create_db(server, search_vector=args.with_search_vector)
    log(f"bench database {BENCH_DB} created")
    try:
        if not args.skip_quality:
            run_quality(url, args.seed, args.show)
        if not args.skip_cost:
            run_cost(url, sizes, args.timed, args.seed)
    finally:
        if not args.keep:
            drop_db(server)
            log(f"bench database {BENCH_DB} dropped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
