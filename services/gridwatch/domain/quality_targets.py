"""What a vision rule must reach on the held-out `test` split before a district relies on it,
and whether a measured row reaches it. A figure that was not measured neither meets nor misses
a target: it reads "not measured"."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Targets:
    min_positives: int = 20
    min_scenes: int = 3
    min_negative_hours: float = 2.0
    min_recall: float = 0.9
    max_false_alarms_per_camera_hour: float = 1.0
    max_recall_drop: float = 0.1  # on each held-out transform of the test split


@dataclass(frozen=True)
class Verdict:
    target: str
    figure: str
    met: bool | None  # None: not measured


def _drops(row: Mapping[str, Any]) -> list[tuple[str, float | None]]:
    return [(r["transform"], r.get("recall_drop")) for r in row.get("robustness") or []]


def verdicts(row: Mapping[str, Any], t: Targets = Targets()) -> list[Verdict]:
    """One verdict per target for a vision rule's `algo eval` row."""
    out = [
        Verdict(
            f"≥ {t.min_positives} positives",
            str(row.get("positives") or 0),
            (row.get("positives") or 0) >= t.min_positives,
        ),
        Verdict(
            f"≥ {t.min_scenes} scenes",
            str(row.get("scenes") or 0),
            (row.get("scenes") or 0) >= t.min_scenes,
        ),
        Verdict(
            f"≥ {t.min_negative_hours:g} camera-hours",
            f"{row.get('camera_hours') or 0:.2f}",
            (row.get("camera_hours") or 0) >= t.min_negative_hours,
        ),
    ]
    recall = row.get("recall")
    out.append(
        Verdict(
            f"recall ≥ {t.min_recall:g}",
            "not measured" if recall is None else f"{recall:.2f}",
            None if recall is None else recall >= t.min_recall,
        )
    )
    fa = row.get("false_alarms_per_camera_hour")
    out.append(
        Verdict(
            f"≤ {t.max_false_alarms_per_camera_hour:g} false alarm per camera-hour",
            "not measured" if fa is None else f"{fa:.2f}",
            None if fa is None else fa <= t.max_false_alarms_per_camera_hour,
        )
    )
    for spec, drop in _drops(row):
        out.append(
            Verdict(
                f"recall drop ≤ {t.max_recall_drop:g} under {spec}",
                "not measured" if drop is None else f"{drop:+.2f}",
                None if drop is None else drop <= t.max_recall_drop,
            )
        )
    return out
