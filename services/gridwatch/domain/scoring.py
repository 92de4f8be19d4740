"""Scoring an algorithm's findings against hand labels: precision, recall, false alarms/hour.

A finding is a true positive when it matches an unmatched label of the same clip and zone whose
time span holds the finding's observation time and, when the label has a box, whose box
overlaps the finding's (IoU ≥ `min_iou`). Each label matches at most one finding: a second
finding of the same incident is a false alarm, which is what a duty officer would see.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gridwatch.domain.detections import box_iou


@dataclass(frozen=True)
class Label:
    clip: str
    zone: str
    start_s: float
    end_s: float
    box: tuple[float, float, float, float] | None = None  # pixels of the clip's frames


@dataclass(frozen=True)
class Found:
    clip: str
    zone: str
    at_s: float
    box: tuple[float, float, float, float] | None


@dataclass(frozen=True)
class Score:
    true_positives: int
    false_positives: int
    false_negatives: int
    hours: float

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        labelled = self.true_positives + self.false_negatives
        return self.true_positives / labelled if labelled else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def false_alarms_per_hour(self) -> float:
        return self.false_positives / self.hours if self.hours else 0.0


def summary(s: Score) -> dict[str, float | int]:
    """The measures every `algo eval` prints, rounded alike."""
    return {
        "precision": round(s.precision, 3),
        "recall": round(s.recall, 3),
        "f1": round(s.f1, 3),
        "true_positives": s.true_positives,
        "false_positives": s.false_positives,
        "false_negatives": s.false_negatives,
        "false_alarms_per_hour": round(s.false_alarms_per_hour, 3),
        "hours": round(s.hours, 4),
    }


def _matches(label: Label, found: Found, min_iou: float) -> bool:
    if label.clip != found.clip or label.zone != found.zone:
        return False
    if not label.start_s <= found.at_s <= label.end_s:
        return False
    if label.box is None or found.box is None:
        return True
    iou = box_iou(np.array([label.box], np.float32), np.array([found.box], np.float32))
    return bool(iou[0, 0] >= min_iou)


def score(
    labels: Sequence[Label], findings: Sequence[Found], hours: float, min_iou: float = 0.3
) -> Score:
    open_labels = list(labels)
    tp = fp = 0
    for f in sorted(findings, key=lambda f: f.at_s):
        hit = next((lb for lb in open_labels if _matches(lb, f, min_iou)), None)
        if hit is None:
            fp += 1
        else:
            open_labels.remove(hit)
            tp += 1
    return Score(tp, fp, len(open_labels), hours)
