"""Checks every sensor reading from outside (MQTT, HTTP push) against the district: the device
must be a configured sensor, quantity and unit must be the ones it is configured with, and its
device time within the sensor's `max_time_ahead` / `max_time_behind` of the receive time.
A bad one becomes a dead letter with the reason; a good one goes to `on_reading`."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from gridwatch.config.schema import Sensor
from gridwatch.domain.readings import BadReading, Reading
from gridwatch.ingest.dead_letters import DeadLetter, DeadLetters
from gridwatch.ingest.health import IngestHealth
from gridwatch.runtime.clock import Clock, utc_now

log = logging.getLogger(__name__)


class ReadingIntake:
    def __init__(
        self,
        sensors: Iterable[Sensor],
        on_reading: Callable[[Reading], object],
        dead_letters: DeadLetters | None,
        health: IngestHealth | None = None,
        *,
        clock: Clock = utc_now,
    ) -> None:
        self.clock = clock
        self.sensors = {s.id: s for s in sensors}
        self.on_reading, self.dead_letters, self.health = on_reading, dead_letters, health
        self.accepted = 0
        self.rejected = 0

    def check(self, reading: Reading) -> Reading:
        sensor = self.sensors.get(reading.device_id)
        if sensor is None:
            raise BadReading(f"{reading.device_id}: unknown device (not a configured sensor)")
        if reading.quantity != sensor.quantity:
            raise BadReading(
                f"{reading.device_id}: quantity {reading.quantity!r} is wrong for this sensor "
                f"(configured {sensor.quantity!r})"
            )
        if reading.unit != sensor.unit:
            raise BadReading(
                f"{reading.device_id}: unit {reading.unit!r} is wrong for this sensor "
                f"(configured {sensor.unit!r})"
            )
        received = self.clock()
        if reading.at - received > sensor.max_time_ahead:
            raise BadReading(
                f"{reading.device_id}: field 'ts' {reading.at.isoformat()} is ahead of the receive "
                f"time {received.isoformat()} by more than max_time_ahead "
                f"({sensor.max_time_ahead}); the device clock is wrong"
            )
        if received - reading.at > sensor.max_time_behind:
            raise BadReading(
                f"{reading.device_id}: field 'ts' {reading.at.isoformat()} is behind the receive "
                f"time {received.isoformat()} by more than max_time_behind "
                f"({sensor.max_time_behind}); the device clock is wrong or the reading too late"
            )
        return reading.validated()

    def accept(self, reading: Reading) -> None:
        """Hand a checked reading on; a failing consumer does not lose it (dead letter)."""
        try:
            self.on_reading(reading)
        except Exception as e:  # the consumer's bug must not stop intake
            log.exception("reading from %s not processed", reading.device_id)
            self.reject("consumer", reading.device_id, f"not processed: {e}", repr(reading), "")
            return
        self.accepted += 1
        if self.health is not None:
            self.health.reading(reading.device_id, reading.value, reading.unit, reading.at)

    def reject(
        self, source: str, device_id: str, reason: str, payload: bytes | str, topic: str
    ) -> None:
        self.rejected += 1
        log.info("reading dead-lettered (%s): %s", source, reason)
        if self.dead_letters is not None:
            raw = payload.encode() if isinstance(payload, str) else payload
            self.dead_letters.put(
                DeadLetter("reading", source, device_id, reason, raw, self.clock(), topic)
            )
