"""Text-level boilerplate removal: blocks → the article's own body.

`newsbot.extraction` already cut the page down to its main content; what remains
here are rules that need the text itself: blog-engine furniture ("Liked by 1
person", Jetpack's "Share this:", WordPress comment forms, Disqus/Blogger/Facebook
comment chrome), cookie and newsletter prompts, "Read also:" lines, captions that
are repeated, the headline repeated at the top. Reader comments (blocks whose
context says "comment") go to `comments`, never into the body. Credit lines such
as "(C)UNIAN 2022" stay in the body and name the `credited_source`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from newsbot import endmatter
from newsbot.extraction.html import word_count
from newsbot.items import Block


@dataclass
class Cleaned:
    """The cleaned body and what was taken out of it."""

    body: str
    credited_source: str | None = None
    comments: list[str] = field(default_factory=list)
    #: (text, reason) for everything dropped, for debugging
    removed: list[tuple[str, str]] = field(default_factory=list)


#: figure captions are not the article's text (and are often repeated in it, or
#: alt text twice over); measured on real pages, dropping them raises precision
KEEP_CAPTIONS = False
#: a block of a sentence or more (characters, so that CJK counts the same) inside a
#: run of at least REPEAT_RUN repeated blocks is a copied passage
REPEAT_CHARS = 40
REPEAT_RUN = 3
REPEAT_RUN_CHARS = 2000
#: a linked line between paragraphs with at least this many words is a sentence
LONE_LINK_WORDS = 6


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regex source (split at `|` outside groups/sets)."""
    out: list[str] = []
    depth = start = i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            i += 1
            if pattern[i : i + 1] == "^":
                i += 1
            if pattern[i : i + 1] == "]":
                i += 1
            while pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    out.append(pattern[start:])
    return out


def _anchored(pattern: str) -> bool:
    """Every alternative starts with `^`: `.match` finds what `.search` would."""
    return all(alt.startswith("^") for alt in _alternatives(pattern))


