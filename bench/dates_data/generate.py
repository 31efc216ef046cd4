"""Deterministic generator of labelled pages for bench/dates.py.

Writes bench/dates_data/gen/*.html and bench/dates_data/labels.json (the generated pages
plus the 24 hand-written ones listed in handwritten.json). Locale tables and how each
locale writes a date are in locales.py; the CMS templates in templates.py.

Every page is an article (or a dateless page) as a real CMS would render it: WordPress
themes (Twenty*, Astra, Genesis, Newspaper/tagDiv), Drupal, Joomla, Ghost, Blogger,
Medium-like and Substack-like hosted blogs, Arc- and Brightspot-style news CMSs,
1C-Bitrix and uCoz (ru/uk), a phpBB-style forum and plain regional news CMSs for Japanese
and Chinese. Each page gets one "primary" evidence kind -- the strongest place its
publication date is given -- possibly weaker evidence that agrees, and real pages' traps.

The gold labels come from what this script wrote (it picks the true instant first and
then renders it), never from newsbot's code. Month and weekday names, labels and formats
are written out by hand, per locale, so they do not share newsbot's (dateparser's) tables.

Run: python bench/dates_data/generate.py   (same output every time)
"""

# ruff: noqa: E501  (HTML and tables read better unwrapped)
from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

SEED = 20240310
FETCHED = datetime(2024, 3, 10, 12, 0, tzinfo=UTC)
HERE = Path(__file__).resolve().parent
GEN = HERE / "gen"

from locales import (  # noqa: E402  (generate.py is run as a script, from its folder)
    ABBR,
    AUTHORS,
    BODY,
    BY,
    EVENT,
    HEAD,
    JOIN,
    LBL_PUB,
    LBL_UPD,
    LOCALES,
    TITLES,
    base,
    esc,
    fmt_clock,
    fmt_day,
    fmt_numeric,
    iso,
    zone_abbr,
)
from templates import TEMPLATES, TEMPLATES_BY_LANG, T  # noqa: E402

RANK = ["jsonld", "jsonld-created", "meta-article", "meta-other", "microdata", "time-datetime",
        "time-text", "byline", "near-title", "feed", "sitemap", "url"]  # fmt: skip
PRIMARIES = RANK + ["jsonld-modified-only", "yearless", "modified-prominent", "none"]


class Page:
    def __init__(self, rng: random.Random, idx: int, lc: str, primary: str) -> None:
        self.rng, self.idx, self.lc, self.b, self.primary = rng, idx, lc, base(lc), primary
        zones, sites = LOCALES[lc]
        self.zone = rng.choice(zones)
        self.tz = ZoneInfo(self.zone)
        self.site = rng.choice(sites)
        self.domain = f"site{idx:03d}.example"
        pool = TEMPLATES_BY_LANG.get(self.b, TEMPLATES)
        if primary in ("feed", "sitemap", "url", "none", "yearless"):
            pool = [t for t in pool if t != "forum"]
        self.tpl = rng.choice(pool)
        self.title = rng.choice(TITLES[self.b])
        self.author = rng.choice(AUTHORS[self.b])
        self.traps: list[str] = []
        self.evidence: list[str] = []  # kinds that carry the published date
        self.timed = False  # some published evidence shows the time of day
        self.head: list[str] = []
        self.jsonld: dict | None = None
        self.headers: dict[str, str] = {}
        self.hints: dict | None = None
        self.url_date = False

    # -- time line
    def choose_dates(self) -> None:
        rng = self.rng
        ambiguous = "ambiguous-numeric" in self.traps
        if self.primary == "yearless":
            day = FETCHED.date() - timedelta(days=rng.randint(2, 280))
        else:
            day = date(2019, 1, 1) + timedelta(days=rng.randint(0, 1890))
        if ambiguous:
            day = day.replace(day=rng.choice([d for d in range(1, 13) if d != day.month]))
        # news hours: mostly daytime, some late evening (where UTC and local days differ)
        hour = rng.choice(
            [6, 7, 8, 9, 10, 11, 12, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 23, 0, 1]
        )
        self.pub = datetime(day.year, day.month, day.day, hour, rng.randrange(0, 60, 1), rng.randrange(60),
                            tzinfo=self.tz)  # fmt: skip
        self.pub = self.pub.astimezone(self.tz)
        self.mod: datetime | None = None
        if rng.random() < 0.5 or self.primary in ("modified-prominent", "jsonld-modified-only"):
            self.mod = self.pub + timedelta(
                hours=rng.choice([2, 5, 20, 30, 50, 200, 900]), minutes=rng.randrange(60)
            )
            if self.mod > FETCHED:
                self.mod = None
        if self.primary in ("modified-prominent", "jsonld-modified-only") and self.mod is None:
            self.mod = self.pub + timedelta(hours=3)

    # -- visible date strings
    def vis(self, t: datetime, *, timed: bool, numeric: bool = False, weekday: bool = False,
            year: bool = True, abbr: bool = False) -> str:  # fmt: skip
        rng, lc = self.rng, self.lc
        style = rng.randrange(6)
        s = (
            fmt_numeric(lc, t.date(), style)
            if numeric
            else fmt_day(lc, t.date(), weekday=weekday, year=year, style=style)
        )
        if timed:
            join = rng.choice(JOIN[self.b]) if not numeric else rng.choice([" ", ", ", " - "])
            s += join + fmt_clock(lc, t, style)
            if abbr:
                z = zone_abbr(self.zone, t, generic=rng.random() < 0.5)
                if z:
                    s += " " + z
        return s


