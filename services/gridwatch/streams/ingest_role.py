"""The ingest role: read the district's cameras and simulated sensors and publish frames and
readings, keyed by device.

Heartbeats and the latest thumbnail of each camera go to Redis as in the embedded runtime.
A live camera is never waited for: the broker absorbs bursts and the detect role drops frames
that are stale by the time it gets to them. `realtime=False` plays files as fast as they decode
(tests, replays) and skips the simulators, which would otherwise never end.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from gridwatch.config.schema import Camera, District, SimulatorSource
from gridwatch.ingest.simulator import SimulatedSensor
from gridwatch.ingest.sources import open_camera
from gridwatch.runtime.clock import Clock
from gridwatch.runtime.thumbnails import Thumbnails
from gridwatch.store.hot_state import HotState
from gridwatch.streams.publisher import Publisher, publish_frame, publish_reading

log = logging.getLogger(__name__)


class IngestRole:
    def __init__(
        self,
        config_dir: Path,
        district: District,
        publisher: Publisher,
        hot: HotState | None,
        clock: Clock,
        *,
        realtime: bool = True,
    ) -> None:
        self.config_dir, self.district, self.publisher = config_dir, district, publisher
        self.hot, self.clock, self.realtime = hot, clock, realtime
        self.thumbnails = Thumbnails(hot) if hot is not None else None
        self.stop_event = threading.Event()
        self.threads: list[threading.Thread] = []

    def _heartbeat(self, device_id: str, **fields: object) -> None:
        if self.hot is not None:
            self.hot.heartbeat(device_id, self.clock(), **fields)

    def _read_camera(self, camera: Camera) -> None:
        backoff = 1.0
        while not self.stop_event.is_set():
            try:
                source = open_camera(camera, self.config_dir, self.clock, realtime=self.realtime)
                for frame in source.frames(self.stop_event):
                    publish_frame(self.publisher, frame)
                    self._heartbeat(camera.id, state="online")
                    if self.thumbnails is not None:
                        self.thumbnails.offer(frame)
                    backoff = 1.0
                if not self.realtime:
                    return  # a finite source played to its end
            except NotImplementedError as e:
                log.warning("%s", e)
                return
            except Exception as e:  # one broken camera must not stop the others
                log.warning("camera %s failed: %s; retrying in %.0f s", camera.id, e, backoff)
                self._heartbeat(camera.id, state="error", error=e)
            if self.stop_event.wait(backoff):
                return
            backoff = min(backoff * 2, 60.0)

    def _run_sensor(self, sensor_id: str) -> None:
        sensor = self.district.device(sensor_id)
        sim = SimulatedSensor(sensor, self.clock, realtime=True)  # type: ignore[arg-type]
        for reading in sim.readings(self.stop_event):
            publish_reading(self.publisher, reading)
            self._heartbeat(sensor_id, state="online", value=reading.value)

    def start(self) -> IngestRole:
        for cam in self.district.ai_devices:
            self._spawn(f"cam-{cam.id}", self._read_camera, cam)
        if self.realtime:
            for sensor in self.district.sensors:
                if isinstance(sensor.source, SimulatorSource):
                    self._spawn(f"sensor-{sensor.id}", self._run_sensor, sensor.id)
        return self

    def _spawn(self, name: str, target: object, *args: object) -> None:
        t = threading.Thread(target=target, args=args, name=name, daemon=True)  # type: ignore[arg-type]
        t.start()
        self.threads.append(t)

    def wait(self) -> None:
        """Until every source has ended (files played flat out) or `stop` was called."""
        for t in self.threads:
            t.join()
        self.publisher.flush()

    def stop(self) -> None:
        self.stop_event.set()
        for t in self.threads:
            t.join(timeout=10)
        self.publisher.flush(timeout=30)