#: a whole block that is blog-engine / comment-system furniture
_FURNITURE_PATTERNS = (
    # WordPress / Jetpack
    r"^liked by \d+ (?:person|people)\.?$",
    r"^like this:?$",
    r"^like loading\.*$",
    r"^loading\.*$",
    r"^share this:?$",
    r"^(?:share|teilen|partager|compartir|поделиться|поділитися)(?: this| on \w+)?:?$",
    r"^(?:click to )?(?:share|print|email)(?: on| to)? (?:twitter|facebook|linkedin|reddit|"
    r"tumblr|pinterest|pocket|telegram|whatsapp|email|print)\b.*$",
    r"^related:?$",
    r"^(?:our |more )?related (?:articles|posts|stories|topics|reading|content|services|links)"
    r"\b.{0,50}$",
    r"^comment via:.{0,80}$",
    r"^leave a (?:reply|comment)\b.*$",
    r"^(?:cancel reply|post comment|submit comment|reply|antworten|répondre|responder|"
    r"ответить|відповісти)$",
    r"^you are commenting using your\b.*account",
    r"^fill in your details below or click an icon to log in",
    r"^connecting to %s$",
    r"^notify me of (?:new|follow-up) (?:comments|posts)\b",
    r"^this site uses akismet to reduce spam",
    r"^your email address will not be published",
    r"^required fields are marked",
    r"^save my name, email, and website in this browser",
    r"^(?:log out|change|log in|logged in as)\b.{0,40}$",
    r"^(?:twitter|facebook|google) (?:picture|photo)$",
    r"^\d+ (?:comments?|responses?|replies|thoughts on\b.*)$",
    r"^(?:one|two|three) (?:comment|response|thought)s? on\b.*$",
    r"^(?:no|\d+) comments?(?: yet)?:?$",
    r"^(?:comments?|kommentare|commentaires|comentarios|комментарии|коментарі)(?: \(\d+\))?:?$",
    r"^(?:be the first to (?:like|comment)|be the first to like this)\b.*$",
    r"^blog at wordpress\.com\.?$",
    r"^(?:create a free website or blog at|powered by) wordpress",
    # Disqus
    r"^comments powered by disqus\.?$",
    r"^please enable javascript to view the comments powered by disqus\.?$",
    r"^blog comments powered by disqus\.?$",
    # Blogger
    r"^post a comment$",
    r"^newer post\s*older post\s*(?:home)?$",
    r"^(?:newer post|older post|home)$",
    r"^subscribe to:\s*post comments\s*\(atom\)$",
    r"^post comments \(atom\)$",
    r"^posted by\b.{0,60}\bat\b.{0,20}$",
    r"^labels?:.{0,200}$",
    r"^email this\s*blogthis!?.*$",
    # Facebook comments
    r"^\d+ comments?\s*sort by\b.*$",
    r"^add a comment\.*$",
    r"^facebook comments plugin$",
    r"^sort by\s*(?:oldest|newest|top)\b.*$",
    # cookies / consent
    r"\b(?:we|this (?:web)?site) uses? cookies\b",
    r"\bby (?:continuing to (?:use|browse)|using) (?:this|our) (?:web)?site,? "
    r"you (?:agree|accept|consent)\b",
    r"^(?:accept|accept all|allow all|reject all|i agree|ok,? got it|got it|"
    r"manage (?:cookies|preferences)|cookie (?:settings|policy))!?\.?$",
    r"\b(?:wir )?verwenden cookies\b",
    r"\bce site utilise des cookies\b",
    r"\b(?:este sitio|esta web) utiliza cookies\b",
    r"\b(?:сайт|мы) использу(?:ет|ем) (?:файлы )?cookie",
    r"\b(?:сайт|ми) використову(?:є|ємо) (?:файли )?cookie",
    # newsletter / subscription prompts
    r"^(?:sign up|subscribe) (?:for|to) (?:our|the)\b.{0,80}(?:newsletter|updates|emails?)\b",
    r"^(?:get|receive) (?:our|the) .{0,40}newsletter\b",
    r"^enter your email(?: address)?\b",
    r"^(?:subscribe|sign up)(?: now| today)?!?$",
    r"^newsletter(?: abonnieren)?:?$",
    r"^подпишитесь на\b.{0,100}$",
    r"^підписуйтесь на\b.{0,100}$",
    r"^abonnez-vous\b.{0,100}$",
    r"^suscríbete\b.{0,100}$",
    # sharing / follow
    r"^(?:follow us|folgen sie uns|suivez-nous|síguenos|подписывайтесь|стежте за нами)\b.{0,80}$",
    r"^(?:share|tweet|pin|email|print)(?:\s*[|/•·]\s*(?:share|tweet|pin|email|print|whatsapp|facebook|twitter))+$",
    r"^advertisement$|^anzeige$|^publicité$|^publicidad$|^реклама$",
    r"^(?:skip to (?:main )?content|back to top|scroll to top)$",
    # photo credits, gallery counters, embed chrome, reading-time and listen labels
    r"^(?:photo|image|picture|foto|bild|photograph)(?: credit| illustration| source)?s?\s*:"
    r"\s*.{0,120}$",
    r"^credits?\s*:\s*(?:getty|shutterstock|istock|unsplash|pexels|adobe stock).{0,80}$",
    r"^\(?(?:photo|image)s?(?: by| courtesy of| via)?\b.{0,80}\b(?:getty images|shutterstock|"
    r"istock(?:photo)?|reuters|ap photo|afp|unsplash|pexels|adobe stock)\)?\.?$",
    r"^\d{1,3}\s*(?:/|of)\s*\d{1,3}$",
    r"^view (?:this )?post on (?:instagram|tiktok|facebook|x|twitter|imgur(?:\.com)?)$",
    r"^press enter or click to view image in full size$",
    r"^\(visited [\d,]+ times?(?:, [\d,]+ visits? today)?\)$",
    r"^view author(?:'s)? (?:page|profile|posts)$",
    r"^a post shared by\b.{0,120}$",
    r"^\d+\s*min(?:ute)?s?\.? read$|^reading time:?\s*\d+\s*min(?:ute)?s?\.?$",
    r"^.{0,40}(?:\d\s*min(?:ute)?s?\.? read|reading time:?\s*\d+\s*min(?:ute)?s?)\b.{0,40}$",
    r"^listen to (?:this|the) (?:article|story|post)\b.{0,60}$",
    r"^table of contents$|^contents$|^inhalt(?:sverzeichnis)?$|^sommaire$",
    # calls to action and the small print under them
    r"^by (?:signing up|subscribing|clicking|submitting)\b.{0,300}$",
    r"^(?:this (?:post|article|page|site) (?:may )?contains? affiliate links|"
    r"we may earn (?:a )?(?:small )?commission)\b.{0,300}$",
    r"^download (?:our|the) (?:free )?app\b.{0,100}$",
    r"^(?:get|sign up|subscribe|join|receive)\b.{0,120}\bto your inbox\b.{0,120}$",
    r"^.{0,200}\bsign up for (?:our|the) (?:\w+ )?newsletters?\b.{0,200}$",
    # an author box's chrome
    r"^latest posts by\b.{0,80}$",
    # a site's copyright line ("© 2024 Acme Inc. All rights reserved.")
    r"^.{0,150}\b(?:all rights reserved|alle rechte vorbehalten|tous droits réservés|"
    r"todos los derechos reservados|tutti i diritti riservati|все права защищены|"
    r"всі права захищені)\.?$",
    # agency footers and contact lines
    r"^\(?(?:additional )?(?:reporting|writing|editing|compiled) by\b.{0,300}$",
    r"^.{0,250}\bcontributed (?:to )?(?:this|the) (?:report|story)\.?\)?$",
    r"^have a (?:news )?tip\?",
    r"^(?:email|contact|follow) .{0,80}(?:@\w|\bon twitter\b|\bon facebook\b).{0,120}$",
)
_FURNITURE = _rx(*_FURNITURE_PATTERNS)
# one alternation of ~70 patterns tried at every position is slow (~0.3 ms a paragraph):
# the ^-anchored ones are tried at the start only, the few others searched for
_FURNITURE_START = _rx(*(p for p in _FURNITURE_PATTERNS if _anchored(p)))
_FURNITURE_ANYWHERE = _rx(*(p for p in _FURNITURE_PATTERNS if not _anchored(p)))