def pick_traps(rng: random.Random, p: Page) -> list[str]:
    traps = []
    for name, prob in [("header-today", 0.35), ("related", 0.55), ("comments", 0.35),
                       ("most-read", 0.4), ("copyright", 0.5), ("body-event", 0.35),
                       ("prev-next", 0.15)]:  # fmt: skip
        if rng.random() < prob:
            traps.append(name)
    if p.primary in ("time-text", "byline", "near-title") and rng.random() < 0.35:
        traps.append("ambiguous-numeric")
    if (
        p.primary in ("time-text", "byline", "near-title", "microdata")
        and p.zone in ABBR
        and rng.random() < 0.45
    ):
        traps.append("tz-abbr")
    if p.primary in ("jsonld", "meta-article") and rng.random() < 0.3:
        traps.append("wrong-tz-meta")
    if p.primary in ("jsonld", "jsonld-created") and rng.random() < 0.25:
        traps.append("jsonld-video")
    if p.primary == "none" and "body-event" not in traps and rng.random() < 0.6:
        traps.append("body-event")
    return traps


def jsonld_block(p: Page) -> str:
    objs: list[dict] = []
    art = {"@context": "https://schema.org", "@type": p.rng.choice(["NewsArticle", "Article", "BlogPosting"]),
           "headline": p.title, "author": {"@type": "Person", "name": p.author},
           "publisher": {"@type": "Organization", "name": p.site}}  # fmt: skip
    art.update(p.jsonld or {})
    if "jsonld-video" in p.traps:
        old = p.pub - timedelta(days=p.rng.randint(40, 900))
        art["video"] = {"@type": "VideoObject", "name": "Archive footage",
                        "uploadDate": old.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}  # fmt: skip
    objs.append(art)
    if p.tpl.startswith("wp") and p.rng.random() < 0.6:  # Yoast-style @graph
        graph = {"@context": "https://schema.org", "@graph": [
            {"@type": "WebSite", "name": p.site, "url": f"https://{p.domain}/"},
            {"@type": "WebPage", "name": p.title, **({k: v for k, v in art.items() if k.startswith("date")})},
            {**{k: v for k, v in art.items() if k != "@context"}},
            {"@type": "BreadcrumbList", "itemListElement": []}]}  # fmt: skip
        data: object = graph
    else:
        data = objs[0] if len(objs) == 1 else objs
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


