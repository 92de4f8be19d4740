"""The plugin API for detection algorithms.

A vision algorithm gets the shared detector's detections of every analysed frame of one camera
and returns findings; a sensor algorithm gets readings of one device. Both keep their own state
(one instance per device) and never do I/O: the runtime draws evidence and stores results.
Third-party packages register classes under the `gridwatch.algorithms` entry-point group.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

from gridwatch.config.schema import Zone
from gridwatch.domain.detections import Detections
from gridwatch.domain.events import Finding
from gridwatch.domain.readings import FrameInfo, Reading


class Params(BaseModel):
    """Base of every algorithm's parameter schema: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


P = TypeVar("P", bound=Params)


@dataclass(frozen=True)
class DeviceContext:
    device_id: str
    zones: tuple[Zone, ...] = ()
    mode: Literal["live", "shadow"] = "live"
    model_version: str | None = None

    def zones_of(self, kinds: tuple[str, ...]) -> list[Zone]:
        return [z for z in self.zones if z.kind in kinds]


class Algorithm(ABC, Generic[P]):
    id: ClassVar[str]
    kind: ClassVar[Literal["vision", "sensor"]]
    event_type: ClassVar[str]
    title: ClassVar[str]  # zh-CN display name
    Params: ClassVar[type[Params]]
    zone_kinds: ClassVar[tuple[str, ...]] = ()

    def __init__(self, params: P, device: DeviceContext) -> None:
        self.params = params
        self.device = device


class VisionAlgorithm(Algorithm[P]):
    kind: ClassVar[Literal["vision", "sensor"]] = "vision"

    @abstractmethod
    def process(self, frame: FrameInfo, detections: Detections) -> list[Finding]:
        """Called for every analysed frame of the device, in order."""


class SensorAlgorithm(Algorithm[P]):
    kind: ClassVar[Literal["vision", "sensor"]] = "sensor"

    @abstractmethod
    def process(self, reading: Reading) -> list[Finding]:
        """Called for every valid reading of the device, in order."""
