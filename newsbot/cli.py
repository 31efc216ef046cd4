"""The `newsbot` command line (also `python -m newsbot`).

Exit codes: 0 success; 1 a source failed (the others still ran); 2 bad usage or a
bad sources file; 3 the database cannot be reached; 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsbot import __version__
from newsbot.errors import NewsbotError, PageRejected

EXIT_OK, EXIT_SOURCE_FAILED, EXIT_USAGE, EXIT_DATABASE, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsbot",
        description="Crawl news sites and blogs into clean, dated, de-duplicated articles.",
        epilog="Database: NEWSBOT_DATABASE_URL (libpq URL), else an embedded PostgreSQL "
        "with its data in NEWSBOT_PGDATA or /var/tmp/newsbot-<user>/pgdata.",
    )
    parser.add_argument("--version", action="version", version=f"newsbot {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="apply pending schema migrations")

    crawl = commands.add_parser("crawl", help="crawl sources into the database")
    crawl.add_argument("--sources", required=True, metavar="FILE", help="sources file (TOML)")
    crawl.add_argument("names", nargs="*", metavar="NAME", help="sources to crawl (default: all)")
    crawl.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    crawl.add_argument("--log-file", metavar="FILE", help="write the crawl log to FILE")
    crawl.add_argument(
        "--json", action="store_true", help="print a JSON summary on stdout at the end"
    )
    crawl.add_argument(
        "-s",
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a Scrapy setting, e.g. -s CLOSESPIDER_PAGECOUNT=100",
    )

    extract = commands.add_parser(
        "extract", help="show what newsbot makes of saved HTML pages (one JSON line each)"
    )
    extract.add_argument("files", nargs="+", metavar="FILE")
    extract.add_argument("--url", help="the URL the page was fetched from (one file only)")
    extract.add_argument("--timezone", help="zone for dates without one, e.g. Europe/Kyiv")
    extract.add_argument("--language", help="language hint, e.g. en")
    extract.add_argument(
        "--candidates", action="store_true", help="also print every date candidate found"
    )

    commands.add_parser("demo", help="serve the bundled sample news web, crawl it, show the result")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "db":
            return _db_upgrade()
        if args.command == "crawl":
            return _crawl(args)
        if args.command == "extract":
            return _extract(args)
        if args.command == "demo":
            from newsbot.demo.run import run_demo

            return run_demo()
    except NewsbotError as exc:
        print(f"newsbot: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("newsbot: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_USAGE


def _db_upgrade() -> int:
    from newsbot.storage import connect, mask_url, resolve_database_url, upgrade

    url = resolve_database_url()
    with connect(url) as conn:
        applied = upgrade(conn)
    if applied:
        print(f"applied {len(applied)} migration(s) to {mask_url(url)}: {', '.join(applied)}")
    else:
        print(f"schema of {mask_url(url)} is up to date")
    return EXIT_OK


def _parse_overrides(pairs: list[str]) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise NewsbotError(f"-s expects NAME=VALUE, got {pair!r}")
        overrides[name.strip()] = value
    return overrides


def _crawl(args: argparse.Namespace) -> int:
    from newsbot.config import load_sources, select_sources
    from newsbot.crawl import run_crawl

    select_sources(load_sources(args.sources), args.names, args.sources)  # fail fast
    report = run_crawl(
        args.sources,
        args.names,
        log_level=args.log_level,
        log_file=args.log_file,
        overrides=_parse_overrides(args.set),
    )
    summary = {
        "run_id": report.run_id,
        "sources": {
            s.name: {
                "pages": s.count("downloader/response_count"),
                "articles_new": s.count("newsbot/store/new"),
                "articles_updated": s.count("newsbot/store/updated"),
                "articles_unchanged": s.count("newsbot/store/unchanged"),
                "reposts": s.count("newsbot/store/reposts"),
                "dropped": s.dropped,
                "errors": s.count("log_count/ERROR"),
                "finish_reason": s.finish_reason,
                "failure": s.failure,
            }
            for s in report.sources
        },
    }
    for name, row in summary["sources"].items():
        line = (
            f"{name}: {row['pages']} pages, {row['articles_new']} new, "
            f"{row['articles_updated']} updated, {row['articles_unchanged']} unchanged, "
            f"{row['reposts']} reposts, {row['dropped']} dropped, {row['errors']} errors"
        )
        print(line, file=sys.stderr)
    for source in report.failed:
        print(f"newsbot: source {source.name} failed: {source.failure}", file=sys.stderr)
    if args.json:
        print(json.dumps(summary, indent=2))
    return EXIT_SOURCE_FAILED if report.failed else EXIT_OK


def _read_page(path: Path) -> str:
    from w3lib.encoding import html_to_unicode

    raw = path.read_bytes()
    _encoding, text = html_to_unicode(None, raw)
    return text


def _extract(args: argparse.Namespace) -> int:
    from newsbot import stages
    from newsbot.items import Article

    if args.url and len(args.files) > 1:
        raise NewsbotError("--url names the URL of one page; give one FILE with it")
    status = EXIT_OK
    for name in args.files:
        path = Path(name)
        try:
            html = _read_page(path)
        except OSError as exc:
            print(f"newsbot: cannot read {name}: {exc.strerror or exc}", file=sys.stderr)
            status = EXIT_SOURCE_FAILED
            continue
        article = Article(
            url=args.url or path.resolve().as_uri(),
            source="file",
            html=html,
            fetched_at=datetime.now(UTC),
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
    data: dict[str, Any] = {
        "file": name,
        "url": article.url,
        "title": article.title,
        "authors": article.authors,
        "published_at": article.published.isoformat() if article.published else None,
        "modified_at": article.modified.isoformat() if article.modified else None,
        "language": article.language,
        "lead": article.lead,
        "body": article.body,
        "canonical_url": article.canonical_url,
        "site_name": article.site_name,
        "section": article.section,
        "tags": article.tags,
        "image_url": article.image_url,
        "credited_source": article.credited_source,
        "comments": article.comments,
        "date_evidence": article.published.evidence if article.published else None,
        "content_hash": article.content_hash,
    }
    if dropped:
        data["dropped"] = dropped
    if candidates:
        data["date_candidates"] = [
            {"raw": c.raw, "role": c.role, "evidence": c.evidence, "key": c.key}
            for c in article.date_candidates
        ]
    return data


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    raise SystemExit(main())
