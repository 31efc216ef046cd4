"""`newsbot ingest FILE.warc.gz…`: anyone's web archive turned into articles.

WARC (or ARC) files written by newsbot, wget --warc-file, Heritrix or Common Crawl
(CC-NEWS) go through the crawl's stages and store: same dedup, same repost linking.
Records that are no HTML response are counted and skipped. Each file is checkpointed
by offset after every stored batch: the same command run again skips finished files
and resumes an interrupted one where it stopped.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newsbot.commands import EXIT_OK, EXIT_SOURCE_FAILED
from newsbot.commands.reprocess import add_reextraction_arguments
from newsbot.errors import FileProblem


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "ingest",
        help="turn WARC files (newsbot's, wget's, Heritrix's, CC-NEWS) into articles",
        description="Read WARC/ARC files (gzipped or not) and store their HTML responses as "
        "articles through the crawl's stages, with the same dedup and repost linking. "
        "Other records (requests, revisits, non-HTML, errors) are counted and skipped. "
        "Stopped with Ctrl-C, it stores what is in flight; run it again to resume.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="WARC files (.warc, .warc.gz)")
    parser.add_argument(
        "--source",
        metavar="NAME",
        help="the source the articles belong to (its settings from the sources table "
        "when known); default: each page's site, its host name without www.",
    )
    add_reextraction_arguments(parser)
    parser.set_defaults(run=run)


def site_of(url: str) -> str:
    """The default source of a page: its host, without a leading www."""
    host = (urlsplit(url).hostname or "unknown").lower()
    return host.removeprefix("www.")


def run(args: argparse.Namespace) -> int:
    from newsbot.exit_codes import stopped_exit_code
    from newsbot.run import reextract
    from newsbot.run.progress import CountProgress
    from newsbot.run.stage_pool import default_workers
    from newsbot.storage import reextraction as book

    paths = []
    for name in args.files:
        path = Path(name).expanduser()
        if not path.is_file():
            raise FileProblem(f"cannot read {name}: no such file")
        paths.append(path.resolve())
    workers = default_workers() if args.workers is None else max(0, args.workers)
    store = reextract.Store(None, reextracted=False, capture=True)
    store.open()
    sources = reextract.SourceSettings(store, record=True)
    status = EXIT_OK
    with reextract.StopRequest() as stop:
        for path in paths:
            # one ingest of a file at a time: two would store its pages twice over
            store.hold(f"ingest:{path}", f"newsbot ingest of {path}")
            conn = store.connection()
            state = book.ingest_state(conn, str(path))
            conn.commit()
            size = path.stat().st_size
            if state is not None and state["finished_at"] and state["size"] == size:
                print(f"{path}: already ingested ({_counts_line(state['counters'])})")
                if state["counters"].get("unreadable"):
                    status = EXIT_SOURCE_FAILED  # still cut short, as the run that read it said
                continue
            start = state["next_offset"] if state is not None else 0
            before = Counter(state["counters"]) if state is not None else Counter()
            # a file once cut short is read again from the cut record: its tail is
            # unreadable no longer when the file has grown whole
            before.pop("unreadable", None)
            book.start_ingest(conn, str(path), size, args.source)
            if start:
                print(f"{path}: resuming at byte {start}", file=sys.stderr)

            checkpoint = _checkpoint(str(path), before)

            with CountProgress(path.name, None, mode=args.progress) as progress:
                summary = reextract.run(
                    _pages(path, start, sources, args.source),
                    store,
                    workers=workers,
                    checkpoint=checkpoint,
                    batch_size=max(1, args.batch_size),
                    record_drops=True,
                    progress=lambda counts: progress.update(
                        sum(counts.values()) - counts["reposts"], counts
                    ),
                    stop=stop,
                )
            if not summary.stopped_by:
                book.end_ingest(store.connection(), str(path))
            counts = before + summary.counts
            state_word = "interrupted (run again to resume)" if summary.stopped_by else "done"
            # this run's counts; after a resume, the whole file's too
            whole = f" (whole file: {_counts_line(counts)})" if before else ""
            print(f"{path}: {state_word}: {_counts_line(summary.counts)}{whole}")
            if counts["unreadable"]:
                status = EXIT_SOURCE_FAILED
            if summary.stopped_by:
                store.release()
                return stopped_exit_code(summary.stopped_by)
    store.release()
    return status


def _checkpoint(path: str, before: Counter[str]) -> Any:
    """Records how far `path` is stored, with its counts (those of earlier runs added)."""
    from newsbot.storage.reextraction import ingest_checkpoint

    def checkpoint(conn: Any, position: int, counts: Counter[str]) -> None:
        ingest_checkpoint(conn, path, position, before + counts)

    return checkpoint


def _counts_line(counts: dict[str, int]) -> str:
    pages = sum(n for k, n in counts.items() if not k.startswith("skipped/") and k != "reposts")
    order = ["new", "updated", "unchanged", "older", "reposts", "failed", "unreadable"]
    parts = [f"{counts.get(k, 0)} {k}" for k in order if counts.get(k)]
    dropped = sum(n for k, n in counts.items() if k.startswith("dropped/"))
    if dropped:
        parts.append(f"{dropped} dropped")
    skipped = {k.removeprefix("skipped/"): n for k, n in counts.items() if k.startswith("skipped/")}
    if skipped:
        parts.append("skipped " + ", ".join(f"{n} {kind}" for kind, n in sorted(skipped.items())))
    return f"{pages} pages: " + (", ".join(parts) or "nothing")


def _pages(path: Path, start: int, sources: Any, given: str | None) -> Iterator[Any]:
    """Each record of the file from `start`: an HTML response as an Article for the
    stages, anything else as a counted skip."""
    from newsbot.archive import RawPage, iter_pages
    from newsbot.decoding import looks_binary
    from newsbot.run.reextract import Page, article_of
    from newsbot.urls import normalize_url

    for found, after in iter_pages(path, start):
        if not isinstance(found, RawPage):
            if found.kind == "unreadable":
                print(
                    f"{path}: unreadable from byte {found.location.offset} on "
                    f"(truncated or corrupt); what came before is stored",
                    file=sys.stderr,
                )
                yield Page(after, outcome="unreadable")
                return
            yield Page(after, outcome=f"skipped/{found.kind}")
            continue
        url = normalize_url(found.url)
        article = article_of(found, url, sources.get(given or site_of(url)), found.fetched_at)
        if looks_binary(article.html):
            yield Page(after, outcome="skipped/not_html")
            continue
        yield Page(after, article)
