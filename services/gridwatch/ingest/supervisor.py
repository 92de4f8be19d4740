"""Keeps one camera's stream running: reconnects with backoff and jitter, drops stale frames,
records health, and stops hammering a camera that keeps failing.

Stall detection lives in the adapters (socket and FFmpeg read timeouts of `stall_s`): a stream
that stays open but sends nothing raises SourceStalled and is reopened like a closed one.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from threading import Event

from gridwatch.domain.device_liveness import Backoff, too_old
from gridwatch.ingest.dead_letters import DeadLetter, DeadLetters
from gridwatch.ingest.frames import BadFrameSink, Frame, FrameSource
from gridwatch.ingest.health import IngestHealth

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reconnect:
    backoff: Backoff = field(default_factory=Backoff)
    # Consecutive failures after which the camera is reported offline; it is still retried,
    # but at the backoff's cap (default once a minute), never in a tight loop.
    offline_after: int = 5
    max_age: timedelta | None = timedelta(seconds=30)  # None: never stale (local files)


class CameraSupervisor:
    def __init__(
        self,
        device_id: str,
        open_source: Callable[[], FrameSource],
        on_frame: Callable[[Frame], None],
        health: IngestHealth,
        *,
        policy: Reconnect | None = None,
        rng: random.Random | None = None,
        finite: bool = False,
    ) -> None:
        self.device_id, self.open_source, self.on_frame = device_id, open_source, on_frame
        self.health = health
        self.policy = policy or Reconnect()
        self.rng = rng or random.Random()
        self.finite = finite  # a file played flat out ends instead of reconnecting
        self.failures = 0
        self.connected_at: list[float] = []  # monotonic times of each first frame after (re)open

    def run(self, stop: Event) -> None:
        while not stop.is_set():
            first = True
            try:
                source = self.open_source()
                for frame in source.frames(stop):
                    if first:
                        self.connected_at.append(time.monotonic())
                        first = False
                    age = self.policy.max_age
                    if age is not None and too_old(frame.at, frame.received_at, age):
                        self.health.stale_frame(self.device_id)
                        continue
                    self.failures = 0
                    self.health.frame(self.device_id, frame.received_at)
                    self.on_frame(frame)
                    # A decoded picture is ~1 MB: not kept alive while the source waits for
                    # the next one (231 idle snapshot cameras would hold 300 MB).
                    del frame
                if stop.is_set() or self.finite:
                    return
                error = "stream ended"
            except NotImplementedError as e:
                log.warning("%s", e)
                return
            except Exception as e:  # one broken camera must not stop the others
                error = f"{type(e).__name__}: {e}"
            self.failures += 1
            offline = self.failures >= self.policy.offline_after
            self.health.failed(self.device_id, error, offline=offline)
            delay = self.policy.backoff.delay(self.failures, self.rng.random)
            log.log(
                logging.WARNING if self.failures == 1 or offline else logging.INFO,
                "camera %s: %s; failure %d, retrying in %.1f s",
                self.device_id,
                error,
                self.failures,
                delay,
            )
            if stop.wait(delay):
                return


def bad_frame_sink(
    health: IngestHealth,
    dead_letters: DeadLetters | None,
    source: str,
    clock: Callable[[], datetime],
) -> BadFrameSink:
    """Count a frame that cannot be decoded and keep it, with the reason, as a dead letter."""

    def sink(device_id: str, reason: str, data: bytes) -> None:
        health.bad_frame(device_id)
        log.info("camera %s: bad frame dead-lettered: %s", device_id, reason)
        if dead_letters is not None:
            dead_letters.put(DeadLetter("frame", source, device_id, reason, data, clock()))

    return sink
