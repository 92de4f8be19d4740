"""One detections type that every stage takes: parallel numpy arrays, no per-object objects."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]

COCO_CLASSES: tuple[str, ...] = (
    "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat",
    "traffic light", "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog",
    "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella",
    "handbag", "tie", "suitcase", "frisbee", "skis", "snowboard", "sports ball", "kite",
    "baseball bat", "baseball glove", "skateboard", "surfboard", "tennis racket", "bottle",
    "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange",
    "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch", "potted plant",
    "bed", "dining table", "toilet", "tv", "laptop", "mouse", "remote", "keyboard", "cell phone",
    "microwave", "oven", "toaster", "sink", "refrigerator", "book", "clock", "vase", "scissors",
    "teddy bear", "hair drier", "toothbrush",
)  # fmt: skip

CLASS_ID = {name: i for i, name in enumerate(COCO_CLASSES)}
MOTOR_VEHICLES = frozenset({CLASS_ID["car"], CLASS_ID["bus"], CLASS_ID["truck"]})
TWO_WHEELERS = frozenset({CLASS_ID["bicycle"], CLASS_ID["motorcycle"]})
ANIMALS = frozenset(
    CLASS_ID[n] for n in ("cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra")
)
# Classes a small detector confuses on one object (NanoDet flips a van between car, bus and
# truck; an e-bike between bicycle and motorcycle; a horse between horse and cow): NMS treats
# each group as one class, so one object keeps one box. Other classes are groups of their own,
# so a cyclist keeps both the person and the bicycle.
NMS_GROUPS: tuple[frozenset[int], ...] = (MOTOR_VEHICLES, TWO_WHEELERS, ANIMALS)
# Groups of objects that do not stand inside one another's box: a box of one of these lying
# mostly within a better box of its group is a part of that object (NanoDet gives a bicycle's
# front wheel its own "bicycle" box), not a second one. People are left out: in a crowd a
# distant person's box often lies inside a near one's.
SOLID_GROUPS: frozenset[int] = frozenset({0, 1, 2})


def _empty_f(cols: int = 0) -> FloatArray:
    return np.zeros((0, cols) if cols else (0,), dtype=np.float32)


@dataclass(frozen=True)
class Detections:
    """Boxes in pixel coordinates of the original frame (x1, y1, x2, y2)."""

    xyxy: FloatArray = field(default_factory=lambda: _empty_f(4))
    confidence: FloatArray = field(default_factory=_empty_f)
    class_id: IntArray = field(default_factory=lambda: np.zeros((0,), dtype=np.int64))
    tracker_id: IntArray = field(default_factory=lambda: np.zeros((0,), dtype=np.int64))

    def __post_init__(self) -> None:
        n = len(self.xyxy)
        if self.xyxy.shape != (n, 4):
            raise ValueError(f"xyxy must be (N, 4), got {self.xyxy.shape}")
        if len(self.confidence) != n or len(self.class_id) != n:
            raise ValueError("confidence and class_id must have one entry per box")
        if len(self.tracker_id) != n:
            object.__setattr__(self, "tracker_id", np.full((n,), -1, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.xyxy)

    def __getitem__(self, mask: npt.NDArray[np.bool_] | IntArray) -> Detections:
        return Detections(
            xyxy=self.xyxy[mask],
            confidence=self.confidence[mask],
            class_id=self.class_id[mask],
            tracker_id=self.tracker_id[mask],
        )

    def bottom_centers(self) -> FloatArray:
        """Where an object stands on the ground: the middle of its box's lower edge."""
        x = (self.xyxy[:, 0] + self.xyxy[:, 2]) / 2
        return np.stack([x, self.xyxy[:, 3]], axis=1).astype(np.float32)

    def centers(self) -> FloatArray:
        return np.stack(
            [(self.xyxy[:, 0] + self.xyxy[:, 2]) / 2, (self.xyxy[:, 1] + self.xyxy[:, 3]) / 2],
            axis=1,
        ).astype(np.float32)

    def of_classes(self, classes: frozenset[int]) -> Detections:
        return self[np.isin(self.class_id, list(classes))]

    def with_tracker_ids(self, ids: IntArray) -> Detections:
        return Detections(self.xyxy, self.confidence, self.class_id, ids.astype(np.int64))

    @staticmethod
    def empty() -> Detections:
        return Detections()


def nms_group_of(class_ids: IntArray) -> IntArray:
    """Each class id's NMS group: the index of its group in `NMS_GROUPS`, or
    len(NMS_GROUPS) + class id for a class of its own."""
    groups: IntArray = (len(NMS_GROUPS) + class_ids).astype(np.int64)
    for g, members in enumerate(NMS_GROUPS):
        groups[np.isin(class_ids, list(members))] = g
    return groups


def check_scales(scales: tuple[float, ...]) -> tuple[float, ...]:
    """Detector scales are shares of the model input: at least one, each in [0.1, 1.0]."""
    if not scales or any(not 0.1 <= s <= 1.0 for s in scales):
        raise ValueError(f"scales must be shares between 0.1 and 1.0, got {list(scales)}")
    return scales


def box_cover(a: FloatArray, b: FloatArray) -> FloatArray:
    """Pairwise share of each box of `a` that lies inside each box of `b`: (len(a), len(b))."""
    if len(a) == 0 or len(b) == 0:
        return np.zeros((len(a), len(b)), dtype=np.float32)
    tl = np.maximum(a[:, None, :2], b[None, :, :2])
    br = np.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = np.clip(br - tl, 0, None).prod(axis=2)
    area_a = (a[:, 2:] - a[:, :2]).clip(0).prod(axis=1)
    out: FloatArray = (inter / np.maximum(area_a[:, None], 1e-9)).astype(np.float32)
    return out


def drop_parts(xyxy: FloatArray, groups: IntArray, max_cover: float) -> IntArray:
    """Indices of boxes (sorted best first) to keep when a box of a solid group lying at least
    `max_cover` inside an earlier kept box of its group is a part of that object."""
    cover = box_cover(xyxy, xyxy)
    same = (groups[:, None] == groups[None, :]) & np.isin(groups, list(SOLID_GROUPS))[:, None]
    keep: list[int] = []
    for i in range(len(xyxy)):
        if not any(same[i, k] and cover[i, k] >= max_cover for k in keep):
            keep.append(i)
    return np.asarray(keep, dtype=np.int64)


def box_iou(a: FloatArray, b: FloatArray) -> FloatArray:
    """Pairwise IoU of two box sets, shape (len(a), len(b))."""
    if len(a) == 0 or len(b) == 0:
        return np.zeros((len(a), len(b)), dtype=np.float32)
    tl = np.maximum(a[:, None, :2], b[None, :, :2])
    br = np.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = np.clip(br - tl, 0, None).prod(axis=2)
    area_a = (a[:, 2:] - a[:, :2]).clip(0).prod(axis=1)
    area_b = (b[:, 2:] - b[:, :2]).clip(0).prod(axis=1)
    union = area_a[:, None] + area_b[None, :] - inter
    out: FloatArray = (inter / np.maximum(union, 1e-9)).astype(np.float32)
    return out
