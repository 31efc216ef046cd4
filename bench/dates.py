"""Publication-date benchmark: newsbot.dates against htmldate on hand-labelled pages.

The pages in bench/dates_data/ were written for this repository (14 languages,
with traps: comment/related/sidebar dates, a masthead "today" date, year-less
and relative dates, a page without any date). labels.json holds the truth.

Metrics, over all pages:
  day accuracy     predicted day == true day (a correct None counts as right)
  minute accuracy  same instant to the minute, over pages whose truth has a time
  wrong-date rate  a date was returned and it is not the true day (incl. a date
                   for a page that has none)
  coverage         share of pages with a true date that got any date
  ms/page          median wall time per page after a warm-up pass

newsbot's time covers collect_candidates + resolve_dates on an already parsed
tree (what the dates stage adds); htmldate parses the HTML itself, so its time
includes parsing. htmldate gives days only (outputformat '%Y-%m-%d').

Usage: python bench/dates.py [DATA_DIR] [--show]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import lxml.html

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newsbot.dates import collect_candidates, resolve_dates
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


@dataclass
class Prediction:
    day: date | None
    instant: datetime | None  # None when the tool gives only a day
    ms: float


def load(data_dir: Path) -> list[Page]:
    labels = json.loads((data_dir / "labels.json").read_text(encoding="utf-8"))
    fetched = datetime.fromisoformat(labels["fetched_at"])
    pages = []
    for item in labels["pages"]:
        hints = Hints(**item["hints"]) if item.get("hints") else None
        pages.append(
            Page(
                name=item["file"],
                html=(data_dir / item["file"]).read_text(encoding="utf-8"),
                url=item["url"],
                language=item.get("language"),
                timezone=item.get("timezone"),
                fetched_at=fetched,
                truth=item.get("published"),
                hints=hints,
            )
        )
    return pages


def jsonld_articles(tree: lxml.html.HtmlElement) -> list[dict]:
    """JSON-LD objects flattened out of @graph (what the extractor hands the dates module)."""
    out: list[dict] = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            obj = stack.pop(0)
            if isinstance(obj, dict):
                graph = obj.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)
                else:
                    out.append(obj)
    return out


def run_newsbot(page: Page) -> Prediction:
    tree = lxml.html.fromstring(page.html)
    jsonld = jsonld_articles(tree)
    start = time.perf_counter()
    cands = collect_candidates(tree, page.url, jsonld=jsonld, headers={}, hints=page.hints)
    pub, _ = resolve_dates(
        cands, fetched_at=page.fetched_at, timezone=page.timezone, language=page.language
    )
    ms = (time.perf_counter() - start) * 1000
    if pub is None:
        return Prediction(None, None, ms)
    return Prediction(pub.as_date(), None if pub.date_only else pub.value, ms)


def run_htmldate(page: Page) -> Prediction:
    from htmldate import find_date

    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = find_date(
            page.html,
            url=page.url,
            original_date=True,
            outputformat="%Y-%m-%d",
            max_date=page.fetched_at.strftime("%Y-%m-%d"),
        )
    ms = (time.perf_counter() - start) * 1000
    day = date.fromisoformat(found) if found else None
    return Prediction(day, None, ms)


def truth_of(page: Page) -> tuple[date | None, datetime | None]:
    if page.truth is None:
        return None, None
    if len(page.truth) == 10:
        return date.fromisoformat(page.truth), None
    value = datetime.fromisoformat(page.truth)
    return value.date(), value


def evaluate(
    pages: list[Page], tool: Callable[[Page], Prediction], repeats: int = 5
) -> tuple[dict[str, float], list[tuple[str, str, str]]]:
    for page in pages:  # warm-up: caches, lazy imports, dateparser locales
        tool(page)
    times: list[float] = []
    preds: list[Prediction] = []
    for page in pages:
        runs = [tool(page) for _ in range(repeats)]
        times.append(statistics.median(r.ms for r in runs))
        preds.append(runs[0])

    n = len(pages)
    day_ok = minute_ok = minute_n = wrong = covered = dated = 0
    rows = []
    for page, pred in zip(pages, preds, strict=True):
        t_day, t_instant = truth_of(page)
        if t_day is not None:
            dated += 1
            covered += pred.day is not None
        if pred.day == t_day:
            day_ok += 1
        elif pred.day is not None:
            wrong += 1
        if t_instant is not None:
            minute_n += 1
            if pred.instant is not None:
                delta = abs(pred.instant.astimezone(UTC) - t_instant.astimezone(UTC))
                minute_ok += delta.total_seconds() < 60
        got = pred.instant.isoformat() if pred.instant else (str(pred.day) if pred.day else "-")
        mark = "ok" if pred.day == t_day else "WRONG" if pred.day else "miss"
        rows.append((page.name, f"{page.truth or '-'}", f"{got} {mark}"))
    return (
        {
            "day accuracy": day_ok / n,
            "minute accuracy": minute_ok / minute_n if minute_n else float("nan"),
            "wrong-date rate": wrong / n,
            "coverage": covered / dated if dated else float("nan"),
            "ms/page": statistics.median(times),
        },
        rows,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--show", action="store_true", help="print per-page results")
    args = parser.parse_args(argv)
    pages = load(args.data_dir)
    langs = sorted({(p.language or "?").split("-")[0] for p in pages})
    print(f"{len(pages)} pages, {len(langs)} languages: {' '.join(langs)}")

    results = {}
    details = {}
    for name, tool in (("newsbot", run_newsbot), ("htmldate", run_htmldate)):
        results[name], details[name] = evaluate(pages, tool)

    metrics = list(results["newsbot"])
    print(f"\n{'metric':<18}{'newsbot':>12}{'htmldate':>12}")
    for metric in metrics:
        cells = []
        for name in results:
            v = results[name][metric]
            if name == "htmldate" and metric == "minute accuracy":
                cells.append(f"{'n/a':>12}")
            elif metric == "ms/page":
                cells.append(f"{v:>12.2f}")
            else:
                cells.append(f"{v:>11.1%} ")
        print(f"{metric:<18}{''.join(cells)}")

    if args.show:
        print()
        for (page, truth, ours), (_, _, theirs) in zip(
            details["newsbot"], details["htmldate"], strict=True
        ):
            print(f"{page:<24} truth {truth:<26} newsbot {ours:<36} htmldate {theirs}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
