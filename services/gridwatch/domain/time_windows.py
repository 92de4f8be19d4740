"""Named time windows (market hours, night shift …) that switch dispatch routes on and off.

Like Alertmanager's time_intervals, reduced to what districts use: weekdays and clock-time
ranges in the district's own time zone. The caller passes the time and the zone in.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, tzinfo

from gridwatch.config.schema import WEEKDAYS, TimeInterval


def weekdays_of(specs: Iterable[str]) -> frozenset[int]:
    """`["monday:friday", "sunday"]` -> {0, 1, 2, 3, 4, 6}; no specs means every day."""
    days: set[int] = set()
    for spec in specs:
        first, _, last = spec.partition(":")
        a, b = WEEKDAYS.index(first), WEEKDAYS.index(last or first)
        if a <= b:
            days.update(range(a, b + 1))
        else:  # saturday:monday wraps over the weekend
            days.update(range(a, 7))
            days.update(range(0, b + 1))
    return frozenset(days) if days else frozenset(range(7))


def _minutes(clock: str) -> int:
    h, m = clock.split(":")
    return int(h) * 60 + int(m)


def contains(interval: TimeInterval, at: datetime, zone: tzinfo) -> bool:
    """Is the instant `at` inside the interval, read on the district's local clock?"""
    if at.tzinfo is None:
        raise ValueError("time windows need an aware datetime")
    local = at.astimezone(zone)
    if local.weekday() not in weekdays_of(interval.weekdays):
        return False
    if not interval.times:
        return True
    now = local.hour * 60 + local.minute
    return any(_minutes(r.start) <= now < _minutes(r.end) for r in interval.times)


def active_intervals(
    intervals: Iterable[TimeInterval], at: datetime, zone: tzinfo
) -> frozenset[str]:
    """Ids of the intervals that hold at `at`."""
    return frozenset(iv.id for iv in intervals if contains(iv, at, zone))
