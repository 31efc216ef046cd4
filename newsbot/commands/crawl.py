"""`newsbot crawl`: crawl sources into the database."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from newsbot.commands import EXIT_OK, EXIT_SOURCE_FAILED, add_progress_argument, log_level
from newsbot.errors import NewsbotError
from newsbot.exit_codes import EXIT_LOCKED, stopped_exit_code

if TYPE_CHECKING:
    from newsbot.run.runner import CrawlReport


def seconds_arg(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be ≥ 0")
    return value


def add_crawl_options(parser: argparse.ArgumentParser, *, what: str) -> None:
    """The options every crawling command takes (`newsbot crawl`, `newsbot worker`)."""
    parser.add_argument("--sources", required=True, metavar="FILE", help="sources file (TOML)")
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"{what} (default: all)")
    parser.add_argument(
        "--log-level",
        type=str.upper,
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        # unset: the global `newsbot --log-level` (default WARNING) stays in force
        default=argparse.SUPPRESS,
        help="log messages shown (default WARNING; progress and the summary always print)",
    )
    parser.add_argument("--log-file", metavar="FILE", help="write the crawl log to FILE")
    parser.add_argument(
        "--json", action="store_true", help="print a JSON summary on stdout at the end"
    )
    add_progress_argument(
        parser,
        "live progress on stderr: a table on a terminal, else a line per source "
        "every 30 s (NEWSBOT_PROGRESS_INTERVAL); default auto",
    )
    parser.add_argument(
        "-s",
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a Scrapy setting, e.g. -s CLOSESPIDER_PAGECOUNT=100",
    )


def register(commands: argparse._SubParsersAction) -> None:
    crawl = commands.add_parser("crawl", help="crawl sources into the database")
    add_crawl_command_options(crawl)
    crawl.set_defaults(run=run)


def add_crawl_command_options(crawl: argparse.ArgumentParser) -> None:
    """Every option of `newsbot crawl` (also taken by `newsbot cron-run`)."""
    add_crawl_options(crawl, what="sources to crawl")
    crawl.add_argument(
        "--wait",
        nargs="?",
        type=seconds_arg,
        const=float("inf"),
        default=0.0,
        metavar="SECONDS",
        help="when another crawl holds a source, wait for it (at most SECONDS; "
        "no value: as long as it takes) instead of skipping it with exit code 4",
    )
    crawl.add_argument(
        "--metrics-file",
        metavar="FILE",
        help="at the end, write per-source metrics to FILE in Prometheus text format "
        "(atomically; for node_exporter's textfile collector, name it *.prom)",
    )


def parse_overrides(pairs: list[str]) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise NewsbotError(f"-s expects NAME=VALUE, got {pair!r}")
        overrides[name.strip()] = value
    return overrides


def summarize(report: CrawlReport) -> dict[str, Any]:
    """The `--json` summary of a crawl."""
    from newsbot.run.runner import source_row

    return {
        "run_id": report.run_id,
        "sources": {s.name: source_row(s) for s in report.sources},
        "skipped": report.skipped,
    }


def summary_line(name: str, row: dict[str, Any]) -> str:
    """One source's line at the end of a crawl; the spool is named only when it was used."""
    line = (
        f"{name}: {row['pages']} pages, {row['articles_new']} new, "
        f"{row['articles_updated']} updated, {row['articles_unchanged']} unchanged, "
        f"{row['reposts']} reposts, {row['dropped']} dropped, {row['errors']} errors"
    )
    if row["articles_spooled"]:
        line += f", {row['articles_spooled']} spooled (database unavailable)"
    if row["spool_pending"]:
        line += f", {row['spool_pending']} still spooled for the next run"
    return line


def interrupted_message(signum: int | None) -> str:
    """The summary's line for a crawl stopped by a signal (crawl and worker alike)."""
    import signal

    by = f" by {signal.Signals(signum).name}" if signum else ""
    return (
        f"run interrupted{by}: what was fetched before the stop is stored; "
        "the next crawl fetches the rest"
    )


def run(args: argparse.Namespace) -> int:
    from newsbot.config import load_sources, select_sources
    from newsbot.run.runner import run_crawl

    select_sources(load_sources(args.sources), args.names, args.sources)  # fail fast
    report = run_crawl(
        args.sources,
        args.names,
        log_level=log_level(args),
        log_file=args.log_file,
        overrides=parse_overrides(args.set),
        wait=args.wait,
        progress=args.progress,
    )
    if getattr(args, "metrics_file", None):
        from newsbot.run.metrics import write_metrics

        try:
            write_metrics(args.metrics_file, report)
        except OSError as exc:  # the crawl itself is done and stored: say so, go on
            reason = exc.strerror or type(exc).__name__
            print(f"newsbot: cannot write {args.metrics_file}: {reason}", file=sys.stderr)
    summary = summarize(report)
    for name, row in summary["sources"].items():
        print(summary_line(name, row), file=sys.stderr)
    for name, row in summary["sources"].items():
        for warning in row["warnings"]:
            print(f"newsbot: warning: source {name}: {warning}", file=sys.stderr)
    interrupted = report.stopped_by is not None or any(
        source.finish_reason == "shutdown" for source in report.sources
    )
    for source in report.failed:
        print(f"newsbot: source {source.name} failed: {source.failure}", file=sys.stderr)
    if interrupted:
        print(f"newsbot: {interrupted_message(report.stopped_by)}", file=sys.stderr)
    if report.skipped:
        from newsbot.run.runner import locked_message

        print(f"newsbot: {locked_message(report.skipped, waited=args.wait)}", file=sys.stderr)
    if args.json:
        print(json.dumps(summary, indent=2))
    if interrupted:  # SIGINT/SIGTERM: what was extracted is stored, the run recorded
        return stopped_exit_code(report.stopped_by)
    if report.failed:
        return EXIT_SOURCE_FAILED
    return EXIT_LOCKED if report.skipped else EXIT_OK
