"""Names of the crawl's stats keys, in one place.

Components talk through Scrapy's stats collector; the run summary, `newsbot status`, the
run records and the tests read the same keys. A key written as a literal in two places
drifts apart, so every key (or the function that builds a per-name key) lives here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PREFIX = "newsbot/"

# articles fetched and followed
ARTICLES_FETCHED = "newsbot/articles/fetched"
#: distinct article URLs discovery found (fetched, skipped as stored, or failed)
ARTICLES_FOUND = "newsbot/articles/found"
ARTICLES_FETCH_FAILED = "newsbot/articles/fetch_failed"
ARTICLES_REDIRECT_TO_SEEN = "newsbot/articles/redirect_to_seen"
ENTRY_POINTS_OK = "newsbot/entry_points/ok"
ENTRY_POINTS_FAILED = "newsbot/entry_points/failed"
#: feeds, sitemaps and start pages the site's robots.txt disallows (a warning, not an error)
ROBOTS_REFUSED = "newsbot/robots/refused"
#: the URLs behind ROBOTS_REFUSED, for the run's summary (a list: not kept in crawl_runs)
ROBOTS_REFUSED_URLS = "newsbot/robots/refused_urls"

# discovery (feeds, sitemaps, listing pages)
DISCOVERY_NOT_MODIFIED = "newsbot/discovery/not_modified"
DISCOVERY_UNPARSABLE = "newsbot/discovery/unparsable"
DISCOVERY_TRUNCATED = "newsbot/discovery/truncated"
DISCOVERY_TOO_LARGE = "newsbot/discovery/too_large"
DISCOVERY_SKIPPED_BY_PATTERN = "newsbot/discovery/skipped_by_pattern"
DISCOVERY_ROBOTS_SITEMAPS = "newsbot/discovery/robots_sitemaps"
DISCOVERY_OPTIONAL_FAILED = "newsbot/discovery/optional_failed"
DISCOVERY_AUTODISCOVERED_FEEDS = "newsbot/discovery/autodiscovered_feeds"

# incremental re-crawls
INCREMENTAL_SKIPPED_KNOWN = "newsbot/incremental/skipped_known"
INCREMENTAL_REFRESH_DUE = "newsbot/incremental/refresh_due"
INCREMENTAL_CHANGED = "newsbot/incremental/changed"

# pages dropped or skipped, with their reason
DROPPED_PREFIX = "newsbot/dropped/"
DROPPED_NOT_HTML = "newsbot/dropped/not_html"
DROPPED_TOO_LARGE = "newsbot/dropped/too_large"
DROPPED_SAME_PAGE_TWICE = "newsbot/dropped/same_page_twice"
SKIPPED_TOO_OLD = "newsbot/skipped/too_old"
REFUSED_PRIVATE_ADDRESS = "newsbot/refused/private_address"

# politeness
RETRY_BACKOFF_SECONDS = "newsbot/retry/backoff_seconds"
PACE_WAITS = "newsbot/pace/waits"
#: distributed mode: requests dropped unfetched, the round's max_pages/max_duration reached
ROUND_LIMIT_DROPPED = "newsbot/round_limit/dropped"

# storage
STORE_NEW = "newsbot/store/new"
STORE_UPDATED = "newsbot/store/updated"
STORE_UNCHANGED = "newsbot/store/unchanged"
STORE_FAILED = "newsbot/store/failed"
STORE_REPOSTS = "newsbot/store/reposts"
STORE_SPOOLED = "newsbot/store/spooled"
STORE_SPOOL_PENDING = "newsbot/store/spool_pending"
STORE_RESPOOLED = "newsbot/store/respooled"
STORE_RECONNECTS = "newsbot/store/reconnects"
STORE_BATCHES = "newsbot/store/batches"

# raw pages kept as WARC (middlewares.archive)
#: responses written to the archive (each also has its request record)
ARCHIVE_RESPONSES = "newsbot/archive/responses"
#: bytes the archive grew by (compressed, request records and file headers included)
ARCHIVE_BYTES = "newsbot/archive/bytes"
#: responses that could not be written (disk full, no permission): not in the archive
ARCHIVE_ERRORS = "newsbot/archive/errors"

# stopping (a limit or a signal): requests dropped before they were fetched
STOP_UNFETCHED = "newsbot/stop/unfetched"
# distributed mode: pages extracted before discovery settled (NEWSBOT_HINTS_SETTLE ran
# out), and pages whose request came from a worker with other settings for the source
HINTS_UNSETTLED = "newsbot/distributed/hints_unsettled"
SOURCE_VERSION_MISMATCH = "newsbot/distributed/source_version_mismatch"
# errors of one source, each counted by the component that met it on this source's own
# requests and items (never the process's ERROR log count, which every crawler of a
# run shares: one source's fault would show on all of them)
#: a stage raised something other than a rejection (a bug, a page it cannot handle)
STAGE_ERRORS = "newsbot/errors/stage"
#: an item pipeline raised (Scrapy's item_error signal)
ITEM_ERRORS = "newsbot/errors/item"
#: an article that could not be downloaded at all (no HTTP response, after the retries);
#: an article answered with an HTTP error is newsbot/articles/fetch_failed only (a warning)
DOWNLOAD_ERRORS = "newsbot/errors/download"
#: a spider callback raised (counted by Scrapy itself)
SPIDER_EXCEPTIONS = "spider_exceptions/count"
#: the sum of ERROR_KEYS, as crawl_runs keeps it
ERRORS = "newsbot/errors"
ERROR_KEYS = (
    ENTRY_POINTS_FAILED,
    DOWNLOAD_ERRORS,
    STORE_FAILED,
    STAGE_ERRORS,
    ITEM_ERRORS,
    SPIDER_EXCEPTIONS,
    ARCHIVE_ERRORS,
)


def _number(stats: Mapping[str, Any], key: str) -> int:
    value = stats.get(key, 0)
    return int(value) if isinstance(value, int | float) else 0


def error_count(stats: Mapping[str, Any]) -> int:
    """One source's errors: entry points that could not be fetched, articles that could
    not be downloaded (after the retries) or stored, stage, pipeline and spider errors,
    responses the archive could not keep.
    A refusal by robots.txt is not one (ROBOTS_REFUSED, a warning), nor an article page
    that answers with an HTTP error (ARTICLES_FETCH_FAILED, a warning)."""
    return sum(_number(stats, key) for key in ERROR_KEYS)


def recorded_errors(counters: Mapping[str, Any]) -> int:
    """The errors a crawl_runs row recorded for a source; rows written before ERRORS
    existed only have the process's ERROR log count."""
    if ERRORS in counters:
        return _number(counters, ERRORS)
    return _number(counters, "log_count/ERROR")


