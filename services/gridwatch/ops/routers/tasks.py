"""Tasks: the board (filtered cards), a task's full record, and the case-loop actions."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from gridwatch.dispatch.intake import IntakeError, check_own_photo
from gridwatch.domain.coverage import real_units
from gridwatch.domain.tasks import (
    AUDIT_ONLY_ACTIONS,
    DESK,
    RULES,
    Action,
    Actor,
    Participants,
    State,
    TransitionError,
    can_see,
    dispatch_refusal,
)
from gridwatch.ops.cards import event_out, task_card
from gridwatch.ops.context import OpsContext
from gridwatch.ops.deps import Ctx, CurrentActor
from gridwatch.ops.live_publish import task_changed
from gridwatch.ops.params import IdQuery, SourceQuery, TaskIdPath
from gridwatch.ops.schemas import (
    AuditOut,
    NoticeOut,
    RoutingOut,
    TaskActionIn,
    TaskCardOut,
    TaskDetailOut,
)
from gridwatch.ops.users import actor_of, list_users
from gridwatch.store.board import Case, TaskFilter, case_of_event, find_cases
from gridwatch.store.notifications import Outbox
from gridwatch.store.repository import NotFound

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
    return [
        task_card(ctx.district, c, actor, now)
        for c in find_cases(ctx.store, actor, f)
        if can_see(actor, c.task)
    ]


@router.get("/{task_id}", response_model=TaskDetailOut)
def get_task(ctx: Ctx, actor: CurrentActor, task_id: TaskIdPath) -> TaskDetailOut:
    """A task's full record: its event and pictures, the routing explanation (which plan
    matched, why, and which were considered and rejected) and the audit trail."""
    case = visible_task_case(ctx, actor, task_id)
    e = case.event
    trail = ctx.store.audit_trail(task_id)
    card = task_card(ctx.district, case, actor, ctx.clock(), Participants.of(trail, e.reporter))
    ext = case.task.extension_requested
    return TaskDetailOut(
        **card.model_dump(),
        event=event_out(ctx.district, e, case.location),
        routing=(
            RoutingOut.explained(e.routing, ctx.district, e.event_type) if e.routing else None
        ),
        audit=[AuditOut.of(a) for a in trail],
        notices=[NoticeOut.of(n) for n in Outbox(ctx.store).list(task_id=task_id)],
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
    recorded in the audit trail with actor, time, note, attachment and verdict. `file` confirms
    a case waiting for the desk (reported for review, or muted): it is then dispatched by its
    plan at once, or waits in the manual queue when only the catch-all route matched."""
    case = visible_task_case(ctx, actor, task_id)
    if body.action in AUDIT_ONLY_ACTIONS:
        raise HTTPException(422, f"action: {body.action} is not a step of the case loop")
    if RULES[body.action].needs_note and not body.note.strip():
        raise HTTPException(422, f"note: {body.action} needs a reason or handling note")
    if body.merged_into is not None and not _exists(ctx, body.merged_into):
        raise HTTPException(422, f"merged_into: no task {body.merged_into}")
    if (
        body.action is Action.DISPATCH
        and body.assignee
        and body.assignee not in real_units(ctx.district)
    ):
        raise HTTPException(422, f"assignee: no unit {body.assignee}")
    if (
        body.action is Action.DISPATCH
        and actor.role in DESK  # anyone else is refused by the state machine, as before
        and case.task.state in RULES[Action.DISPATCH].sources
    ):
        members = [actor_of(u) for u in list_users(ctx.store)]
        unit = body.assignee or case.task.assignee
        if (refusal := dispatch_refusal(case.task, unit, members)) is not None:
            raise HTTPException(422, f"assignee: {refusal}")
    if body.attachment is not None:
        try:
            check_own_photo(ctx.evidence, body.attachment, actor, "attachment")
        except IntakeError as e:
            raise HTTPException(422, str(e)) from None
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
            verdict=body.verdict,
            attachment=body.attachment,
        )
    except TransitionError as e:
        raise HTTPException(403 if e.forbidden else 409, str(e)) from None
    task_changed(ctx, task, actor, body.action.value)
    after = case_of_event(ctx.store, task.event_id)
    assert after is not None  # the task was just read with its event
    done = Participants.of(ctx.store.audit_trail(task_id), after.event.reporter)
    return task_card(ctx.district, after, actor, ctx.clock(), done)
