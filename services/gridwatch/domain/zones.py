"""Zone geometry: which detections stand inside a polygon. Vectorised over detections."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from gridwatch.domain.detections import Detections, FloatArray
from gridwatch.domain.object_filters import ObjectFilters


def points_in_polygon(points: FloatArray, polygon: FloatArray) -> npt.NDArray[np.bool_]:
    """Even-odd rule; loops over the (few) edges, vectorised over the (many) points."""
    if len(points) == 0:
        return np.zeros((0,), dtype=bool)
    x, y = points[:, 0], points[:, 1]
    inside = np.zeros(len(points), dtype=bool)
    n = len(polygon)
    for i in range(n):
        x1, y1 = polygon[i]
        x2, y2 = polygon[(i + 1) % n]
        crosses = (y1 > y) != (y2 > y)
        with np.errstate(divide="ignore", invalid="ignore"):
            x_at = (x2 - x1) * (y - y1) / (y2 - y1) + x1
        inside ^= crosses & (x < x_at)
    return inside


@dataclass(frozen=True)
class PolygonZone:
    """A zone given in 0-1 image coordinates, tested against boxes in pixels of one frame size;
    its object filters drop boxes that cannot be their class's object in this zone."""

    zone_id: str
    polygon: tuple[tuple[float, float], ...]
    filters: ObjectFilters = field(default_factory=ObjectFilters)

    @staticmethod
    def of(
        zone_id: str,
        points: Sequence[tuple[float, float]],
        filters: ObjectFilters | None = None,
    ) -> PolygonZone:
        polygon = tuple((float(x), float(y)) for x, y in points)
        return PolygonZone(zone_id, polygon, filters or ObjectFilters())

    def pixels(self, width: int, height: int) -> FloatArray:
        poly = np.asarray(self.polygon, dtype=np.float32)
        out: FloatArray = poly * np.array([width, height], dtype=np.float32)
        return out

    def trigger(self, detections: Detections, width: int, height: int) -> npt.NDArray[np.bool_]:
        """Mask of detections whose ground point (bottom centre) lies in the zone and that pass
        the zone's object filters."""
        # A box cut by the frame edge has its ground point on that edge, where the even-odd
        # test of a zone drawn to the edge says "outside"; the point is the box's last visible
        # pixel row, so move it to that pixel's centre.
        points = np.clip(detections.bottom_centers(), 0.5, [width - 0.5, height - 0.5])
        inside = points_in_polygon(points.astype(np.float32), self.pixels(width, height))
        return inside & self.filters.keep(detections, width, height)

    def contains_normalised(self, points: FloatArray) -> npt.NDArray[np.bool_]:
        return points_in_polygon(points, np.asarray(self.polygon, dtype=np.float32))
