"""The gold repost set for the quality run: stories, their copies of every kind, the
negatives, and the crawl order they are fetched in."""

from __future__ import annotations

import copy
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone

from dedup_data.alterations import credit_line, light_edits, read_more
from dedup_data.sites import SITES, Site, sites_of
from dedup_data.writer import Writer
from newsbot.boilerplate import credit_of
from newsbot.items import Article, PageDate
from newsbot.reposts import fingerprint as dedup

KYIV = timezone(timedelta(hours=3))


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
    """Earliest published (true instant); ties: the copy others credit; then the smallest
    URL. The last tie (the same page at two URLs, a mirror posted the same minute) has no
    evidence either way: like the store (newsbot.reposts.original), the gold breaks it
    by URL, never by which copy was fetched first, so that workers storing in any order
    and one process agree."""

    def credited(m: Copy) -> bool:
        names = {m.site.name.casefold(), m.site.site_name.casefold()}
        return any(
            (copies[o].credit or "").casefold() in names for o in members if copies[o] is not m
        )

    return min(members, key=lambda i: (copies[i].published, not credited(copies[i]), copies[i].url))
