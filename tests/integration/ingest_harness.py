"""Shared pieces of the ingest tests: pictures, a supervised camera running in a thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import cv2

from gridwatch.domain.device_liveness import Backoff
from gridwatch.ingest.dead_letters import DeadLetters
from gridwatch.ingest.frames import Frame, FrameSource
from gridwatch.ingest.health import IngestHealth
from gridwatch.ingest.supervisor import CameraSupervisor, Reconnect
from gridwatch.runtime.clock import utc_now
from gridwatch.store.hot_state import HotState

VTEST = Path(__file__).resolve().parents[2] / "media" / "vtest.avi"


def jpegs(n: int = 4, width: int = 320) -> list[bytes]:
    cap = cv2.VideoCapture(str(VTEST))
    out = []
    while len(out) < n:
        ok, img = cap.read()
        assert ok, "media/vtest.avi is needed"
        small = cv2.resize(img, (width, width * 3 // 4))
        out.append(cv2.imencode(".jpg", small)[1].tobytes())
    cap.release()
    return out


@dataclass
class Watched:
    sup: CameraSupervisor
    frames: list[tuple[float, Frame]] = field(default_factory=list)

    def frames_after(self, t: float) -> list[Frame]:
        return [f for at, f in self.frames if at >= t]

    def wait_for_frame(self, after: float, timeout: float) -> float | None:
        """Monotonic time of the first frame received after `after`, waiting up to `timeout`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = [at for at, _ in self.frames if at >= after]
            if got:
                return got[0]
            time.sleep(0.02)
        return None


@contextmanager
def supervised(
    device_id: str,
    open_source: Callable[[], FrameSource],
    health: IngestHealth,
    backoff: Backoff,
    *,
    offline_after: int = 5,
    max_age: timedelta = timedelta(seconds=30),
) -> Iterator[Watched]:
    stop = threading.Event()
    frames: list[tuple[float, Frame]] = []
    policy = Reconnect(backoff=backoff, offline_after=offline_after, max_age=max_age)

    def on_frame(f: Frame) -> None:
        frames.append((time.monotonic(), f))

    sup = CameraSupervisor(device_id, open_source, on_frame, health, policy=policy)
    t = threading.Thread(target=sup.run, args=(stop,), daemon=True)
    t.start()
    try:
        yield Watched(sup, frames)
    finally:
        stop.set()
        t.join(15)


def health_and_dead_letters(redis_url: str) -> tuple[HotState, IngestHealth, DeadLetters]:
    hot = HotState(redis_url)
    return hot, IngestHealth(hot, utc_now, flush_s=0.2), DeadLetters(hot)
