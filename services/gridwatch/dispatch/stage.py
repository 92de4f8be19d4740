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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gridwatch.config.schema import District
from gridwatch.dispatch.emergencies import EmergencyService
from gridwatch.dispatch.notifications import Notifier
from gridwatch.domain.events import Event, Finding, Place, event_from_finding
from gridwatch.domain.grouping import group_key
from gridwatch.domain.muting import Muted, Silence, mute_reason
from gridwatch.domain.plans import Router, RoutingDecision
from gridwatch.domain.tasks import State, Task
from gridwatch.store import case_groups
from gridwatch.store.emergencies import active as emergencies_in_force
from gridwatch.store.hot_state import HotState
from gridwatch.store.repository import CaseRows, Store, case_rows, task_id_of, write_cases
from gridwatch.store.silences import unexpired as unexpired_silences

log = logging.getLogger(__name__)

DEFAULT_COOLDOWN = timedelta(minutes=30)


@dataclass
class Pending:
    """One transaction's shared reads and deferred writes: what may mute its events (the
    silences not yet ended, each checking its window at the event's time, and the inhibit
    sources of the real emergencies in force), read once; the rows of the cases it opened,
    written one statement per table before the group look-ups that need them and at the
    end (an event stored before fails there, on the unique keys)."""

    silences: list[Silence]
    sources: list[dict[str, str]]
    cases: list[CaseRows] = field(default_factory=list)
    starts: list[dict[str, Any]] = field(default_factory=list)

    def write(self, db: Session) -> None:
        if self.cases:
            write_cases(db, self.cases)
            self.cases.clear()
        if self.starts:
            case_groups.start_many(db, self.starts)
            self.starts.clear()


class AlreadyStored(Exception):
    """The event's case exists (found before its insert would fail on the unique keys)."""


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
        """Open (or find) the event's case; `hold` leaves a new case `reported` for review.

        One transaction: the silences and emergencies in force, the group's open case, the
        event, its task, their audit records and the group's row. A redelivered event fails
        on the unique keys of events and tasks (no look-up first) and gets the stored task."""
        try:
            with self.store.session() as db:
                pending = self._pending(db)
                task, muted = self._open(db, event, hold, pending)
                pending.write(db)
        except (IntegrityError, AlreadyStored):
            # Stored before (a redelivery, or another worker got there first): theirs stands.
            self.counts["duplicates"] += 1
            return self.store.task_for_event(event.event_id)
        self._opened(event, task, muted)
        return task

    def handle_events(self, batch: Sequence[tuple[Event, bool]]) -> list[Task]:
        """`handle_event` for each (event, hold) in order, sharing transactions: the same cases,
        states and notices as one by one. A transaction ends after an event that triggers an
        emergency plan, so the plan is running (and mutes) for the events after it. When any
        event of a transaction was stored before, the transaction is dropped and its events
        are taken one by one, each redelivery getting its stored task."""
        tasks: list[Task] = []
        rest = list(batch)
        while rest:
            opened: list[tuple[Event, Task, Muted | None]] = []
            try:
                with self.store.session() as db:
                    pending = self._pending(db)
                    for event, hold in rest:
                        task, muted = self._open(db, event, hold, pending)
                        opened.append((event, task, muted))
                        if muted is None and self.emergencies.triggers(event):
                            break
                    pending.write(db)
            except (IntegrityError, AlreadyStored):
                return tasks + [self.handle_event(e, hold=h) for e, h in rest]
            for event, task, muted in opened:
                self._opened(event, task, muted)
                tasks.append(task)
            rest = rest[len(opened) :]
        return tasks

    def _pending(self, db: Session) -> Pending:
        active = emergencies_in_force(db, drill=False)
        silences = unexpired_silences(db, self.clock())
        return Pending(silences, self.emergencies.inhibit_sources(active))

    def _open(
        self, db: Session, event: Event, hold: bool, pending: Pending
    ) -> tuple[Task, Muted | None]:
        """Route, mute, group and store one event in the caller's transaction."""
        now = self.clock()
        decision = self.route(event)
        labels = event.labels()
        primary = decision.primary
        rules = self.district.plans.inhibit_rules
        muted = mute_reason(labels, now, pending.silences, rules, pending.sources)
        key = None if muted else group_key(primary, labels)
        into = None
        if key:
            pending.write(db)
            into = case_groups.open_case_of(db, key)
            if into == task_id_of(event.event_id):
                raise AlreadyStored(event.event_id)  # its own case: a redelivery
        task, rows = case_rows(event, decision, now, muted=muted, merge_into=into, hold=hold)
        pending.cases.append(rows)
        if task.state is State.MERGED:
            pending.write(db)
            case_groups.add_event(db, key or "", now)
        elif task.state is not State.SUPPRESSED:
            group = key or f"case:{task.task_id}"
            row = case_groups.start_values(group, task.task_id, now, primary.grouping)
            pending.starts.append(row)
        return task, muted

    def _opened(self, event: Event, task: Task, muted: Muted | None) -> None:
        """After the case is stored: counts, emergency plans triggered, log, live feed."""
        if task.state is State.SUPPRESSED:
            self.counts["muted"] += 1
        elif task.state is State.MERGED:
            self.counts["merged"] += 1
        else:
            if task.state is State.REPORTED:
                self.counts["held"] += 1
            self.counts["tasks"] += 1
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
