"""Clues reported by people (grid leaders on their phones, the desk taking a call): a photo,
a place and a description become an event that enters the same chain as AI events."""

from __future__ import annotations

from typing import Annotated

import numpy as np
from fastapi import APIRouter, Depends, HTTPException, Request

from gridwatch.config.schema import District
from gridwatch.dispatch.stage import DispatchStage
from gridwatch.domain.access import Permission
from gridwatch.domain.events import Event, stable_id
from gridwatch.domain.tasks import Role
from gridwatch.domain.zones import points_in_polygon
from gridwatch.ops import names
from gridwatch.ops.deps import Ctx, Principal, client_of, require
from gridwatch.ops.routers.events import visible_case, wall_item
from gridwatch.ops.routers.org import event_types
from gridwatch.ops.schemas import ClueIn, WallItemOut
from gridwatch.ops.uploads import check_attachment
from gridwatch.store import activity
from gridwatch.store.board import save_location

router = APIRouter(prefix="/api", tags=["clues"])

Reporter = Annotated[Principal, Depends(require(Permission.REPORT_CLUE))]


def grid_at(district: District, lon: float, lat: float) -> str | None:
    x, y = district.organisation.map.to_map(lon, lat)
    point = np.array([[x, y]], dtype=np.float32)
    for g in district.organisation.grids:
        if points_in_polygon(point, np.asarray(g.area, dtype=np.float32))[0]:
            return g.id
    return None


@router.post(
    "/clue-reports",
    response_model=WallItemOut,
    status_code=201,
    responses={403: {"description": "outside your grid"}, 422: {"description": "bad report"}},
)
def report_clue(ctx: Ctx, p: Reporter, request: Request, body: ClueIn) -> WallItemOut:
    """Report a clue (线索上报). Grid leaders report in their own grid; the desk names the grid
    or gives a location inside one. The clue is routed by the dispatch plans like any event."""
    d = ctx.district
    actor = p.actor
    if body.event_type not in event_types(d):
        raise HTTPException(422, f"event_type: unknown event type {body.event_type}")
    if (body.lon is None) != (body.lat is None):
        raise HTTPException(422, "lon/lat: give both or neither")
    located = body.lon is not None and body.lat is not None
    if located:
        x, y = d.organisation.map.to_map(body.lon, body.lat)  # type: ignore[arg-type]
        if not (0 <= x <= 1 and 0 <= y <= 1):
            raise HTTPException(422, "lon/lat: outside the district's map")
    grid = body.grid
    if grid is None and actor.role is Role.GRID_LEADER:
        grid = actor.grid
    if grid is None and located:
        grid = grid_at(d, body.lon, body.lat)  # type: ignore[arg-type]
    if grid is None:
        raise HTTPException(422, "grid: name the grid or give a location inside the district")
    if grid not in {g.id for g in d.organisation.grids}:
        raise HTTPException(422, f"grid: no grid {grid}")
    if actor.role is Role.GRID_LEADER and grid != actor.grid:
        raise HTTPException(403, "grid leaders report clues in their own grid")
    if body.photo is not None:
        check_attachment(ctx, actor, body.photo)
    now = ctx.clock()
    event = Event(
        event_id=stable_id("evt", "clue", actor.user_id, now.isoformat(), body.description),
        event_type=body.event_type,
        source="grid_leader" if actor.role is Role.GRID_LEADER else "citizen",
        occurred_at=now,
        grid=grid,
        community=d.grid(grid).community,
        severity=body.severity,
        title=names.event_type_name(d, body.event_type),
        description=body.description,
        evidence_path=body.photo,
        reporter=actor.user_id,
    )
    task = DispatchStage(d, ctx.store, ctx.hot, ctx.clock).handle_event(event)
    if located:
        save_location(ctx.store, event.event_id, body.lon, body.lat)  # type: ignore[arg-type]
    activity.record(
        ctx.store,
        now,
        actor.user_id,
        actor.role,
        "clue_report",
        event.event_id,
        client=client_of(request),
        detail={"task": task.task_id, "grid": grid},
    )
    return wall_item(ctx, visible_case(ctx, actor, event.event_id), actor)
