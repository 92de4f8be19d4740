"""Readings pushed over HTTP reach the ingest side through a Redis stream with a consumer
group: the ops app only checks and appends; the process that runs the sensor algorithms (and
holds their per-sensor state) reads, processes and acknowledges. A reading appended while
that process is down waits in the stream; one read but not acknowledged before a crash is
read again (at-least-once; findings have stable ids, so a repeat opens no second task)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from threading import Event
from typing import Any

import redis

from gridwatch.domain.readings import Reading
from gridwatch.store.hot_state import PREFIX, HotState

log = logging.getLogger(__name__)

STREAM = f"{PREFIX}:readings"
GROUP = "sensor-stage"
MAXLEN = 1_000_000


class ReadingHandoff:
    def __init__(self, hot: HotState) -> None:
        self.r = hot.r

    def put(self, reading: Reading) -> str:
        fields = {
            "device_id": reading.device_id,
            "quantity": reading.quantity,
            "value": repr(reading.value),
            "unit": reading.unit,
            "at": reading.at.isoformat(),
        }
        return str(self.r.xadd(STREAM, fields, maxlen=MAXLEN, approximate=True))  # type: ignore[arg-type]

    def _ensure_group(self) -> None:
        try:
            self.r.xgroup_create(STREAM, GROUP, id="0", mkstream=True)
        except redis.ResponseError as e:
            if "BUSYGROUP" not in str(e):
                raise

    def follow(self, stop: Event, on_reading: Callable[[Reading], None], consumer: str) -> None:
        """Process readings until `stop`: first any left unacknowledged, then new ones."""
        self._ensure_group()
        pending = True
        while not stop.is_set():
            try:
                res: Any = self.r.xreadgroup(
                    GROUP, consumer, {STREAM: "0" if pending else ">"}, count=100, block=1000
                )
            except redis.RedisError as e:
                log.warning("reading handoff unavailable: %s", e)
                stop.wait(2)
                continue
            entries = res[0][1] if res else []
            if pending and not entries:
                pending = False
                continue
            for entry_id, f in entries:
                on_reading(
                    Reading(
                        f["device_id"],
                        f["quantity"],
                        float(f["value"]),
                        f["unit"],
                        datetime.fromisoformat(f["at"]),
                    )
                )
                self.r.xack(STREAM, GROUP, entry_id)
