"""The plugin API for detection algorithms.

A vision algorithm gets the shared detector's detections of every analysed frame of one camera
and returns findings; a sensor algorithm gets readings of one device. Both keep their own state
(one instance per device) and never do I/O: the runtime draws evidence and stores results.
Third-party packages register classes under the `gridwatch.algorithms` entry-point group.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

from gridwatch.config.schema import Zone
from gridwatch.domain.detections import COCO_CLASSES, Detections, FloatArray
from gridwatch.domain.events import Finding
from gridwatch.domain.readings import FrameInfo, Reading
from gridwatch.domain.slicing import Slicing


class Params(BaseModel):
    """Base of every algorithm's parameter schema: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


P = TypeVar("P", bound=Params)

# How every built-in card's `quality` begins: the text is about the clips the rule was tuned
# on, which flatter it, so a reader must not take it for the held-out figure. The sensor sets
# hold no real readings, hence the parenthesis. Convention: docs/extending/algorithm-plugin.md.
QUALITY_OPENING = (
    "Notes on the hand-labelled real clips (split dev, tuned on; synthetic series for a sensor "
    "rule), not the headline figure (test run): "
)


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
    # The card (with the class docstring: what it detects): what it reads, where it fails,
    # and notes on the dev clips it was tuned on. The headline figure is the recorded test run
    # (measured_quality.json), so `quality` opens with QUALITY_OPENING to say it is not that.
    inputs: ClassVar[str] = ""
    limits: ClassVar[str] = ""
    quality: ClassVar[str] = "not measured yet: no labelled set"

    def __init__(self, params: P, device: DeviceContext) -> None:
        self.params = params
        self.device = device


class VisionAlgorithm(Algorithm[P]):
    kind: ClassVar[Literal["vision", "sensor"]] = "vision"

    @abstractmethod
    def process(self, frame: FrameInfo, detections: Detections) -> list[Finding]:
        """Called for every analysed frame of the device, in order."""

    def slicing(self) -> list[Slicing]:
        """Regions of the frame the detector should also look at tile by tile on a close look
        (small objects the rule must count); none by default."""
        return []


class SensorAlgorithm(Algorithm[P]):
    kind: ClassVar[Literal["vision", "sensor"]] = "sensor"

    @abstractmethod
    def process(self, reading: Reading) -> list[Finding]:
        """Called for every valid reading of the device, in order."""


def vision_finding(
    algo: VisionAlgorithm[Any],
    frame: FrameInfo,
    *,
    key: str,
    started_at: datetime,
    confidence: float,
    zone_id: str,
    box: FloatArray | None,
    class_id: int | None,
    summary: str,
) -> Finding:
    """A finding of a vision algorithm with its device, mode and model filled in."""
    return Finding(
        device_id=frame.device_id,
        algorithm=algo.id,
        event_type=algo.event_type,
        incident_key=key,
        started_at=started_at,
        observed_at=frame.at,
        confidence=round(float(confidence), 3),
        mode=algo.device.mode,
        box=tuple(float(v) for v in box) if box is not None else None,  # type: ignore[arg-type]
        zone_id=zone_id,
        class_name=COCO_CLASSES[class_id] if class_id is not None else None,
        model_version=algo.device.model_version,
        summary=summary,
    )


def sensor_finding(
    algo: SensorAlgorithm[Any], reading: Reading, *, key: str, started_at: datetime, summary: str
) -> Finding:
    return Finding(
        device_id=reading.device_id,
        algorithm=algo.id,
        event_type=algo.event_type,
        incident_key=key,
        started_at=started_at,
        observed_at=reading.at,
        confidence=1.0,
        mode=algo.device.mode,
        value=reading.value,
        summary=summary,
    )
