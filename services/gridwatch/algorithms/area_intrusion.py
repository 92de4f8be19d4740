"""区域入侵 — a person inside a restricted area (river bank, construction site)."""

from __future__ import annotations

from typing import ClassVar

from gridwatch.algorithms.track_rule import TrackInZone, TrackParams
from gridwatch.domain.detections import CLASS_ID


class AreaIntrusion(TrackInZone):
    """A tracked person whose ground point stays in a `restricted` or `river_bank` zone for
    `min_s` seconds (one finding per person per entry)."""

    id: ClassVar[str] = "area_intrusion"
    event_type: ClassVar[str] = "area_intrusion"
    title: ClassVar[str] = "区域入侵"
    Params = TrackParams
    zone_kinds: ClassVar[tuple[str, ...]] = ("restricted", "river_bank")
    classes: ClassVar[frozenset[int]] = frozenset({CLASS_ID["person"]})
    what: ClassVar[str] = "restricted zone"
    inputs: ClassVar[str] = "tracked person detections; zones of kind restricted or river_bank"
    limits: ClassVar[str] = (
        "Workers allowed in the area alert too (no uniform recognition); a track lost and "
        "found again in the zone gives a second finding (the incident memory merges it when "
        "the person has not moved far)."
    )


PLUGIN = AreaIntrusion
