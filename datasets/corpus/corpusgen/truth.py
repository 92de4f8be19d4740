"""Ground truth per rule from the recipes' geometry: where every actor is at every analysed
frame, which zones it stands in, for how long. Pure: no pictures.

Each rule's truth is stated in world terms (a vehicle parked >= 180 s, a person in the water
>= 10 s, ...) and the recipes keep every situation clear of the borderline: a duration or
count between "certainly not" and "certainly yes" raises AmbiguousTruth, so a recipe change
that makes a label debatable fails the build and the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from corpusgen.geometry import Box, Point, box_at, clip_box, inside, normalised, spans
from corpusgen.recipes import Actor, Recipe
from corpusgen.scenes import SPRITES, Area, Scene
from gridwatch.domain.zones import points_in_polygon

VEHICLE_FAMILY = ("lane_occupation", "illegal_parking", "fire_lane_occupation",
                  "wrong_way_driving", "heavy_truck_restricted")  # fmt: skip
PEOPLE_FAMILY = ("abandoned_object", "street_vending", "non_motor_disorder", "area_intrusion",
                 "loitering", "crowd_gathering")  # fmt: skip
WATER_FAMILY = ("person_in_water",)
RULES = VEHICLE_FAMILY + PEOPLE_FAMILY + WATER_FAMILY
FAMILY_OF = {r: f for f, rs in (("vehicles", VEHICLE_FAMILY), ("people", PEOPLE_FAMILY),
                                 ("water", WATER_FAMILY)) for r in rs}  # fmt: skip
SAMPLE_FPS = {"wrong_way_driving": 2, "heavy_truck_restricted": 2}
HEAVY = 0.12  # box height (share of the frame) that makes a truck heavy, as the rule's default
SUBMERGED = 0.4  # share of a wading person's height under water


class AmbiguousTruthError(ValueError):
    pass


@dataclass(frozen=True)
class Event:
    zone: str
    start_s: float
    end_s: float
    box: tuple[float, float, float, float] | None
    note: str

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"zone": self.zone, "start_s": self.start_s, "end_s": self.end_s}
        if self.box is not None:
            d["box"] = list(self.box)
        d["note"] = self.note
        return d


def pixel_box(scene: Scene, actor: Actor, point: Point) -> Box:
    """The actor's visible box (a wading person's lower part is under water)."""
    s = SPRITES[actor.sprite]
    box = box_at(point, scene.persp, s.metres, s.aspect, scene.size)
    if scene.water and s.kind == "person" and inside(point, scene.area(scene.water).polygon):
        cut = round((box[3] - box[1]) * SUBMERGED)
        box = (box[0], box[1], box[2], box[3] - cut)
    return box


def times(recipe: Recipe, fps: int) -> list[float]:
    return [k / fps for k in range(int(recipe.duration_s * fps))]


def _track(actor: Actor, ts: list[float]) -> npt.NDArray[np.float64]:
    """Ground points at the times `ts` (NaN where absent), interpolated as Path.at does."""
    t = np.asarray(ts)
    keys = actor.path.keys
    kt = np.array([k.t for k in keys])
    out = np.full((len(t), 2), np.nan)
    here = (t >= kt[0]) & (t <= kt[-1])
    out[here, 0] = np.interp(t[here], kt, [k.x for k in keys])
    out[here, 1] = np.interp(t[here], kt, [k.y for k in keys])
    return out


def _inside_mask(track: npt.NDArray[np.float64], area: Area) -> npt.NDArray[np.bool_]:
    here = ~np.isnan(track[:, 0])
    mask = np.zeros(len(track), dtype=bool)
    if here.any():
        poly = np.asarray(area.polygon, dtype=np.float32)
        mask[here] = points_in_polygon(track[here].astype(np.float32), poly)
    return mask


def _in_spans(
    track: npt.NDArray[np.float64], area: Area, ts: list[float]
) -> list[tuple[float, float]]:
    return spans(list(_inside_mask(track, area)), ts)


def _box_norm(recipe: Recipe, actor: Actor, p: Point) -> tuple[float, float, float, float]:
    b = clip_box(pixel_box(recipe.scene, actor, p), recipe.scene.size)
    assert b is not None, f"{recipe.id}: {actor.id} is off the frame where a box is labelled"
    n = normalised(b, recipe.scene.size)
    return (n[0], n[1], n[2], n[3])


def _check(ok: bool, recipe: Recipe, what: str) -> None:
    if not ok:
        raise AmbiguousTruthError(f"{recipe.id}: {what}")


def events(recipe: Recipe, rule: str) -> list[Event]:
    scene = recipe.scene
    areas = [a for a in scene.areas if rule in a.roles]
    ts = times(recipe, SAMPLE_FPS.get(rule, 1))
    kinds = {a.id: SPRITES[a.sprite].kind for a in recipe.actors}
    out: list[Event] = []
    actors = recipe.actors
    people = [a for a in actors if kinds[a.id] == "person"]
    vehicles = [a for a in actors if kinds[a.id] in ("car", "truck")]
    for area in areas:
        if rule in ("lane_occupation", "illegal_parking", "fire_lane_occupation"):
            for v in vehicles:
                for t0, t1, p in v.path.stops():
                    if not inside(p, area.polygon):
                        continue
                    _check(t1 - t0 <= 12 or t1 - t0 >= 180, recipe, f"{v.id} stops {t1 - t0} s")
                    if t1 - t0 >= 180:
                        out.append(Event(area.id, t0, t1, _box_norm(recipe, v, p),
                                         f"{v.sprite} parked {round(t1 - t0)} s"))  # fmt: skip
        elif rule == "wrong_way_driving":
            assert area.direction is not None
            dx, dy = area.direction
            norm = (dx * dx + dy * dy) ** 0.5
            for v in vehicles:
                track = _track(v, ts)
                for s0, s1 in _in_spans(track, area, ts):
                    sel = track[(np.asarray(ts) >= s0) & (np.asarray(ts) <= s1)]
                    along = float(((sel - sel[0]) @ np.array([dx, dy])).min() / norm)
                    _check(not -0.15 < along < -0.05, recipe, f"{v.id} moves {along:.3f} back")
                    if along <= -0.15:
                        out.append(Event(area.id, s0, s1, None, f"{v.sprite} against the lane"))
        elif rule == "heavy_truck_restricted":
            for v in vehicles:
                if kinds[v.id] != "truck":
                    continue
                track = _track(v, ts)
                for s0, s1 in _in_spans(track, area, ts):
                    sel = track[(np.asarray(ts) >= s0) & (np.asarray(ts) <= s1)]
                    heights = [_height(recipe, v, (float(x), float(y))) for x, y in sel]
                    tall, hmax = sum(h >= HEAVY for h in heights), max(heights)
                    _check(hmax < 0.09 or tall >= 4, recipe, f"{v.id} height {hmax:.3f}")
                    if tall >= 4:
                        out.append(Event(area.id, s0, s1, None, f"{v.sprite}, box {hmax:.2f} high"))
        elif rule in ("area_intrusion", "loitering", "person_in_water"):
            lo, hi = {"area_intrusion": (0, 10), "loitering": (25, 150),
                      "person_in_water": (0, 10)}[rule]  # fmt: skip
            for a in people:
                for s0, s1 in _in_spans(_track(a, ts), area, ts):
                    _check(s1 - s0 <= lo or s1 - s0 >= hi, recipe, f"{a.id} in {area.id} "
                           f"for {s1 - s0} s")  # fmt: skip
                    if s1 - s0 >= hi:
                        out.append(Event(area.id, s0, s1, None, f"{a.role} for {round(s1 - s0)} s"))
        elif rule == "crowd_gathering":
            counts = list(sum((_inside_mask(_track(a, ts), area) for a in people),
                              np.zeros(len(ts), dtype=int)))  # fmt: skip
            for s0, s1 in _merged(spans([c >= 15 for c in counts], ts), 30):
                peak = max(counts[int(s0) : int(s1) + 1])
                _check(s1 - s0 >= 100 and peak >= 18, recipe, f"crowd {peak} for {s1 - s0} s")
                out.append(Event(area.id, s0, s1, None, f"{peak} people gathered"))
            near = [s for s in spans([c >= 15 for c in counts], ts)]
            for s0, s1 in spans([10 < c < 15 for c in counts], ts):
                _check(any(b0 - 60 <= s0 and s1 <= b1 + 60 for b0, b1 in near), recipe,
                       f"a group of 11-14 at {s0} s, not forming or leaving a crowd")  # fmt: skip
        elif rule == "abandoned_object":
            for bag in (a for a in actors if kinds[a.id] == "bag"):
                ((t0, t1, p),) = bag.path.stops()
                if not inside(p, area.polygon):
                    continue
                if bag.role == "bag":
                    _check(t1 - t0 >= 190, recipe, f"{bag.id} left {t1 - t0} s")
                    out.append(Event(area.id, t0, t1, _box_norm(recipe, bag, p),
                                     f"bag left for {round(t1 - t0)} s"))  # fmt: skip
        elif rule == "street_vending":
            for a in people:
                if a.role != "vendor":
                    continue
                ((t0, t1, p),) = [s for s in a.path.stops() if s[1] - s[0] > 60]
                if inside(p, area.polygon):
                    _check(t1 - t0 >= 430, recipe, f"{a.id} sells {t1 - t0} s")
                    out.append(Event(area.id, t0, t1, _box_norm(recipe, a, p),
                                     f"vendor with produce for {round(t1 - t0)} s"))  # fmt: skip
        elif rule == "non_motor_disorder":
            bikes = [a for a in actors if kinds[a.id] == "bicycle"]
            parked = [[(t0, t1, p) for t0, t1, p in b.path.stops() if inside(p, area.polygon)]
                      for b in bikes]  # fmt: skip
            counts = [sum(SPRITES[b.sprite].count for b, st in zip(bikes, parked, strict=True)
                          if any(t0 <= t <= t1 for t0, t1, _ in st)) for t in ts]  # fmt: skip
            for s0, s1 in spans([c >= 3 for c in counts], ts):
                _check(s1 - s0 >= 430, recipe, f"{max(counts)} bikes for {s1 - s0} s")
                boxes = [_box_norm(recipe, b, st[0][2]) for b, st in zip(bikes, parked, strict=True)
                         if st and st[0][0] <= s0 + 1 and st[0][1] >= s1 - 1]  # fmt: skip
                box = (min(b[0] for b in boxes), min(b[1] for b in boxes),
                       max(b[2] for b in boxes), max(b[3] for b in boxes))  # fmt: skip
                out.append(Event(area.id, s0, s1, box, f"{max(counts[int(s0):int(s1)])} "
                                 "bicycles parked"))  # fmt: skip
        else:
            raise ValueError(f"no truth for rule {rule}")
    return sorted(out, key=lambda e: (e.start_s, e.zone))


def _merged(runs: list[tuple[float, float]], gap: float) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for s0, s1 in runs:
        if out and s0 - out[-1][1] <= gap:
            out[-1] = (out[-1][0], s1)
        else:
            out.append((s0, s1))
    return out


def _height(recipe: Recipe, actor: Actor, p: Point) -> float:
    b = pixel_box(recipe.scene, actor, p)
    return (min(b[3], recipe.scene.size[1]) - max(b[1], 0)) / recipe.scene.size[1]


def zones(recipe: Recipe, rule: str) -> list[dict[str, Any]]:
    out = []
    for a in recipe.scene.areas:
        if rule in a.roles:
            z: dict[str, Any] = {"id": a.id, "kind": a.roles[rule],
                                 "polygon": [list(p) for p in a.polygon]}  # fmt: skip
            if rule == "wrong_way_driving" and a.direction is not None:
                z["direction"] = list(a.direction)
            out.append(z)
    return out
