"""Servers a test can stop and start again on the same port and data: Redis, PostgreSQL.

`RestartableRedis` is a private `redis-server` with AOF on or off; `PgCluster` a private
PostgreSQL cluster (initdb + pg_ctl from the PostgreSQL binaries, as the `postgres`
user when the tests run as root, since the server refuses to run as root).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
import redis


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RestartableRedis:
    """A redis-server on a free port; `appendonly` keeps the data across a restart."""

    def __init__(self, directory: Path, *, appendonly: bool) -> None:
        self.binary = shutil.which("redis-server")
        self.dir, self.appendonly = directory, appendonly
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.child: subprocess.Popen | None = None

    def start(self) -> None:
        assert self.binary, "no redis-server"
        aof = ["--appendonly", "yes", "--appendfsync", "always"] if self.appendonly else []
        self.child = subprocess.Popen(
            [self.binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
             "--appendonly", "no", *aof, "--dir", str(self.dir), "--daemonize", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.exceptions.BusyLoadingError:
                pass
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start on port {self.port}") from None
            time.sleep(0.05)

    def stop(self) -> None:
        if self.child is not None and self.child.poll() is None:
            self.child.terminate()  # SIGTERM: Redis writes its AOF and exits
            self.child.wait(20)
        self.child = None

    def restart(self, down: float = 1.0) -> None:
        self.stop()
        time.sleep(down)
        self.start()


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


def pg_cluster_available() -> str | None:
    if _pg_bin() is None:
        return "no PostgreSQL binaries (initdb, pg_ctl)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and no `postgres` user to run PostgreSQL as"
    return None


class PgCluster:
    """A PostgreSQL cluster of its own in a temporary directory, on a free port."""

    def __init__(self) -> None:
        bindir = _pg_bin()
        assert bindir is not None
        self.bindir = bindir
        self.dir = Path(tempfile.mkdtemp(prefix="newsbot-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.user = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
        if os.geteuid() == 0:
            entry = pwd.getpwnam("postgres")
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)
        self.url = f"postgresql://{self.user}@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *args], check=True, capture_output=True, timeout=120, cwd=self.dir)

    def init(self) -> PgCluster:
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-A", "trust",
                  "-U", self.user, "-E", "UTF8", "--no-sync")  # fmt: skip
        return self

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", options,
                  "-l", str(self.dir / "log"), "-w", "start")  # fmt: skip
        with psycopg.connect(self.url, connect_timeout=5):
            pass

    def stop(self) -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
