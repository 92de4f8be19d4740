"""车辆逆行 — a vehicle moving against the lane's lawful direction."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from pydantic import Field

from gridwatch.algorithms.base import QUALITY_OPENING, DeviceContext
from gridwatch.algorithms.track_rule import Presence, TrackInZone, TrackParams
from gridwatch.domain.detections import MOTOR_VEHICLES
from gridwatch.domain.readings import FrameInfo
from gridwatch.domain.zones import PolygonZone


class WrongWayParams(TrackParams):
    min_s: float = Field(0.0, ge=0, description="Unused: travel, not time, decides.")
    min_travel: float = Field(
        0.08, gt=0, le=1, description="Distance against the direction (share of the picture)."
    )


class WrongWayDriving(TrackInZone):
    """A tracked car, bus or truck in a `lane` zone whose ground point has moved at least
    `min_travel` against the zone's `direction` since it entered."""

    id: ClassVar[str] = "wrong_way_driving"
    event_type: ClassVar[str] = "wrong_way_driving"
    title: ClassVar[str] = "车辆逆行"
    Params = WrongWayParams
    zone_kinds: ClassVar[tuple[str, ...]] = ("lane",)
    classes: ClassVar[frozenset[int]] = MOTOR_VEHICLES
    what: ClassVar[str] = "lane"
    inputs: ClassVar[str] = "tracked vehicle detections; lane zones with a direction vector"
    limits: ClassVar[str] = (
        "Needs frames close enough in time for the track to hold: at 1 frame/s a fast car "
        "crosses the picture in one or two frames and is missed. Reversing into a parking "
        "space alerts. Lanes without a direction are ignored."
    )
    quality: ClassVar[str] = QUALITY_OPENING + (
        "`gridwatch algo eval wrong_way_driving --origin real --split dev` on 3 clips (239 frames, "
        "5 lanes with a direction: vtest.avi at 2 frames/s, dog.jpg, licenseplate_motion.jpg): "
        "recall not measured here (no positive incident in the real clips), precision not measured "
        "(no finding), 0 false alarms in 0.044 camera-hours. None of the project's real clips "
        "shows a moving vehicle: the clips test only that parked vehicles and dozens of "
        "pedestrians walking both ways through a lane raise nothing."
    )

    def __init__(self, params: WrongWayParams, device: DeviceContext) -> None:
        super().__init__(params, device)
        self.directions = {}
        for z in device.zones_of(self.zone_kinds):
            if z.direction is not None:
                d = np.asarray(z.direction, dtype=np.float32)
                self.directions[z.id] = d / max(float(np.linalg.norm(d)), 1e-9)
        self.zones = [z for z in self.zones if z.zone_id in self.directions]
        self.present = {z.zone_id: {} for z in self.zones}

    def holds(self, p: Presence, zone: PolygonZone, frame: FrameInfo) -> bool:
        along = float(np.dot(p.point - p.first_point, self.directions[zone.zone_id]))
        min_travel: float = self.params.min_travel  # type: ignore[attr-defined]
        return along <= -min_travel


PLUGIN = WrongWayDriving
