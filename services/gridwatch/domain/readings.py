"""Sensor readings and camera frame metadata: the inputs of algorithms."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

UNITS: dict[str, frozenset[str]] = {
    "water_level": frozenset({"m"}),
    "water_quality": frozenset({"NTU", "mg/L"}),
    "rainfall": frozenset({"mm/h"}),
}


class BadReading(ValueError):
    """A reading that cannot be used; the reason is kept with it in the dead-letter record."""


@dataclass(frozen=True)
class Reading:
    device_id: str
    quantity: str
    value: float
    unit: str
    at: datetime

    def validated(self) -> Reading:
        if not math.isfinite(self.value):
            raise BadReading(f"{self.device_id}: value {self.value!r} is not a finite number")
        allowed = UNITS.get(self.quantity)
        if allowed is None:
            raise BadReading(f"{self.device_id}: unknown quantity {self.quantity!r}")
        if self.unit not in allowed:
            raise BadReading(
                f"{self.device_id}: unit {self.unit!r} is wrong for {self.quantity} "
                f"(expected {', '.join(sorted(allowed))})"
            )
        return self


@dataclass(frozen=True)
class FrameInfo:
    """What algorithms know of a frame besides its detections."""

    device_id: str
    seq: int
    at: datetime
    width: int
    height: int
