"""Distributed-mode benchmark: one `newsbot crawl`, then 1, 2 and 4 `newsbot worker`s.

    .venv/bin/python bench/distributed.py [--articles-per-site 850] [--sites 6]
        [--workers 1,2,4] [--no-crawl] [--quick] [--stage-workers 0] [--paced-rate 4]
        [--database-url URL] [--redis-url URL]

Writes a generated news web (≥ 5,000 pages by default: feeds, sitemap indexes,
paginated archives, news-sized article pages, some sites reposting others) and
serves each site from its own server *process*, logging every request. Redis is a
private `redis-server` (Debian's package) on a free port unless --redis-url names one.
First one ordinary `newsbot crawl` of the web (the single-process reference, unless
--no-crawl); then for each N: a fresh database and frontier, `newsbot enqueue`, then N
workers started together with --until-idle. For each it prints pages/s (between the
first and the last fetch), articles stored, duplicate fetches (a page fetched twice;
robots.txt, which Scrapy reads once per worker and site, apart), duplicate rows (two
rows for one article URL or canonical), and the peak request rate per site over any
5-second window, against each site's configured limit. One site ("paced") gets a
limit of --paced-rate requests/s, below what the workers would fetch it at, so the
limit binds; the others a loose one, so the web server is not what limits throughput.
--quick is a short run (a paced site of 40 articles, 2 others of 120).

Each worker runs its stages in-line by default (--stage-workers 0): one worker then
uses about one core, which is what makes scaling from 1 to 2 workers measurable on a
2-core machine (with stage worker processes, a single worker already fills both).
The `newsbot crawl` row runs with the same setting.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import unquote

import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newsbot.storage import connect, resolve_database_url, upgrade  # noqa: E402
from newsbot.storage.measures import article_url_counts, run_statuses  # noqa: E402
from tests.support.database import scratch_database  # noqa: E402
from tests.support.fixtureweb import SiteSpec, build_web  # noqa: E402
from tests.support.redisserver import redis_server  # noqa: E402

STYLES = ("dated", "id", "slug")
LOOSE_RATE = 400.0  # requests/s per site for the unpaced sites: never the limit here

# One site per process: prints its base URL, serves until stdin closes, then writes
# its request log (time, path) as JSON to the file named in argv[3].
_SERVER = """
import json, sys
from pathlib import Path
from newsbot.demo.webserver import serve_sites
log = []
with serve_sites({sys.argv[2]: Path(sys.argv[1])}, log=log) as bases:
    print(bases[sys.argv[2]], flush=True)
    sys.stdin.read()