def _is_furniture(text: str) -> bool:
    """`_FURNITURE.search(text)`, quicker."""
    return bool(_FURNITURE_START.match(text) or _FURNITURE_ANYWHERE.search(text))


#: "Read also: …" style lines (a link to another article, not this one's text)
_READ_ALSO = _rx(
    r"^(?:read|see) (?:also|more)\s*[:\-–—]",
    r"^(?:related|more|recommended)(?: (?:stories|articles|coverage|reading|news))?\s*[:\-–—]",
    r"^(?:also read|don't miss|must read|more from\b.{0,30}?)\s*[:\-–—]",
    r"^(?:lesen sie auch|mehr zum thema|auch interessant)\s*[:\-–—]?",
    r"^(?:à lire aussi|lire aussi|voir aussi)\s*[:\-–—]?",
    r"^(?:lee también|leer más|ver también)\s*[:\-–—]?",
    r"^(?:читайте также|читайте также|смотрите также|читать также)\s*[:\-–—]?",
    r"^(?:читайте також|дивіться також|читайте також)\s*[:\-–—]?",
)

#: "(C)UNIAN 2022", "© Reuters", "Source: Reuters", "via AP"
_CREDIT = [
    re.compile(
        r"^\s*(?:\(c\)|©|copyright)\s*(?P<src>[^\d(),.;:]{2,40}?)\s*(?:\d{4})?\.?\s*$", re.I
    ),
    re.compile(
        r"^\s*(?:source|sources|quelle|source\s*:|fuente|источник|джерело)\s*[:\-–—]\s*"
        r"(?P<src>[^,.;:\n]{2,40}?)\s*\.?\s*$",
        re.I,
    ),
    re.compile(r"^\s*\(?\s*via\s+(?P<src>[A-Z][\w&.\- ]{1,40}?)\s*\)?\.?\s*$"),
    re.compile(r"^\s*[-–—]?\s*\((?P<src>AP|AFP|Reuters|dpa|UNIAN|Ukrinform|TASS|Interfax)\)\s*$"),
]

#: context tokens of comment chrome (forms, meta lines, like buttons) rather than comment text
_COMMENT_CHROME = re.compile(
    r"(?:^|[\s])(?:respond|comment-respond|comment-form[\w-]*|commentform|comment-reply-title|"
    r"reply|comment-reply-link|comment-meta|commentmetadata|comment-metadata|comment-author|"
    r"vcard|says|comment-awaiting-moderation|comment-likes|comment-like[\w-]*|likes|"
    r"logged-in-as|comment-notes|comments-title|comment-count|comments-count|akismet[\w-]*|"
    r"form-allowed-tags|comment-subscription-form|nav-links|comment-navigation|"
    r"comment-footer|comment-header|comment-date|comment-time|comment-actions|"
    r"comments-header|comment-timestamp|profile-name-link|avatar|comment-author-name|"
    r"user-name|username|author-name|comment-header|datetime)(?=\s|$)"
)
#: marker newsbot.extraction puts on blocks of reader-comment sections
COMMENT_MARK = "nb-comments"
#: whole context tokens of comment sections (for blocks from other extractors)
_COMMENT_CONTEXT = re.compile(
    r"(?:^|\s)(?:nb-comments|comments?|commentlist|comment-list|comments-list|comment-body|"
    r"comment-content|comment-text|comment-entry|comment-holder|comments-area|disqus_thread|"
    r"fb-comments|respond|comment-respond|comentarios|kommentare|commentaires)(?=\s|$)"
)


