"""Tasks and events as the pages show them: names resolved, the step now due, allowed actions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gridwatch.config.schema import District
from gridwatch.domain.escalation import due
from gridwatch.domain.tasks import NOBODY, Actor, Participants, State, Task, allowed_actions
from gridwatch.ops import names
from gridwatch.ops.schemas import DeadlineOut, EventOut, TaskCardOut, TaskOut
from gridwatch.store.board import Case
from gridwatch.store.tables import EventRow


def current_deadline(task: Task, now: datetime) -> DeadlineOut | None:
    """The deadline the task answers to now (domain.escalation.due: the same rule as the
    overdue list and the escalations)."""
    d = due(task, now)
    if d is None:
        return None
    left = int((d.deadline - now).total_seconds())
    return DeadlineOut(kind=d.stage, due_at=d.deadline, seconds_left=left, overdue=now > d.deadline)


def event_out(district: District, row: EventRow, location: tuple[float, float] | None) -> EventOut:
    out = EventOut.model_validate(row)
    out.evidence_url = f"/evidence/{row.evidence_path}" if row.evidence_path else None
    out.event_type_name = names.event_type_name(district, row.event_type)
    out.grid_name = names.grid_name(district, row.grid)
    out.community_name = names.community_name(district, row.community)
    out.device_name = names.device_name(district, row.device_id)
    if location is not None:
        out.lon, out.lat = location
    return out


def held_reason(task: Task, row: EventRow) -> str | None:
    """Why a case waits for the desk instead of being worked: `review` (its algorithm's events
    are confirmed by a person), or the silence / inhibit rule that muted it."""
    if task.state is State.REPORTED:
        return "review"
    if task.state is State.SUPPRESSED:
        return str((row.routing or {}).get("muted_by") or "muted")
    return None


def task_card(
    district: District,
    case: Case,
    actor: Actor,
    now: datetime,
    participants: Participants = NOBODY,
) -> TaskCardOut:
    """`participants` hides the verify button from a case's reporter and handlers; the board
    leaves it out (the action itself is refused all the same)."""
    t, e = case.task, case.event
    fields: dict[str, Any] = TaskOut.of(t).model_dump()
    return TaskCardOut(
        **fields,
        event_type=e.event_type,
        event_type_name=names.event_type_name(district, e.event_type),
        title=e.title,
        source=e.source,
        algorithm=e.algorithm,
        device_id=e.device_id,
        device_name=names.device_name(district, e.device_id),
        grid_name=names.grid_name(district, t.grid),
        community_name=names.community_name(district, t.community),
        assignee_name=names.unit_name(district, t.assignee),
        verifier_name=names.unit_name(district, t.verifier),
        occurred_at=e.occurred_at,
        evidence_url=f"/evidence/{e.evidence_path}" if e.evidence_path else None,
        deadline=current_deadline(t, now),
        allowed_actions=allowed_actions(t, actor, participants),
        held=held_reason(t, e),
    )
