"""Synthetic sensor readings with a few recognisable shapes (steady, rising river, storm …)."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from threading import Event

from gridwatch.config.schema import Sensor, SimulatorSource
from gridwatch.domain.readings import Reading

BASE = {"water_level": 2.0, "water_quality": 8.0, "rainfall": 0.0}


def series_value(profile: str, quantity: str, step: int, rng: random.Random) -> float:
    """Value of step `step` of a profile; one step is one reading interval."""
    base = BASE[quantity]
    noise = rng.gauss(0, 0.02 if quantity == "water_level" else 0.5)
    if profile == "rising":  # a river rising ~0.05 m per step after a calm start
        return base + max(0, step - 10) * 0.05 + noise
    if profile == "storm":  # rain building to a cloudburst, then easing
        return max(0.0, 60 * math.exp(-(((step - 20) / 8) ** 2)) + abs(noise))
    if profile == "pollution":  # turbidity spike
        return base + (120 if 15 <= step < 30 else 0) + abs(noise)
    if profile == "noisy":
        return base + rng.gauss(0, 1.0)
    return max(0.0, base + noise)


class SimulatedSensor:
    def __init__(
        self, sensor: Sensor, clock: Callable[[], datetime], *, realtime: bool = True
    ) -> None:
        if not isinstance(sensor.source, SimulatorSource):
            raise TypeError(f"{sensor.id} is not a simulated sensor")
        self.sensor, self.source, self.clock, self.realtime = sensor, sensor.source, clock, realtime

    def readings(self, stop: Event) -> Iterator[Reading]:
        rng = random.Random(self.source.seed)
        step = 0
        start = self.clock()
        while not stop.is_set():
            at = start + timedelta(seconds=step * self.source.interval_s)
            value = series_value(self.source.profile, self.sensor.quantity, step, rng)
            yield Reading(
                self.sensor.id, self.sensor.quantity, round(value, 3), self.sensor.unit, at
            )
            step += 1
            if self.realtime and stop.wait(self.source.interval_s):
                return
