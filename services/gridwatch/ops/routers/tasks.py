"""Tasks: the board (filtered cards), a task's full record, and the case-loop actions."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from gridwatch.config.schema import District
from gridwatch.domain.tasks import RULES, Action, Actor, State, TransitionError, can_see
from gridwatch.ops.cards import event_out, task_card
from gridwatch.ops.context import OpsContext
from gridwatch.ops.deps import Ctx, CurrentActor
from gridwatch.ops.live_publish import task_changed
from gridwatch.ops.params import IdQuery, SourceQuery, TaskIdPath
from gridwatch.ops.schemas import (
    AuditOut,
    RoutingOut,
    TaskActionIn,
    TaskCardOut,
    TaskDetailOut,
)
from gridwatch.ops.uploads import check_attachment
from gridwatch.store.board import Case, TaskFilter, case_of_event, find_cases
from gridwatch.store.repository import NotFound
from gridwatch.store.silences import active_silences

router = APIRouter(prefix="/api/tasks", tags=["tasks"])


def visible_task_case(ctx: OpsContext, actor: Actor, task_id: str) -> Case:
    try:
        task = ctx.store.get_task(task_id)
    except NotFound:
        raise HTTPException(404, f"no task {task_id}") from None
    if not can_see(actor, task):
        raise HTTPException(403, "not your grid or squad")
    case = case_of_event(ctx.store, task.event_id)
    if case is None:  # the task's event is a foreign key: only a broken database gets here
        raise HTTPException(404, f"task {task_id} has no event")
    return case


def unit_exists(district: District, unit: str) -> bool:
    kind, _, ref = unit.partition(":")
    if kind == "brigade":
        return True
    if kind == "squad":
        return ref in {s.id for s in district.organisation.squads}
    if kind == "grid_force":
        return ref in {c.id for c in district.organisation.communities}
    return False


def _exists(ctx: OpsContext, task_id: str) -> bool:
    try:
        ctx.store.get_task(task_id)
    except NotFound:
        return False
    return True


@router.get("", response_model=list[TaskCardOut])
def list_tasks(
    ctx: Ctx,
    actor: CurrentActor,
    state: Annotated[list[State] | None, Query()] = None,
    grid: IdQuery = None,
    community: IdQuery = None,
    squad: IdQuery = None,
    algorithm: IdQuery = None,
    source: SourceQuery = None,
    event_type: IdQuery = None,
    limit: Annotated[int, Query(ge=1, le=2000)] = 500,
) -> list[TaskCardOut]:
    """Tasks the caller may see, most recently changed first, with the step now due."""
    f = TaskFilter(
        states=state or (),
        grid=grid,
        community=community,
        squad=squad,
        algorithm=algorithm,
        source=source,
        event_type=event_type,
        limit=limit,
    )
    now = ctx.clock()
    silences = active_silences(ctx.store, now)
    return [
        task_card(ctx.district, c, actor, now, silences)
        for c in find_cases(ctx.store, actor, f)
        if can_see(actor, c.task)
    ]


@router.get("/{task_id}", response_model=TaskDetailOut)
def get_task(ctx: Ctx, actor: CurrentActor, task_id: TaskIdPath) -> TaskDetailOut:
    """A task's full record: its event and pictures, the routing explanation (which plan
    matched, why, and which were considered and rejected) and the audit trail."""
    case = visible_task_case(ctx, actor, task_id)
    now = ctx.clock()
    card = task_card(ctx.district, case, actor, now, active_silences(ctx.store, now))
    e = case.event
    ext = case.task.extension_requested
    return TaskDetailOut(
        **card.model_dump(),
        event=event_out(ctx.district, e, case.location),
        routing=RoutingOut.model_validate(e.routing) if e.routing else None,
        audit=[AuditOut.of(a) for a in ctx.store.audit_trail(task_id)],
        extension_requested_s=int(ext.total_seconds()) if ext else None,
    )


@router.post(
    "/{task_id}/actions",
    response_model=TaskCardOut,
    responses={
        403: {"description": "not allowed for this account"},
        409: {"description": "wrong state for this action"},
        422: {"description": "missing note, unknown unit, foreign attachment …"},
    },
)
def act(ctx: Ctx, actor: CurrentActor, task_id: TaskIdPath, body: TaskActionIn) -> TaskCardOut:
    """Move the task one step (accept, feedback with a photo, verify, close …). Every step is
    recorded in the audit trail with actor, time, note and attachment."""
    visible_task_case(ctx, actor, task_id)
    if RULES[body.action].needs_note and not body.note.strip():
        raise HTTPException(422, f"note: {body.action} needs a reason or handling note")
    if body.merged_into is not None and not _exists(ctx, body.merged_into):
        raise HTTPException(422, f"merged_into: no task {body.merged_into}")
    if (
        body.action is Action.DISPATCH
        and body.assignee
        and not unit_exists(ctx.district, body.assignee)
    ):
        raise HTTPException(422, f"assignee: no unit {body.assignee}")
    if body.attachment is not None:
        check_attachment(ctx, actor, body.attachment)
    try:
        task, _ = ctx.store.act(
            task_id,
            body.action,
            actor,
            ctx.clock(),
            body.note,
            assignee=body.assignee,
            extension=timedelta(seconds=body.extension_s) if body.extension_s else None,
            merged_into=body.merged_into,
            attachment=body.attachment,
        )
    except TransitionError as e:
        raise HTTPException(403 if e.forbidden else 409, str(e)) from None
    task_changed(ctx, task, actor, body.action.value)
    case = case_of_event(ctx.store, task.event_id)
    assert case is not None  # the task was just read with its event
    now = ctx.clock()
    return task_card(ctx.district, case, actor, now, active_silences(ctx.store, now))