_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|januar|februar|märz|mai|"
    r"juni|juli|oktober|dezember|janvier|février|mars|avril|juin|juillet|août|septembre|"
    r"octobre|novembre|décembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|"
    r"septiembre|octubre|noviembre|diciembre|січня|лютого|березня|квітня|травня|червня|"
    r"липня|серпня|вересня|жовтня|листопада|грудня|января|февраля|марта|апреля|мая|июня|"
    r"июля|августа|сентября|октября|ноября|декабря)\.?"
)
_WEEKDAY = (
    r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day)?\.?|montag|dienstag|mittwoch|"
    r"donnerstag|freitag|samstag|sonntag|lundi|mardi|mercredi|jeudi|vendredi|samedi|"
    r"dimanche|lunes|martes|miércoles|jueves|viernes|sábado|domingo|понеділок|вівторок|"
    r"середа|четвер|п'ятниця|субота|неділя|понедельник|вторник|среда|четверг|пятница|"
    r"суббота|воскресенье|today|yesterday|heute|gestern|aujourd'hui|hier|hoy|ayer|сьогодні|"
    r"вчора|сегодня|вчера"
)
#: a date or time expression (not a bare year: "(C) Agency 2022" is a credit line)
_DATE_EXPR = re.compile(
    r"\b\d{4}-\d{2}-\d{2}(?:[t ]\d{1,2}:\d{2}(?::\d{2})?(?:z|[+-]\d{2}:?\d{2})?)?"
    r"|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\.?\s+{_MONTH}(?:\s+\d{{4}})?(?:\s*(?:р\.|г\.|року|года))?"
    rf"|\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?"
    r"|\b\d{1,2}[:.h]\d{2}(?:\s*(?:[ap]\.?m\.?|uhr|h))?(?:\s*\(?[a-z]{2,5}\)?(?=\W|$))?"
    rf"|\b(?:{_WEEKDAY})\b"
    r"|\b\d+\s+(?:minutes?|mins?|hours?|hrs?|days?|weeks?)\s+ago\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
#: the labels of byline and dateline blocks, in several languages
_BYLINE_LABEL = re.compile(
    r"\b(?:authors?|by|written by|posted|posted on|posted by|published|published on|"
    r"first published|updated|last updated|modified|date|on|at|von|autor(?:in)?|"
    r"veröffentlicht|aktualisiert|zuletzt aktualisiert|am|um|stand|par|publié|le|mis à jour|"
    r"à|por|publicado|actualizado|el|a las|автор|автори|авторы|опубліковано|оновлено|"
    r"опубликовано|обновлено|дата|о|в|от|від|and|und|et|y|i|та|і|и|&)\b",
    re.IGNORECASE,
)
_STRONG_LABEL = (
    r"(?:authors?|written by|posted(?: on| by)?|(?:first |last )?published(?: on)?|"
    r"(?:last )?updated|modified|von|autor(?:in)?|veröffentlicht|(?:zuletzt )?aktualisiert|"
    r"publié(?: le)?|mis à jour|publicado|actualizado|автор\w*|опубліковано|оновлено|"
    r"опубликовано|обновлено)"
)
_LABEL_START = re.compile(rf"^\W*(?:by|par|por|{_STRONG_LABEL})\b", re.IGNORECASE)
_LABEL_COLON = re.compile(rf"\b{_STRONG_LABEL}\s*:", re.IGNORECASE)
_NAME_PARTICLE = re.compile(
    r"^(?:de|da|do|dos|das|del|della|di|du|la|le|van|von|der|den|ter|bin|ibn|al|el|st)$",
    re.IGNORECASE,
)


def is_byline(text: str) -> bool:
    """A byline/dateline block: names, dates/times and labels such as "By", "Updated".

    "Author: Olena Marchenko 31 July 2022, 19:40 Updated: 31 July 2022, 21:15",
    "By Jane Doe and John Roe", "Published 12.03.2021, 10:15", "Опубліковано: 3 серпня
    2022" are; a sentence, a headline or a credit line "(C)UNIAN 2022" is not.
    """
    if len(text) > 200 or credit_of(text):
        return False
    dated = bool(_DATE_EXPR.search(text))
    rest = _DATE_EXPR.sub(" ", text) if dated else text
    # a label only matters without a date (and _LABEL_COLON needs a colon)
    labelled = not dated and bool(
        _LABEL_START.match(rest) or (":" in rest and _LABEL_COLON.search(rest))
    )
    if not (dated or labelled):
        return False
    rest = _YEAR.sub(" ", rest)
    rest = _BYLINE_LABEL.sub(" ", rest)
    words = re.findall(r"[^\W\d_][\w'’.-]*", rest)
    if re.search(r"\d", re.sub(r"[\W_]", "", rest)):
        return False  # numbers left over: not just a date
    if len(words) > 6:
        return False
    if not words:
        return dated or labelled
    names = all(w[0].isupper() or _NAME_PARTICLE.match(w) for w in words)
    # a date with nothing but a name-like remainder, or a label with a name
    return names and (dated or len(words) >= 1)


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text.casefold()).strip()


