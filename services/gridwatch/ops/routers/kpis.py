"""KPIs, league tables and the overdue list for the ops centre: the dispatch chain's numbers
(domain/kpis.py over the audit log), the same as `gridwatch report kpis` / `report overdue`."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, HTTPException

from gridwatch.config.schema import District
from gridwatch.domain.access import Permission
from gridwatch.ops import names
from gridwatch.ops.deps import Ctx, Principal, require
from gridwatch.ops.schemas import KpiReportOut, OverdueOut
from gridwatch.store.kpi_queries import KpiQueries

router = APIRouter(prefix="/api", tags=["kpis"])

Reader = Annotated[Principal, Depends(require(Permission.VIEW_KPIS))]
Viewer = Annotated[Principal, Depends(require(Permission.VIEW_OPS))]
MAX_PERIOD = timedelta(days=366)


def display_names(d: District) -> dict[str, str]:
    """Names for every key the report uses: units, grids, communities, algorithms, types."""
    o = d.organisation
    out = names.unit_names(d)
    out |= {g.id: g.name for g in o.grids}
    out |= {c.id: c.name for c in o.communities}
    out |= {a.id: a.name for a in d.algorithms}
    out |= {t.id: t.name for t in d.plans.event_types}
    return out


@router.get("/kpis", response_model=KpiReportOut)
def kpis(
    ctx: Ctx, _: Reader, since: datetime | None = None, until: datetime | None = None
) -> KpiReportOut:
    """KPIs of the cases reported in [since, until) (default: the last 24 hours): rates per
    unit, grid, community, algorithm, source and event type, the league tables (赛马比拼),
    emergencies (real and drill apart) and the trend per local day."""
    now = ctx.clock()
    end = until or now
    if (since or end).tzinfo is None or end.tzinfo is None:
        raise HTTPException(422, "since/until need a time zone, e.g. 2026-03-01T00:00+08:00")
    try:
        start = since or end - timedelta(days=1)
        if start >= end:
            raise HTTPException(422, "since must be before until")
        if end - start > MAX_PERIOD:
            raise HTTPException(422, "the period is at most 366 days")
        zone = ZoneInfo(ctx.district.plans.timezone)
        report = KpiQueries(ctx.store).report(start, end, now, zone)
    except OverflowError:
        raise HTTPException(422, "since/until: out of range") from None
    return KpiReportOut.model_validate(report | {"names": display_names(ctx.district)})


@router.get("/overdue", response_model=list[OverdueOut])
def overdue_tasks(ctx: Ctx, _: Viewer) -> list[OverdueOut]:
    """Open tasks past a deadline (督查), most overdue first."""
    return [OverdueOut.model_validate(r) for r in KpiQueries(ctx.store).overdue(ctx.clock())]
