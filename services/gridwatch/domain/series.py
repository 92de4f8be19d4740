"""A short history of one sensor's readings, for rates and sums over a time window."""

from __future__ import annotations

import statistics
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np


@dataclass
class Window:
    span: timedelta
    points: deque[tuple[datetime, float]] = field(default_factory=deque)

    def add(self, at: datetime, value: float) -> None:
        if self.points and at <= self.points[-1][0]:
            return  # late or repeated reading: the window stays in time order
        self.points.append((at, value))
        while self.points and at - self.points[0][0] > self.span:
            self.points.popleft()

    def rate_per_hour(self) -> float | None:
        """Theil-Sen slope: the median of the slopes between every pair of readings, so one bad
        reading (a glitch, a lost echo) at either end of the window cannot fake a rise of
        metres per hour, as an end-to-end slope would. None until the window is half full."""
        if len(self.points) < 3:
            return None
        t0 = self.points[0][0]
        hours = np.array([(at - t0).total_seconds() / 3600 for at, _ in self.points])
        if hours[-1] < self.span.total_seconds() / 3600 / 2:
            return None
        values = np.array([v for _, v in self.points])
        i, j = np.triu_indices(len(hours), 1)
        return float(np.median((values[j] - values[i]) / (hours[j] - hours[i])))

    def recent_median(self, n: int = 3) -> float:
        """Median of the last `n` readings: a one-reading spike does not move it."""
        return statistics.median(v for _, v in list(self.points)[-n:])

    def mean(self) -> float:
        return sum(v for _, v in self.points) / len(self.points) if self.points else 0.0