def credit_of(text: str) -> str | None:
    """The agency named by a credit line, or None if the text is not one."""
    if len(text) > 80:
        return None
    for rx in _CREDIT:
        m = rx.match(text)
        if m:
            src = m.group("src").strip(" -–—()")
            if src and not src.isdigit() and len(src.split()) <= 5:
                return src
    return None


def is_comment(block: Block) -> bool:
    """The block sits in a reader-comment section (by its class/id context)."""
    return _comment_context(block.context)


@lru_cache(maxsize=4096)
def _comment_context(context: str) -> bool:
    """Memoised: the blocks of one container share their context string."""
    return bool(_COMMENT_CONTEXT.search(context))


#: the share of the body, at its end, where legal small print is looked for
DISCLAIMER_TAIL = 0.2
#: lines shorter than this (a footer heading, a phone number) do not end the closing run
DISCLAIMER_SKIP = 40
_DISCLAIMER = re.compile(
    r"\b(?:for (?:general )?(?:educational and )?informational (?:and educational )?purposes"
    r"|for general information(?:al)? (?:purposes )?only"
    r"|not (?:intended to )?(?:be )?(?:a substitute|replace) (?:for )?(?:the )?(?:professional )?"
    r"(?:advice|medical|legal|financial)"
    r"|not intended to,? (?:and does not,? )?constitute"
    r"|does not constitute (?:an? )?(?:endorsement|offer|recommendation|legal|financial|"
    r"investment|tax|professional)"
    r"|(?:do not|does not|doesn't|don't) provide (?:tax|legal|financial|investment|medical)"
    r"|(?:is|are|be) not (?:legal|financial|investment|tax|medical) advice"
    r"|should not be (?:construed|considered|relied upon) as)",
    re.IGNORECASE,
)


def _linky(block: Block) -> bool:
    """A short block that is mostly link text."""
    return block.link_density > 0.6 and len(block.text.strip()) < 300


def _among_links(blocks: list[Block], i: int) -> bool:
    """A link is a link list only among links, or when it is a button or a teaser.

    A run of linked lines is a link list. A lone one between paragraphs is kept when it
    is a heading (roundups link each product's name) or a line of some words ("Visit
    the maker's site to read the manual", a product's name); a shouted headline
    ("SEAN SPICER ELIMINATED FROM THE SHOW") is a news site's read-more teaser, and a
    short one ("Get the recipe") a button.
    """
    before = i > 0 and _linky(blocks[i - 1])
    after = i + 1 < len(blocks) and _linky(blocks[i + 1])
    if before or after:
        return True
    text = blocks[i].text.strip()
    if text.isupper():
        return True  # a shouted headline: a teaser
    if blocks[i].kind == "h":
        return False
    return word_count(text) < LONE_LINK_WORDS


