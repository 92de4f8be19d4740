"""大货车违规通行 — a heavy truck on a road closed to trucks during its restricted hours."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar
from zoneinfo import ZoneInfo

from pydantic import Field

from gridwatch.algorithms.base import QUALITY_OPENING
from gridwatch.algorithms.track_rule import Presence, TrackInZone, TrackParams
from gridwatch.domain.detections import CLASS_ID
from gridwatch.domain.readings import FrameInfo
from gridwatch.domain.zones import PolygonZone


class HeavyTruckParams(TrackParams):
    min_s: float = Field(1.0, ge=0, description="Seconds on the road before it is reported.")
    from_hour: int = Field(7, ge=0, le=23, description="Restriction starts (local hour).")
    to_hour: int = Field(22, ge=0, le=24, description="Restriction ends (local hour, exclusive).")
    timezone: str = Field("Asia/Shanghai", description="Time zone of the restriction hours.")
    min_height: float = Field(
        0.12, gt=0, le=1, description="Box height (share of the picture) that makes it heavy."
    )


class HeavyTruckRestricted(TrackInZone):
    """A tracked truck on a `road` zone during [from_hour, to_hour) local time. "Heavy" is
    approximated by box size: COCO's `truck` covers pickups too."""

    id: ClassVar[str] = "heavy_truck_restricted"
    event_type: ClassVar[str] = "heavy_truck_restricted"
    title: ClassVar[str] = "大货车违规通行"
    Params = HeavyTruckParams
    zone_kinds: ClassVar[tuple[str, ...]] = ("road",)
    classes: ClassVar[frozenset[int]] = frozenset({CLASS_ID["truck"]})
    what: ClassVar[str] = "restricted road"
    inputs: ClassVar[str] = "tracked truck detections; zones of kind road; the local time"
    limits: ClassVar[str] = (
        "No plate reading, so permit holders alert too; the size test depends on the camera's "
        "distance to the road (tune min_height per camera); the model also calls vans and "
        "buses 'truck' at times."
    )

    def holds(self, p: Presence, zone: PolygonZone, frame: FrameInfo) -> bool:
        prm: HeavyTruckParams = self.params  # type: ignore[assignment]
        if p.dwell() < timedelta(seconds=prm.min_s):
            return False
        if (p.box[3] - p.box[1]) / frame.height < prm.min_height:
            return False
        hour = frame.at.astimezone(ZoneInfo(prm.timezone)).hour
        if prm.from_hour <= prm.to_hour:
            return prm.from_hour <= hour < prm.to_hour
        return hour >= prm.from_hour or hour < prm.to_hour  # a window across midnight

    quality: ClassVar[str] = QUALITY_OPENING + (
        "`gridwatch algo eval heavy_truck_restricted --origin real --split dev` on 3 clips (160 "
        "frames; defaults): recall not measured here (no positive incident in the real clips), "
        "precision not measured (no finding), 0 false alarms in 0.044 camera-hours over a panel "
        "van, a light car, a pickup and a blurred saloon; no real clip shows a heavy truck. The "
        "pickup in dog.jpg was a near miss while frames were stretched: the full-scale pass called "
        "it 'truck' (score 0.38), its box 0.16 of the picture high, above min_height 0.12. "
        "Letterboxed, NanoDet calls it 'car' (0.46) and it never reaches this rule; COCO's 'truck' "
        "includes pickups, so set min_height per camera."
    )


PLUGIN = HeavyTruckRestricted
