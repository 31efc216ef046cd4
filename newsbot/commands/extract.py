"""`newsbot extract FILE…`: what newsbot makes of saved pages, through the crawl's stages."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsbot.commands import EXIT_OK, EXIT_SOURCE_FAILED
from newsbot.errors import NewsbotError, PageRejected


def register(commands: argparse._SubParsersAction) -> None:
    extract = commands.add_parser(
        "extract", help="show what newsbot makes of saved HTML pages (one JSON line each)"
    )
    extract.add_argument("files", nargs="+", metavar="FILE")
    extract.add_argument("--url", help="the URL the page was fetched from (one file only)")
    extract.add_argument("--timezone", help="zone for dates without one, e.g. Europe/Kyiv")
    extract.add_argument("--language", help="language hint, e.g. en")
    extract.add_argument(
        "--content-type",
        metavar="HEADER",
        help="the HTTP Content-Type the page was served with, e.g. "
        "'text/html; charset=iso-8859-1': its charset decodes the bytes, as in a crawl "
        "(without it: a byte-order mark, the page's <meta charset>, else detection)",
    )
    extract.add_argument(
        "--candidates",
        action="store_true",
        help="also print every candidate found for the date, title and authors (where "
        "from, chosen or not) and why the winner won",
    )
    extract.set_defaults(run=run)


def _read_page(path: Path, content_type: str | None = None) -> str:
    """The file's bytes decoded exactly as a crawl decodes a page (newsbot.decoding)."""
    from newsbot.decoding import decode_html

    return decode_html(path.read_bytes(), content_type)[1]


def run(args: argparse.Namespace) -> int:
    from newsbot import stages
    from newsbot.items import Article

    if args.url and len(args.files) > 1:
        raise NewsbotError("--url names the URL of one page; give one FILE with it")
    status = EXIT_OK
    for name in args.files:
        path = Path(name)
        try:
            html = _read_page(path, args.content_type)
        except OSError as exc:
            print(f"newsbot: cannot read {name}: {exc.strerror or exc}", file=sys.stderr)
            status = EXIT_SOURCE_FAILED
            continue
        article = Article(
            url=args.url or path.resolve().as_uri(),
            source="file",
            html=html,
            fetched_at=datetime.now(UTC),
            headers={"Content-Type": args.content_type} if args.content_type else {},
            timezone=args.timezone,
            language_hint=args.language,
        )
        dropped = None
        try:
            for stage in stages.STAGES:
                article = stage(article)
        except PageRejected as exc:
            dropped = str(exc)
        print(
            json.dumps(_article_json(name, article, dropped, args.candidates), ensure_ascii=False)
        )
    return status


def _article_json(name: str, article: Any, dropped: str | None, candidates: bool) -> dict:
    from newsbot.items import extract_json

    # the keys and their order come from the Article fields' "extract" metadata
    data: dict[str, Any] = {"file": name, **extract_json(article)}
    if dropped:
        data["dropped"] = dropped
    if candidates:
        from newsbot.dates import explain

        data["date_candidates"] = explain(
            article.date_candidates,
            published=article.published,
            modified=article.modified,
            fetched_at=article.fetched_at,
            timezone=article.timezone,
            language=article.language or article.language_hint,
        )
        data["published_by"] = _date_reason(article.published, data["date_candidates"])
        data.update(_field_candidates(article))
    return data


def _field_candidates(article: Any) -> dict[str, Any]:
    """Title and author candidates by source, which ones the stored value came from, and
    one line on why (extraction is run again on the page: this is a debugging view)."""
    from newsbot.extraction import extract_page
    from newsbot.extraction.titles import norm

    ex = extract_page(article.html or "", article.url, hints=article.hints)
    title = norm(article.title or "")
    titles = [
        {"source": src, "raw": raw, "chosen": bool(title) and title in norm(raw)}
        for src, raw in ex.title_sources
    ]
    chosen = [t["source"] for t in titles if t["chosen"]]
    if not article.title:
        title_by = "no title: no source gave a usable one"
    elif "h1" in chosen:
        meta = [s for s in chosen if s not in ("h1", "<title>")]
        title_by = (
            f"the visible <h1>, confirmed by {', '.join(meta)}"
            if meta
            else "the visible <h1>: it reads like a headline and no metadata title matches it"
        )
    else:
        title_by = f"metadata ({', '.join(chosen) or 'hints'}), site and section names stripped"
    names = {norm(a) for a in article.authors or []}
    authors = [
        {"source": src, "raw": raw, "chosen": any(n and n in norm(raw) for n in names)}
        for src, raw in ex.author_sources
    ]
    used = sorted({a["source"] for a in authors if a["chosen"]})
    authors_by = (
        f"from {', '.join(used)}; labels, credits, dates and the site's own name removed"
        if used
        else "no author: none found, or only the site's own name, credits or dates"
    )
    return {
        "title_candidates": titles,
        "title_by": title_by,
        "author_candidates": authors,
        "authors_by": authors_by,
    }


def _date_reason(published: Any, rows: list[dict]) -> str | None:
    """One line on why the published date won (or why there is none)."""
    if published is None:
        return "no published date: no candidate of published evidence could be read"
    support = [r for r in rows if r.get("supports") == "published"]
    if published.evidence == "second_opinion":
        kinds = ", ".join(sorted({r["evidence"] for r in support})) or "the page"
        return f"own evidence weak; a second reading (htmldate) chose this day, shown by {kinds}"
    best = max(support, key=lambda r: r["trust"], default=None)
    if best is None:
        return f"from {published.evidence}"
    others = sorted({r["evidence"] for r in support} - {best["evidence"]})
    agree = f"; agreed by {', '.join(others)}" if others else ""
    return (
        f"{best['evidence']} {best['key']} (trust {best['trust']}), the best-supported day{agree}"
    )
