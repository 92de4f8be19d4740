"""人员徘徊 — a person staying in a watched area far longer than passing through takes."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from gridwatch.algorithms.base import QUALITY_OPENING
from gridwatch.algorithms.track_rule import TrackInZone, TrackParams
from gridwatch.domain.detections import CLASS_ID


class LoiteringParams(TrackParams):
    min_s: float = Field(120.0, ge=0, description="Seconds in the zone that count as loitering.")
    max_gap_s: float = Field(
        20.0, gt=0, description="Seconds a track may be unseen in the zone and still be there."
    )


class Loitering(TrackInZone):
    """A tracked person whose ground point stays in a `restricted`, `river_bank` or `square`
    zone for `min_s` seconds."""

    id: ClassVar[str] = "loitering"
    event_type: ClassVar[str] = "loitering"
    title: ClassVar[str] = "人员徘徊"
    Params = LoiteringParams
    zone_kinds: ClassVar[tuple[str, ...]] = ("restricted", "river_bank", "square")
    classes: ClassVar[frozenset[int]] = frozenset({CLASS_ID["person"]})
    what: ClassVar[str] = "zone"
    inputs: ClassVar[str] = "tracked person detections"
    limits: ClassVar[str] = (
        "Depends on the track surviving the whole dwell: in crowds ids switch and dwell "
        "restarts (misses), and benches or queues make lawful long stays (false alarms). "
        "Its events go to human review."
    )
    quality: ClassVar[str] = QUALITY_OPENING + (
        "`gridwatch algo eval loitering --origin real --split dev` on 3 clips (160 frames: "
        "vtest.avi at 1 frame/s, person.jpg, horses.jpg; min_s 10 because the clip lasts 79 s): "
        "recall 3/3 [0.44, 1.00], precision 3/4 [0.30, 0.95], 1 false alarm in 0.044 camera-hours. "
        "The false alarm is an information board taken for a person that 'loiters' in the taped "
        "strip (median score 0.42, while one of the two men talking by the sign, half hidden, has "
        "0.36, so no score threshold parts them). A person-shape filter on that zone (filters: "
        "{person: {max_ratio: 0.6}} added to it in a copy of labels.yaml) does: recall 3/3 "
        "[0.44, 1.00], precision 3/3 [0.44, 1.00], 0 false alarms in 0.044 camera-hours. The "
        "default min_s 120 is not measured: no project clip is long enough."
    )


PLUGIN = Loitering
