"""`newsbot reprocess`: stored articles extracted again from their archived raw pages.

An extraction fix then helps the pages crawled before it too, without fetching them
again. Rows are updated in place (same ids), repost links recomputed where the text
changed; an interrupted run is resumed by running the same command again.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsbot.commands import EXIT_OK, EXIT_USAGE, add_progress_argument
from newsbot.errors import NewsbotError

if TYPE_CHECKING:
    from newsbot.archive import PageReader

#: how the store's and the stages' outcomes are named in the summary
SUMMARY_NAMES = {"updated": "changed", "unchanged": "unchanged", "new": "changed"}


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "reprocess",
        help="re-extract stored articles from their archived raw pages (WARC) with "
        "today's code, in place",
        description="Re-extract stored articles from the raw pages their crawl archived "
        "(`archive` in the sources file, or NEWSBOT_ARCHIVE_DIR), through the crawl's "
        "stages, and update the rows in place: same ids, repost links recomputed where the "
        "text changed. Stopped with Ctrl-C, it stores what is in flight; run it again to "
        "resume. Articles without an archived page are counted, not changed.",
    )
    parser.add_argument("--source", metavar="NAME", help="only articles of this source")
    parser.add_argument(
        "--since",
        metavar="DATE",
        type=_time_bound,
        help="only articles fetched at or after DATE (YYYY-MM-DD or ISO 8601; UTC unless "
        "an offset is given)",
    )
    parser.add_argument(
        "--older-than-version",
        metavar="V",
        help="only articles an older extractor made than V (like 0.1.0+rules.2; "
        "`newsbot status` shows the versions stored), and those stored before versions "
        "were recorded",
    )
    parser.add_argument(
        "--warc-dir",
        metavar="DIR",
        action="append",
        default=[],
        help="where WARC files are now, if they were moved after the crawl: a file the "
        "row names but that is gone is looked for here by its name (repeatable); the "
        "rows then point at the new place",
    )
    add_reextraction_arguments(parser)
    parser.set_defaults(run=run)


def add_reextraction_arguments(parser: argparse.ArgumentParser) -> None:
    """--workers, --batch-size, --progress: shared by `reprocess` and `ingest`."""
    parser.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="stage worker processes (default: one per core; 0: in this process)",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=100,
        metavar="N",
        help="pages stored per batch, each batch a resume point (default 100)",
    )
    add_progress_argument(
        parser,
        "a progress bar on a terminal, else a line every 30 s "
        "(NEWSBOT_PROGRESS_INTERVAL); default auto",
    )


def _time_bound(text: str) -> datetime:
    from newsbot.storage.export import parse_time_bound

    try:
        return parse_time_bound(text, end=False)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def summary_counts(counts: Counter[str]) -> dict[str, int]:
    """changed / unchanged / now dropped / failed / no raw page, from the run's outcomes."""
    shown = {"changed": 0, "unchanged": 0, "now dropped": 0, "failed": 0, "no raw page": 0}
    for outcome, n in counts.items():
        if outcome in SUMMARY_NAMES:
            shown[SUMMARY_NAMES[outcome]] += n
        elif outcome.startswith("dropped/"):
            shown["now dropped"] += n
        elif outcome in ("failed", "unreadable"):
            shown["failed"] += n
        elif outcome == "no_raw_page":
            shown["no raw page"] += n
    return shown


def run(args: argparse.Namespace) -> int:
    from newsbot.exit_codes import stopped_exit_code
    from newsbot.run import reextract
    from newsbot.run.progress import CountProgress
    from newsbot.run.stage_pool import default_workers
    from newsbot.stages import EXTRACTOR_VERSION
    from newsbot.storage import reextraction as book
    from newsbot.versions import older_than, parse

    versions: list[str | None] | None = None
    if args.older_than_version is not None:
        try:
            if parse(args.older_than_version) is None:  # "": no version, not "any version"
                raise ValueError("'' is not an extractor version (like '0.1.0+rules.1')")
        except ValueError as exc:
            error = NewsbotError(f"--older-than-version: {exc}")
            error.exit_code = EXIT_USAGE  # bad usage, as a bad --since (nothing was done)
            raise error from None
    workers = default_workers() if args.workers is None else max(0, args.workers)
    store = reextract.Store(None, reextracted=True)
    conn = store.open()
    # one reprocess at a time per database: two would select the same rows
    store.hold("reprocess", "newsbot reprocess")
    if args.older_than_version:
        versions = [v for v in book.stored_versions(conn) if older_than(v, args.older_than_version)]
    selection = {
        "source": args.source,
        "since": args.since.isoformat() if args.since else None,
        "older_than_version": args.older_than_version,
    }
    run_id, after, before, resumed = book.start_reprocess(conn, selection, EXTRACTOR_VERSION)
    conn.commit()
    choose = {"source": args.source, "since": args.since, "versions": versions}
    total = book.count_to_reprocess(conn, after_id=after, **choose)
    conn.commit()
    if resumed:
        print(
            f"resuming reprocess run {run_id} after article {after} ({total} articles left)",
            file=sys.stderr,
        )

    def checkpoint(conn: Any, position: int, counts: Counter[str]) -> None:
        book.reprocess_checkpoint(conn, run_id, position, Counter(before) + counts)

    with (
        reextract.StopRequest() as stop,
        CountProgress(f"reprocess run {run_id}", total, mode=args.progress) as progress,
    ):
        summary = reextract.run(
            _pages(store, after, choose, [Path(d) for d in args.warc_dir]),
            store,
            workers=workers,
            checkpoint=checkpoint,
            batch_size=max(1, args.batch_size),
            progress=lambda counts: progress.update(
                sum(counts.values()) - counts["reposts"], summary_counts(counts)
            ),
            stop=stop,
        )
    conn = store.connection()
    book.end_reprocess(conn, run_id, "interrupted" if summary.stopped_by else "finished")
    store.release()
    _print_summary(run_id, summary, Counter(before), EXTRACTOR_VERSION)
    return stopped_exit_code(summary.stopped_by) if summary.stopped_by else EXIT_OK


