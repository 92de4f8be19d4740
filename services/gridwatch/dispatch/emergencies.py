"""Emergency plans at run time: activation by hand (real or drill) or by a triggering event,
the checklist sent to every unit, completion, standing down."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime

from gridwatch.config.schema import District, EmergencyPlan
from gridwatch.dispatch.notifications import Notifier
from gridwatch.domain.emergency import (
    Activation,
    ActivationState,
    ChecklistTask,
    activate,
    inhibit_sources,
    triggered_plans,
)
from gridwatch.domain.events import Event
from gridwatch.domain.tasks import DESK, SYSTEM, Actor, Role, TransitionError
from gridwatch.store.emergencies import Emergencies
from gridwatch.store.repository import Store

log = logging.getLogger(__name__)


class UnknownPlan(LookupError):
    pass


class EmergencyService:
    def __init__(
        self,
        district: District,
        store: Store,
        notifier: Notifier,
        clock: Callable[[], datetime],
    ) -> None:
        self.district, self.notifier, self.clock = district, notifier, clock
        self.emergencies = Emergencies(store)
        self.grid_community = {g.id: g.community for g in district.organisation.grids}

    def plan(self, plan_id: str) -> EmergencyPlan:
        for p in self.district.emergency_plans:
            if p.id == plan_id:
                return p
        raise UnknownPlan(f"no emergency plan {plan_id!r}")

    def activate(
        self,
        plan_id: str,
        actor: Actor,
        *,
        drill: bool,
        note: str = "",
        trigger_event: str | None = None,
    ) -> tuple[Activation, list[ChecklistTask], bool]:
        """Activate a plan; returns the activation, its checklist and whether it is new."""
        if actor.role not in DESK and actor.role is not Role.SYSTEM:
            raise TransitionError("only the brigade desk activates emergency plans", forbidden=True)
        now = self.clock()
        a, items = activate(
            self.plan(plan_id),
            at=now,
            by=actor.user_id,
            drill=drill,
            grid_community=self.grid_community,
            grid_leaders=self.district.grid_leader_of,
            trigger_event=trigger_event,
            note=note,
        )
        created = self.emergencies.add(a, items)
        if created:
            self._call_out(a, items, now)
        else:
            a, items = (
                self.emergencies.get(a.activation_id),
                self.emergencies.items(a.activation_id),
            )
        return a, items, created

    def _call_out(self, a: Activation, items: list[ChecklistTask], now: datetime) -> None:
        """One notice per unit listing its checklist tasks, and one to the duty officer."""
        tag = "【演练】" if a.drill else ""
        per_unit: dict[str, list[ChecklistTask]] = defaultdict(list)
        for i in items:
            per_unit[i.unit].append(i)
        d = self.notifier.directory
        for unit, mine in per_unit.items():
            steps = "；".join(f"{i.step}(限{i.due_at:%H:%M} UTC前)" for i in mine)
            self.notifier.send(
                f"emergency:{a.activation_id}:{unit}",
                "emergency",
                [d.unit(unit)],
                f"{tag}{a.plan_name}已启动：{steps}",
                now,
                activation_id=a.activation_id,
            )
        self.notifier.send(
            f"emergency:{a.activation_id}:duty",
            "emergency",
            [d.duty_officer()],
            f"{tag}{a.plan_name}已启动（{a.trigger}），共{len(items)}项任务",
            now,
            activation_id=a.activation_id,
        )

    def triggers(self, event: Event) -> bool:
        """Whether the event names a plan among its triggers (running or not)."""
        return bool(triggered_plans(self.district.emergency_plans, event.event_type, event.grid))

    def on_event(self, event: Event) -> list[Activation]:
        """Activate the plans an event triggers, unless the plan is already running."""
        triggered = triggered_plans(self.district.emergency_plans, event.event_type, event.grid)
        if not triggered:
            return []
        running = {a.plan_id for a in self.active(drill=False)}
        out = []
        for plan in triggered:
            if plan.id in running:
                continue
            a, _, created = self.activate(
                plan.id,
                SYSTEM,
                drill=False,
                trigger_event=event.event_id,
                note=f"{event.title} @ {event.grid}",
            )
            if created:
                log.warning("emergency plan %s activated by event %s", plan.id, event.event_id)
                out.append(a)
        return out

    def active(self, drill: bool | None = None) -> list[Activation]:
        return self.emergencies.list(state=ActivationState.ACTIVE, drill=drill)

    def inhibit_sources(self, active: list[Activation] | None = None) -> list[dict[str, str]]:
        """Inhibit sources of the real emergencies in force (`active`: as already read)."""
        if active is None:
            active = self.active(drill=False)
        return inhibit_sources(active, self.grid_community)

    def complete_item(
        self, item_id: str, actor: Actor, note: str = ""
    ) -> tuple[ChecklistTask, Activation]:
        return self.emergencies.complete_item(item_id, actor, self.clock(), note)

    def stand_down(self, activation_id: str, actor: Actor, note: str) -> Activation:
        return self.emergencies.stand_down(activation_id, actor, self.clock(), note)