def render(p: Page) -> str:
    rng, t, b, lc = p.rng, T[p.tpl], p.b, p.lc
    n = 100 + p.idx
    pub, mod = p.pub, p.mod
    ev = set(p.evidence)
    abbr = "tz-abbr" in p.traps
    numeric = "ambiguous-numeric" in p.traps
    head_lines = list(p.head)
    if p.jsonld is not None or "jsonld-video" in p.traps:
        head_lines.append(jsonld_block(p))

    # ---- article header pieces
    hdr: list[str] = []
    h1 = (
        f'<h1 class="{"entry-title" if p.tpl.startswith("wp") else "headline"}">{esc(p.title)}</h1>'
    )
    if p.tpl == "ucoz":
        h1 = f'<div class="eTitle"><h1>{esc(p.title)}</h1></div>'
    hdr.append(h1)
    vis_timed = rng.random() < 0.6 or abbr or "wrong-tz-meta" in p.traps
    pub_vis = p.vis(pub, timed=vis_timed, numeric=numeric or (p.tpl in ("bitrix", "ucoz") and rng.random() < 0.7),
                    weekday=p.tpl == "blogger", abbr=abbr)  # fmt: skip
    upd_vis = p.vis(mod, timed=rng.random() < 0.6, numeric=numeric) if mod else ""
    plabel = rng.choice(LBL_PUB[b])
    ulabel = rng.choice(LBL_UPD[b])
    author = (
        f'<span class="author vcard">{esc(BY[b])} <a href="/author/{n}/">{esc(p.author)}</a></span>'
    )
    meta_parts: list[str] = []
    shown_mod = False
    if "near-title" in ev:
        hdr.append(f'<p class="{t["near"]}">{esc(pub_vis)}</p>' if rng.random() < 0.6
                   else f"<p><em>{esc(pub_vis)}</em></p>")  # fmt: skip
        p.timed |= vis_timed
    if p.primary == "modified-prominent" and mod:
        hdr.append(
            f'<div class="{t["updt"] or "updated"} is-large"><strong>{esc(ulabel)} {esc(upd_vis)}</strong></div>'
        )
        shown_mod = True
    if "time-datetime" in ev:
        mode = rng.choice(["local", "local", "utc", "date"])
        dt = iso(pub, mode)
        p.timed |= mode != "date" or vis_timed
        cls = t["pubt"] or "published"
        label = plabel + " " if rng.random() < 0.4 else ""
        meta_parts.append(
            f'<span class="{t["span"]}">{esc(label)}<time class="{cls}" datetime="{dt}">{esc(pub_vis)}</time></span>'
        )
    elif "time-text" in ev:
        p.timed |= vis_timed
        cls = rng.choice([t["pubt"], "", "date"])
        attr = f' class="{cls}"' if cls else ""
        meta_parts.append(f"<time{attr}>{esc(pub_vis)}</time>")
    elif "microdata" in ev:
        mode = rng.choice(["local", "date", "local"])
        p.timed |= mode != "date" or vis_timed
        if rng.random() < 0.5:
            meta_parts.append(
                f'<span itemprop="datePublished" content="{iso(pub, mode)}">{esc(pub_vis)}</span>'
            )
        else:
            meta_parts.append(
                f'<meta itemprop="datePublished" content="{iso(pub, mode)}"><span class="{t["span"]}">{esc(pub_vis)}</span>'
            )
    elif "byline" in ev:
        p.timed |= vis_timed
        if p.tpl == "forum":
            meta_parts.append(
                f"<span>{esc(BY[b].lower())} <strong>{esc(p.author)}</strong> » </span>{esc(pub_vis)}"
            )
        elif p.tpl == "ucoz":
            meta_parts.append(f"Добавил: {esc(p.author)} | Дата: <span>{esc(pub_vis)}</span>")
        elif p.tpl in ("medium", "substack"):
            meta_parts.append(
                f'<span class="{t["span"]}">{esc(pub_vis)}</span> · <span>4 min read</span>'
            )
        else:
            style = rng.randrange(3)
            if style == 0:
                meta_parts.append(f'<span class="{t["span"]}">{esc(plabel)} {esc(pub_vis)}</span>')
            elif style == 1:
                meta_parts.append(f"<p>{esc(plabel)} {esc(pub_vis)}</p>")
            else:
                meta_parts.append(f'<div class="{t["span"]}">{esc(pub_vis)}</div>')
    if mod and not shown_mod and rng.random() < 0.6:
        if t["updt"] and rng.random() < 0.5:
            meta_parts.append(
                f'<time class="{t["updt"]}" datetime="{iso(mod, "local")}">{esc(ulabel)} {esc(upd_vis)}</time>'
            )
        else:
            meta_parts.append(
                f'<span class="{t["updt"] or "modified"}">{esc(ulabel)} {esc(upd_vis)}</span>'
            )
        shown_mod = True
    p.shown_mod = shown_mod
    meta_parts.insert(0 if rng.random() < 0.5 else len(meta_parts), author)
    hdr.append(f'<div class="{t["meta"]}">{" ".join(meta_parts)}</div>')

    # ---- body
    paras = [BODY[b]]
    if "body-event" in p.traps:
        ev_day = (pub if p.primary != "none" else FETCHED.astimezone(p.tz)) - timedelta(
            days=rng.randint(20, 1500)
        )
        sentence = EVENT[b].format(d=fmt_day(lc, ev_day.date()))
        if rng.random() < 0.5:
            paras.insert(0, sentence)
        else:
            paras.append(sentence)
    body = "".join(f"<p>{esc(x)}</p>" for x in paras)
    if "related" in p.traps and p.tpl.startswith("wp") and rng.random() < 0.5:
        body += related(p)  # Jetpack puts related posts inside the post content
        related_html = ""
    else:
        related_html = related(p) if "related" in p.traps else ""

    if p.tpl == "forum":
        article = (f'<div id="p{n}" class="{t["art"]}"><div class="{t["hdr"]}">{h1}'
                   f'<p class="author">{" ".join(meta_parts)}</p><div class="content">{body}</div></div></div>')  # fmt: skip
        for k in range(rng.randint(2, 4)):
            when = pub + timedelta(hours=rng.randint(1, 400) * (k + 1))
            if when > FETCHED:
                when = FETCHED - timedelta(hours=k + 1)
            article += (f'<div id="p{n + k + 1}" class="{t["com"]}"><div class="postbody"><h3>Re: {esc(p.title)}</h3>'
                        f'<p class="author"><span>{esc(BY[b].lower())} <strong>user{k}</strong> » </span>'
                        f'{esc(p.vis(when.astimezone(p.tz), timed=True))}</p><div class="content">+1</div></div></div>')  # fmt: skip
    elif p.tpl == "ucoz":
        article = (f'<table class="eBlock" border="0" width="100%"><tr><td>{hdr[0]}</td></tr>'
                   f'<tr><td class="eMessage">{"".join(hdr[1:-1])}{body}</td></tr>'
                   f'<tr><td class="eDetails">Категория: Новости | Просмотров: {rng.randint(50, 9000)} | '
                   f'{" ".join(meta_parts)}</td></tr></table>')  # fmt: skip
    else:
        tag = "article" if p.tpl not in ("bitrix", "joomla", "brightspot", "asia-news") else "div"
        article = (f'<{tag} class="{t["art"].format(n=n)}"><header class="{t["hdr"]}">{"".join(hdr)}</header>'
                   f'<div class="{t["body"]}">{body}</div></{tag}>')  # fmt: skip
    if "prev-next" in p.traps:
        a = pub - timedelta(days=rng.randint(1, 9))
        c = min(pub + timedelta(days=rng.randint(1, 9)), FETCHED.astimezone(p.tz))
        article += (f'<nav class="navigation post-navigation"><div class="nav-previous"><a href="/p/{n - 1}">'
                    f'« {esc(rng.choice(TITLES[b]))}</a> <span>{esc(fmt_day(lc, a.date()))}</span></div>'
                    f'<div class="nav-next"><a href="/p/{n + 1}">{esc(rng.choice(TITLES[b]))} »</a> '
                    f'<span>{esc(fmt_day(lc, c.date()))}</span></div></nav>')  # fmt: skip
    if "comments" in p.traps:
        article += comments(p)

    # ---- page chrome
    top = ""
    if "header-today" in p.traps:
        today = FETCHED.astimezone(p.tz).date()
        cls = rng.choice(["top-bar", "header-date", "today-date", "date-now", "current-date", "topbar__date",
                          "header-top__left", "masthead-date", "site-info"])  # fmt: skip
        top = f'<div class="{cls}">{esc(fmt_day(lc, today, weekday=True))}</div>'
    nav = "".join(f'<li><a href="/{s}/">{s.title()}</a></li>' for s in ("news", "sport", "culture"))
    header = f'<header id="masthead" class="site-header">{top}<div class="site-branding"><a href="/">{esc(p.site)}</a></div><nav class="main-navigation"><ul>{nav}</ul></nav></header>'
    if rng.random() < 0.3:  # plenty of sites use divs for everything
        header = f'<div id="header"><div class="container">{top}<a class="logo" href="/">{esc(p.site)}</a><ul class="menu">{nav}</ul></div></div>'
    side = most_read(p) if "most-read" in p.traps else ""
    foot = ""
    if "copyright" in p.traps:
        foot = f"© {rng.randint(1998, 2015)}–{FETCHED.year} {esc(p.site)}. {esc(HEAD[b][3])}"
    footer = f'<footer class="site-footer"><div class="site-info">{foot}</div></footer>'
    if p.tpl in ("ucoz", "bitrix") and rng.random() < 0.5:
        footer = f'<div id="footer"><div class="copy">{foot}</div></div>'
    return (f'<!DOCTYPE html>\n<html lang="{lc}"><head><meta charset="utf-8">'
            f"<title>{esc(p.title)} | {esc(p.site)}</title>"
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta property="og:title" content="{esc(p.title)}">{"".join(head_lines)}</head>\n'
            f'<body class="single">{header}\n<div id="content" class="site-content"><main id="main" class="site-main">'
            f"{article}{related_html}</main>{side}</div>\n{footer}</body></html>\n")  # fmt: skip


