"""The ingest role: the district's device intake (ingest/runner.py, the same one the embedded
runtime runs) with frames and readings published to the broker, keyed by device.

A live camera is never waited for: the broker absorbs bursts and the detect role drops frames
that are stale by the time it gets to them. `realtime=False` plays files as fast as they decode
(tests, replays) and skips the simulators, which would otherwise never end.
"""

from __future__ import annotations

from pathlib import Path

from gridwatch.config.schema import District
from gridwatch.image_bounds import MAX_PIXELS
from gridwatch.ingest.dead_letters import BUDGET_BYTES
from gridwatch.ingest.runner import DeviceIntake
from gridwatch.runtime.clock import Clock
from gridwatch.store.hot_state import HotState
from gridwatch.streams.publisher import Publisher, publish_frame, publish_reading


class IngestRole:
    def __init__(
        self,
        config_dir: Path,
        district: District,
        publisher: Publisher,
        hot: HotState,
        clock: Clock,
        *,
        realtime: bool = True,
        mqtt_url: str | None = None,
        max_image_pixels: int = MAX_PIXELS,
        dead_letter_budget_bytes: int = BUDGET_BYTES,
    ) -> None:
        self.publisher = publisher
        self.realtime = realtime
        self.intake = DeviceIntake(
            config_dir,
            district,
            hot,
            clock,
            lambda frame: publish_frame(publisher, frame),
            lambda reading: publish_reading(publisher, reading),
            realtime=realtime,
            mqtt_url=mqtt_url,
            push_consumer="ingest-worker",
            max_image_pixels=max_image_pixels,
            dead_letter_budget_bytes=dead_letter_budget_bytes,
        )

    def start(self) -> IngestRole:
        self.intake.start(simulators=self.realtime)
        return self

    def wait(self) -> None:
        """Until every source has ended (files played flat out) or `stop` was called."""
        self.intake.wait()
        self.publisher.flush()

    def stop(self) -> None:
        self.intake.stop()
        self.publisher.flush(timeout=30)
