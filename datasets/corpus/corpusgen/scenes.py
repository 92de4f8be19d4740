"""The real backgrounds (scenes) and the real cut-outs (sprites) the clips are made of.

Boxes of sprites are pixels in their source picture, checked by eye on a contact sheet
(`build.py --sheet`); `aspect` is the cut's width / height, frozen here so labels can be made
without the pictures (the build fails when a cut's aspect drifts from it).
Split rule: a scene belongs to one split; test scenes are other places than dev scenes
(only the water scenes share a place: dev's `kite-west` is a crop of test's `kite`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from corpusgen.geometry import Perspective, Point

VEHICLE_RULES = (
    "lane_occupation",
    "illegal_parking",
    "fire_lane_occupation",
    "wrong_way_driving",
    "heavy_truck_restricted",
)


@dataclass(frozen=True)
class Sprite:
    id: str
    kind: str  # person | car | truck | bicycle | bag | stall
    source: str  # file id in sources.yaml
    frame: int | None  # video frame; None for a still, -1 for the source's median plate
    box: tuple[int, int, int, int]  # source pixels x1, y1, x2, y2 around the object
    metres: float  # real height, for the perspective
    aspect: float  # width / height of the cut
    facing: int = 0  # +1 faces right, -1 left, 0 either (people are flipped freely)
    count: int = 1  # objects in the cut (a pair of bicycles counts 2)
    cut: str = "grabcut"  # grabcut | thin (red or dark pixels: a bicycle) | rect (a crate)
    exclude: tuple[tuple[int, int, int, int], ...] = ()  # ellipses' boxes (box pixels) left out


@dataclass(frozen=True)
class Area:
    """A ground area that becomes a zone in the sets of the rules it names (rule -> zone kind)."""

    id: str
    polygon: tuple[Point, ...]
    roles: dict[str, str]
    direction: Point | None = None


@dataclass(frozen=True)
class Scene:
    id: str
    source: str
    frame: int | None  # None: a still; -1: the median of the video's frames (people removed)
    size: tuple[int, int]  # rendered width, height
    split: str
    persp: Perspective
    areas: tuple[Area, ...]
    routes: dict[str, tuple[Point, ...]]  # walkways and roads, as ground points
    spots: dict[str, Point] = field(default_factory=dict)
    crop: tuple[float, float, float, float] | None = None  # of the source, normalised
    occluders: tuple[tuple[float, float, float, float], ...] = ()  # scene boxes kept in front
    water: str | None = None  # area id in which people stand waist-deep
    families: tuple[str, ...] = ()  # which clip families it hosts: vehicles, people, water
    place: str = ""  # the place shown, when another scene shows it too (labels' `scene`)

    @property
    def place_id(self) -> str:
        return self.place or self.id

    def area(self, area_id: str) -> Area:
        return next(a for a in self.areas if a.id == area_id)


def _vt(frame: int, x: int, y: int, w: int, h: int, aspect: float) -> Sprite:
    return Sprite(f"vt{frame}-{x}", "person", "vtest", frame, (x - 3, y - 3, x + w + 3, y + h + 3),
                  1.7, aspect)  # fmt: skip


# Pedestrians of vtest.avi, found where a frame differs from the clean plate, kept by eye.
PEOPLE = (
    _vt(0, 501, 158, 28, 76, 0.38),
    _vt(50, 373, 180, 30, 80, 0.41),
    _vt(50, 500, 217, 40, 94, 0.45),
    _vt(50, 552, 216, 35, 88, 0.43),
    _vt(50, 668, 259, 46, 114, 0.41),
    _vt(75, 479, 184, 27, 76, 0.35),
    _vt(75, 578, 199, 30, 96, 0.31),
    _vt(125, 379, 181, 32, 82, 0.40),
    _vt(125, 637, 212, 44, 86, 0.51),
    _vt(125, 554, 217, 23, 85, 0.27),
    _vt(150, 388, 195, 27, 85, 0.35),
    _vt(150, 592, 229, 32, 87, 0.42),
    _vt(175, 241, 166, 32, 69, 0.49),
    _vt(200, 488, 146, 29, 77, 0.38),
    _vt(200, 222, 192, 27, 76, 0.41),
    _vt(225, 531, 285, 48, 114, 0.43),
    _vt(250, 545, 189, 33, 78, 0.44),
    _vt(275, 268, 189, 33, 82, 0.40),
    _vt(300, 582, 160, 30, 74, 0.43),
    _vt(325, 332, 169, 28, 83, 0.33),
    _vt(325, 224, 174, 28, 69, 0.44),
    _vt(375, 308, 176, 32, 74, 0.48),
    _vt(375, 620, 210, 41, 94, 0.44),
    _vt(400, 274, 201, 28, 86, 0.31),
    _vt(425, 709, 279, 48, 102, 0.48),
    _vt(450, 558, 243, 35, 94, 0.36),
    _vt(475, 558, 236, 33, 90, 0.36),
    _vt(475, 636, 286, 48, 122, 0.41),
    Sprite("man-blue", "person", "person", None, (183, 92, 283, 380), 1.8, 0.36),
    Sprite("child-1", "person", "kite", None, (108, 604, 170, 752), 1.3, 0.41),
    Sprite("child-2", "person", "kite", None, (203, 678, 284, 866), 1.3, 0.34),
)

VEHICLES = (
    Sprite("car-silver", "car", "scenetext01", None, (396, 412, 702, 580), 1.5, 1.87, facing=-1),
    Sprite("pickup", "truck", "dog", None, (462, 68, 690, 178), 1.9, 1.86, facing=1),
    Sprite("van", "truck", "vtest", -1, (648, 40, 727, 102), 2.3, 1.44, facing=1),
)
OTHERS = (
    # A racing bicycle: spokes and the see-through frame defeat GrabCut, so the mask is the
    # red frame and the dark tyres, bars and saddle; the dog sitting in front of the rear wheel
    # and a wheel of the pickup behind are left out.
    Sprite(
        "bike-red",
        "bicycle",
        "dog",
        None,
        (118, 122, 578, 432),
        1.0,
        1.46,
        facing=-1,
        cut="thin",
        exclude=((52, 58, 242, 372), (370, 0, 460, 40)),
    ),
    Sprite("pannier", "bag", "bikes", 205, (272, 14, 446, 206), 0.45, 0.85),
    Sprite("holdall", "bag", "vtest", -1, (399, 162, 442, 185), 0.35, 1.57),
    Sprite("fruit", "stall", "fruits", None, (0, 0, 512, 480), 0.5, 1.07, cut="rect"),
)
SPRITES = {s.id: s for s in PEOPLE + VEHICLES + OTHERS}


def _roles(**kinds: str) -> dict[str, str]:
    return dict(kinds)


PARK = _roles(
    lane_occupation="lane", illegal_parking="no_parking", fire_lane_occupation="fire_lane"
)

SCENES = (
    # ---- test ----
    Scene(
        "vtest",
        "vtest",
        -1,
        (640, 480),
        "test",
        Perspective(-0.0764, 0.1606),
        areas=(
            Area(
                "service-road",
                ((0.50, 0.47), (0.95, 0.45), (1.0, 0.50), (1.0, 0.86), (0.76, 0.80), (0.50, 0.62)),
                PARK,
            ),
            Area(
                "road-east",
                ((0.72, 0.25), (1.0, 0.19), (1.0, 0.47), (0.93, 0.44), (0.70, 0.37)),
                {"wrong_way_driving": "lane", "heavy_truck_restricted": "road"},
                (-0.75, 1.0),
            ),
            Area(
                "plaza",
                ((0.0, 0.37), (0.44, 0.38), (0.52, 0.46), (0.47, 0.58), (0.0, 0.51)),
                {
                    "crowd_gathering": "square",
                    "abandoned_object": "square",
                    "street_vending": "sidewalk",
                },
            ),
            Area(
                "path-east",  # concrete between the lamp post and the tripod
                ((0.50, 0.58), (0.66, 0.62), (0.70, 0.76), (0.56, 0.74)),
                {"non_motor_disorder": "sidewalk"},
            ),
            Area(
                "lawn-south",
                ((0.02, 0.62), (0.40, 0.62), (0.56, 0.76), (0.58, 0.98), (0.02, 0.98)),
                {"area_intrusion": "restricted"},
            ),
            Area(
                "lawn-north",
                ((0.04, 0.15), (0.36, 0.11), (0.40, 0.21), (0.05, 0.26)),
                {"area_intrusion": "restricted", "loitering": "restricted"},
            ),
        ),
        routes={
            "walk-plaza-we": ((-0.05, 0.44), (0.30, 0.45), (0.62, 0.52), (1.05, 0.60)),
            "walk-plaza-ns": ((0.45, 0.33), (0.50, 0.45), (0.70, 0.70), (0.80, 1.05)),
            "walk-lawn-edge": ((-0.05, 0.57), (0.45, 0.60), (0.64, 0.74), (0.70, 1.05)),
            "walk-north": ((-0.05, 0.30), (0.40, 0.31), (0.70, 0.36), (1.05, 0.48)),
            "drive-east": ((1.08, 0.22), (0.80, 0.30), (0.70, 0.40), (0.80, 0.62), (1.10, 0.84)),
        },
        spots={
            "park-1": (0.72, 0.62),
            "park-2": (0.88, 0.70),
            "loiter": (0.20, 0.19),
            "crowd": (0.25, 0.46),
            "lawn": (0.22, 0.80),
            "lawn-n": (0.20, 0.19),
            "bag": (0.30, 0.48),
            "vend": (0.12, 0.45),
            "bikes": (0.56, 0.68),
        },
        families=("vehicles", "people"),
    ),
    Scene(
        "leuvenA",
        "leuvenA",
        None,
        (640, 480),
        "test",
        Perspective(0.62, 0.8),
        areas=(
            Area(
                "lane",
                ((0.26, 0.70), (0.66, 0.70), (0.74, 0.82), (0.18, 0.82)),
                {**PARK, "crowd_gathering": "square"},
            ),
            Area(
                "lane-far",
                ((0.0, 0.69), (1.0, 0.70), (1.0, 0.75), (0.0, 0.74)),
                {"wrong_way_driving": "lane", "heavy_truck_restricted": "road"},
                (1.0, 0.02),
            ),
            Area(
                "steps",
                ((0.74, 0.75), (0.98, 0.78), (0.98, 0.86), (0.74, 0.84)),
                {"area_intrusion": "restricted", "loitering": "restricted"},
            ),
            Area(
                "wall-west",
                ((0.0, 0.80), (0.26, 0.71), (0.30, 0.73), (0.08, 0.92), (0.0, 0.92)),
                {
                    "abandoned_object": "sidewalk",
                    "street_vending": "sidewalk",
                    "non_motor_disorder": "sidewalk",
                },
            ),
        ),
        routes={
            "walk-lane": ((0.47, 0.69), (0.46, 0.80), (0.42, 1.05)),
            "walk-lane-2": ((0.52, 0.69), (0.62, 0.82), (0.68, 1.05)),
            "drive-far": ((-0.15, 0.705), (0.40, 0.71), (1.15, 0.72)),
        },
        spots={
            "park-1": (0.40, 0.74),
            "park-2": (0.56, 0.75),
            "crowd": (0.46, 0.77),
            "loiter": (0.86, 0.81),
            "lawn": (0.84, 0.80),
            "bag": (0.12, 0.80),
            "vend": (0.20, 0.745),
            "bikes": (0.05, 0.86),
            "crowd-entry": (0.47, 0.69),
            "loiter-entry": (0.68, 0.90),
            "lawn-entry": (0.68, 0.90),
        },
        families=("vehicles", "people"),
    ),
    Scene(
        "dog",
        "dog",
        None,
        (640, 480),
        "test",
        Perspective(0.05, 0.358),
        areas=(
            Area(
                "street-west",
                ((0.10, 0.20), (0.56, 0.20), (0.56, 0.35), (0.10, 0.35)),
                {**PARK, "wrong_way_driving": "lane", "heavy_truck_restricted": "road"},
                (1.0, 0.0),
            ),
        ),
        routes={
            "drive-east": ((-0.25, 0.29), (1.25, 0.29)),
            "walk-kerb": ((-0.05, 0.34), (1.05, 0.34)),
        },
        spots={"park-1": (0.30, 0.31), "park-2": (0.45, 0.31)},
        occluders=((0.14, 0.17, 0.76, 0.80), (0.0, 0.0, 0.10, 0.45), (0.95, 0.0, 1.0, 0.45)),
        families=("vehicles",),
    ),
    Scene(
        "person",
        "person",
        None,
        (640, 424),
        "test",
        Perspective(0.28, 0.60),
        areas=(
            Area(
                "pasture-gap",  # between the man and the horse, in sight
                ((0.46, 0.40), (0.62, 0.40), (0.62, 0.60), (0.46, 0.60)),
                {"area_intrusion": "restricted", "loitering": "restricted"},
            ),
            Area(
                "field-west",
                ((0.0, 0.42), (0.46, 0.42), (0.46, 0.64), (0.0, 0.64)),
                {
                    "crowd_gathering": "square",
                    "abandoned_object": "square",
                    "street_vending": "sidewalk",
                    "non_motor_disorder": "sidewalk",
                },
            ),
        ),
        routes={
            "walk-track": ((-0.05, 0.68), (0.50, 0.66), (1.05, 0.64)),
            "walk-far": ((-0.05, 0.37), (0.48, 0.37), (1.05, 0.36)),
        },
        spots={
            "loiter": (0.54, 0.50),
            "crowd": (0.17, 0.50),
            "lawn": (0.55, 0.48),
            "bag": (0.20, 0.52),
            "vend": (0.06, 0.50),
            "bikes": (0.10, 0.57),
        },
        # the real man, dog and horse stand in front of everything composited behind them
        occluders=((0.28, 0.20, 0.45, 0.90), (0.08, 0.60, 0.32, 0.82), (0.62, 0.30, 0.96, 0.86)),
        families=("people",),
    ),
    Scene(
        "kite",
        "kite",
        None,
        (640, 426),
        "test",
        Perspective(0.47, 0.32),
        areas=(
            Area(
                "surf-near",
                ((0.30, 0.66), (1.0, 0.63), (1.0, 1.0), (0.30, 1.0)),
                {"person_in_water": "river"},
            ),
        ),
        routes={
            "walk-sand": ((0.02, 0.60), (0.08, 0.75), (0.20, 1.05)),
            "walk-sand-2": ((0.0, 0.66), (0.12, 0.80), (0.25, 1.05)),
        },
        spots={"wade": (0.55, 0.82)},
        water="surf-near",
        families=("water",),
    ),
    Scene(
        "eagle",
        "eagle",
        None,
        (640, 424),
        "test",
        Perspective(0.0, 0.235),
        areas=(
            Area(
                "river",
                ((0.0, 0.12), (1.0, 0.12), (1.0, 0.72), (0.0, 0.72)),
                {"person_in_water": "river"},
            ),
        ),
        routes={"walk-shore": ((-0.1, 0.95), (1.1, 0.95))},
        spots={"wade": (0.12, 0.45)},
        occluders=((0.17, 0.17, 0.80, 0.90),),
        water="river",
        families=("water",),
    ),
    # ---- dev ----
    Scene(
        "leuvenB",
        "leuvenB",
        None,
        (640, 480),
        "dev",
        Perspective(0.68, 0.875),
        areas=(
            Area(
                "lane",
                ((0.40, 0.73), (0.66, 0.70), (0.78, 0.74), (0.74, 0.82), (0.42, 0.82)),
                {**PARK, "crowd_gathering": "square", "abandoned_object": "square"},
            ),
            Area(
                "lane-far",
                (
                    (0.50, 0.70),
                    (0.80, 0.70),
                    (0.80, 0.76),
                    (0.45, 0.80),
                    (0.20, 0.93),
                    (0.05, 0.93),
                ),
                {"wrong_way_driving": "lane", "heavy_truck_restricted": "road"},
                (-1.0, 0.0),
            ),
            Area(
                "kerb-east",
                ((0.78, 0.74), (0.99, 0.76), (0.99, 0.86), (0.78, 0.86)),
                {"street_vending": "sidewalk", "non_motor_disorder": "sidewalk"},
            ),
            Area(
                "wall-west",
                ((0.22, 0.80), (0.50, 0.73), (0.53, 0.75), (0.28, 0.84)),
                {"area_intrusion": "restricted", "loitering": "restricted"},
            ),
        ),
        routes={
            "walk-lane": ((0.62, 0.70), (0.55, 0.80), (0.45, 1.05)),
            "walk-lane-2": ((0.66, 0.70), (0.70, 0.82), (0.78, 1.05)),
            "drive-far": ((1.15, 0.73), (0.70, 0.72), (0.55, 0.72), (0.45, 0.76), (-0.2, 0.98)),
        },
        spots={
            "park-1": (0.52, 0.76),
            "park-2": (0.62, 0.74),
            "crowd": (0.60, 0.785),
            "loiter": (0.40, 0.78),
            "lawn": (0.44, 0.77),
            "bag": (0.50, 0.80),
            "vend": (0.92, 0.765),
            "bikes": (0.81, 0.83),
            "crowd-entry": (0.64, 0.71),
            "loiter-entry": (0.55, 0.85),
            "lawn-entry": (0.55, 0.85),
        },
        families=("vehicles", "people"),
    ),
    Scene(
        "building",
        "building",
        None,
        (640, 442),
        "dev",
        Perspective(0.55, 0.21),
        areas=(
            Area(
                "forecourt",
                ((0.45, 0.80), (1.0, 0.80), (1.0, 0.875), (0.45, 0.875)),
                {
                    **PARK,
                    "wrong_way_driving": "lane",
                    "heavy_truck_restricted": "road",
                    "crowd_gathering": "square",
                    "abandoned_object": "square",
                    "street_vending": "sidewalk",
                },
                (1.0, 0.0),
            ),
            Area(
                "lawn",
                ((0.0, 0.90), (1.0, 0.90), (1.0, 1.0), (0.0, 1.0)),
                {"area_intrusion": "restricted", "loitering": "restricted"},
            ),
        ),
        routes={
            "walk-front": ((-0.05, 0.885), (1.05, 0.885)),
            "drive-front": ((0.30, 0.845), (1.2, 0.845)),
        },
        spots={
            "park-1": (0.62, 0.85),
            "park-2": (0.85, 0.85),
            "loiter": (0.25, 0.95),
            "crowd": (0.72, 0.84),
            "lawn": (0.40, 0.96),
            "bag": (0.60, 0.86),
            "vend": (0.52, 0.85),
            "loiter-entry": (0.22, 0.87),
            "lawn-entry": (0.42, 0.87),
        },
        families=("vehicles", "people"),
    ),
    Scene(
        "kite-west",
        "kite",
        None,
        (640, 496),
        "dev",
        Perspective(0.243, 0.32),
        areas=(
            Area(
                "surf-west",
                ((0.50, 0.53), (1.0, 0.50), (1.0, 1.0), (0.50, 1.0)),
                {"person_in_water": "river"},
            ),
        ),
        routes={"walk-sand": ((0.02, 0.43), (0.13, 0.64), (0.33, 1.05))},
        spots={"wade": (0.70, 0.78)},
        crop=(0.0, 0.3, 0.6, 1.0),
        water="surf-west",
        families=("water",),
        place="kite",
    ),
)
