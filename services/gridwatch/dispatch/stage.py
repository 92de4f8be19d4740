"""The dispatch stage: findings become events, events are routed by the dispatch plans and
open cases. Idempotent end to end: a redelivered finding or event never opens a second task.

For each event, in order:
1. route it (time windows read at the event's time);
2. muted by a silence or an inhibit rule? -> recorded as a suppressed case, nothing sent;
3. its group already has an open case? -> merged into that case (one case per burst);
4. otherwise a new case: dispatched by its plan, or left in the brigade's manual queue; an
   algorithm with `review: confirm` leaves it `reported` for the desk to file or reject;
5. emergency plans it triggers are activated (unless already running).
Notices to the assignee follow the group schedule (see dispatch/escalation.py).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

from gridwatch.config.schema import District
from gridwatch.dispatch.emergencies import EmergencyService
from gridwatch.dispatch.notifications import Notifier
from gridwatch.domain.events import Event, Finding, Place, event_from_finding
from gridwatch.domain.grouping import group_key
from gridwatch.domain.muting import mute_reason
from gridwatch.domain.plans import Router, RoutingDecision
from gridwatch.domain.tasks import State, Task
from gridwatch.store.case_groups import CaseGroups
from gridwatch.store.hot_state import HotState
from gridwatch.store.repository import Store
from gridwatch.store.silences import Silences

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
        self.store, self.hot, self.clock = store, hot, clock
        self.cooldown = cooldown
        self.counts: Counter[str] = Counter()
        self.groups = CaseGroups(store)
        self.silences = Silences(store)
        self.use(district)

    def use(self, district: District) -> None:
        """Switch to (newly loaded) plans; cases already open keep the plan they got."""
        self.district = district
        self.router = Router(district.plans, district.grid_leader_of)
        self.notifier = Notifier(district, self.store, self.hot)
        self.emergencies = EmergencyService(district, self.store, self.notifier, self.clock)

    def place_of(self, device_id: str) -> Place:
        device = self.district.device(device_id)
        grid = self.district.grid(device.grid)
        return Place(grid=grid.id, community=grid.community, scene=device.scene)

    def route(self, event: Event) -> RoutingDecision:
        return self.router.route(event.labels(), event.occurred_at)

    def handle_finding(self, finding: Finding) -> Task | None:
        admitted = self.event_for_finding(finding)
        if admitted is None:
            return None
        event, hold = admitted
        return self.handle_event(event, hold=hold)

    def event_for_finding(self, finding: Finding) -> tuple[Event, bool] | None:
        """Record the finding and make its event, unless it is shadow or cooled down; the flag
        says whether the event waits for review. The scale-out runtime publishes the event
        between this and `handle_event`."""
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
        return event, algo.review == "confirm"

    def handle_event(self, event: Event, *, hold: bool = False) -> Task:
        """Open (or find) the event's case; `hold` leaves a new case `reported` for review."""
        existing = self.store.find_task_for_event(event.event_id)
        if existing is not None:
            self.counts["duplicates"] += 1
            return existing
        now = self.clock()
        decision = self.route(event)
        labels = event.labels()
        muted = mute_reason(
            labels,
            now,
            self.silences.in_force(now),
            self.district.plans.inhibit_rules,
            self.emergencies.inhibit_sources(),
        )
        primary = decision.primary
        key = None if muted else group_key(primary, labels)
        into = self.groups.open_case_of(key) if key else None
        task, created = self.store.open_case(
            event, decision, now, muted=muted, merge_into=into, hold=hold
        )
        if not created:
            self.counts["duplicates"] += 1
            return task
        if task.state is State.SUPPRESSED:
            self.counts["muted"] += 1
        elif task.state is State.MERGED:
            self.counts["merged"] += 1
            self.groups.add_event(key or "", now)
        else:
            if task.state is State.REPORTED:
                self.counts["held"] += 1
            self.counts["tasks"] += 1
            self.groups.start(key or f"case:{task.task_id}", task.task_id, now, primary.grouping)
        if muted is None:
            self.emergencies.on_event(event)
        log.info(
            "event %s (%s, %s) -> task %s %s %s by %s",
            event.event_id,
            event.event_type,
            event.grid,
            task.task_id,
            task.state.value,
            task.assignee,
            task.route_id,
        )
        self._publish(event, task)
        return task

    def _publish(self, event: Event, task: Task) -> None:
        if self.hot is None:
            return
        self.hot.publish(
            "event",
            {
                "event_id": event.event_id,
                "task_id": task.task_id,
                "event_type": event.event_type,
                "source": event.source,
                "title": event.title,
                "grid": event.grid,
                "device_id": event.device_id,
                "state": task.state.value,
                "assignee": task.assignee,
                "merged_into": task.merged_into,
                "evidence": event.evidence_path,
                "confidence": event.confidence,
                "at": event.occurred_at.isoformat(),
            },
        )
