"""Digital emergency plans (应急预案): activation, the checklist it creates, progress, drills.

Activating a plan creates one checklist task per
* duty post: "<post> 到岗就位", due with the plan's earliest step, confirmed by the desk;
* checklist item, expanded by its unit: `grid_force:{community}` once per covered community,
  `grid_leader` once per covered grid (to that grid's leader), anything else once.

A **drill** (演练) runs exactly like a real activation but is flagged: it is counted apart from
real incidents and never mutes events. An activation completes when every task is done; the
desk may stand it down earlier. Triggered activations key on the triggering event, so a
redelivered event activates nothing twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from gridwatch.config.schema import EmergencyPlan
from gridwatch.domain.events import stable_id
from gridwatch.domain.tasks import DESK, Actor, TransitionError, acts_for


class ActivationState(StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"  # every checklist task done
    STOOD_DOWN = "stood_down"  # ended by the desk


@dataclass(frozen=True)
class Activation:
    activation_id: str
    plan_id: str
    plan_name: str
    hazard: str
    drill: bool
    trigger: str  # manual | event:<event id>
    activated_at: datetime
    activated_by: str
    grids: tuple[str, ...]
    communities: tuple[str, ...]
    state: ActivationState = ActivationState.ACTIVE
    ended_at: datetime | None = None
    note: str = ""


@dataclass(frozen=True)
class ChecklistTask:
    item_id: str
    activation_id: str
    seq: int
    step: str
    unit: str
    due_at: datetime
    community: str | None = None
    grid: str | None = None
    done_at: datetime | None = None
    done_by: str | None = None
    note: str = ""

    @property
    def done(self) -> bool:
        return self.done_at is not None


def activate(
    plan: EmergencyPlan,
    *,
    at: datetime,
    by: str,
    drill: bool,
    grid_community: Mapping[str, str],
    grid_leaders: Mapping[str, str],
    trigger_event: str | None = None,
    note: str = "",
) -> tuple[Activation, list[ChecklistTask]]:
    trigger = f"event:{trigger_event}" if trigger_event else "manual"
    # An event-triggered activation keys on the event alone, so a redelivery maps to it.
    key = (plan.id, trigger) if trigger_event else (plan.id, trigger, at.isoformat(), drill)
    aid = stable_id("ema", *key)
    activation = Activation(
        activation_id=aid,
        plan_id=plan.id,
        plan_name=plan.name,
        hazard=plan.hazard,
        drill=drill,
        trigger=trigger,
        activated_at=at,
        activated_by=by,
        grids=tuple(plan.grids),
        communities=tuple(plan.communities),
        note=note,
    )
    return activation, checklist(plan, aid, at, grid_community, grid_leaders)


def checklist(
    plan: EmergencyPlan,
    activation_id: str,
    at: datetime,
    grid_community: Mapping[str, str],
    grid_leaders: Mapping[str, str],
) -> list[ChecklistTask]:
    items: list[ChecklistTask] = []

    def add(
        step: str, unit: str, within: timedelta, community: str | None, grid: str | None
    ) -> None:
        seq = len(items)
        items.append(
            ChecklistTask(
                item_id=stable_id("emi", activation_id, seq),
                activation_id=activation_id,
                seq=seq,
                step=step,
                unit=unit,
                due_at=at + within,
                community=community,
                grid=grid,
            )
        )

    first_due = min(item.within for item in plan.checklist)
    for post in plan.posts:
        add(f"{post}到岗就位", f"post:{post}", first_due, None, None)
    for item in plan.checklist:
        if item.unit == "grid_force:{community}":
            for c in plan.communities:
                add(item.step, f"grid_force:{c}", item.within, c, None)
        elif item.unit == "grid_leader":
            for g in plan.grids:
                leader = grid_leaders.get(g)
                unit = f"grid_leader:{leader}" if leader else "brigade"
                add(item.step, unit, item.within, grid_community.get(g), g)
        else:
            add(item.step, item.unit, item.within, None, None)
    return items


def may_complete(actor: Actor, item: ChecklistTask) -> bool:
    """Checklist tasks are the unit's; the desk, which runs the emergency, may report any."""
    return acts_for(actor, item.unit) or actor.role in DESK


