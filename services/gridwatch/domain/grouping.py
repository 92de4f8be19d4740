"""Grouping (Alertmanager's group_by / group_wait / group_interval / repeat_interval) applied
to cases: a burst of events with the same group labels becomes one case, and its assignee is
told about it on a schedule instead of once per event.

* The group key is the route plus the values of its `group_by` labels. An event missing one
  of those labels (a citizen request has no device) is never grouped: it opens its own case.
* While the group's case is open, later events of the group are merged into it.
* Notices: the first one `group_wait` after the case opened (the burst has arrived by then);
  an update at most every `group_interval` when events joined since the last notice; a
  reminder every `repeat_interval` while nothing changed and the case is still open.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from gridwatch.domain.plans import Assignment, Grouping


def group_key(assignment: Assignment, labels: Mapping[str, str]) -> str | None:
    """`route{label="value",…}`, or None when the event is not to be grouped."""
    by = assignment.grouping.by
    if not by:
        return None
    values = [labels.get(label, "") for label in by]
    if not all(values):
        return None
    inner = ",".join(f'{label}="{value}"' for label, value in zip(by, values, strict=True))
    return f"{assignment.route_id}{{{inner}}}"


@dataclass(frozen=True)
class Notice:
    kind: str  # new | update | reminder
    events: int  # events in the case
    new_events: int  # events the assignee has not heard of yet


@dataclass(frozen=True)
class GroupState:
    key: str
    task_id: str
    first_at: datetime
    last_event_at: datetime
    wait: timedelta
    interval: timedelta
    repeat: timedelta
    events: int = 1
    notified_events: int = 0
    last_notified_at: datetime | None = None

    @staticmethod
    def start(key: str, task_id: str, at: datetime, grouping: Grouping) -> GroupState:
        return GroupState(
            key, task_id, at, at, grouping.wait, grouping.interval, grouping.repeat, events=1
        )

    def add_event(self, at: datetime) -> GroupState:
        return replace(self, events=self.events + 1, last_event_at=max(at, self.last_event_at))

    def next_notice_at(self) -> datetime:
        if self.last_notified_at is None:
            return self.first_at + self.wait
        if self.events > self.notified_events:
            return self.last_notified_at + self.interval
        return self.last_notified_at + self.repeat

    def notice_due(self, now: datetime) -> Notice | None:
        if now < self.next_notice_at():
            return None
        if self.last_notified_at is None:
            kind = "new"
        elif self.events > self.notified_events:
            kind = "update"
        else:
            kind = "reminder"
        return Notice(kind, self.events, self.events - self.notified_events)

    def notified(self, now: datetime) -> GroupState:
        return replace(self, last_notified_at=now, notified_events=self.events)