def _pages(store: Any, after: int, choose: dict[str, Any], moved_to: list[Path]) -> Iterator[Any]:
    """The selected articles in id order, each with its raw page read back from WARC."""
    from newsbot.archive import PageReader
    from newsbot.run.reextract import SourceSettings
    from newsbot.storage.reextraction import articles_to_reprocess

    settings = SourceSettings(store, record=False)
    with PageReader() as reader:  # rows in id order share files: each opened once per run
        while True:
            rows = articles_to_reprocess(store.connection(), after_id=after, **choose)
            store.connection().commit()
            if not rows:
                return
            for row in rows:
                yield page_of_row(settings, row, moved_to, reader)
            after = rows[-1]["id"]


def page_of_row(
    settings: Any,
    row: dict[str, Any],
    moved_to: list[Path] | None = None,
    reader: PageReader | None = None,
) -> Any:
    """A stored article as the crawl's spider would hand it to the stages: its raw page
    read back from WARC (from `moved_to` when its file is no longer where the row says;
    through `reader` when given, which keeps the file open for the next row), and what
    the row kept of discovery."""
    from newsbot.archive import RawPage, read_page
    from newsbot.items import Hints
    from newsbot.run.reextract import Page, article_of

    if not row["warc_file"] or row["warc_offset"] is None:
        return Page(row["id"], outcome="no_raw_page")
    found = warc_file_of(row["warc_file"], moved_to or [])
    if found is None:
        return Page(row["id"], outcome="no_raw_page")
    try:
        raw = (reader.read if reader is not None else read_page)(found, row["warc_offset"])
    except FileNotFoundError:
        return Page(row["id"], outcome="no_raw_page")
    except Exception:  # a truncated or corrupt file: counted, never fatal
        return Page(row["id"], outcome="unreadable")
    if not isinstance(raw, RawPage):
        return Page(row["id"], outcome="unreadable")
    hints = Hints.from_json(row["discovery_hints"])
    hints.modified = hints.modified or row["discovery_lastmod"]
    source = settings.get(row["source"])
    return Page(row["id"], article_of(raw, row["url"], source, row["fetched_at"], hints))


def warc_file_of(recorded: str, moved_to: list[Path]) -> str | None:
    """The WARC file a row names, where it is now: at its recorded path, else by its name
    in one of the directories it was moved to; None when it is nowhere."""
    if Path(recorded).exists():
        return recorded
    for directory in moved_to:
        candidate = directory.expanduser() / Path(recorded).name
        if candidate.exists():
            return str(candidate.resolve())
    return None


def _print_summary(run_id: int, summary: Any, before: Counter[str], version: str) -> None:
    shown = summary_counts(summary.counts)
    done = sum(shown.values())
    parts = ", ".join(f"{n} {name}" for name, n in shown.items())
    state = "interrupted (run the same command to resume)" if summary.stopped_by else "done"
    print(f"reprocess run {run_id} {state}: {done} articles: {parts} (extractor {version})")
    if before:
        total = summary_counts(before + summary.counts)
        print("  whole run: " + ", ".join(f"{n} {name}" for name, n in total.items()))
    for url, reason in summary.dropped[:10]:
        print(f"  now dropped ({reason}), row kept as it was: {url}")
    if len(summary.dropped) > 10:
        print(f"  … and {len(summary.dropped) - 10} more now dropped")
