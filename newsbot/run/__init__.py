"""The crawl runner: everything that starts, coordinates and watches crawls.

- `runner`: `newsbot crawl` (and the demo) — one Scrapy crawler per source, one run record;
- `distributed_worker`: `newsbot worker` — one of N crawler processes on a shared frontier;
- `frontier/`: the shared Redis frontier (queue, seen set, rounds, heartbeats), `newsbot enqueue`;
- `stage_pool`: the process pool that runs the CPU-heavy item stages off the reactor;
- `locks`: per-source locks, so two crawls never work on one source at once;
- `progress`: the live progress display of a crawl;
- `browser`: finding Chromium for pages rendered with JavaScript;
- `deathsig`: child processes that die with their parent.

Importing this package imports nothing: each module is loaded where it is used.
"""
