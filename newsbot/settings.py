"""Scrapy settings for newsbot (scrapy.cfg points here), and every NEWSBOT_* default.

Each NEWSBOT_* setting has its one default and one line of documentation here;
components read it with this module's value as the fallback (`defaults.NAME`), so a
crawler built without the project settings (a test's `get_crawler`) behaves the same.
Change one per run with `-s NAME=VALUE` (`newsbot crawl -s`, `scrapy crawl -s`).

Environment variables (contract), read where they are used:
- NEWSBOT_DATABASE_URL: the PostgreSQL URL (else the embedded server);
- NEWSBOT_PGDATA: the embedded server's data folder;
- NEWSBOT_REDIS_URL: the Redis of distributed mode (`newsbot worker`, `enqueue`);
- NEWSBOT_CONTACT_URL: the contact URL in the User-Agent;
- NEWSBOT_SPOOL_DIR: where articles wait while the database is away;
- NEWSBOT_PROGRESS_INTERVAL: seconds between plain progress lines;
- NEWSBOT_BROWSER: the Chromium binary for `render_js` sources;
- NEWSBOT_CRONTAB: the crontab file `newsbot schedule` edits (tests point it elsewhere);
- NEWSBOT_ARCHIVE_DIR: keep every fetched response of every source as WARC there.
Per-run settings (the run id) are passed by the CLI.
"""

import os

from newsbot import __version__

BOT_NAME = "newsbot"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

NEWSBOT_CONTACT_URL = os.environ.get("NEWSBOT_CONTACT_URL", "https://github.com/newsbot/newsbot")
USER_AGENT = f"newsbot/{__version__} (+{NEWSBOT_CONTACT_URL})"

ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
# outputs of one response handled at once: a page yields one article, a feed a list of
# requests; Scrapy's 100 starts 100 asyncio tasks per response (a fifth of the reactor's time)
CONCURRENT_ITEMS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Scrapy's remote control listens on a local TCP port that lets anyone on the machine
# drive the engine: nobody here needs it
REMOTE_CONTROL_ENABLED = False

AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

# Safety limits for one source; the CLI and `-s` can override them.
CLOSESPIDER_PAGECOUNT = 0
CLOSESPIDER_TIMEOUT = 0

DOWNLOADER_MIDDLEWARES = {
    # before robots.txt and retries: a page we will not fetch costs nothing
    "middlewares.incremental.IncrementalMiddleware": 50,
    # before anything is fetched, redirects included: no trip into private networks
    "middlewares.private_network.PrivateNetworkMiddleware": 60,
    # distributed mode only: one request rate per site across every worker (Redis); last
    # before the download, so that nothing holds a request after its slot
    # distributed mode only: max_pages/max_duration per round, counted in Redis; before
    # the pace slot, so a request dropped at a limit does not take one
    "middlewares.round_limits.RoundLimitsMiddleware": 940,
    "middlewares.shared_pace.SharedPaceMiddleware": 950,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "middlewares.retry.BackoffRetryMiddleware": 550,
    # next to the download (after redirects 600, decompression 590, retries 550): every
    # response is kept as sent, still content-encoded, redirects and errors included
    "middlewares.archive.ArchiveMiddleware": 900,
}
# skip stored, unchanged articles and send conditional requests for feeds and sitemaps
NEWSBOT_INCREMENTAL = True
# refuse private/loopback/link-local addresses the sources file does not name (SSRF)
NEWSBOT_BLOCK_PRIVATE_NETWORKS = True
# keep every fetched response as WARC in this directory, for every source (None: only the
# sources with an `archive` key, which wins)
NEWSBOT_ARCHIVE_DIR = os.environ.get("NEWSBOT_ARCHIVE_DIR") or None
# start a new WARC file past this many bytes (newsbot.archive.writer.DEFAULT_MAX_BYTES)
NEWSBOT_ARCHIVE_MAX_BYTES = 1_000_000_000

SPIDER_MIDDLEWARES = {
    # distributed mode: requests found on a page belong to that page's crawl round
    "middlewares.round.RoundMiddleware": 50,
}

# Distributed mode (`newsbot worker`, `newsbot enqueue`): the shared frontier in Redis.
# The worker sets NEWSBOT_DISTRIBUTED and the scrapy-redis settings per source crawler
# (newsbot.run.frontier.components.distributed_settings).
NEWSBOT_REDIS_URL = os.environ.get("NEWSBOT_REDIS_URL")
# this crawler is one worker of a distributed round (set by `newsbot worker`)
NEWSBOT_DISTRIBUTED = False
# prefix of the frontier's Redis keys
NEWSBOT_REDIS_PREFIX = "newsbot"
# the worker's name in the frontier's registry (set by `newsbot worker`)
NEWSBOT_WORKER_ID = ""
# seconds between two requests to one site, kept by all workers together (0: no pacing)
NEWSBOT_PACE_INTERVAL = 0.0
# seconds a request taken by a worker stays its own without a heartbeat (then back in the queue)
NEWSBOT_LEASE_TIMEOUT = 300.0
# seconds a worker waits, before extracting a page, for the source's discovery in flight
# (feeds, sitemaps, listings other workers read) to hand over its hints
NEWSBOT_HINTS_SETTLE = 30.0

ITEM_PIPELINES = {
    "pipelines.extract.ExtractPipeline": 100,
    "pipelines.dates.DatesPipeline": 200,
    "pipelines.boilerplate.BoilerplatePipeline": 300,
    "pipelines.dedup.DedupPipeline": 400,
    "pipelines.store.StorePipeline": 500,
}

EXTENSIONS = {
    # run rows and per-source counters in crawl_runs; `scrapy crawl` locks its source
    "extensions.run_recorder.RunRecorder": 100,
}

# Worker processes for the stages (None: one per core; 0: in-line on the reactor thread)
NEWSBOT_STAGE_WORKERS = None

# Store stage: rows written per transaction. Database: NEWSBOT_DATABASE_URL or embedded.
NEWSBOT_STORE_BATCH_SIZE = 50
# writer threads, each with its own connection
NEWSBOT_STORE_WRITERS = 2
# batches waiting for a writer before the crawl is held back (backpressure; 0: 2 per writer)
NEWSBOT_STORE_MAX_PENDING = 0
# seconds between tries to store spooled articles while the database is away
NEWSBOT_SPOOL_RETRY_INTERVAL = 5.0
# the database (None: the embedded server)
NEWSBOT_DATABASE_URL = os.environ.get("NEWSBOT_DATABASE_URL")
# the crawl_runs row of this crawl, set by `newsbot crawl` (None: the run recorder starts one)
NEWSBOT_RUN_ID = None

# Retries: exponential backoff from the base delay, capped (Retry-After is obeyed up to the cap)
NEWSBOT_RETRY_BASE_DELAY = 1.0
NEWSBOT_RETRY_MAX_DELAY = 60.0
# entries read from one feed or sitemap at most (a hostile sitemap cannot flood the crawl)
NEWSBOT_DISCOVERY_MAX_ENTRIES = 50_000

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
# a dropped page is one short line (`dropped <url>: <reason>`, INFO), never the whole item
LOG_FORMATTER = "extensions.log_formatter.QuietLogFormatter"
