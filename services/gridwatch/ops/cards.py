"""Tasks and events as the pages show them: names resolved, the step now due, allowed actions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from gridwatch.config.schema import District
from gridwatch.domain.silences import Silence, silencing
from gridwatch.domain.tasks import Actor, State, Task, allowed_actions
from gridwatch.ops import names
from gridwatch.ops.schemas import DeadlineOut, EventOut, TaskCardOut, TaskOut
from gridwatch.store.board import Case
from gridwatch.store.tables import EventRow


def current_deadline(task: Task, now: datetime) -> DeadlineOut | None:
    """The deadline of the step the task is waiting for, if that step has one."""
    if task.state is State.DISPATCHED:
        kind, due = "accept", task.accept_by
    elif task.state in (State.ACCEPTED, State.HANDLING):
        kind, due = "handle", task.handle_by
    elif task.state is State.HANDLED:
        kind, due = "verify", task.verify_by
    else:
        return None
    if due is None:
        return None
    left = int((due - now).total_seconds())
    return DeadlineOut(kind=kind, due_at=due, seconds_left=left, overdue=left < 0)


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


def labels_of(row: EventRow) -> dict[str, str]:
    """The routing labels of a stored event (as domain.events.Event.labels gives them)."""
    return {
        "event_type": row.event_type,
        "algorithm": row.algorithm or "",
        "scene": row.scene or "",
        "community": row.community,
        "grid": row.grid,
        "device": row.device_id or "",
        "severity": row.severity,
        "source": row.source,
    }


def held_reason(
    district: District, task: Task, row: EventRow, silences: Sequence[Silence], now: datetime
) -> str | None:
    if task.state is not State.REPORTED:
        return None
    s = silencing(silences, labels_of(row), now)
    return s.silence_id if s is not None else "review"


def task_card(
    district: District,
    case: Case,
    actor: Actor,
    now: datetime,
    silences: Sequence[Silence] = (),
) -> TaskCardOut:
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
        allowed_actions=allowed_actions(t, actor),
        held=held_reason(district, t, e, silences, now),
    )