def other_dates(p: Page, k: int, *, recent: bool) -> list[datetime]:
    """Dates of other articles: around the story or close to the fetch time."""
    now = FETCHED.astimezone(p.tz)
    out = []
    for _ in range(k):
        if recent:
            out.append(now - timedelta(hours=p.rng.randint(1, 24 * 6)))
        else:
            cand = p.pub + timedelta(days=p.rng.randint(-60, 60), hours=p.rng.randint(0, 23))
            out.append(min(cand, now - timedelta(hours=1)))
    return out


def related(p: Page) -> str:
    t, rng, lc = T[p.tpl], p.rng, p.lc
    items = []
    for d in other_dates(p, rng.randint(3, 4), recent=rng.random() < 0.4):
        title = esc(rng.choice(TITLES[p.b]))
        if rng.random() < 0.5:
            date_html = f'<time class="{t["reld"]}" datetime="{iso(d, "local")}">{esc(fmt_day(lc, d.date()))}</time>'
        else:
            date_html = (
                f'<span class="{t["reld"]}">{esc(p.vis(d, timed=rng.random() < 0.3))}</span>'
            )
        items.append(f'<li><a href="/news/{rng.randint(1000, 9999)}">{title}</a> {date_html}</li>')
    cls = t["rel"]
    return f'<section class="{cls}"><h3>{esc(HEAD[p.b][0])}</h3><ul>{"".join(items)}</ul></section>'


