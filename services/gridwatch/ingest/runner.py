"""All of a district's device intake in one place: camera supervisors, simulated sensors, MQTT
sensors and HTTP-pushed readings, with health and dead letters.

The embedded runtime and the `ingest` worker role both run this; they differ only in where a
frame or a reading goes next (an in-process queue, or a broker topic), which they pass in.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from gridwatch.config.schema import (
    Camera,
    District,
    FileSource,
    HttpPushSource,
    ImagesSource,
    MqttSource,
    SimulatorSource,
)
from gridwatch.domain.readings import Reading
from gridwatch.image_bounds import MAX_PIXELS
from gridwatch.ingest.dead_letters import BUDGET_BYTES, DeadLetters
from gridwatch.ingest.frames import Frame, FrameSource
from gridwatch.ingest.health import IngestHealth
from gridwatch.ingest.mqtt_intake import MqttIntake
from gridwatch.ingest.reading_handoff import ReadingHandoff
from gridwatch.ingest.reading_intake import ReadingIntake
from gridwatch.ingest.simulator import SimulatedSensor
from gridwatch.ingest.sources import open_camera
from gridwatch.ingest.supervisor import CameraSupervisor, Reconnect, bad_frame_sink
from gridwatch.runtime.clock import Clock
from gridwatch.runtime.thumbnails import Thumbnails
from gridwatch.store.hot_state import HotState

log = logging.getLogger(__name__)


def watched_devices(district: District) -> list[str]:
    """Devices whose silence means a fault (a pushed sensor may legitimately be quiet)."""
    return [c.id for c in district.ai_devices] + [
        s.id for s in district.sensors if not isinstance(s.source, HttpPushSource)
    ]


class DeviceIntake:
    def __init__(
        self,
        config_dir: Path,
        district: District,
        hot: HotState,
        clock: Clock,
        on_frame: Callable[[Frame], None],
        on_reading: Callable[[Reading], None],
        *,
        realtime: bool = True,
        mqtt_url: str | None = None,
        push_consumer: str = "embedded",
        max_image_pixels: int = MAX_PIXELS,
        dead_letter_budget_bytes: int = BUDGET_BYTES,
    ) -> None:
        self.config_dir, self.district, self.hot, self.clock = config_dir, district, hot, clock
        self.on_frame, self.on_reading = on_frame, on_reading
        self.realtime, self.mqtt_url, self.push_consumer = realtime, mqtt_url, push_consumer
        self.max_image_pixels = max_image_pixels
        self.health = IngestHealth(hot, clock)
        self.dead_letters = DeadLetters(hot, budget_bytes=dead_letter_budget_bytes)
        self.thumbnails = Thumbnails(hot)
        self.frames_received: Counter[str] = Counter()
        self.stop_event = threading.Event()
        self.threads: list[threading.Thread] = []
        self.mqtt: MqttIntake | None = None

    def _spawn(self, name: str, target: Any, *args: Any) -> None:
        t = threading.Thread(target=target, args=args, name=name, daemon=True)
        t.start()
        self.threads.append(t)

    def _read_camera(self, camera: Camera) -> None:
        sink = bad_frame_sink(self.health, self.dead_letters, camera.source.kind, self.clock)
        local = isinstance(camera.source, FileSource | ImagesSource)

        def open_source() -> FrameSource:
            return open_camera(
                camera,
                self.config_dir,
                self.clock,
                realtime=self.realtime,
                on_bad_frame=sink,
                max_pixels=self.max_image_pixels,
            )

        def on_frame(frame: Frame) -> None:
            self.frames_received[camera.id] += 1
            self.thumbnails.offer(frame)
            self.on_frame(frame)

        self.health.wants(camera.id, camera.sample_fps)
        # Local files carry no device clock to drift: their frames are never stale.
        policy = Reconnect(max_age=None) if local else Reconnect()
        CameraSupervisor(
            camera.id,
            open_source,
            on_frame,
            self.health,
            policy=policy,
            finite=not self.realtime,  # a file played flat out ends instead of looping back
        ).run(self.stop_event)

    def _run_sensor(self, sensor_id: str) -> None:
        sensor = self.district.device(sensor_id)
        sim = SimulatedSensor(sensor, self.clock, realtime=self.realtime)  # type: ignore[arg-type]
        for reading in sim.readings(self.stop_event):
            self.health.reading(sensor_id, reading.value, reading.unit, reading.at)
            self.on_reading(reading)

    def _start_mqtt(self) -> None:
        """Readings of the sensors configured as `mqtt`, through the broker in settings."""
        mqtt_sensors = [s for s in self.district.sensors if isinstance(s.source, MqttSource)]
        if not mqtt_sensors or self.mqtt_url is None:
            return
        url = urlsplit(self.mqtt_url)
        intake = ReadingIntake(
            mqtt_sensors, self.on_reading, self.dead_letters, self.health, clock=self.clock
        )
        self.mqtt = MqttIntake(intake, url.hostname or "127.0.0.1", url.port or 1883).start()

    def start(self, *, simulators: bool = True) -> DeviceIntake:
        self._start_mqtt()
        if any(isinstance(s.source, HttpPushSource) for s in self.district.sensors):
            handoff = ReadingHandoff(self.hot)
            self._spawn(
                "http-push", handoff.follow, self.stop_event, self.on_reading, self.push_consumer
            )
        for cam in self.district.ai_devices:
            self._spawn(f"cam-{cam.id}", self._read_camera, cam)
        if simulators:
            for sensor in self.district.sensors:
                if isinstance(sensor.source, SimulatorSource):
                    self._spawn(f"sensor-{sensor.id}", self._run_sensor, sensor.id)
        return self

    def wait(self) -> None:
        """Until every source has ended (files played flat out) or `stop` was called."""
        for t in self.threads:
            t.join()

    def stop(self) -> None:
        self.stop_event.set()
        if self.mqtt is not None:
            self.mqtt.stop()
        for t in self.threads:
            t.join(timeout=10)

    def reconnects(self) -> dict[str, int]:
        return {
            c.id: n
            for c in self.district.ai_devices
            if (n := int(self.health.snapshot(c.id)["reconnects"]))
        }
