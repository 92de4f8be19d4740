"""Events as the alert wall shows them, and confirming a held AI event."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query

from gridwatch.domain.access import Permission
from gridwatch.domain.plans import route_event
from gridwatch.domain.tasks import Actor, State, TransitionError, can_see
from gridwatch.ops.cards import event_out, labels_of, task_card
from gridwatch.ops.context import OpsContext
from gridwatch.ops.deps import Ctx, CurrentActor, Principal, require
from gridwatch.ops.live_publish import task_changed
from gridwatch.ops.params import EventIdPath, IdQuery, SourceQuery
from gridwatch.ops.schemas import ConfirmIn, RoutingOut, WallItemOut
from gridwatch.store.board import Case, TaskFilter, case_of_event, find_cases
from gridwatch.store.silences import active_silences

router = APIRouter(prefix="/api/events", tags=["events"])

Reviewer = Annotated[Principal, Depends(require(Permission.REVIEW_EVENTS))]


def wall_item(ctx: OpsContext, case: Case, actor: Actor) -> WallItemOut:
    now = ctx.clock()
    silences = active_silences(ctx.store, now) if case.task.state is State.REPORTED else []
    return WallItemOut(
        event=event_out(ctx.district, case.event, case.location),
        task=task_card(ctx.district, case, actor, now, silences),
    )


def visible_case(ctx: OpsContext, actor: Actor, event_id: str) -> Case:
    case = case_of_event(ctx.store, event_id)
    if case is None:
        raise HTTPException(404, f"no event {event_id}")
    if not can_see(actor, case.task):
        raise HTTPException(403, "not your grid or squad")
    return case


@router.get("", response_model=list[WallItemOut])
def list_events(
    ctx: Ctx,
    actor: CurrentActor,
    event_type: IdQuery = None,
    algorithm: IdQuery = None,
    source: SourceQuery = None,
    grid: IdQuery = None,
    state: Annotated[list[State] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[WallItemOut]:
    """Newest events first, each with the task it opened; only what the caller may see."""
    f = TaskFilter(
        states=state or (),
        grid=grid,
        algorithm=algorithm,
        source=source,
        event_type=event_type,
        limit=limit,
    )
    now = ctx.clock()
    silences = active_silences(ctx.store, now)
    return [
        WallItemOut(
            event=event_out(ctx.district, c.event, c.location),
            task=task_card(ctx.district, c, actor, now, silences),
        )
        for c in find_cases(ctx.store, actor, f, newest="event")
        if can_see(actor, c.task)
    ]


@router.get("/{event_id}", response_model=WallItemOut)
def get_event(ctx: Ctx, actor: CurrentActor, event_id: EventIdPath) -> WallItemOut:
    return wall_item(ctx, visible_case(ctx, actor, event_id), actor)


@router.post(
    "/{event_id}/confirm",
    response_model=WallItemOut,
    responses={409: {"description": "the event is no longer waiting for confirmation"}},
)
def confirm(ctx: Ctx, p: Reviewer, event_id: EventIdPath, body: ConfirmIn) -> WallItemOut:
    """Confirm a held event (立案): it is filed and, when a dispatch plan matches it, dispatched
    by that plan with deadlines from now; otherwise it waits for manual dispatch. Rejecting a
    false alarm is the task action `reject` with a reason."""
    case = visible_case(ctx, p.actor, event_id)
    if case.task.state is not State.REPORTED:
        raise HTTPException(409, f"event {event_id} is already {case.task.state}")
    decision = route_event(
        ctx.district.plans.route, labels_of(case.event), ctx.district.grid_leader_of
    )
    try:
        task = ctx.store.confirm_case(
            case.task.task_id, decision.primary, p.actor, ctx.clock(), body.note or "confirmed"
        )
    except TransitionError as e:
        raise HTTPException(403 if e.forbidden else 409, str(e)) from None
    task_changed(ctx, task, p.actor, "confirm")
    return wall_item(ctx, visible_case(ctx, p.actor, event_id), p.actor)


@router.get("/{event_id}/routing", response_model=RoutingOut)
def event_routing(ctx: Ctx, actor: CurrentActor, event_id: EventIdPath) -> RoutingOut:
    """Why the event went where it went: the matched plan and every plan considered."""
    case = visible_case(ctx, actor, event_id)
    if case.event.routing is None:
        raise HTTPException(404, f"event {event_id} has no routing record")
    return RoutingOut.model_validate(case.event.routing)
