"""Paths, boxes per frame and zone membership: pure, no pictures.

Coordinates are normalised to the rendered frame (0-1, x right, y down). An actor's position
is its ground point (the bottom centre of its box), as the rules test it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gridwatch.domain.zones import points_in_polygon

Point = tuple[float, float]
Box = tuple[int, int, int, int]  # pixels x1, y1, x2, y2 (x2, y2 exclusive)


@dataclass(frozen=True)
class Key:
    """At `t` seconds from the clip's start the ground point is at (x, y)."""

    t: float
    x: float
    y: float


@dataclass(frozen=True)
class Path:
    """Keys in increasing time, linearly interpolated; the actor is absent outside them."""

    keys: tuple[Key, ...]

    def __post_init__(self) -> None:
        if not self.keys:
            raise ValueError("a path needs at least one key")
        for a, b in zip(self.keys, self.keys[1:], strict=False):
            if b.t <= a.t:
                raise ValueError(f"path keys must go forward in time: {a.t} then {b.t}")

    @property
    def start(self) -> float:
        return self.keys[0].t

    @property
    def end(self) -> float:
        return self.keys[-1].t

    def at(self, t: float) -> Point | None:
        if t < self.start or t > self.end:
            return None
        for a, b in zip(self.keys, self.keys[1:], strict=False):
            if a.t <= t <= b.t:
                f = (t - a.t) / (b.t - a.t)
                return (a.x + f * (b.x - a.x), a.y + f * (b.y - a.y))
        return (self.keys[-1].x, self.keys[-1].y)

    def heading(self, t: float) -> int:
        """+1 facing right, -1 facing left: the last horizontal move before `t` (right if none)."""
        facing = 1
        for a, b in zip(self.keys, self.keys[1:], strict=False):
            if a.t > t:
                break
            if abs(b.x - a.x) > 1e-6:
                facing = 1 if b.x > a.x else -1
        return facing

    def stops(self) -> list[tuple[float, float, Point]]:
        """(from, to, where) of every span the actor stands still (equal consecutive keys)."""
        out: list[tuple[float, float, Point]] = []
        for a, b in zip(self.keys, self.keys[1:], strict=False):
            if (a.x, a.y) == (b.x, b.y):
                if out and out[-1][1] == a.t and out[-1][2] == (a.x, a.y):
                    out[-1] = (out[-1][0], b.t, (a.x, a.y))
                else:
                    out.append((a.t, b.t, (a.x, a.y)))
        return out


def route(points: Sequence[Point], t0: float, duration: float) -> list[Key]:
    """Keys walking `points` from t0 in `duration` seconds at constant speed."""
    pts = np.asarray(points, dtype=np.float64)
    seg = np.linalg.norm(np.diff(pts, axis=0), axis=1)
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    total = float(cum[-1]) or 1.0
    return [
        Key(round(t0 + duration * float(c) / total, 3), float(p[0]), float(p[1]))
        for c, p in zip(cum, pts, strict=True)
    ]


@dataclass(frozen=True)
class Perspective:
    """Ground plane seen by the camera: an object of `metres` standing at image height y is
    `slope * (y - horizon) * metres` frame heights tall (flat ground, level camera)."""

    horizon: float
    slope: float

    def height(self, y: float, metres: float) -> float:
        return max(0.0, self.slope * (y - self.horizon) * metres)


def box_at(
    point: Point, persp: Perspective, metres: float, aspect: float, size: tuple[int, int]
) -> Box:
    """The pixel box of an object whose ground point is `point`: height from the perspective,
    width from the sprite's aspect (width / height in pixels). Not clipped to the frame."""
    w_px, h_px = size
    h = max(2, round(persp.height(point[1], metres) * h_px))
    w = max(2, round(h * aspect))
    x2c, y2 = point[0] * w_px, round(point[1] * h_px)
    x1 = round(x2c - w / 2)
    return (x1, y2 - h, x1 + w, y2)


def clip_box(box: Box, size: tuple[int, int]) -> Box | None:
    x1, y1, x2, y2 = max(box[0], 0), max(box[1], 0), min(box[2], size[0]), min(box[3], size[1])
    return (x1, y1, x2, y2) if x2 > x1 and y2 > y1 else None


def normalised(box: Box, size: tuple[int, int]) -> list[float]:
    w, h = size
    return [round(box[0] / w, 4), round(box[1] / h, 4), round(box[2] / w, 4), round(box[3] / h, 4)]


def inside(point: Point, polygon: Sequence[Point]) -> bool:
    """The rules' own even-odd test (gridwatch.domain.zones), for one point."""
    pts = np.asarray([point], dtype=np.float32)
    return bool(points_in_polygon(pts, np.asarray(polygon, dtype=np.float32))[0])


def spans(flags: Sequence[bool], times: Sequence[float]) -> list[tuple[float, float]]:
    """Maximal runs of True as (first time, last time)."""
    out: list[tuple[float, float]] = []
    start: float | None = None
    last = 0.0
    for f, t in zip(flags, times, strict=True):
        if f and start is None:
            start = t
        if not f and start is not None:
            out.append((start, last))
            start = None
        last = t
    if start is not None:
        out.append((start, last))
    return out
