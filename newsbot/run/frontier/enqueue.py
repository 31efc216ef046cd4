"""`newsbot enqueue`: put sources' entry points into the shared frontier, as a round.

A round is one `crawl_runs` row that every worker's counters are added to. While a
round is still running (workers busy, or its end not yet recorded), new entry points
join it rather than open a second one, so an hourly enqueue that finds the previous
round unfinished does not make two runs of the same work.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from newsbot.run import frontier
from newsbot.run.frontier.components import ROUND, MarkingPriorityQueue, escaped_key
from newsbot.run.frontier.setup import open_shared
from newsbot.run.locks import DISTRIBUTED_COMMAND
from newsbot.storage import connect
from newsbot.storage.runs import join_run, start_run


@dataclass
class Enqueued:
    round_id: int
    #: True when the entry points joined a round that was still running
    joined: bool
    #: source name → entry points pushed
    requests: dict[str, int]
    pending: int


def enqueue(
    sources_file: str | Path,
    names: list[str] | tuple[str, ...] = (),
    *,
    database_url: str | None = None,
    redis_url: str | None = None,
    command: str | None = None,
) -> Enqueued:
    """Push the entry points of the named sources (all by default) for the workers."""
    from scrapy_redis.connection import get_redis

    from spiders.news import NewsSpider

    shared = open_shared(sources_file, names, database_url, redis_url)
    sources, front, url = shared.sources, shared.front, shared.redis_url
    with connect(shared.database_url) as conn:
        current = front.current_round()
        joined = (
            current is not None
            and front.round_open(current)
            and join_run(conn, current, [s.name for s in sources])
        )
        if joined:
            round_id = current
        else:
            # the command marks the row as a round: no process holds locks for it (see
            # newsbot.run.locks.interrupt_dead_runs), its workers record its end
            round_id = start_run(conn, [s.name for s in sources], command or DISTRIBUTED_COMMAND)
            front.set_round(round_id)
    assert round_id is not None
    # scrapy-redis stores pickled requests: bytes, not text
    raw = get_redis(url=url, **frontier.client_params())
    pushed: dict[str, int] = {}
    for source in sources:
        spider = NewsSpider(sources=str(sources_file), source=source.name)
        key = escaped_key(frontier.queue_key(source.name, front.prefix))
        queue = MarkingPriorityQueue(raw, spider, key)
        count = 0
        for request in spider.entry_requests():
            request.meta[ROUND] = round_id
            queue.push(request)
            count += 1
        pushed[source.name] = count
    front.register_queues(s.name for s in sources)
    return Enqueued(round_id, joined, pushed, front.snapshot().pending)
