"""KPIs and league tables."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query

from gridwatch.domain.access import Permission
from gridwatch.ops.deps import Ctx, Principal, require
from gridwatch.ops.kpi_board import kpis
from gridwatch.ops.schemas import KpisOut
from gridwatch.store.kpi_reads import histories

router = APIRouter(prefix="/api", tags=["kpis"])

Viewer = Annotated[Principal, Depends(require(Permission.VIEW_KPIS))]


@router.get("/kpis", response_model=KpisOut)
def kpi_board(ctx: Ctx, _: Viewer, days: Annotated[int, Query(ge=1, le=366)] = 30) -> KpisOut:
    """Rates per squad and per community (ranked: 赛马比拼), false alarms per algorithm and the
    daily trend, over tasks opened in the last `days` days."""
    now = ctx.clock()
    since = now - timedelta(days=days)
    d = ctx.district
    o = d.organisation
    return kpis(
        histories(ctx.store, since, now + timedelta(seconds=1)),
        since,
        now,
        now,
        squads={s.id: s.name for s in o.squads},
        communities={c.id: c.name for c in o.communities},
        algorithms={a.id: a.name for a in d.algorithms},
        tz=ZoneInfo(o.timezone),
    )
