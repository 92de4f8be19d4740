"""Scoring an algorithm's findings against labels: precision and recall with their Wilson
intervals, false alarms per camera-hour with their exact Poisson interval.

A finding is a true positive when it matches an unmatched label of the same clip and zone whose
time span holds the finding's observation time and, when the label has a box, whose box
overlaps the finding's (IoU ≥ `min_iou`). Each label matches at most one finding: a second
finding of the same incident is a false alarm, which is what a duty officer would see.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from gridwatch.domain.confidence import rate_interval, wilson
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
    """Counts of one run and the figures they support. A proportion with nothing behind it
    (no finding for precision, no labelled incident for recall) is None, "not measured" —
    never 1.0; F1 only when both are measured. `hours` is the exposure the false alarms are
    counted over: camera-hours for a vision set, series-hours for a sensor set."""

    true_positives: int
    false_positives: int
    false_negatives: int
    hours: float

    @property
    def positives(self) -> int:
        return self.true_positives + self.false_negatives

    @property
    def precision_n(self) -> int:
        return self.true_positives + self.false_positives

    @property
    def precision(self) -> float | None:
        n = self.precision_n
        return self.true_positives / n if n else None

    @property
    def precision_ci(self) -> tuple[float, float] | None:
        return wilson(self.true_positives, self.precision_n)

    @property
    def recall(self) -> float | None:
        n = self.positives
        return self.true_positives / n if n else None

    @property
    def recall_ci(self) -> tuple[float, float] | None:
        return wilson(self.true_positives, self.positives)

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def false_alarms_per_hour(self) -> float | None:
        return self.false_positives / self.hours if self.hours > 0 else None

    @property
    def false_alarms_ci(self) -> tuple[float, float] | None:
        return rate_interval(self.false_positives, self.hours)


def _r(v: float | None, digits: int = 3) -> float | None:
    return None if v is None else round(v, digits)


def _ci(v: tuple[float, float] | None, digits: int = 3) -> list[float] | None:
    return None if v is None else [round(v[0], digits), round(v[1], digits)]


def summary(s: Score, exposure: str = "camera") -> dict[str, Any]:
    """The measures every `algo eval` prints, rounded alike; None is "not measured".
    `exposure` names what the hours are of ("camera" or "series")."""
    return {
        "positives": s.positives,
        "tp": s.true_positives,
        "fp": s.false_positives,
        "fn": s.false_negatives,
        "precision": _r(s.precision),
        "precision_n": s.precision_n,
        "precision_ci": _ci(s.precision_ci),
        "recall": _r(s.recall),
        "recall_n": s.positives,
        "recall_ci": _ci(s.recall_ci),
        "f1": _r(s.f1),
        "hours_of": exposure,
        "camera_hours": round(s.hours, 4),
        "false_alarms_per_camera_hour": _r(s.false_alarms_per_hour),
        "false_alarms_ci": _ci(s.false_alarms_ci),
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
