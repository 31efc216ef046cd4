"""`--metrics-file`: a crawl's per-source figures in Prometheus text format.

Written at the end of each run for node_exporter's textfile collector (point its
`--collector.textfile.directory` at the file's folder; the name must end in `.prom`).
The file is replaced atomically (a temporary file renamed over it), so the collector
never reads half a file. Values are those of each source's last run (gauges), plus the
time of its last success: a source that failed this run keeps the last success it had in
the previous file, and sources not crawled this run (other cron lines sharing the file,
or skipped because another crawl held them) keep all their previous values.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsbot import stats as stat_keys

if TYPE_CHECKING:
    from newsbot.run.runner import CrawlReport, SourceReport

#: metric name → (help, extra label beside `source`)
METRICS: dict[str, tuple[str, str | None]] = {
    "newsbot_pages_fetched": ("Pages fetched (responses received) in the source's last run", None),
    "newsbot_articles_stored": (
        "Articles stored in the source's last run, by status (new, updated)",
        "status",
    ),
    "newsbot_dropped_pages": ("Pages dropped in the source's last run, by reason", "reason"),
    "newsbot_errors": ("Errors in the source's last run", None),
    "newsbot_run_duration_seconds": ("Duration of the source's last run in seconds", None),
    "newsbot_run_success": ("1 when the source's last run succeeded, else 0", None),
    "newsbot_last_run_timestamp_seconds": ("When the source's last run ended (Unix time)", None),
    "newsbot_last_success_timestamp_seconds": (
        "When the source's last successful run ended (Unix time)",
        None,
    ),
}
LAST_SUCCESS = "newsbot_last_success_timestamp_seconds"


def _timestamp(value: Any, default: float) -> float:
    return value.timestamp() if isinstance(value, datetime) else default


def source_samples(source: SourceReport, now: float) -> list[tuple[str, dict[str, str], float]]:
    """The samples of one source's run: (metric, labels, value)."""
    from newsbot.run.runner import source_row

    row = source_row(source)
    labels = {"source": source.name}
    ended = _timestamp(source.stats.get("finish_time"), now)
    duration = source.stats.get("elapsed_time_seconds")
    if not isinstance(duration, int | float):
        started = source.stats.get("start_time")
        duration = ended - started.timestamp() if isinstance(started, datetime) else 0.0
    samples = [
        ("newsbot_pages_fetched", labels, row["pages"]),
        ("newsbot_articles_stored", {**labels, "status": "new"}, row["articles_new"]),
        ("newsbot_articles_stored", {**labels, "status": "updated"}, row["articles_updated"]),
        ("newsbot_errors", labels, row["errors"]),
        ("newsbot_run_duration_seconds", labels, float(duration)),
        ("newsbot_run_success", labels, 0 if source.failure else 1),
        ("newsbot_last_run_timestamp_seconds", labels, ended),
    ]
    for key, value in sorted(source.stats.items()):
        if key.startswith(stat_keys.DROPPED_PREFIX) and isinstance(value, int):
            reason = key.removeprefix(stat_keys.DROPPED_PREFIX)
            samples.append(("newsbot_dropped_pages", {**labels, "reason": reason}, value))
    if not source.failure:
        samples.append((LAST_SUCCESS, labels, ended))
    return samples


def previous_samples(path: Path) -> list[tuple[str, dict[str, str], float]]:
    """The samples of a previous metrics file (none when it is missing or unreadable)."""
    from prometheus_client.parser import text_string_to_metric_families

    try:
        text = path.read_text(encoding="utf-8")
        return [
            (sample.name, dict(sample.labels), sample.value)
            for family in text_string_to_metric_families(text)
            for sample in family.samples
            if sample.name in METRICS and "source" in sample.labels
        ]
    except (OSError, ValueError):
        return []


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One writer at a time (two cron lines may share a file): read, merge, replace."""
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def write_metrics(path: str | Path, report: CrawlReport, *, now: float | None = None) -> None:
    """Write (atomically) the metrics of this run's sources, keeping the others'."""
    from prometheus_client import CollectorRegistry, Gauge, write_to_textfile

    path = Path(path)
    now = time.time() if now is None else now
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path):
        crawled = {s.name for s in report.sources}
        samples = [s for source in report.sources for s in source_samples(source, now)]
        has_success = {labels["source"] for name, labels, _ in samples if name == LAST_SUCCESS}
        for name, labels, value in previous_samples(path):
            source = labels["source"]
            if source not in crawled or (name == LAST_SUCCESS and source not in has_success):
                samples.append((name, labels, value))
        registry = CollectorRegistry()
        gauges = {
            name: Gauge(
                name,
                help_text,
                ["source", *([extra] if extra else [])],
                registry=registry,
            )
            for name, (help_text, extra) in METRICS.items()
        }
        for name, labels, value in samples:
            gauge = gauges[name]
            try:
                gauge.labels(**labels).set(value)
            except ValueError:  # a previous file with other labels: drop that series
                continue
        write_to_textfile(os.fspath(path), registry)