def dropped(reason: str) -> str:
    """A page dropped for `reason` (a page type, a stage's error, a size limit)."""
    return f"{DROPPED_PREFIX}{reason}"


def stage_ok(stage: str) -> str:
    """Items a pipeline stage passed on."""
    return f"{PREFIX}{stage}/ok"


def discovery(kind: str) -> str:
    """Entries found per kind of discovery document (feed, sitemap, listing)."""
    return f"{PREFIX}discovery/{kind}"


def store(outcome: str) -> str:
    """Articles by what storing them did (new, updated, unchanged)."""
    return f"{PREFIX}store/{outcome}"


#: stats kept per source in crawl_runs.counters, besides every newsbot/ key
_RUN_COUNTER_PREFIXES = (PREFIX, "downloader/response_status_count/", "item_")
_RUN_COUNTERS = (
    "downloader/request_count",
    "downloader/response_count",
    "log_count/ERROR",
    "log_count/WARNING",
    "retry/count",
    "robotstxt/forbidden",
    SPIDER_EXCEPTIONS,
)


def run_counters(stats: Mapping[str, Any]) -> dict[str, Any]:
    """The stats of one source that its crawl_runs row keeps (numbers only), with its
    error count (ERRORS)."""
    counters = {
        key: value
        for key, value in stats.items()
        if isinstance(value, int | float)
        and (key in _RUN_COUNTERS or key.startswith(_RUN_COUNTER_PREFIXES))
    }
    counters[ERRORS] = error_count(stats)
    return counters
