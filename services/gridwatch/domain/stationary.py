"""Objects that stay put: parked vehicles, abandoned bags, stalls.

A stationary object is recognised by its box overlapping the same place frame after frame (IoU),
which is robust to the class flipping between car/bus/truck that small detectors show on one
vehicle. It survives short detection gaps (occlusion by passers-by, missed frames). An object
already reported that is lost for longer (a bus parked in front of it for a minute) and found
again in the same place within `recheck` is the same object: re-checked, not reported again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from gridwatch.domain.detections import FloatArray, box_iou
from gridwatch.domain.tracking import Persistence, ScoreHistory


@dataclass
class Stationary:
    key: str
    box: FloatArray
    first_seen: datetime
    last_seen: datetime
    hits: int = 1
    best_confidence: float = 0.0
    class_votes: dict[int, int] = field(default_factory=dict)
    reported: bool = False
    history: ScoreHistory = field(default_factory=ScoreHistory)

    def dwell(self) -> timedelta:
        return self.last_seen - self.first_seen

    @property
    def class_id(self) -> int:
        return max(self.class_votes, key=lambda c: self.class_votes[c])


@dataclass
class StationaryTracker:
    min_iou: float = 0.5
    max_gap: timedelta = timedelta(seconds=30)
    smoothing: float = 0.8  # weight of the old box: a parked object barely moves
    persistence: Persistence = field(default_factory=Persistence)
    recheck: timedelta = timedelta(minutes=10)
    objects: list[Stationary] = field(default_factory=list)
    lost: list[Stationary] = field(default_factory=list)  # reported, unseen beyond max_gap

    def update(
        self,
        boxes: FloatArray,
        confidences: FloatArray,
        class_ids: np.ndarray,
        now: datetime,
        key_prefix: str,
    ) -> list[Stationary]:
        """Match this frame's boxes to known objects; return the objects seen in this frame."""
        gone = [o for o in self.objects if now - o.last_seen > self.max_gap]
        self.objects = [o for o in self.objects if now - o.last_seen <= self.max_gap]
        lost = [*self.lost, *(o for o in gone if o.reported)]
        self.lost = [o for o in lost if now - o.last_seen <= self.recheck]
        known = np.stack([o.box for o in self.objects]) if self.objects else np.zeros((0, 4))
        iou = box_iou(boxes.astype(np.float32), known.astype(np.float32))
        seen: list[Stationary] = []
        taken: set[int] = set()
        n_known = len(known)  # objects appended below are this frame's, not candidates
        # Greedy by best overlap: few objects per zone, so this is cheap and deterministic.
        order = np.argsort(-iou.max(axis=1)) if iou.size else np.arange(len(boxes))
        for i in order:
            j = -1
            if iou.size:
                candidates = [(iou[i, k], k) for k in range(n_known) if k not in taken]
                if candidates:
                    best, k = max(candidates)
                    if best >= self.min_iou:
                        j = k
            conf, cls = float(confidences[i]), int(class_ids[i])
            if j >= 0:
                obj = self.objects[j]
                taken.add(j)
                obj.box = self.smoothing * obj.box + (1 - self.smoothing) * boxes[i]
                obj.last_seen = now
                obj.hits += 1
                obj.best_confidence = max(obj.best_confidence, conf)
                obj.class_votes[cls] = obj.class_votes.get(cls, 0) + 1
            elif (found := self._found_again(boxes[i])) is not None:
                obj = found
                self.lost.remove(obj)
                self.objects.append(obj)
                obj.last_seen = now
                obj.hits += 1
            else:
                x1, y1, x2, y2 = (int(v) for v in boxes[i])
                obj = Stationary(
                    key=f"{key_prefix}@{x1},{y1},{x2},{y2}",
                    box=boxes[i].astype(np.float32).copy(),
                    first_seen=now,
                    last_seen=now,
                    best_confidence=conf,
                    class_votes={cls: 1},
                )
                self.objects.append(obj)
            obj.history.observe(conf, self.persistence)
            seen.append(obj)
        for obj in self.objects:
            if all(obj is not o for o in seen):
                obj.history.observe(None, self.persistence)
        return seen

    def _found_again(self, box: FloatArray) -> Stationary | None:
        """The reported object lost in this place, if any: best overlap ≥ min_iou."""
        if not self.lost:
            return None
        iou = box_iou(box[None].astype(np.float32), np.stack([o.box for o in self.lost]))[0]
        best = int(iou.argmax())
        return self.lost[best] if iou[best] >= self.min_iou else None
