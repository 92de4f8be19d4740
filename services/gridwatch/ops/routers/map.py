"""The district map (grids, devices, located clues) and a grid's page."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException

from gridwatch.domain.access import Permission, can_see_grid
from gridwatch.domain.tasks import OPEN_STATES, can_see
from gridwatch.ops import names
from gridwatch.ops.cards import current_deadline, task_card
from gridwatch.ops.context import OpsContext
from gridwatch.ops.deps import Ctx, CurrentActor, Principal, require
from gridwatch.ops.device_health import device_health
from gridwatch.ops.params import IdPath
from gridwatch.ops.schemas import (
    GridDetailOut,
    MapClueOut,
    MapDeviceOut,
    MapGridOut,
    MapOut,
)
from gridwatch.store.board import TaskFilter, find_cases, open_tasks

router = APIRouter(prefix="/api", tags=["map"])

Viewer = Annotated[Principal, Depends(require(Permission.VIEW_OPS))]
DOWN = ("offline", "error")


def map_grids(ctx: OpsContext, device_status: Mapping[str, str]) -> list[MapGridOut]:
    d = ctx.district
    now = ctx.clock()
    open_by_grid: Counter[str] = Counter()
    overdue_by_grid: Counter[str] = Counter()
    for t in open_tasks(ctx.store):
        open_by_grid[t.grid] += 1
        dl = current_deadline(t, now)
        if dl is not None and dl.overdue:
            overdue_by_grid[t.grid] += 1
    devices: Counter[str] = Counter()
    down: Counter[str] = Counter()
    for dev in d.devices:
        devices[dev.grid] += 1
        if device_status.get(dev.id) in DOWN:
            down[dev.grid] += 1
    out = []
    for g in d.organisation.grids:
        try:
            leader_name = d.grid_leader(g.leader).name
        except KeyError:
            leader_name = g.leader
        out.append(
            MapGridOut(
                id=g.id,
                name=g.name,
                community=g.community,
                community_name=names.community_name(d, g.community),
                leader=g.leader,
                leader_name=leader_name,
                polygon=list(g.area),
                open_tasks=open_by_grid[g.id],
                overdue_tasks=overdue_by_grid[g.id],
                devices=devices[g.id],
                devices_down=down[g.id],
            )
        )
    return out


@router.get("/map", response_model=MapOut)
def district_map(ctx: Ctx, p: Viewer) -> MapOut:
    """Grids (outline, open and overdue tasks, devices down), devices and located clues, in the
    0-1 map coordinates of the config's map box."""
    d = ctx.district
    box = d.organisation.map
    health = device_health(d, ctx.hot, ctx.clock())
    status = {h.device_id: h.status for h in health}
    mid_lat = math.radians((box.lat_min + box.lat_max) / 2)
    aspect = (box.lon_max - box.lon_min) * math.cos(mid_lat) / (box.lat_max - box.lat_min)
    clues = []
    for c in find_cases(ctx.store, p.actor, TaskFilter(states=tuple(OPEN_STATES), limit=2000)):
        if c.location is not None and can_see(p.actor, c.task):
            x, y = box.to_map(*c.location)
            clues.append(
                MapClueOut(
                    event_id=c.event.event_id,
                    task_id=c.task.task_id,
                    title=c.event.title,
                    x=x,
                    y=y,
                    state=c.task.state,
                )
            )
    return MapOut(
        bbox=box.model_dump(),
        aspect=round(aspect, 4),
        grids=map_grids(ctx, status),
        devices=[
            MapDeviceOut(
                id=h.device_id,
                name=h.name,
                kind=h.kind,
                ai=h.ai,
                x=h.x,
                y=h.y,
                grid=h.grid,
                status=h.status,
            )
            for h in health
        ],
        clues=clues,
    )


@router.get("/grids/{grid_id}", response_model=GridDetailOut)
def grid_detail(ctx: Ctx, actor: CurrentActor, grid_id: IdPath) -> GridDetailOut:
    """A grid: its outline and counts, its devices' health and its tasks."""
    d = ctx.district
    if grid_id not in {g.id for g in d.organisation.grids}:
        raise HTTPException(404, f"no grid {grid_id}")
    if not can_see_grid(actor, grid_id):
        raise HTTPException(403, "not your grid")
    now = ctx.clock()
    health = [h for h in device_health(d, ctx.hot, now) if h.grid == grid_id]
    status = {h.device_id: h.status for h in health}
    grid = next(g for g in map_grids(ctx, status) if g.id == grid_id)
    cases = find_cases(ctx.store, actor, TaskFilter(grid=grid_id, limit=300))
    return GridDetailOut(
        bbox=d.organisation.map.model_dump(),
        grid=grid,
        devices=health,
        tasks=[task_card(d, c, actor, now) for c in cases if can_see(actor, c.task)],
    )
