from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, HTTPException, Query

from gridwatch.domain.tasks import State, Task, TransitionError, allowed_actions, can_see
from gridwatch.ops.deps import Ctx, CurrentActor
from gridwatch.ops.schemas import ActionIn, AuditOut, EventOut, RoutingOut, TaskDetailOut, TaskOut
from gridwatch.store.repository import NotFound

router = APIRouter(prefix="/api/tasks", tags=["tasks"])


def _visible_task(ctx: Ctx, actor: CurrentActor, task_id: str) -> Task:
    try:
        task = ctx.store.get_task(task_id)
    except NotFound:
        raise HTTPException(404, f"no task {task_id}") from None
    if not can_see(actor, task):
        raise HTTPException(403, "not your grid or squad")
    return task


@router.get("", response_model=list[TaskOut])
def list_tasks(
    ctx: Ctx,
    actor: CurrentActor,
    state: list[State] | None = Query(None),
    grid: str | None = None,
    limit: int = Query(200, ge=1, le=2000),
) -> list[TaskOut]:
    tasks = ctx.store.list_tasks(states=state, grid=grid, limit=limit)
    return [TaskOut.of(t) for t in tasks if can_see(actor, t)]


@router.get("/{task_id}", response_model=TaskDetailOut)
def get_task(ctx: Ctx, actor: CurrentActor, task_id: str) -> TaskDetailOut:
    task = _visible_task(ctx, actor, task_id)
    event = ctx.store.get_event(task.event_id)
    return TaskDetailOut(
        **TaskOut.of(task).model_dump(),
        event=EventOut.of(event),
        routing=(
            RoutingOut.explained(event.routing, ctx.district, event.event_type)
            if event.routing
            else None
        ),
        audit=[AuditOut.of(a) for a in ctx.store.audit_trail(task_id)],
        allowed_actions=allowed_actions(task, actor),
    )


@router.post(
    "/{task_id}/actions",
    response_model=TaskOut,
    responses={403: {"description": "not allowed"}, 409: {"description": "wrong state"}},
)
def act(ctx: Ctx, actor: CurrentActor, task_id: str, body: ActionIn) -> TaskOut:
    _visible_task(ctx, actor, task_id)
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
    if ctx.hot is not None:
        ctx.hot.publish(
            "task",
            {
                "task_id": task.task_id,
                "state": task.state.value,
                "actor": actor.user_id,
                "action": body.action.value,
            },
        )
    return TaskOut.of(task)
