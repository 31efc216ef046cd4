"""Articles for the cost run: real stories stored first, fresh articles timed after
(originals, and reposts, excerpts, mirrors and extended copies of the stored ones), and
the rows the database expands into its background articles."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from dedup_data.alterations import credit_line, light_edits, read_more
from dedup_data.corpus import Copy, to_article
from dedup_data.sites import SITES, sites_of
from dedup_data.writer import Writer
from newsbot.boilerplate import credit_of
from newsbot.items import Article, PageDate
from newsbot.reposts.similarity import anchors

#: bodies in the background pool; background row i takes body story % BODY_POOL
BODY_POOL = 400


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


def seed_copies(seed: int, count: int) -> list[Copy]:
    """Real stories to store first, so that timed copies have something to match."""
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
    return stored


def site_rows() -> list[tuple[int, str, str, str, str, str, bool]]:
    """The publishers as the background generator sees them: (idx, name, host, site_name,
    credit, language, is agency)."""
    return [
        (i, s.name, s.host, s.site_name, s.credit or s.site_name, s.language, s.role == "agency")
        for i, s in enumerate(SITES)
    ]


def body_rows() -> list[tuple[int, str, str, str, str]]:
    """A pool of real bodies (1 in 7 a brief): (n, title, body, lead, language)."""
    rng = random.Random(99)
    rows = []
    for n in range(BODY_POOL):
        lang = "en" if n % 2 else "uk"
        w = Writer(lang, random.Random(rng.random()))
        paras = w.brief() if n % 7 == 0 else w.story(rng.randint(300, 900))
        rows.append((n, w.headline(), "\n\n".join(paras), paras[0], lang))
    return rows


def sign_off_rows() -> list[tuple[int, int]]:
    """(site idx, anchor hash) of each agency sign-off: anchors many rows share."""
    return [(i, h) for i, s in enumerate(SITES) if s.sign_off for h in anchors(s.sign_off)]


def background_sites() -> tuple[list[int], list[int], list[int]]:
    """Site indexes that publish originals, that publish copies, and the agencies."""
    orig = [i for i, s in enumerate(SITES) if s.role in ("agency", "paper")]
    copies = [i for i, s in enumerate(SITES) if s.role in ("blog", "aggregator", "paper")]
    agencies = [i for i, s in enumerate(SITES) if s.role == "agency"]
    return orig, copies, agencies
