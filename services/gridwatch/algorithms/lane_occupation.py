"""机动车占道 — a motor vehicle standing in a traffic lane for longer than a dwell time.

A car, bus or truck whose ground point (box bottom-centre) stays inside a `lane` zone for at
least `dwell_s` seconds gives one finding per incident, not one per frame.
"""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from pydantic import Field

from gridwatch.algorithms.base import DeviceContext, Params, VisionAlgorithm
from gridwatch.domain.detections import COCO_CLASSES, MOTOR_VEHICLES, Detections
from gridwatch.domain.events import Finding
from gridwatch.domain.readings import FrameInfo
from gridwatch.domain.stationary import StationaryTracker
from gridwatch.domain.zones import PolygonZone


class LaneOccupationParams(Params):
    dwell_s: float = Field(30.0, gt=0, description="Seconds a vehicle must stay in the lane.")
    min_confidence: float = Field(0.3, ge=0, le=1, description="Detector score to count a box.")
    max_gap_s: float = Field(
        30.0, gt=0, description="Seconds unseen (occlusion, missed frames) before it is gone."
    )
    min_iou: float = Field(0.5, gt=0, le=1, description="Overlap that counts as the same place.")


class LaneOccupation(VisionAlgorithm[LaneOccupationParams]):
    id: ClassVar[str] = "lane_occupation"
    event_type: ClassVar[str] = "lane_occupation"
    title: ClassVar[str] = "机动车占道"
    Params = LaneOccupationParams
    zone_kinds: ClassVar[tuple[str, ...]] = ("lane",)

    def __init__(self, params: LaneOccupationParams, device: DeviceContext) -> None:
        super().__init__(params, device)
        self.zones = [PolygonZone.of(z.id, z.polygon) for z in device.zones_of(self.zone_kinds)]
        gap = timedelta(seconds=params.max_gap_s)
        self.trackers = {z.zone_id: StationaryTracker(params.min_iou, gap) for z in self.zones}
        self.dwell = timedelta(seconds=params.dwell_s)

    def process(self, frame: FrameInfo, detections: Detections) -> list[Finding]:
        vehicles = detections.of_classes(MOTOR_VEHICLES)
        vehicles = vehicles[vehicles.confidence >= self.params.min_confidence]
        findings = []
        for zone in self.zones:
            inside = vehicles[zone.trigger(vehicles, frame.width, frame.height)]
            seen = self.trackers[zone.zone_id].update(
                inside.xyxy, inside.confidence, inside.class_id, frame.at, zone.zone_id
            )
            for obj in seen:
                if obj.reported or obj.dwell() < self.dwell:
                    continue
                obj.reported = True
                x1, y1, x2, y2 = (float(v) for v in obj.box)
                cls = COCO_CLASSES[obj.class_id]
                findings.append(
                    Finding(
                        device_id=frame.device_id,
                        algorithm=self.id,
                        event_type=self.event_type,
                        incident_key=obj.key,
                        started_at=obj.first_seen,
                        observed_at=frame.at,
                        confidence=round(obj.best_confidence, 3),
                        mode=self.device.mode,
                        box=(x1, y1, x2, y2),
                        zone_id=zone.zone_id,
                        class_name=cls,
                        model_version=self.device.model_version,
                        summary=(
                            f"{cls} in lane zone {zone.zone_id} for "
                            f"{int(obj.dwell().total_seconds())} s"
                        ),
                    )
                )
        return findings


PLUGIN = LaneOccupation
