"""Events as the alert wall shows them, with the task each opened. Confirming or rejecting an
event is a task action (`file` / `reject`, POST /api/tasks/{id}/actions)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from gridwatch.domain.tasks import Actor, State, can_see
from gridwatch.ops.cards import event_out, task_card
from gridwatch.ops.context import OpsContext
from gridwatch.ops.deps import Ctx, CurrentActor
from gridwatch.ops.params import EventIdPath, IdQuery, SourceQuery
from gridwatch.ops.schemas import RoutingOut, WallItemOut
from gridwatch.store.board import Case, TaskFilter, case_of_event, find_cases

router = APIRouter(prefix="/api/events", tags=["events"])


def wall_item(ctx: OpsContext, case: Case, actor: Actor) -> WallItemOut:
    return WallItemOut(
        event=event_out(ctx.district, case.event, case.location),
        task=task_card(ctx.district, case, actor, ctx.clock()),
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
    return [
        wall_item(ctx, c, actor)
        for c in find_cases(ctx.store, actor, f, newest="event")
        if can_see(actor, c.task)
    ]


@router.get("/{event_id}", response_model=WallItemOut)
def get_event(ctx: Ctx, actor: CurrentActor, event_id: EventIdPath) -> WallItemOut:
    return wall_item(ctx, visible_case(ctx, actor, event_id), actor)


@router.get("/{event_id}/routing", response_model=RoutingOut)
def event_routing(ctx: Ctx, actor: CurrentActor, event_id: EventIdPath) -> RoutingOut:
    """Why the event went where it went: the matched plan and every plan considered."""
    case = visible_case(ctx, actor, event_id)
    if case.event.routing is None:
        raise HTTPException(404, f"event {event_id} has no routing record")
    return RoutingOut.explained(case.event.routing, ctx.district, case.event.event_type)
