"""A short history of one sensor's readings, for rates and sums over a time window."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta


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
        """Slope from the oldest to the newest reading; None until the window is half full."""
        if len(self.points) < 2:
            return None
        (t0, v0), (t1, v1) = self.points[0], self.points[-1]
        hours = (t1 - t0).total_seconds() / 3600
        if hours < self.span.total_seconds() / 3600 / 2:
            return None
        return (v1 - v0) / hours

    def mean(self) -> float:
        return sum(v for _, v in self.points) / len(self.points) if self.points else 0.0
