from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query

from gridwatch.domain.tasks import can_see
from gridwatch.ops.deps import Ctx, CurrentActor
from gridwatch.ops.schemas import EventOut, RoutingOut
from gridwatch.store.repository import NotFound

router = APIRouter(prefix="/api/events", tags=["events"])


@router.get("", response_model=list[EventOut])
def list_events(
    ctx: Ctx,
    actor: CurrentActor,
    event_type: str | None = None,
    limit: int = Query(100, ge=1, le=1000),
) -> list[EventOut]:
    rows = ctx.store.list_events(limit=limit, event_type=event_type)
    visible = []
    for r in rows:
        if can_see(actor, ctx.store.task_for_event(r.event_id)):
            visible.append(EventOut.of(r))
    return visible


@router.get("/{event_id}/routing", response_model=RoutingOut)
def event_routing(ctx: Ctx, actor: CurrentActor, event_id: str) -> RoutingOut:
    try:
        row = ctx.store.get_event(event_id)
        task = ctx.store.task_for_event(event_id)
    except NotFound:
        raise HTTPException(404, f"no event {event_id}") from None
    if not can_see(actor, task):
        raise HTTPException(403, "not your grid or squad")
    return RoutingOut.explained(row.routing, ctx.district, row.event_type)
