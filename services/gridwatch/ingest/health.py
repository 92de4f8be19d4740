"""Device health as ingest sees it, written to the Redis hot state (read by the ops centre's
device page) and exported as Prometheus metrics.

Hot-state fields per device (hash gridwatch:device:<id>): last_seen, state (online / error /
offline), error, fps (frames/s received over the last flush period), wanted_fps,
decode_errors, stale_frames, reconnects, value + unit (last reading). Writes are batched per
device at most every `flush_s`, so 350 devices cost a few Redis calls a second.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import redis
from prometheus_client import Counter, Gauge

from gridwatch.store.hot_state import PREFIX, HotState

FRAMES = Counter("gridwatch_ingest_frames_total", "Frames delivered to analysis", ["device"])
BAD_FRAMES = Counter(
    "gridwatch_ingest_bad_frames_total", "Frames that could not be decoded", ["device"]
)
STALE_FRAMES = Counter(
    "gridwatch_ingest_stale_frames_total", "Frames dropped as too old (device time)", ["device"]
)
RECONNECTS = Counter(
    "gridwatch_ingest_reconnects_total", "Stream failures followed by a reconnect", ["device"]
)
READINGS = Counter("gridwatch_ingest_readings_total", "Sensor readings accepted", ["device"])
FPS = Gauge("gridwatch_ingest_fps", "Frames/s delivered to analysis", ["device"])
WANTED_FPS = Gauge(
    "gridwatch_ingest_wanted_fps", "Frames/s the device's algorithms want", ["device"]
)
ONLINE = Gauge("gridwatch_device_online", "1 while the device sends, 0 otherwise", ["device"])


@dataclass
class _Device:
    wanted_fps: float = 0.0
    frames: int = 0
    frames_at_flush: int = 0
    flushed_at: datetime | None = None
    last_frame_at: datetime | None = None
    decode_errors: int = 0
    stale: int = 0
    reconnects: int = 0


class IngestHealth:
    def __init__(self, hot: HotState, clock: Callable[[], datetime], flush_s: float = 2.0) -> None:
        self.hot, self.clock, self.flush_s = hot, clock, flush_s
        self._lock = threading.Lock()
        self._devices: dict[str, _Device] = {}

    def _dev(self, device_id: str) -> _Device:
        d = self._devices.get(device_id)
        if d is None:
            d = self._devices[device_id] = _Device()
        return d

    def wants(self, device_id: str, fps: float) -> None:
        with self._lock:
            self._dev(device_id).wanted_fps = fps
        WANTED_FPS.labels(device_id).set(fps)

    def frame(self, device_id: str, received_at: datetime) -> None:
        FRAMES.labels(device_id).inc()
        with self._lock:
            d = self._dev(device_id)
            d.frames += 1
            d.last_frame_at = received_at
            if d.flushed_at is not None and (received_at - d.flushed_at).total_seconds() < (
                self.flush_s
            ):
                return
            fields = self._flush_fields(device_id, d, received_at)
        ONLINE.labels(device_id).set(1)
        self.hot.heartbeat(device_id, received_at, state="online", error="", **fields)

    def _flush_fields(self, device_id: str, d: _Device, now: datetime) -> dict[str, object]:
        fields: dict[str, object] = {
            "wanted_fps": d.wanted_fps,
            "decode_errors": d.decode_errors,
            "stale_frames": d.stale,
            "reconnects": d.reconnects,
        }
        if d.flushed_at is not None:
            span = (now - d.flushed_at).total_seconds()
            if span > 0:
                fps = (d.frames - d.frames_at_flush) / span
                fields["fps"] = round(fps, 3)
                FPS.labels(device_id).set(fps)
        d.flushed_at, d.frames_at_flush = now, d.frames
        return fields

    def bad_frame(self, device_id: str) -> None:
        BAD_FRAMES.labels(device_id).inc()
        with self._lock:
            self._dev(device_id).decode_errors += 1

    def stale_frame(self, device_id: str) -> None:
        STALE_FRAMES.labels(device_id).inc()
        with self._lock:
            self._dev(device_id).stale += 1

    def failed(self, device_id: str, error: str, *, offline: bool) -> None:
        """A stream failure; `offline` once it keeps failing (the supervisor decides)."""
        RECONNECTS.labels(device_id).inc()
        with self._lock:
            d = self._dev(device_id)
            d.reconnects += 1
            seen = d.last_frame_at
            fields = {"reconnects": d.reconnects, "decode_errors": d.decode_errors, "fps": 0}
        ONLINE.labels(device_id).set(0)
        FPS.labels(device_id).set(0)
        state = "offline" if offline else "error"
        # last_seen stays the last frame's time: the offline watch counts silence from it, so
        # a device never heard from gets no last_seen at all.
        mapping = {"state": state, "error": error[:300], **{k: str(v) for k, v in fields.items()}}
        if seen is not None:
            mapping["last_seen"] = seen.isoformat()
        # Health is best effort; the next failure or frame writes it again.
        with contextlib.suppress(redis.RedisError):
            self.hot.r.hset(f"{PREFIX}:device:{device_id}", mapping=mapping)  # type: ignore[arg-type]

    def reading(self, device_id: str, value: float, unit: str, at: datetime) -> None:
        READINGS.labels(device_id).inc()
        ONLINE.labels(device_id).set(1)
        self.hot.heartbeat(device_id, at, state="online", error="", value=value, unit=unit)

    def snapshot(self, device_id: str) -> dict[str, float]:
        """In-process counters of one device (benchmarks, tests)."""
        with self._lock:
            d = self._dev(device_id)
            return {
                "frames": d.frames,
                "decode_errors": d.decode_errors,
                "stale": d.stale,
                "reconnects": d.reconnects,
            }