def comments(p: Page) -> str:
    t, rng = T[p.tpl], p.rng
    now = FETCHED.astimezone(p.tz)
    items = []
    for k in range(rng.randint(2, 4)):
        when = min(p.pub + timedelta(hours=rng.randint(1, 2000)), now - timedelta(minutes=k + 5))
        items.append(f'<li class="comment depth-1"><div class="{t["comd"]}"><a href="#c{k}">'
                     f'<time datetime="{iso(when, "local")}">{esc(p.vis(when, timed=True))}</time></a></div>'
                     f"<p>{esc(rng.choice(['Great article!', 'Thanks.', '+1', 'Finally!']))}</p></li>")  # fmt: skip
    return f'<div id="comments" class="comments-area"><h2>{esc(HEAD[p.b][2])}</h2><ol class="{t["com"]}">{"".join(items)}</ol></div>'


def most_read(p: Page) -> str:
    t, rng = T[p.tpl], p.rng
    items = "".join(
        f'<li><a href="/news/{rng.randint(1000, 9999)}">{esc(rng.choice(TITLES[p.b]))}</a>'
        f'<span class="date">{esc(p.vis(d, timed=rng.random() < 0.5, numeric=rng.random() < 0.3))}</span></li>'
        for d in other_dates(p, 4, recent=True)
    )
    return f'<div class="{t["side"]}"><div class="block"><h3>{esc(HEAD[p.b][1])}</h3><ol>{items}</ol></div></div>'


# ----------------------------------------------------------------------------- evidence


