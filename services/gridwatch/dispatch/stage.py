"""The dispatch stage: findings become events, events are routed by the dispatch plans and
open tasks. Idempotent end to end: a redelivered finding or event never opens a second task."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

from gridwatch.config.schema import District
from gridwatch.domain.events import Event, Finding, Place, event_from_finding
from gridwatch.domain.plans import RoutingDecision, route_event
from gridwatch.domain.silences import silencing
from gridwatch.domain.tasks import Task
from gridwatch.store.hot_state import HotState
from gridwatch.store.repository import Store
from gridwatch.store.silences import active_silences

log = logging.getLogger(__name__)

DEFAULT_COOLDOWN = timedelta(minutes=30)


class DispatchStage:
    def __init__(
        self,
        district: District,
        store: Store,
        hot: HotState | None,
        clock: Callable[[], datetime],
        cooldown: timedelta = DEFAULT_COOLDOWN,
    ) -> None:
        self.district, self.store, self.hot, self.clock = district, store, hot, clock
        self.cooldown = cooldown
        self.counts: Counter[str] = Counter()

    def place_of(self, device_id: str) -> Place:
        device = self.district.device(device_id)
        grid = self.district.grid(device.grid)
        return Place(grid=grid.id, community=grid.community, scene=device.scene)

    def route(self, event: Event) -> RoutingDecision:
        return route_event(self.district.plans.route, event.labels(), self.district.grid_leader_of)

    def handle_finding(self, finding: Finding) -> Task | None:
        self.store.record_finding(finding)
        self.counts["findings"] += 1
        if finding.mode == "shadow":
            self.counts["shadow"] += 1
            return None
        key = f"{finding.device_id}:{finding.algorithm}:{finding.incident_key}"
        if self.hot is not None and not self.hot.admit_once(key, finding.finding_id, self.cooldown):
            self.counts["cooled_down"] += 1
            return None
        algo = self.district.algorithm(finding.algorithm)
        event = event_from_finding(
            finding, self.place_of(finding.device_id), algo.severity, algo.name
        )
        return self.handle_event(event, hold=algo.review == "confirm")

    def handle_event(self, event: Event, *, hold: bool = False) -> Task:
        """Route and open the case. `hold` (or an active silence matching the event) leaves it
        on the alert wall for a person to confirm instead of dispatching it at once."""
        decision = self.route(event)
        now = self.clock()
        if not hold and silencing(active_silences(self.store, now), event.labels(), now):
            hold = True
            self.counts["silenced"] += 1
        task, created = self.store.open_case(event, decision, now, hold=hold)
        if created:
            self.counts["tasks"] += 1
            log.info(
                "event %s (%s, %s) -> task %s %s by %s",
                event.event_id,
                event.event_type,
                event.grid,
                task.task_id,
                task.assignee,
                task.route_id,
            )
            if self.hot is not None:
                self.hot.publish(
                    "event",
                    {
                        "event_id": event.event_id,
                        "task_id": task.task_id,
                        "event_type": event.event_type,
                        "title": event.title,
                        "grid": event.grid,
                        "device_id": event.device_id,
                        "state": task.state.value,
                        "assignee": task.assignee,
                        "evidence": event.evidence_path,
                        "confidence": event.confidence,
                        "at": event.occurred_at.isoformat(),
                    },
                )
        else:
            self.counts["duplicates"] += 1
        return task
