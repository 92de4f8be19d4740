"""人员聚集 — many people gathered in one area for a while."""

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
from gridwatch.domain.slicing import Slicing
from gridwatch.domain.zones import PolygonZone

PERSON = frozenset({CLASS_ID["person"]})


class CrowdParams(Params):
    min_count: int = Field(15, ge=2, description="People in the zone that make a crowd.")
    hold_s: float = Field(60.0, ge=0, description="Seconds the crowd must last to be reported.")
    release_s: float = Field(120.0, ge=0, description="Seconds below min_count that end it.")
    min_confidence: float = Field(0.3, ge=0, le=1, description="Detector score to count a box.")
    slice_max_tiles: int = Field(
        6,
        ge=0,
        description="On the camera's close look (every detector_close_look_s), the detector "
        "also looks at each square zone's bounding box in at most this many overlapping tiles, "
        "so distant people are counted (0: no sliced pass).",
    )
    slice_px: int = Field(
        0, ge=0, description="Tile side in frame pixels (0: the model's input size, e.g. 416)."
    )


class CrowdGathering(VisionAlgorithm[CrowdParams]):
    """At least `min_count` people standing in a `square` zone for `hold_s` seconds; one
    finding per gathering, which ends after `release_s` seconds below the count."""

    id: ClassVar[str] = "crowd_gathering"
    event_type: ClassVar[str] = "crowd_gathering"
    title: ClassVar[str] = "人员聚集"
    Params = CrowdParams
    zone_kinds: ClassVar[tuple[str, ...]] = ("square",)
    inputs: ClassVar[str] = "person detections; zones of kind square"
    limits: ClassVar[str] = (
        "Counts what the detector sees: in dense crowds people hide each other and the count "
        "falls short (NanoDet-416 saturates around 30-40 people per picture); a market day or a "
        "school gate at closing time is a lawful crowd. Its events go to human review."
    )
    quality: ClassVar[str] = QUALITY_OPENING + (
        "`gridwatch algo eval crowd_gathering --origin real --split dev` on 4 clips (200 frames: "
        "vtest.avi at 1 frame/s, kite.jpg, horses.jpg, person.jpg; hold_s 10): recall not measured "
        "here (no positive incident in the real clips), precision not measured (no finding), 0 "
        "false alarms in 0.056 camera-hours. None of the project's real clips shows a crowd: at "
        "most about a dozen people walk through vtest.avi in small groups, and about thirteen "
        "stand spread along kite.jpg's beach."
    )

    def __init__(self, params: CrowdParams, device: DeviceContext) -> None:
        super().__init__(params, device)
        self.zones = [
            PolygonZone.of(z.id, z.polygon, z.object_filters())
            for z in device.zones_of(self.zone_kinds)
        ]
        hold, release = timedelta(seconds=params.hold_s), timedelta(seconds=params.release_s)
        self.episodes = {z.zone_id: Episode(hold, release) for z in self.zones}

    def slicing(self) -> list[Slicing]:
        if self.params.slice_max_tiles == 0:
            return []
        regions = []
        for zone in self.zones:
            xs, ys = [x for x, _ in zone.polygon], [y for _, y in zone.polygon]
            region = (min(xs), min(ys), max(xs), max(ys))
            regions.append(Slicing(region, self.params.slice_px, 0.2, self.params.slice_max_tiles))
        return regions

    def process(self, frame: FrameInfo, detections: Detections) -> list[Finding]:
        people = detections.of_classes(PERSON)
        people = people[people.confidence >= self.params.min_confidence]
        findings = []
        for zone in self.zones:
            inside = people[zone.trigger(people, frame.width, frame.height)]
            ep = self.episodes[zone.zone_id]
            if ep.update(len(inside) >= self.params.min_count, frame.at):
                box = np.concatenate([inside.xyxy[:, :2].min(0), inside.xyxy[:, 2:].max(0)])
                findings.append(
                    vision_finding(
                        self,
                        frame,
                        key=f"{zone.zone_id}#crowd",
                        started_at=ep.since or frame.at,
                        confidence=float(np.median(inside.confidence)),
                        zone_id=zone.zone_id,
                        box=box,
                        class_id=CLASS_ID["person"],
                        summary=f"{len(inside)} people in {zone.zone_id}",
                    )
                )
        return findings


PLUGIN = CrowdGathering
