"""What discovery learnt about an article URL, shared by every worker of a round.

One process merges the hints of every discovery path that found a URL (a feed's
date and title, a sitemap's lastmod, the listing it was linked from) before it
fetches the page. With N workers the second path's request is dropped by the shared
fingerprint set, so its hints would stay in the worker that read that feed. Here
every path's hints are appended, at discovery time and in one atomic step, to a
per-round hash keyed by the normalised URL; the worker that fetches the page reads
them all and merges them in a fixed order (`newsbot.items.merge_all`), so the result
does not depend on which worker read which feed first.

A page is extracted once the source's discovery of the round has settled: every
feed, sitemap and listing request pushed to the frontier is recorded in a set (by
`MarkingPriorityQueue.push`) and removed once its callback has handed over what it
found (middlewares.round) or its errback ran (spiders/news.py). The fetching worker
waits (at most NEWSBOT_HINTS_SETTLE seconds: a worker killed mid-discovery must not
hold the round) until that set is empty, as one process extracts a page after the
discovery that went ahead of it in the queue.

Keys (under the frontier prefix):

- ``{p}:hints:{source}:{round}`` — hash normalised URL → hints, one JSON object per
  line, one line per discovery path (expires with the round's fingerprints);
- ``{p}:discovering:{source}:{round}`` — set of discovery requests not yet parsed.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from newsbot.items import Hints
from newsbot.run.frontier import PREFIX, SEEN_TTL
from newsbot.run.frontier import client as frontier_client

#: append one path's hints to a URL's field (skipping an identical line), in one step
_APPEND = """
local line = ARGV[2]
local known = redis.call('HGET', KEYS[1], ARGV[1])
if known then
  for l in string.gmatch(known, '[^\\n]+') do
    if l == line then return 0 end
  end
  redis.call('HSET', KEYS[1], ARGV[1], known .. '\\n' .. line)
else
  redis.call('HSET', KEYS[1], ARGV[1], line)
end
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
"""

#: request.meta["newsbot_kind"] values whose callbacks discover articles
DISCOVERING_KINDS = ("discovery", "listing")


def hints_key(source: str, round_id: Any, prefix: str = PREFIX) -> str:
    return f"{prefix}:hints:{source}:{round_id if round_id is not None else 'none'}"


def discovering_key(source: str, round_id: Any, prefix: str = PREFIX) -> str:
    return f"{prefix}:discovering:{source}:{round_id if round_id is not None else 'none'}"


def request_token(url: str, meta: dict) -> str:
    """What names one discovery request in the discovering set (its URL as pushed,
    before any redirect)."""
    redirects = meta.get("redirect_urls")
    return f"{meta.get('newsbot_kind')}:{redirects[0] if redirects else url}"


def encode(hints: Hints) -> str:
    return json.dumps(asdict(hints), sort_keys=True, ensure_ascii=False)


def decode(line: str) -> Hints:
    data = json.loads(line)
    return Hints(**{k: v for k, v in data.items() if k in Hints.__dataclass_fields__})


class HintBoard:
    """One source's shared hints and discovery-in-flight set (redis-py, no Scrapy)."""

    def __init__(self, client: Any, source: str, prefix: str = PREFIX) -> None:
        self.client = client
        self.source = source
        self.prefix = prefix
        self._append = client.register_script(_APPEND)

    @classmethod
    def from_settings(cls, settings: Any, source: str) -> HintBoard:
        """A worker component's board: its crawler's REDIS_URL and NEWSBOT_REDIS_PREFIX."""
        return cls(
            frontier_client(settings.get("REDIS_URL")),
            source,
            settings.get("NEWSBOT_REDIS_PREFIX", PREFIX),
        )

    def add(self, round_id: Any, url: str, hints: Hints) -> None:
        self._append(
            keys=[hints_key(self.source, round_id, self.prefix)],
            args=[url, encode(hints), SEEN_TTL],
        )

    def read(self, round_id: Any, url: str) -> list[Hints]:
        return _lines(self.client.hget(hints_key(self.source, round_id, self.prefix), url))

    def discovering(self, round_id: Any, token: str) -> None:
        key = discovering_key(self.source, round_id, self.prefix)
        pipe = self.client.pipeline()
        pipe.sadd(key, token)
        pipe.expire(key, SEEN_TTL)
        pipe.execute()

    def discovered(self, round_id: Any, token: str) -> None:
        self.client.srem(discovering_key(self.source, round_id, self.prefix), token)

    def pending(self, round_id: Any, ignoring: set[str] | frozenset[str] = frozenset()) -> set[str]:
        """The discovery requests of the round still in flight (those in `ignoring`, given
        up on already, left out: a worker killed while reading a feed leaves its token)."""
        key = discovering_key(self.source, round_id, self.prefix)
        return _tokens(self.client.smembers(key)) - set(ignoring)

    def pending_and_read(
        self, round_id: Any, url: str, ignoring: set[str] | frozenset[str] = frozenset()
    ) -> tuple[set[str], list[Hints]]:
        """`pending` and `read` in one round trip: what a page's fetch asks first (usually
        nothing is in flight, and the hints read are the ones to use)."""
        pipe = self.client.pipeline(transaction=False)
        pipe.smembers(discovering_key(self.source, round_id, self.prefix))
        pipe.hget(hints_key(self.source, round_id, self.prefix), url)
        tokens, raw = pipe.execute()
        return _tokens(tokens) - set(ignoring), _lines(raw)


def _tokens(members: Any) -> set[str]:
    return {t.decode("utf-8") if isinstance(t, bytes) else t for t in members}


def _lines(raw: Any) -> list[Hints]:
    if not raw:
        return []
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8")
    return [decode(line) for line in raw.split("\n") if line]