def complete(item: ChecklistTask, actor: Actor, at: datetime, note: str = "") -> ChecklistTask:
    """The unit (or the desk, which runs the emergency) reports a checklist task done."""
    if item.done:
        raise TransitionError(f"checklist task {item.item_id} is already done")
    if not may_complete(actor, item):
        raise TransitionError(
            f"{actor.role} {actor.user_id!r} does not act for {item.unit}", forbidden=True
        )
    return replace(item, done_at=at, done_by=actor.user_id, note=note)


def after_item_done(activation: Activation, items: Sequence[ChecklistTask]) -> Activation:
    """An active activation completes when its last checklist task is done."""
    if activation.state is ActivationState.ACTIVE and items and all(i.done for i in items):
        last = max(i.done_at for i in items if i.done_at is not None)
        return replace(activation, state=ActivationState.COMPLETED, ended_at=last)
    return activation


def stand_down(activation: Activation, actor: Actor, at: datetime, note: str) -> Activation:
    if actor.role not in DESK:
        raise TransitionError("only the brigade desk stands an emergency down", forbidden=True)
    if activation.state is not ActivationState.ACTIVE:
        raise TransitionError(f"activation {activation.activation_id} is {activation.state}")
    if not note.strip():
        raise TransitionError("standing down needs a note")
    return replace(activation, state=ActivationState.STOOD_DOWN, ended_at=at, note=note)


@dataclass(frozen=True)
class Progress:
    total: int
    done: int
    done_on_time: int
    overdue: int  # open and past due

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done == self.total


def progress(items: Iterable[ChecklistTask], now: datetime) -> Progress:
    items = list(items)
    done = [i for i in items if i.done_at is not None]
    return Progress(
        total=len(items),
        done=len(done),
        done_on_time=sum(1 for i in done if i.done_at is not None and i.done_at <= i.due_at),
        overdue=sum(1 for i in items if not i.done and now > i.due_at),
    )


def triggered_plans(
    plans: Iterable[EmergencyPlan], event_type: str, grid: str
) -> list[EmergencyPlan]:
    """Plans an event activates: per hazard, the most specific plan (fewest grids) whose
    triggers name the event type and whose grids include the event's grid. A village's own
    flash-flood plan answers a rising river there, not the district-wide one as well."""
    best: dict[str, EmergencyPlan] = {}
    for p in plans:
        if event_type not in p.triggers or grid not in p.grids:
            continue
        held = best.get(p.hazard)
        if held is None or (len(p.grids), p.id) < (len(held.grids), held.id):
            best[p.hazard] = p
    return sorted(best.values(), key=lambda p: p.id)


def inhibit_sources(
    activations: Iterable[Activation], grid_community: Mapping[str, str]
) -> list[dict[str, str]]:
    """Label sets of active real emergencies, one per covered grid, for inhibit rules."""
    out = []
    for a in activations:
        if a.drill or a.state is not ActivationState.ACTIVE:
            continue
        for g in a.grids:
            out.append(
                {
                    "hazard": a.hazard,
                    "emergency": a.plan_id,
                    "grid": g,
                    "community": grid_community.get(g, ""),
                }
            )
    return out


def emergency_summary(
    activations: Iterable[Activation],
    items_of: Mapping[str, Sequence[ChecklistTask]],
    now: datetime,
) -> dict[str, dict[str, int]]:
    """Real incidents and drills counted apart: activations by state and checklist progress."""
    out: dict[str, dict[str, int]] = {}
    for kind in ("real", "drill"):
        acts = [a for a in activations if a.drill == (kind == "drill")]
        items = [i for a in acts for i in items_of.get(a.activation_id, ())]
        p = progress(items, now)
        out[kind] = {
            "activations": len(acts),
            "active": sum(a.state is ActivationState.ACTIVE for a in acts),
            "completed": sum(a.state is ActivationState.COMPLETED for a in acts),
            "stood_down": sum(a.state is ActivationState.STOOD_DOWN for a in acts),
            "checklist_tasks": p.total,
            "done": p.done,
            "done_on_time": p.done_on_time,
            "overdue": p.overdue,
        }
    return out
