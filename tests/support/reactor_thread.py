"""A Twisted reactor running in a background thread, for components that hand work to
threads (deferToThread) and so need a live reactor, tested without a whole crawl.

The reactor cannot be restarted, so it runs once per test session and is left
running (a daemon thread); tests call into it with `call`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Coroutine
from typing import Any

from twisted.internet.defer import Deferred
from twisted.internet.threads import blockingCallFromThread

_started = threading.Lock()


def running_reactor() -> Any:
    """The reactor, running in a daemon thread (started on first use)."""
    from twisted.internet import reactor

    with _started:
        if not reactor.running:  # type: ignore[attr-defined]
            thread = threading.Thread(
                target=reactor.run,  # type: ignore[attr-defined]
                kwargs={"installSignalHandlers": False},
                name="test-reactor",
                daemon=True,
            )
            thread.start()
            deadline = time.monotonic() + 10
            while not reactor.running and time.monotonic() < deadline:  # type: ignore[attr-defined]
                time.sleep(0.01)
    return reactor


def call(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run `function` on the reactor thread and wait for its result (a Deferred's or a
    coroutine's result included); its exception is raised here."""
    reactor = running_reactor()

    def run() -> Any:
        result = function(*args, **kwargs)
        if isinstance(result, Coroutine):
            return Deferred.fromCoroutine(result)
        return result

    return blockingCallFromThread(reactor, run)
