"""Per-zone object filters: which boxes of a class can be that object at all, in this zone.

A camera sees people, cars and bicycles at a known range of sizes and shapes in each zone: a
"person" box wider than it is tall, or one covering half the frame where people are small, is
a misread sign or bin, not a person. Bounds per class name (or `*` for every class) on the box
area as a share of the frame, on the aspect ratio width / height, and on the detector score;
each bound is optional. Vectorised over detections.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from gridwatch.domain.detections import COCO_CLASSES, Detections

ANY_CLASS = "*"


@dataclass(frozen=True)
class Bounds:
    """Inclusive bounds; None leaves that side open."""

    min_area: float | None = None  # box area / frame area
    max_area: float | None = None
    min_ratio: float | None = None  # box width / box height
    max_ratio: float | None = None
    min_score: float | None = None


def _table(value: float | None, default: float) -> float:
    return default if value is None else value


@dataclass(frozen=True)
class ObjectFilters:
    """Bounds per COCO class id; classes without their own bounds take `any_class`'s."""

    by_class: Mapping[int, Bounds] = field(default_factory=dict)
    any_class: Bounds | None = None

    @staticmethod
    def of(named: Mapping[str, Bounds]) -> ObjectFilters:
        """From class names (`person`, `car`, …, or `*`); an unknown name raises ValueError."""
        ids = {name: i for i, name in enumerate(COCO_CLASSES)}
        unknown = sorted(n for n in named if n != ANY_CLASS and n not in ids)
        if unknown:
            raise ValueError(f"unknown classes {unknown}: use COCO class names or '*'")
        by_class = {ids[n]: b for n, b in named.items() if n != ANY_CLASS}
        return ObjectFilters(by_class, named.get(ANY_CLASS))

    def __bool__(self) -> bool:
        return bool(self.by_class) or self.any_class is not None

    def _columns(self) -> npt.NDArray[np.float32]:
        """Per class id (rows) the five bounds (columns), open sides as ±inf."""
        table = np.tile(np.array([0, np.inf, 0, np.inf, 0], np.float32), (len(COCO_CLASSES), 1))
        rows = [(c, self.any_class) for c in range(len(COCO_CLASSES))] if self.any_class else []
        for c, b in [*rows, *self.by_class.items()]:
            if b is not None:
                table[c] = (
                    _table(b.min_area, 0),
                    _table(b.max_area, np.inf),
                    _table(b.min_ratio, 0),
                    _table(b.max_ratio, np.inf),
                    _table(b.min_score, 0),
                )
        return table

    def keep(self, detections: Detections, width: int, height: int) -> npt.NDArray[np.bool_]:
        """Mask of the detections that pass their class's bounds in a `width`×`height` frame."""
        if not self or len(detections) == 0:
            return np.ones(len(detections), dtype=bool)
        bounds = self._columns()[np.clip(detections.class_id, 0, len(COCO_CLASSES) - 1)]
        size = (detections.xyxy[:, 2:] - detections.xyxy[:, :2]).clip(0)
        area = size[:, 0] * size[:, 1] / float(width * height)
        ratio = size[:, 0] / np.maximum(size[:, 1], 1e-6)
        mask: npt.NDArray[np.bool_] = (
            (area >= bounds[:, 0])
            & (area <= bounds[:, 1])
            & (ratio >= bounds[:, 2])
            & (ratio <= bounds[:, 3])
            & (detections.confidence >= bounds[:, 4])
        )
        return mask