def add_evidence(p: Page) -> None:
    rng, pub = p.rng, p.pub
    prim = p.primary
    kinds: list[str] = []
    if prim in RANK:
        kinds.append(prim)
        below = RANK[RANK.index(prim) + 1 :]
        for k in below:
            if len(kinds) < 3 and rng.random() < 0.2:
                kinds.append(k)
    elif prim == "jsonld-modified-only":
        kinds.append("byline")
    elif prim == "modified-prominent":
        kinds.append(rng.choice(["jsonld", "meta-article", "time-datetime", "byline"]))
    elif prim == "yearless":
        kinds.append("yearless")
    if "wrong-tz-meta" in p.traps and not {"time-datetime", "time-text", "byline"} & set(kinds):
        kinds.append("byline")  # the page also shows the right local time
    # at most one visible element for the published date
    visible = [k for k in kinds if k in ("microdata", "time-datetime", "time-text", "byline")]
    for k in visible[1:]:
        kinds.remove(k)
    p.evidence = kinds
    ev = set(kinds)

    # head: JSON-LD and meta
    if (
        "jsonld" in ev
        or "jsonld-created" in ev
        or prim == "jsonld-modified-only"
        or (p.mod and rng.random() < 0.2 and prim not in ("none",))
    ):
        p.jsonld = {}
    if "wrong-tz-meta" in p.traps:
        # a plugin wrote the local wall time with a UTC designator
        wrong = pub.replace(tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    if "jsonld" in ev:
        mode = rng.choice(["local", "local", "local", "utc", "naive", "date"])
        p.jsonld["datePublished"] = wrong if "wrong-tz-meta" in p.traps else iso(pub, mode)
        p.timed |= mode != "date" or "wrong-tz-meta" in p.traps
    if "jsonld-created" in ev:
        p.jsonld["dateCreated"] = iso(pub, "local")
        p.timed = True
    if p.jsonld is not None and p.mod and (rng.random() < 0.8 or prim == "jsonld-modified-only"):
        p.jsonld["dateModified"] = iso(p.mod, rng.choice(["local", "utc"]))
    if "meta-article" in ev:
        val = (
            wrong if "wrong-tz-meta" in p.traps else iso(pub, rng.choice(["local", "local", "utc"]))
        )
        p.head.append(f'<meta property="article:published_time" content="{val}">')
        p.timed = True
        if p.mod and rng.random() < 0.7:
            p.head.append(
                f'<meta property="article:modified_time" content="{iso(p.mod, "local")}">'
            )
    if "meta-other" in ev:
        key, val, timed = rng.choice([
            ("pubdate", pub.strftime("%Y%m%d"), False),
            ("pubdate", iso(pub, "local"), True),
            ("publishdate", iso(pub, "date"), False),
            ("DC.date.issued", iso(pub, "date"), False),
            ("dcterms.created", iso(pub, "local"), True),
            ("sailthru.date", pub.strftime("%Y-%m-%d %H:%M:%S"), True),
            ("sailthru.date", format_datetime(pub), True),
            ("parsely-pub-date", iso(pub, "utc"), True),
            ("og:published_time", iso(pub, "local"), True),
            ("date", iso(pub, "date"), False),
            ("publish-date", iso(pub, "local"), True),
        ])  # fmt: skip
        attr = "property" if key.startswith("og:") else "name"
        p.head.append(f'<meta {attr}="{key}" content="{val}">')
        p.timed |= timed
        if p.mod and rng.random() < 0.3:
            p.head.append(f'<meta name="dcterms.modified" content="{iso(p.mod, "date")}">')
    if "feed" in ev:
        p.hints = {
            "published": format_datetime(pub.astimezone(UTC) if rng.random() < 0.5 else pub),
            "via": "feed",
        }
        p.timed = True
    if "sitemap" in ev:
        mode = rng.choice(["local", "utc", "date"])
        p.hints = {"published": iso(pub, mode), "via": "sitemap"}
        p.timed |= mode != "date"
    if "url" in ev:
        p.url_date = True
    elif prim not in ("none", "yearless") and rng.random() < 0.25:
        p.url_date = True  # many sites put the day in the path anyway
        p.evidence.append("url")
    # HTTP Last-Modified: when the file last changed (often the fetch day for dynamic pages)
    if rng.random() < 0.4 or (prim == "none" and rng.random() < 0.5):
        lm = p.mod or (FETCHED - timedelta(hours=rng.randint(1, 30)))
        p.headers["Last-Modified"] = format_datetime(lm.astimezone(UTC), usegmt=True)


def url_of(p: Page) -> str:
    rng, d = p.rng, p.pub.date()
    slug = f"story-{p.idx}"
    if p.url_date:
        fmt = rng.choice([f"/{d:%Y/%m/%d}/{slug}/", f"/news/{d:%Y/%m/%d}/{slug}.html",
                          f"/{rng.choice(['local', 'politics'])}/{d:%Y%m%d}/{slug}", f"/articles/{d:%Y-%m-%d}-{slug}"])  # fmt: skip
    else:
        fmt = rng.choice([f"/news/{slug}-{rng.randint(100000, 999999)}", f"/{rng.choice(['local', 'kultur', 'society'])}/{slug}.html",
                          f"/{d:%Y/%m}/{slug}/", f"/p/{rng.randint(1000, 99999)}", f"/viewtopic.php?t={rng.randint(100, 9999)}"])  # fmt: skip
    return f"https://{p.domain}{fmt}"


def build(rng: random.Random, idx: int, lc: str, primary: str) -> tuple[str, dict]:
    p = Page(rng, idx, lc, primary)
    p.traps = pick_traps(rng, p)
    p.choose_dates()
    if primary == "none":
        p.traps = [x for x in p.traps if x not in ("ambiguous-numeric", "tz-abbr", "wrong-tz-meta")]
    add_evidence(p)
    if primary == "yearless":
        shows_time = rng.random() < 0.4
        text = p.vis(p.pub, timed=shows_time, weekday=True, year=False)
        p.timed = shows_time
        t = T[p.tpl]
        page_html = render(p)
        # the byline shows only weekday + day + month (the theme's date format omits the year)
        page_html = page_html.replace(
            f'<div class="{t["meta"]}">',
            f'<div class="{t["meta"]}"><span class="{t["span"]}">{esc(text)}</span> ',
            1,
        )
    else:
        page_html = render(p)
    gold: str | None
    if primary == "none":
        gold = None
    elif p.timed:
        gold = p.pub.isoformat()
    else:
        gold = p.pub.date().isoformat()
    mod_gold = None
    if p.mod and (p.shown_mod or (p.jsonld or {}).get("dateModified")):
        mod_gold = p.mod.isoformat()
    name = f"gen/{idx:03d}_{lc.lower()}_{primary}_{p.tpl}.html"
    label = {
        "file": name,
        "url": url_of(p),
        "language": lc,
        # the site's zone is configured for most sources, not for all; never when the page
        # prints a zone abbreviation (that is the trap: the page says it)
        "timezone": None if ("tz-abbr" in p.traps or rng.random() < 0.25) else p.zone,
        "published": gold,
        "modified": mod_gold,
        "kind": "yearless" if primary == "yearless" else primary,
        "evidence": sorted(set(p.evidence)),
        "template": p.tpl,
        "traps": p.traps,
        "set": "generated",
    }
    if p.hints:
        label["hints"] = p.hints
    if p.headers:
        label["headers"] = p.headers
    return page_html, label


def main() -> None:
    rng = random.Random(SEED)
    GEN.mkdir(exist_ok=True)
    for old in GEN.glob("*.html"):
        old.unlink()
    hand = json.loads((HERE / "handwritten.json").read_text(encoding="utf-8"))
    pages = list(hand["pages"])
    idx = 0
    for li, lc in enumerate(LOCALES):
        order = PRIMARIES[li % len(PRIMARIES) :] + PRIMARIES[: li % len(PRIMARIES)]
        for primary in order:
            page_html, label = build(rng, idx, lc, primary)
            (HERE / label["file"]).write_text(page_html, encoding="utf-8")
            pages.append(label)
            idx += 1
    labels = {
        "_about": (
            "Labelled pages for bench/dates.py: the 24 hand-written ones (handwritten.json) and "
            "the pages written by generate.py (gen/). published/modified: ISO datetime with the "
            "page's offset when the page shows a time, YYYY-MM-DD when it shows only a day, null "
            "when the page has no trustworthy publication date. hints: what a feed/sitemap said; "
            "headers: HTTP response headers (Last-Modified). kind: the strongest evidence the "
            "page gives for its publication date; traps: misleading dates it also carries."
        ),
        "fetched_at": FETCHED.isoformat(),
        "pages": pages,
    }
    (HERE / "labels.json").write_text(
        json.dumps(labels, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"{len(pages)} pages ({idx} generated) → {HERE / 'labels.json'}")


if __name__ == "__main__":
    main()
