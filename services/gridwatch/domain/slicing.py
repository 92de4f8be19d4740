"""Sliced inference (the SAHI technique): a region of the frame cut into overlapping tiles, each
given to the detector at the model's input size, so a small object fills more model pixels than
it does in the whole shrunk frame. People far from a pole camera are 10-20 px tall in a 1080p
frame and a few pixels at 416: a detector finds one or two in a stand holding dozens.

Pure geometry here; the engine runs the tiles and merges their boxes with the full-frame pass.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Slicing:
    """Tiles of `tile_px` frame pixels (0: the model's input size) over `region` (x1, y1, x2, y2
    in 0-1 of the frame), overlapping by `overlap`; at most `max_tiles`: a larger region gets
    larger tiles, so the cost of one sliced pass stays bounded."""

    region: Box
    tile_px: int = 0
    overlap: float = 0.2
    max_tiles: int = 6

    def __post_init__(self) -> None:
        x1, y1, x2, y2 = self.region
        if not (0 <= x1 < x2 <= 1 and 0 <= y1 < y2 <= 1):
            raise ValueError(f"region {self.region} must be x1 < x2, y1 < y2 within 0-1")
        if not 0 <= self.overlap < 0.9 or self.max_tiles < 1 or self.tile_px < 0:
            raise ValueError(f"bad slicing {self}")


def _starts(lo: int, hi: int, size: int, step: int) -> list[int]:
    if hi - lo <= size:
        return [lo]
    n = math.ceil((hi - lo - size) / step) + 1
    # Spread evenly so the last tile ends on the region's edge.
    return [lo + round(i * (hi - lo - size) / (n - 1)) for i in range(n)]


def tiles(slicing: Slicing, width: int, height: int, model_px: int) -> list[tuple[int, ...]]:
    """The tiles (x1, y1, x2, y2 in frame pixels) of one sliced pass over a `width`×`height`
    frame, row by row."""
    x1, y1, x2, y2 = slicing.region
    rx1, ry1 = math.floor(x1 * width), math.floor(y1 * height)
    rx2, ry2 = math.ceil(x2 * width), math.ceil(y2 * height)
    size = slicing.tile_px or model_px
    while True:
        side = min(size, max(rx2 - rx1, ry2 - ry1))
        step = max(1, round(side * (1 - slicing.overlap)))
        xs = _starts(rx1, rx2, min(side, rx2 - rx1), step)
        ys = _starts(ry1, ry2, min(side, ry2 - ry1), step)
        if len(xs) * len(ys) <= slicing.max_tiles or side >= max(rx2 - rx1, ry2 - ry1):
            break
        size = math.ceil(size * 1.25)
    w, h = min(side, rx2 - rx1), min(side, ry2 - ry1)
    return [(x, y, x + w, y + h) for y in ys for x in xs]
