"""Publication-date benchmark: newsbot.dates against htmldate on labelled pages.

The default set is bench/dates_data/: 24 hand-written pages plus 240 written by
bench/dates_data/generate.py (15 locales, 18 CMS templates, every evidence kind,
traps real pages have; see that script). labels.json holds the truth, computed
by the generator from what it wrote, never from newsbot.

Label file: {"fetched_at": ISO, "pages": [{"file", "url", "language", "timezone",
"published", "modified", "hints": {"published", "modified", "via"}, "headers":
{"Last-Modified": ...}, "kind", "traps", "fetched_at"}]}; only file/url/published
are required.

Metrics, over all pages:
  day accuracy     predicted day == true day (a correct None counts as right).
                   A predicted instant is read in the truth's own offset (the
                   day a reader of the page sees); a day-only answer as given.
  minute accuracy  same instant to the minute, over pages whose truth has a time
  wrong-date rate  a date was returned and it is not the true day (incl. a date
                   for a page that has none)
  coverage         share of pages with a true date that got any date
  ms/page          median wall time per page after a warm-up pass

newsbot's ms/page is the dates stage: collect_candidates + resolve_dates on an
already parsed tree; "ms/page +parse" adds lxml parsing and JSON-LD extraction
(what htmldate's time includes). htmldate (find_date(html, original_date=True))
gives days only; it gets the URL too, but no hints or headers (it takes none).

Usage: python bench/dates.py [DATA_DIR] [--pages DIR --labels FILE] [--show] [--all]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import lxml.html

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newsbot.dates import collect_candidates, resolve_dates
from newsbot.extraction.metadata import article_objects, jsonld_objects
from newsbot.items import Hints

DEFAULT_DATA = Path(__file__).resolve().parent / "dates_data"


@dataclass
class Page:
    name: str
    html: str
    url: str
    language: str | None
    timezone: str | None
    fetched_at: datetime
    truth: str | None
    hints: Hints | None
    headers: dict[str, str] = field(default_factory=dict)
    kind: str = "?"
    traps: list[str] = field(default_factory=list)


@dataclass
class Prediction:
    day: date | None
    instant: datetime | None  # None when the tool gives only a day
    ms: float
    ms_total: float = 0.0


def load(pages_dir: Path, labels_file: Path) -> list[Page]:
    labels = json.loads(labels_file.read_text(encoding="utf-8"))
    fetched = datetime.fromisoformat(labels.get("fetched_at") or datetime.now(UTC).isoformat())
    pages = []
    for item in labels["pages"]:
        hints = None
        if item.get("hints"):
            h = item["hints"]
            hints = Hints(
                published=h.get("published"), modified=h.get("modified"), via=h.get("via")
            )
        raw = (pages_dir / item["file"]).read_bytes()
        at = datetime.fromisoformat(item["fetched_at"]) if item.get("fetched_at") else fetched
        pages.append(
            Page(
                name=item["file"],
                html=raw.decode("utf-8", "replace"),
                url=item.get("url") or "",
                language=item.get("language"),
                timezone=item.get("timezone"),
                fetched_at=at if at.tzinfo else at.replace(tzinfo=UTC),
                truth=item.get("published"),
                hints=hints,
                headers=dict(item.get("headers") or {}),
                kind=item.get("kind") or "?",
                traps=list(item.get("traps") or []),
            )
        )
    return pages


def run_newsbot(page: Page) -> Prediction:
    t0 = time.perf_counter()
    tree = lxml.html.fromstring(page.html)
    jsonld = article_objects(jsonld_objects(tree))  # what the extractor hands the dates stage
    start = time.perf_counter()
    cands = collect_candidates(
        tree, page.url, jsonld=jsonld, headers=page.headers, hints=page.hints
    )
    pub, _ = resolve_dates(
        cands, fetched_at=page.fetched_at, timezone=page.timezone, language=page.language
    )
    end = time.perf_counter()
    ms, total = (end - start) * 1000, (end - t0) * 1000
    if pub is None:
        return Prediction(None, None, ms, total)
    return Prediction(pub.as_date(), None if pub.date_only else pub.value, ms, total)


def run_htmldate(page: Page) -> Prediction:
    from htmldate import find_date

    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            found = find_date(
                page.html,
                url=page.url,
                original_date=True,
                outputformat="%Y-%m-%d",
                max_date=page.fetched_at.strftime("%Y-%m-%d"),
            )
        except Exception:
            found = None
    ms = (time.perf_counter() - start) * 1000
    day = date.fromisoformat(found) if found else None
    return Prediction(day, None, ms, ms)


def truth_of(page: Page) -> tuple[date | None, datetime | None]:
    if page.truth is None:
        return None, None
    if len(page.truth) == 10:
        return date.fromisoformat(page.truth), None
    value = datetime.fromisoformat(page.truth)
    return value.date(), value


def predicted_day(page: Page, pred: Prediction) -> date | None:
    """The day as the page's reader would see it: an instant is read in the truth's offset."""
    if pred.instant is None:
        return pred.day
    _, t_instant = truth_of(page)
    if t_instant is not None and t_instant.tzinfo is not None:
        return pred.instant.astimezone(t_instant.tzinfo).date()
    if page.timezone:
        try:
            return pred.instant.astimezone(ZoneInfo(page.timezone)).date()
        except (KeyError, ValueError):
            pass
    return pred.day


@dataclass
class Outcome:
    page: Page
    pred: Prediction
    day: date | None
    ok: bool
    wrong: bool
    minute_ok: bool | None  # None: truth has no time


def score(pages: list[Page], tool: Callable[[Page], Prediction], repeats: int = 5) -> list[Outcome]:
    for page in pages:  # warm-up: caches, lazy imports, dateparser locales
        tool(page)
    out = []
    for page in pages:
        runs = [tool(page) for _ in range(repeats)]
        pred = runs[0]
        pred.ms = statistics.median(r.ms for r in runs)
        pred.ms_total = statistics.median(r.ms_total for r in runs)
        t_day, t_instant = truth_of(page)
        day = predicted_day(page, pred)
        minute_ok = None
        if t_instant is not None:
            minute_ok = pred.instant is not None and (
                abs(pred.instant.astimezone(UTC) - t_instant.astimezone(UTC)).total_seconds() < 60
            )
        out.append(
            Outcome(page, pred, day, day == t_day, day is not None and day != t_day, minute_ok)
        )
    return out


def metrics(outcomes: list[Outcome]) -> dict[str, float]:
    n = len(outcomes)
    dated = [o for o in outcomes if o.page.truth is not None]
    timed = [o for o in outcomes if o.minute_ok is not None]
    nan = float("nan")
    return {
        "day accuracy": sum(o.ok for o in outcomes) / n if n else nan,
        "minute accuracy": sum(bool(o.minute_ok) for o in timed) / len(timed) if timed else nan,
        "wrong-date rate": sum(o.wrong for o in outcomes) / n if n else nan,
        "coverage": sum(o.pred.day is not None for o in dated) / len(dated) if dated else nan,
        "ms/page": statistics.median(o.pred.ms for o in outcomes) if n else nan,
        "ms/page +parse": statistics.median(o.pred.ms_total for o in outcomes) if n else nan,
    }


def table(results: dict[str, list[Outcome]]) -> None:
    ours = metrics(results["newsbot"])
    theirs = metrics(results["htmldate"])
    print(f"\n{'metric':<18}{'newsbot':>12}{'htmldate':>12}")
    for metric in ours:
        cells = []
        for name, m in (("newsbot", ours), ("htmldate", theirs)):
            v = m[metric]
            if name == "htmldate" and metric in ("minute accuracy", "ms/page"):
                cells.append(f"{'n/a':>12}" if metric == "minute accuracy" else f"{v:>12.2f}")
            elif metric.startswith("ms/page"):
                cells.append(f"{v:>12.2f}")
            else:
                cells.append(f"{v:>11.1%} ")
        print(f"{metric:<18}{''.join(cells)}")
    timed = sum(o.minute_ok is not None for o in results["newsbot"])
    nodate = sum(o.page.truth is None for o in results["newsbot"])
    print(f"({timed} pages with a gold time, {nodate} with no trustworthy date)")


def breakdown(
    title: str, results: dict[str, list[Outcome]], key: Callable[[Page], list[str]]
) -> None:
    groups: dict[str, list[int]] = {}
    for i, o in enumerate(results["newsbot"]):
        for k in key(o.page):
            groups.setdefault(k, []).append(i)
    print(f"\n{title:<22}{'n':>4}  {'day acc':>15}  {'wrong':>15}  {'minute':>7}")
    print(f"{'':<22}{'':>4}  {'newsbot htmld':>15}  {'newsbot htmld':>15}  {'newsbot':>7}")
    for k in sorted(groups, key=lambda g: (-len(groups[g]), g)):
        idx = groups[k]
        a = metrics([results["newsbot"][i] for i in idx])
        b = metrics([results["htmldate"][i] for i in idx])
        minute = a["minute accuracy"]
        mtxt = "   -" if minute != minute else f"{minute:>6.0%}"
        print(
            f"{k:<22}{len(idx):>4}  {a['day accuracy']:>7.0%}{b['day accuracy']:>6.0%}  "
            f"{a['wrong-date rate']:>7.0%}{b['wrong-date rate']:>6.0%}  {mtxt:>7}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "data_dir", nargs="?", type=Path, help="pages + labels.json (default bench/dates_data)"
    )
    parser.add_argument("--pages", type=Path, help="folder the label file's paths are relative to")
    parser.add_argument("--labels", type=Path, help="label file (default PAGES/labels.json)")
    parser.add_argument(
        "--show", action="store_true", help="breakdowns (evidence kind, language, trap) + misses"
    )
    parser.add_argument("--all", action="store_true", help="with --show: list every page")
    args = parser.parse_args(argv)
    pages_dir = args.pages or args.data_dir or DEFAULT_DATA
    labels_file = args.labels or pages_dir / "labels.json"
    pages = load(pages_dir, labels_file)
    langs = sorted({(p.language or "?").split("-")[0] for p in pages})
    print(f"{len(pages)} pages, {len(langs)} languages: {' '.join(langs)}")

    results = {
        "newsbot": score(pages, run_newsbot),
        "htmldate": score(pages, run_htmldate),
    }
    table(results)

    if args.show:
        breakdown("evidence kind", results, lambda p: [p.kind])
        breakdown("language", results, lambda p: [(p.language or "?").split("-")[0]])
        breakdown("trap", results, lambda p: p.traps or ["(none)"])
        print()
        for o, h in zip(results["newsbot"], results["htmldate"], strict=True):
            if o.ok and (o.minute_ok is not False) and not args.all:
                continue
            got = o.pred.instant.isoformat() if o.pred.instant else str(o.pred.day or "-")
            mark = "ok" if o.ok else "WRONG" if o.wrong else "miss"
            if o.ok and o.minute_ok is False:
                mark = "ok/minute"
            theirs = f"{h.day or '-'} {'ok' if h.ok else 'WRONG' if h.wrong else 'miss'}"
            print(
                f"{o.page.name:<46} truth {o.page.truth or '-':<26} "
                f"newsbot {got:<26} {mark:<9} htmldate {theirs}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
