"""KPIs, league tables and the overdue list for the ops centre (the same numbers as
`gridwatch report kpis` / `report overdue`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, HTTPException

from gridwatch.domain.tasks import DESK, Role
from gridwatch.ops.deps import Ctx, CurrentActor
from gridwatch.store.kpi_queries import KpiQueries

router = APIRouter(tags=["kpis"])
READERS = DESK | {Role.ALGO_ENGINEER}


@router.get("/api/kpis")
def kpis(
    ctx: Ctx, actor: CurrentActor, since: datetime | None = None, until: datetime | None = None
) -> dict[str, Any]:
    """KPIs of the cases reported in [since, until) (default: the last 24 hours)."""
    if actor.role not in READERS:
        raise HTTPException(403, "KPIs are for the command centre")
    end = until or ctx.clock()
    start = since or end - timedelta(days=1)
    if start.tzinfo is None or end.tzinfo is None:
        raise HTTPException(422, "since/until need a time zone, e.g. 2026-03-01T00:00+08:00")
    if start >= end:
        raise HTTPException(422, "since must be before until")
    return KpiQueries(ctx.store).report(start, end, ctx.clock())


@router.get("/api/overdue")
def overdue_tasks(ctx: Ctx, actor: CurrentActor) -> list[dict[str, Any]]:
    """Open tasks past a deadline (督查), most overdue first."""
    if actor.role not in DESK:
        raise HTTPException(403, "the overdue list is for the brigade desk")
    return KpiQueries(ctx.store).overdue(ctx.clock())
