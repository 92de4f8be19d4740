"""The shared shape of "something stands where it must not": an object of some classes whose
ground point stays in a zone of some kinds for a dwell time gives one finding per incident."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from pydantic import Field

from gridwatch.algorithms.base import DeviceContext, VisionAlgorithm, vision_finding
from gridwatch.algorithms.persistence import PersistenceParams
from gridwatch.domain.detections import COCO_CLASSES, Detections
from gridwatch.domain.events import Finding
from gridwatch.domain.readings import FrameInfo
from gridwatch.domain.stationary import StationaryTracker
from gridwatch.domain.zones import PolygonZone


class StationaryParams(PersistenceParams):
    dwell_s: float = Field(60.0, gt=0, description="Seconds the object must stay in the zone.")
    min_confidence: float = Field(
        0.3,
        ge=0,
        le=1,
        description="Median detector score over the object's last 10 sightings that it must "
        "reach before it is reported (one frame's score is not enough).",
    )
    max_gap_s: float = Field(
        30.0, gt=0, description="Seconds unseen (occlusion, missed frames) before it is gone."
    )
    min_iou: float = Field(0.5, gt=0, le=1, description="Overlap that counts as the same place.")
    recheck_s: float = Field(
        600.0,
        ge=0,
        description="Seconds a reported object may stay lost (hidden by a bus, missed) and, "
        "seen again in the same place, still be the same incident: re-checked, not reported "
        "again. A vehicle that parks there after a longer absence is a new incident.",
    )


class StationaryInZone(VisionAlgorithm[StationaryParams]):
    classes: ClassVar[frozenset[int]]
    what: ClassVar[str]  # how summaries name the zone

    def __init__(self, params: StationaryParams, device: DeviceContext) -> None:
        super().__init__(params, device)
        self.zones = [
            PolygonZone.of(z.id, z.polygon, z.object_filters())
            for z in device.zones_of(self.zone_kinds)
        ]
        gap = timedelta(seconds=params.max_gap_s)
        rule = params.persistence()
        self.trackers = {
            z.zone_id: StationaryTracker(
                params.min_iou, gap, persistence=rule, recheck=timedelta(seconds=params.recheck_s)
            )
            for z in self.zones
        }
        self.dwell = timedelta(seconds=params.dwell_s)

    def process(self, frame: FrameInfo, detections: Detections) -> list[Finding]:
        objects = detections.of_classes(self.classes)
        objects = objects[objects.confidence >= self.params.min_score]
        findings = []
        for zone in self.zones:
            inside = objects[zone.trigger(objects, frame.width, frame.height)]
            seen = self.trackers[zone.zone_id].update(
                inside.xyxy, inside.confidence, inside.class_id, frame.at, zone.zone_id
            )
            for obj in seen:
                if (
                    obj.reported
                    or obj.dwell() < self.dwell
                    or not obj.history.passes(self.trackers[zone.zone_id].persistence)
                    or not self.confirm(obj.box, frame, detections)
                ):
                    continue
                obj.reported = True
                cls = obj.class_id
                findings.append(
                    vision_finding(
                        self,
                        frame,
                        key=obj.key,
                        started_at=obj.first_seen,
                        confidence=obj.best_confidence,
                        zone_id=zone.zone_id,
                        box=obj.box,
                        class_id=cls,
                        summary=f"{COCO_CLASSES[cls]} in {self.what} {zone.zone_id} for "
                        f"{int(obj.dwell().total_seconds())} s",
                    )
                )
        return findings

    def confirm(self, box: object, frame: FrameInfo, detections: Detections) -> bool:
        """A last check on a stationary object before it is reported (subclasses refine)."""
        return True
