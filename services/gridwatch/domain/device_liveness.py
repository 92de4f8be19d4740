"""Device liveness, pure: reconnect backoff, sampling, frame age and online/offline changes.

Time is always passed in; randomness (jitter) comes from a caller-supplied `random()`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

Liveness = Literal["online", "offline"]


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with full jitter: the k-th retry waits a random time in
    [base·2^k·(1-jitter), base·2^k], capped at `cap`. Jitter spreads the reconnects of many
    cameras behind one failed switch, so they do not all hit it in the same second."""

    base_s: float = 1.0
    cap_s: float = 60.0
    jitter: float = 0.5

    def delay(self, failures: int, random: Callable[[], float]) -> float:
        if failures <= 0:
            return 0.0
        return self.bound(failures) * (1 - self.jitter * random())

    def bound(self, failures: int) -> float:
        """The longest a retry after `failures` consecutive failures can wait."""
        if failures <= 0:
            return 0.0
        return float(min(self.cap_s, self.base_s * 2.0 ** min(failures - 1, 62)))


@dataclass
class SampleGate:
    """Admits at most `fps` frames per second by receive time, so a 25 fps stream analysed at
    1 fps decodes one picture in 25. Phase-locked: admitted frames keep an even spacing."""

    fps: float
    next_at: datetime | None = None

    def due(self, now: datetime) -> bool:
        if self.next_at is None or now >= self.next_at:
            period = timedelta(seconds=1 / self.fps)
            nxt = (self.next_at or now) + period
            # After a gap (reconnect) start again from now rather than admitting a burst.
            self.next_at = nxt if nxt > now else now + period
            return True
        return False


def too_old(device_at: datetime, received_at: datetime, max_age: timedelta) -> bool:
    """A frame whose device time lags its receive time by more than `max_age` is stale: a
    backlog or a drifting camera clock. Analysing it would raise events about the past."""
    return received_at - device_at > max_age


@dataclass
class LivenessTracker:
    """Online/offline per device from the time it was last heard from.

    A device becomes offline once silent for longer than its grace period, and online again
    at its next frame or reading. `changes()` reports each transition once."""

    grace: dict[str, timedelta]
    last_seen: dict[str, datetime] = field(default_factory=dict)
    state: dict[str, Liveness] = field(default_factory=dict)
    offline_since: dict[str, datetime] = field(default_factory=dict)

    def seen(self, device_id: str, at: datetime) -> None:
        prev = self.last_seen.get(device_id)
        if prev is None or at > prev:
            self.last_seen[device_id] = at

    def changes(self, now: datetime, started_at: datetime) -> list[tuple[str, Liveness, datetime]]:
        """(device, new state, since) for each device whose state changed. A device never
        heard from counts as silent since `started_at` (the watcher's start)."""
        out: list[tuple[str, Liveness, datetime]] = []
        for device_id, grace in self.grace.items():
            seen = self.last_seen.get(device_id, started_at)
            silent = now - seen > grace
            current = self.state.get(device_id, "online")
            if silent and current == "online":
                self.state[device_id] = "offline"
                self.offline_since[device_id] = seen
                out.append((device_id, "offline", seen))
            elif not silent and current == "offline":
                self.state[device_id] = "online"
                self.offline_since.pop(device_id, None)
                out.append((device_id, "online", seen))
        return out
