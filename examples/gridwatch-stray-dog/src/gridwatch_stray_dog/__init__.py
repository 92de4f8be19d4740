"""流浪犬 — a dog that stays in a square or on a pavement with no person near it.

Built on gridwatch's `StationaryInZone` shape (an object of some classes whose ground point stays
in a zone of some kinds for a dwell time gives one finding per incident); `confirm` adds the one
rule of its own: no person within `owner_px` of the dog.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from pydantic import Field

from gridwatch.algorithms.stationary_rule import StationaryInZone, StationaryParams
from gridwatch.domain.detections import CLASS_ID, Detections
from gridwatch.domain.readings import FrameInfo


class StrayDogParams(StationaryParams):
    dwell_s: float = Field(120.0, gt=0, description="Seconds the dog must stay in the zone.")
    owner_px: float = Field(
        150.0, gt=0, description="A person closer than this (pixels, box centres) is its owner."
    )


class StrayDog(StationaryInZone):
    """A dog staying in a square or on a pavement for `dwell_s` seconds with nobody near it."""

    id: ClassVar[str] = "stray_dog"
    event_type: ClassVar[str] = "stray_dog"
    title: ClassVar[str] = "流浪犬"
    Params = StrayDogParams
    zone_kinds: ClassVar[tuple[str, ...]] = ("square", "sidewalk")
    classes: ClassVar[frozenset[int]] = frozenset({CLASS_ID["dog"]})
    what: ClassVar[str] = "zone"
    inputs: ClassVar[str] = "detections of dogs and people"
    limits: ClassVar[str] = (
        "A dog on a long lead, or whose owner sits out of the picture, is reported; small "
        "detectors miss dogs under about 20 px."
    )

    def confirm(self, box: object, frame: FrameInfo, detections: Detections) -> bool:
        people = detections.of_classes(frozenset({CLASS_ID["person"]}))
        if len(people) == 0:
            return True
        b = np.asarray(box, dtype=np.float32)
        centre = np.array([(b[0] + b[2]) / 2, (b[1] + b[3]) / 2], np.float32)
        nearest = float(np.linalg.norm(people.centers() - centre, axis=1).min())
        return nearest > self.params.owner_px  # type: ignore[attr-defined]


PLUGIN = StrayDog
