"""newsbot's own crawl signals, sent through the crawler's signal manager.

Components do not reach into each other: the one that knows something sends a
signal, those that care connect to it (as with Scrapy's own signals, which are
plain objects too).
"""

from typing import Any

#: a run row now holds this crawl's articles: ``run_id`` (int or None). Sent by the
#: run recorder when it starts the run itself (`scrapy crawl`), and by a distributed
#: worker whenever its crawl round changes.
run_started = object()

#: store what waits now: sent by a distributed worker before it says it is idle.
#: Receivers return True while a write is still under way.
store_flush = object()


def store_writing(crawler: Any) -> bool:
    """Ask the crawler's store to hand over what waits (store_flush): True while it writes."""
    answers = crawler.signals.send_catch_log(store_flush)
    return any(answer is True for _receiver, answer in answers)


#: how far the store is: receivers return (mark, written), where everything handed to
#: the store so far is written with batch `mark` and every batch up to `written` is
#: written or spooled. A distributed worker acks a request's lease once its articles are.
store_position = object()

#: stop this crawl (the first SIGINT/SIGTERM, newsbot.run.runner): ``reason`` (str). The
#: spider drops what waits in the downloader; the engine is then closed as usual.
stop_requested = object()

#: the crawl stops now, before its spider could close (a second signal): ``reason``
#: (str). Sent after the store has written what waited; the run recorder records the
#: source's counters, since spider_closed will not come.
stopping_now = object()
