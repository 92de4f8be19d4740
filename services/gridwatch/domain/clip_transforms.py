"""Transforms of a labelled clip, named by a short spec: what they are and what they do to the
labels. The pixels are the adapter's (`detect/frame_transforms.py`); the geometry is here.

Specs: `mirror` (horizontal flip), `dusk` (darker, lower contrast, a blue cast), `rain:SEED`
(seeded streaks and noise), `jpeg:Q` (re-encoded at quality Q, 1-100), `scale:F` (resized by F,
0.1-4). Zones and boxes are normalised to 0-1, so only `mirror` moves them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Kind = Literal["mirror", "dusk", "rain", "jpeg", "scale"]
USAGE = "use mirror, dusk, rain:SEED, jpeg:Q (1-100) or scale:F (0.1-4)"
Point = tuple[float, float]
Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Transform:
    kind: Kind
    value: float = 0.0  # rain: the seed; jpeg: the quality; scale: the factor

    @property
    def spec(self) -> str:
        if self.kind in ("mirror", "dusk"):
            return self.kind
        if self.kind == "scale":
            return f"scale:{self.value:g}"
        return f"{self.kind}:{int(self.value)}"

    @property
    def moves_geometry(self) -> bool:
        return self.kind == "mirror"


def parse_transform(spec: str) -> Transform:
    """`jpeg:15` → Transform("jpeg", 15); ValueError saying what is accepted otherwise."""
    name, _, arg = spec.strip().partition(":")
    if name in ("mirror", "dusk"):
        if arg:
            raise ValueError(f"transform {spec!r}: {name} takes no value; {USAGE}")
        return Transform(name)  # type: ignore[arg-type]
    try:
        if name == "rain":
            seed = int(arg)
            if seed < 0:
                raise ValueError
            return Transform("rain", seed)
        if name == "jpeg":
            quality = int(arg)
            if not 1 <= quality <= 100:
                raise ValueError
            return Transform("jpeg", quality)
        if name == "scale":
            factor = float(arg)
            if not 0.1 <= factor <= 4:
                raise ValueError
            return Transform("scale", factor)
    except ValueError:
        raise ValueError(f"transform {spec!r}: bad value; {USAGE}") from None
    raise ValueError(f"unknown transform {spec!r}: {USAGE}")


def parse_transforms(specs: Sequence[str]) -> tuple[Transform, ...]:
    return tuple(parse_transform(s) for s in specs)


def mirrored_times(transforms: Sequence[Transform]) -> int:
    return sum(t.kind == "mirror" for t in transforms)


def mirror_point(p: Point) -> Point:
    return (1.0 - p[0], p[1])


def mirror_polygon(polygon: Sequence[Point]) -> list[Point]:
    """The polygon of the flipped picture; the vertex order is kept (its winding reverses,
    which no zone test depends on)."""
    return [mirror_point(p) for p in polygon]


def mirror_box(box: Box) -> Box:
    """x1, y1, x2, y2 (normalised) of the flipped picture: the left edge becomes the right."""
    x1, y1, x2, y2 = box
    return (1.0 - x2, y1, 1.0 - x1, y2)


def mirror_direction(direction: Point) -> Point:
    """A lane's lawful direction (dx, dy) in the flipped picture."""
    return (-direction[0], direction[1])