def clean(blocks: list[Block], *, title: str | None, language: str | None = None) -> Cleaned:
    """Strip text-level boilerplate; keep the article's own blocks in order."""
    del language  # the rules cover the common languages at once; kept for the contract
    kept: list[Block] = []
    removed: list[tuple[str, str]] = []
    comments: list[str] = []
    credited: str | None = None
    title_key = _norm(title) if title else ""
    last_comment_ctx: str | None = None
    body_end = endmatter.cut(blocks)
    if len(body_end) < len(blocks):
        kept_ids = {id(b) for b in body_end}
        removed.extend((b.text, "end_matter") for b in blocks if id(b) not in kept_ids)
        blocks = body_end

    for i, block in enumerate(blocks):
        text = block.text.strip()
        if not text:
            continue
        if is_comment(block):
            chrome = _COMMENT_CHROME.search(" " + block.context) or _is_furniture(text)
            if chrome or len(text) < 3:
                removed.append((text, "comment_chrome"))
            elif comments and last_comment_ctx == block.context:
                comments[-1] += "\n\n" + text
            else:
                comments.append(text)
                last_comment_ctx = block.context
            continue
        last_comment_ctx = None
        if len(text) < 400 and _is_furniture(text):
            removed.append((text, "furniture"))
            continue
        if _READ_ALSO.search(text) and (len(text) < 250 or block.link_density > 0.3):
            removed.append((text, "read_also"))
            continue
        if block.kind in ("p", "li", "h") and _linky(block) and _among_links(blocks, i):
            removed.append((text, "link_list"))
            continue
        if block.kind in ("p", "h", "li") and is_byline(text):
            removed.append((text, "byline"))
            continue
        source = credit_of(text)
        if source:
            credited = credited or source
        if block.kind == "caption" and not KEEP_CAPTIONS:
            removed.append((text, "caption"))
            continue
        kept.append(Block(text, block.kind, block.context, block.link_density))

    # the headline repeated at the top of the body
    while kept and title_key and kept[0].kind in ("h", "p") and _norm(kept[0].text) == title_key:
        removed.append((kept.pop(0).text, "title"))

    # captions (and any block) repeated: keep the first, and drop a caption whose text
    # also appears as a longer block (e.g. image alt + figcaption, or caption in the text).
    # A short text that recurs as part of the article's structure stays: one that comes
    # back three times or more (interview questions, section labels), or a repeat next to
    # another repeat (a menu or table of sections repeated with variations), unless it
    # is a sentence or more: tabs and responsive layouts render whole passages twice.
    keys = [_norm(b.text) for b in kept]
    counts = Counter(keys)
    first_seen: set[str] = set()
    repeat = []
    for key in keys:
        repeat.append(bool(key) and key in first_seen)
        first_seen.add(key)

    def structural(i: int) -> bool:
        return (
            counts[keys[i]] >= 3
            or (i > 0 and repeat[i - 1])
            or (i + 1 < len(keys) and repeat[i + 1])
        )

    # runs of consecutive repeats: a passage said again as a whole
    run_len = [0] * len(keys)
    run_chars = [0] * len(keys)
    start = 0
    for i in range(len(keys) + 1):
        if i == len(keys) or not repeat[i]:
            size = sum(len(k) for k in keys[start:i])
            for j in range(start, i):
                run_len[j], run_chars[j] = i - start, size
            start = i + 1

    def copied_run(i: int) -> bool:
        """A sentence or more said again inside a long run of repeats: a copied passage
        (a plan that repeats a day's meals or its "warm up" lines is not)."""
        return (
            run_len[i] >= REPEAT_RUN
            and run_chars[i] >= REPEAT_RUN_CHARS
            and len(keys[i]) >= REPEAT_CHARS
        )

    out: list[Block] = []
    seen: set[str] = set()
    for i, block in enumerate(kept):
        key = keys[i]
        if key in seen and (
            block.kind == "caption"
            or (len(key) < 400 and block.kind not in ("h", "li") and not structural(i))
            or copied_run(i)
        ):
            removed.append((block.text, "duplicate"))
            continue
        if key:
            seen.add(key)
        out.append(block)
    body_keys = {_norm(b.text) for b in out if b.kind != "caption"}
    final = []
    for block in out:
        if block.kind == "caption" and _norm(block.text) in body_keys:
            removed.append((block.text, "duplicate_caption"))
            continue
        final.append(block)
    # legal small print closing the page ("for informational purposes only", "not a
    # substitute for professional advice") is the site's, not the article's: looked for
    # in the last fifth of the body and in the run of blocks that ends it
    tail = int(len(final) * (1 - DISCLAIMER_TAIL))
    closing = True  # still in the run of small print (and short lines) at the end
    for i in range(len(final) - 1, -1, -1):
        text = final[i].text
        small_print = len(text) < 1200 and bool(_DISCLAIMER.search(text))
        if small_print and (closing or i >= tail):
            removed.append((final.pop(i).text, "disclaimer"))
            continue
        closing = closing and len(text) < DISCLAIMER_SKIP
        if not closing and i < tail:
            break

    return Cleaned(
        body="\n\n".join(b.text for b in final),
        credited_source=credited,
        comments=comments,
        removed=removed,
    )
