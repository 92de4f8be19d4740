"""Is the broker answering? A Kafka ApiVersions request once a second, on its own thread.

A frozen broker still accepts TCP connections (the kernel queues them), so only a reply counts.
The worker's Kafka clients retry on their own; this probe only makes an outage visible in the
metrics (`gridwatch_broker_up`, outages and outage seconds).
"""

from __future__ import annotations

import logging
import socket
import struct
import threading
import time
from dataclasses import dataclass

from gridwatch.streams import metrics

log = logging.getLogger(__name__)

API_VERSIONS = 18


def bootstrap_servers(url: str) -> list[str]:
    """`kafka://h1:9092,h2:9092` or `h1:9092;h2:9092` -> ["h1:9092", "h2:9092"]."""
    hosts = []
    for part in url.replace(";", ",").split(","):
        part = part.strip().removeprefix("kafka://").rstrip("/")
        if part:
            hosts.append(part)
    if not hosts:
        raise ValueError(f"no broker address in {url!r}")
    return hosts


def ping(server: str, timeout: float) -> bool:
    """One ApiVersions v0 round trip to `host:port`."""
    host, _, port = server.rpartition(":")
    client = b"gridwatch-probe"
    body = struct.pack(">hhih", API_VERSIONS, 0, 1, len(client)) + client
    try:
        with socket.create_connection((host, int(port)), timeout=timeout) as s:
            s.settimeout(timeout)
            s.sendall(struct.pack(">i", len(body)) + body)
            size = s.recv(4)
            return len(size) == 4 and struct.unpack(">i", size)[0] > 0
    except OSError:
        return False


@dataclass
class OutageTracker:
    """Up/down transitions of the broker; times are passed in (monotonic seconds)."""

    up: bool = True
    down_since: float | None = None
    outages: int = 0

    def observe(self, answered: bool, now: float) -> float:
        """Record one probe; returns outage seconds to add since the previous probe."""
        added = 0.0
        if not answered:
            if self.up:
                self.up, self.down_since, self.outages = False, now, self.outages + 1
            else:
                assert self.down_since is not None
                added, self.down_since = now - self.down_since, now
        elif not self.up:
            assert self.down_since is not None
            added, self.up, self.down_since = now - self.down_since, True, None
        return added


class BrokerProbe:
    def __init__(self, url: str, interval: float = 1.0, timeout: float = 2.0) -> None:
        self.servers = bootstrap_servers(url)
        self.interval, self.timeout = interval, timeout
        self.tracker = OutageTracker()
        self._stop = threading.Event()
        metrics.BROKER_UP.set(1)
        metrics.export_broker_metrics()

    def check(self) -> None:
        answered = any(ping(s, self.timeout) for s in self.servers)
        was_up = self.tracker.up
        metrics.BROKER_OUTAGE_SECONDS.inc(self.tracker.observe(answered, time.monotonic()))
        metrics.BROKER_UP.set(1 if answered else 0)
        if was_up and not answered:
            metrics.BROKER_OUTAGES.inc()
            log.warning("broker %s is not answering", ",".join(self.servers))
        elif answered and not was_up:
            log.warning("broker %s answers again", ",".join(self.servers))

    def run(self) -> None:
        while not self._stop.wait(self.interval):
            self.check()

    def start(self) -> BrokerProbe:
        threading.Thread(target=self.run, name="broker-probe", daemon=True).start()
        return self

    def stop(self) -> None:
        self._stop.set()
