"""The shared shape of "a tracked object spends time in a zone": per zone, when each track
entered it; a rule reports a track once when its own condition holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import ClassVar

import numpy as np
from pydantic import Field

from gridwatch.algorithms.base import DeviceContext, VisionAlgorithm, vision_finding
from gridwatch.algorithms.persistence import PersistenceParams
from gridwatch.domain.detections import COCO_CLASSES, Detections, FloatArray
from gridwatch.domain.events import Finding
from gridwatch.domain.readings import FrameInfo
from gridwatch.domain.tracking import ScoreHistory
from gridwatch.domain.zones import PolygonZone


@dataclass
class Presence:
    track_id: int
    entered: datetime
    last_seen: datetime
    first_point: FloatArray  # ground point in 0-1 image coordinates
    point: FloatArray
    box: FloatArray
    class_id: int
    best_confidence: float
    reported: bool = False
    history: ScoreHistory = field(default_factory=ScoreHistory)

    def dwell(self) -> timedelta:
        return self.last_seen - self.entered


class TrackParams(PersistenceParams):
    min_s: float = Field(3.0, ge=0, description="Seconds in the zone before it is reported.")
    max_gap_s: float = Field(
        10.0, gt=0, description="Seconds a track may be unseen in the zone and still be there."
    )


class TrackInZone(VisionAlgorithm[TrackParams]):
    classes: ClassVar[frozenset[int]]
    what: ClassVar[str]

    def __init__(self, params: TrackParams, device: DeviceContext) -> None:
        super().__init__(params, device)
        self.zones = [
            PolygonZone.of(z.id, z.polygon, z.object_filters())
            for z in device.zones_of(self.zone_kinds)
        ]
        self.present: dict[str, dict[int, Presence]] = {z.zone_id: {} for z in self.zones}
        self.persistence = params.persistence()

    def process(self, frame: FrameInfo, detections: Detections) -> list[Finding]:
        objs = detections.of_classes(self.classes)
        objs = objs[(objs.confidence >= self.params.min_score) & (objs.tracker_id >= 0)]
        size = np.array([frame.width, frame.height], dtype=np.float32)
        points: FloatArray = (objs.bottom_centers() / size).astype(np.float32)
        gap = timedelta(seconds=self.params.max_gap_s)
        findings = []
        for zone in self.zones:
            inside = zone.contains_normalised(points) & zone.filters.keep(
                objs, frame.width, frame.height
            )
            present = self.present[zone.zone_id]
            seen = {int(t) for t in objs.tracker_id[inside]}
            for tid, absent in present.items():
                if tid not in seen:
                    absent.history.observe(None, self.persistence)
            for i in np.nonzero(inside)[0]:
                tid = int(objs.tracker_id[i])
                p = present.get(tid)
                if p is None:
                    p = present[tid] = Presence(
                        tid, frame.at, frame.at, points[i], points[i], objs.xyxy[i],
                        int(objs.class_id[i]), 0.0,
                    )  # fmt: skip
                p.last_seen, p.point, p.box = frame.at, points[i], objs.xyxy[i]
                p.best_confidence = max(p.best_confidence, float(objs.confidence[i]))
                p.history.observe(float(objs.confidence[i]), self.persistence)
                if (
                    not p.reported
                    and p.history.passes(self.persistence)
                    and self.holds(p, zone, frame)
                ):
                    p.reported = True
                    findings.append(self.finding(frame, zone, p))
            for tid in [t for t, p in present.items() if frame.at - p.last_seen > gap]:
                del present[tid]
        return findings

    def holds(self, p: Presence, zone: PolygonZone, frame: FrameInfo) -> bool:
        return p.dwell() >= timedelta(seconds=self.params.min_s)

    def finding(self, frame: FrameInfo, zone: PolygonZone, p: Presence) -> Finding:
        return vision_finding(
            self,
            frame,
            key=f"{zone.zone_id}#track{p.track_id}",
            started_at=p.entered,
            confidence=p.best_confidence,
            zone_id=zone.zone_id,
            box=p.box,
            class_id=p.class_id,
            summary=f"{COCO_CLASSES[p.class_id]} in {self.what} {zone.zone_id} for "
            f"{int(p.dwell().total_seconds())} s",
        )
