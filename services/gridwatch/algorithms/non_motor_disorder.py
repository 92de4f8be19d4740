"""非机动车乱停放 — bicycles and e-bikes parked in a heap where they do not belong."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

import numpy as np
from pydantic import Field

from gridwatch.algorithms.base import (
    QUALITY_OPENING,
    DeviceContext,
    Params,
    VisionAlgorithm,
    vision_finding,
)
from gridwatch.domain.detections import CLASS_ID, Detections
from gridwatch.domain.episodes import Episode
from gridwatch.domain.events import Finding
from gridwatch.domain.readings import FrameInfo
from gridwatch.domain.stationary import StationaryTracker
from gridwatch.domain.zones import PolygonZone

NON_MOTOR = frozenset({CLASS_ID["bicycle"], CLASS_ID["motorcycle"]})


class NonMotorParams(Params):
    min_count: int = Field(3, ge=1, description="Parked two-wheelers that make a disorder.")
    dwell_s: float = Field(300.0, gt=0, description="Seconds a two-wheeler must stand.")
    min_confidence: float = Field(0.3, ge=0, le=1, description="Detector score to count a box.")
    max_gap_s: float = Field(60.0, gt=0, description="Seconds unseen before a bike is gone.")


class NonMotorDisorder(VisionAlgorithm[NonMotorParams]):
    """At least `min_count` bicycles or motorcycles (e-bikes look like either) each standing
    still for `dwell_s` seconds in a `non_motor_parking` (managed) or `sidewalk` zone."""

    id: ClassVar[str] = "non_motor_disorder"
    event_type: ClassVar[str] = "non_motor_disorder"
    title: ClassVar[str] = "非机动车乱停放"
    Params = NonMotorParams
    zone_kinds: ClassVar[tuple[str, ...]] = ("non_motor_parking", "sidewalk")
    inputs: ClassVar[str] = "detections of bicycle/motorcycle"
    limits: ClassVar[str] = (
        "Counts bikes, not order: neat rows inside a marked bay are reported too unless the "
        "zone excludes the bay; heaps of overlapping bikes are undercounted (NMS merges them)."
    )
    quality: ClassVar[str] = QUALITY_OPENING + (
        "`gridwatch algo eval non_motor_disorder --origin real --split dev` on 4 clips (1320 "
        "frames; defaults): recall not measured here (no positive incident in the real clips), "
        "precision not measured (no finding), 0 false alarms in 0.37 camera-hours of stills (one "
        "bicycle on a porch, one motorcycle on a verge, a street, a beach, a meadow, horses). None "
        "of the project's real clips shows three or more parked two-wheelers."
    )

    def __init__(self, params: NonMotorParams, device: DeviceContext) -> None:
        super().__init__(params, device)
        self.zones = [
            PolygonZone.of(z.id, z.polygon, z.object_filters())
            for z in device.zones_of(self.zone_kinds)
        ]
        gap = timedelta(seconds=params.max_gap_s)
        self.trackers = {z.zone_id: StationaryTracker(0.4, gap) for z in self.zones}
        self.episodes = {z.zone_id: Episode(timedelta(0), gap) for z in self.zones}
        self.dwell = timedelta(seconds=params.dwell_s)

    def process(self, frame: FrameInfo, detections: Detections) -> list[Finding]:
        bikes = detections.of_classes(NON_MOTOR)
        bikes = bikes[bikes.confidence >= self.params.min_confidence]
        findings = []
        for zone in self.zones:
            inside = bikes[zone.trigger(bikes, frame.width, frame.height)]
            tracker = self.trackers[zone.zone_id]
            tracker.update(inside.xyxy, inside.confidence, inside.class_id, frame.at, zone.zone_id)
            parked = [o for o in tracker.objects if o.dwell() >= self.dwell]
            if self.episodes[zone.zone_id].update(len(parked) >= self.params.min_count, frame.at):
                boxes = np.stack([o.box for o in parked])
                box = np.concatenate([boxes[:, :2].min(0), boxes[:, 2:].max(0)])
                findings.append(
                    vision_finding(
                        self,
                        frame,
                        key=f"{zone.zone_id}#bikes",
                        started_at=min(o.first_seen for o in parked),
                        confidence=float(np.median([o.best_confidence for o in parked])),
                        zone_id=zone.zone_id,
                        box=box,
                        class_id=CLASS_ID["bicycle"],
                        summary=f"{len(parked)} two-wheelers parked in {zone.zone_id}",
                    )
                )
        return findings


PLUGIN = NonMotorDisorder
