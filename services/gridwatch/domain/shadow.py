"""Shadow against live: which incidents both algorithms found, and which only one did.

Two findings are the same incident when they come from the same device and zone, their
observation times lie within `window` of each other and, when both have boxes, the boxes
overlap (IoU ≥ `min_iou`). Pairs are made greedily in time order, each finding used once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from gridwatch.domain.detections import box_iou
from gridwatch.domain.events import Finding


@dataclass(frozen=True)
class ShadowComparison:
    both: list[tuple[Finding, Finding]]  # (shadow, live)
    shadow_only: list[Finding]
    live_only: list[Finding]

    @property
    def agreement(self) -> float:
        """Share of all incidents that both found (1.0 when neither found any)."""
        total = len(self.both) + len(self.shadow_only) + len(self.live_only)
        return len(self.both) / total if total else 1.0


def _same(a: Finding, b: Finding, window: timedelta, min_iou: float) -> bool:
    if a.device_id != b.device_id or a.zone_id != b.zone_id:
        return False
    if abs(a.observed_at - b.observed_at) > window:
        return False
    if a.box is None or b.box is None:
        return True
    iou = box_iou(np.array([a.box], np.float32), np.array([b.box], np.float32))
    return bool(iou[0, 0] >= min_iou)


def compare(
    shadow: Sequence[Finding],
    live: Sequence[Finding],
    window: timedelta = timedelta(minutes=5),
    min_iou: float = 0.3,
) -> ShadowComparison:
    open_live = sorted(live, key=lambda f: f.observed_at)
    both: list[tuple[Finding, Finding]] = []
    shadow_only: list[Finding] = []
    for s in sorted(shadow, key=lambda f: f.observed_at):
        match = next((lv for lv in open_live if _same(s, lv, window, min_iou)), None)
        if match is None:
            shadow_only.append(s)
        else:
            open_live.remove(match)
            both.append((s, match))
    return ShadowComparison(both, shadow_only, open_live)