Path(sys.argv[3]).write_text(json.dumps([(t, p) for t, _, p in log]))
"""


@contextmanager
def site_servers(web: dict, logs: Path):
    """Start one server process per site; yield (bases, collect) where collect() stops
    them and returns {site: [(time, path), ...]}."""
    children = {}
    try:
        for name, site in web.items():
            children[name] = subprocess.Popen(
                [sys.executable, "-c", _SERVER, str(site.root), name, str(logs / f"{name}.json")],
                cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            )  # fmt: skip
        bases = {name: child.stdout.readline().strip() for name, child in children.items()}

        def collect() -> dict[str, list[tuple[float, str]]]:
            for child in children.values():
                child.stdin.close()
            for child in children.values():
                child.wait(60)
            return {n: json.loads((logs / f"{n}.json").read_text()) for n in children}

        yield bases, collect
    finally:
        for child in children.values():
            if child.poll() is None:
                child.kill()


def peak_rate(times: list[float], window: float = 5.0) -> float:
    """Most requests seen in any `window` seconds, per second (5 s: at a few requests per
    second, a 1-s window measures the rounding more than the rate)."""
    times = sorted(times)
    best, j = 0, 0
    for i, t in enumerate(times):
        while times[j] < t - window:
            j += 1
        best = max(best, i - j + 1)
    return best / window


def one_run(
    n: int, web: dict, specs: tuple[SiteSpec, ...], server: str, redis_url: str, args, tmp: Path
) -> dict:
    redis.Redis.from_url(redis_url).flushdb()
    logs = tmp / f"logs-{n}"
    logs.mkdir()
    with (
        scratch_database(server, "newsbot_bench_distributed") as url,
        site_servers(web, logs) as (bases, collect),
    ):
        with connect(url) as conn:
            upgrade(conn)
            conn.commit()
        rate = {s.name: (args.paced_rate if s.name == "paced" else LOOSE_RATE) for s in specs}
        sources = tmp / f"sources-{n}.toml"
        sources.write_text("".join(
            f'[[sources]]\nname = "{s}"\nfeeds = ["{b}/rss.xml"]\nsitemaps = ["{b}/sitemap.xml"]\n'
            f'start_urls = ["{b}/"]\nmax_depth = 2\ndownload_delay = {1 / rate[s]:.6f}\n'
            f"concurrency = 8\n\n"
            for s, b in bases.items()
        ))  # fmt: skip
        env = {**os.environ, "NEWSBOT_DATABASE_URL": url, "NEWSBOT_REDIS_URL": redis_url}
        common = [
            "--sources", str(sources), "--progress", "off", "--log-level", "WARNING",
            "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS=32",
            "-s", f"NEWSBOT_STAGE_WORKERS={args.stage_workers}",
        ]  # fmt: skip
        if n:
            subprocess.run(
                [sys.executable, "-m", "newsbot", "enqueue", "--sources", str(sources)],
                cwd=ROOT, env=env, check=True, capture_output=True,
            )  # fmt: skip
            command = [sys.executable, "-m", "newsbot", "worker", "--until-idle", "3", *common]
        else:  # the reference: one ordinary crawl process, no Redis
            env.pop("NEWSBOT_REDIS_URL")
            command = [sys.executable, "-m", "newsbot", "crawl", *common]
        started = time.time()
        workers = [
            subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
            for _ in range(max(n, 1))
        ]
        codes = []
        for worker in workers:
            _, err = worker.communicate()
            codes.append(worker.returncode)
            if worker.returncode:
                sys.stderr.write(err.decode()[-2000:])
        ended = time.time()
        requests = collect()
        with connect(url) as conn:
            counts = article_url_counts(conn)
            stored, urls, keys = counts["rows"], counts["urls"], counts["keys"]
            rounds = run_statuses(conn)
    times = [t for log in requests.values() for t, _ in log]
    # throughput over the sites the limit does not hold back (the paced one waits by design)
    free = [t for site, log in requests.items() if site != "paced" for t, _ in log]
    hits = Counter(
        (site, unquote(path)) for site, log in requests.items() for _, path in log
        if path != "/robots.txt"
    )  # fmt: skip
    expected = sum(len(site.articles) for site in web.values())
    return {
        "workers": n,
        "exit codes": codes,
        "wall": ended - started,
        "active": max(free) - min(free),
        "free pages": len(free),
        "pages": len(times),
        "stored": stored,
        "expected": expected,
        "duplicate fetches": sum(v - 1 for v in hits.values() if v > 1),
        "duplicate rows": stored - min(urls, keys),
        "rounds": rounds,
        "peak": {
            site: (peak_rate([t for t, _ in log]), rate[site]) for site, log in requests.items()
        },
    }


def _label(workers: int) -> str:
    return "crawl" if workers == 0 else f"{workers} worker" + ("s" if workers > 1 else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles-per-site", type=int, default=850)
    parser.add_argument("--sites", type=int, default=6)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--no-crawl", action="store_true", help="skip the newsbot crawl row")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a short run: a paced site of 40 articles, 2 others of 120",
    )
    parser.add_argument("--stage-workers", type=int, default=0)
    parser.add_argument("--paced-rate", type=float, default=4.0)
    parser.add_argument("--database-url", help="server to create scratch databases on")
    parser.add_argument("--redis-url", help="a Redis to use (its database is flushed)")
    args = parser.parse_args()
    if args.quick:
        args.sites, args.articles_per_site = 3, 120

    specs = [SiteSpec("paced", "dated", 40 if args.quick else 200)]
    for i in range(args.sites - 1):
        repost = {"repost_of": f"site{i - 1}", "reposts": 40} if i % 2 else {}
        specs.append(SiteSpec(f"site{i}", STYLES[i % 3], args.articles_per_site, **repost))
    specs_t = tuple(specs)
    server = args.database_url or resolve_database_url(announce=False)
    with ExitStack() as stack:
        redis_url = args.redis_url or stack.enter_context(redis_server())
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="newsbot-dist-")))
        web = build_web(tmp / "web", specs_t)
        articles = sum(len(s.articles) for s in web.values())
        print(
            f"fixture web: {len(web)} sites ({len(web)} server processes), {articles} articles; "
            f"{os.cpu_count()} cores; stage workers per worker: {args.stage_workers}",
            file=sys.stderr,
        )
        results = []
        runs = [] if args.no_crawl else [0]
        for n in [*runs, *(int(x) for x in args.workers.split(","))]:
            print(f"{n} worker(s)…" if n else "one newsbot crawl…", file=sys.stderr)
            results.append(one_run(n, web, specs_t, server, args.redis_url or redis_url, args, tmp))

    base = results[0]["free pages"] / results[0]["active"]
    first = "one crawl" if results[0]["workers"] == 0 else "one worker"
    print(f"\npages fetched by {first}: {results[0]['pages']}; articles: {articles}")
    header = (
        f"{'run':>9}  {'pages/s':>8}  {'speed-up':>8}  {'stored':>7}  {'dup fetches':>11}  "
        f"{'dup rows':>8}  {'paced peak/limit':>16}  {'max other peak':>14}  {'wall s':>6}  exit"
    )
    print(header)
    for r in results:
        rate = r["free pages"] / r["active"]
        paced_peak, paced_limit = r["peak"]["paced"]
        other = max(p for s, (p, _) in r["peak"].items() if s != "paced")
        print(
            f"{_label(r['workers']):>9}  {rate:>8.1f}  {rate / base:>8.2f}  {r['stored']:>7}  "
            f"{r['duplicate fetches']:>11}  {r['duplicate rows']:>8}  "
            f"{paced_peak:>7.1f}/{paced_limit:<8.1f}  {other:>14.1f}  {r['wall']:>6.1f}  "
            f"{','.join(map(str, r['exit codes']))}"
        )
    print(
        "\npages/s: responses of the unpaced sites between their first and last request; "
        "speed-up: against the first row; wall s: start to the last process's exit "
        "(workers: includes start-up and the 3 s idle wait)"
    )
    ok = all(
        r["stored"] == r["expected"] and not r["duplicate fetches"] and not r["duplicate rows"]
        and r["peak"]["paced"][0] <= 1.1 * args.paced_rate
        for r in results
    )  # fmt: skip
    verdict = "PASS" if ok else "FAIL"
    print(f"every article stored once, no page fetched twice, paced site within 10%: {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
