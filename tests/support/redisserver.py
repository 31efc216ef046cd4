"""A private Redis for tests and benches: never the operator's data.

NEWSBOT_TEST_REDIS_URL names a server to use (its database is flushed first);
otherwise `redis-server` (Debian: apt-get install redis-server) is started on a free
loopback port, keeping nothing on disk, and stopped afterwards.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

import redis

ENV_URL = "NEWSBOT_TEST_REDIS_URL"


def redis_available() -> str | None:
    """Why no test Redis can be had, or None when one can."""
    if os.environ.get(ENV_URL) or shutil.which("redis-server"):
        return None
    return f"no redis-server (apt-get install redis-server) and {ENV_URL} is not set"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def redis_server() -> Iterator[str]:
    """Yield the URL of an empty Redis database."""
    url = os.environ.get(ENV_URL)
    if url:
        redis.Redis.from_url(url).flushdb()
        yield url
        return
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError(redis_available() or "no redis-server")
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="newsbot-redis-") as tmp:
        child = subprocess.Popen(
            [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
             "--appendonly", "no", "--dir", tmp, "--daemonize", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        url = f"redis://127.0.0.1:{port}/0"
        try:
            client = redis.Redis.from_url(url)
            for _ in range(100):
                try:
                    client.ping()
                    break
                except redis.ConnectionError:
                    time.sleep(0.05)
            else:
                raise RuntimeError(f"redis-server did not start on port {port}")
            yield url
        finally:
            child.terminate()
            try:
                child.wait(10)
            except subprocess.TimeoutExpired:
                child.kill()
