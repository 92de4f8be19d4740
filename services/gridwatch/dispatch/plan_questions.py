"""Questions people ask of the dispatch plans, answered the same way for the command line
(`gridwatch plans route|coverage`) and the ops centre (/api/plans/…): who would get an event
like this, and how well do the plans and the responsibility list cover the district."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from gridwatch.config.schema import District
from gridwatch.domain.coverage import Coverage, district_coverage
from gridwatch.enforcement.catalogue import DutyGap, business_items_without_duty


class EventQuery(BaseModel):
    """An event as `plans route` reads it; what is left out is filled in from the config."""

    model_config = ConfigDict(extra="forbid")

    event_type: str
    grid: str | None = None
    device: str | None = None
    scene: str | None = None
    community: str | None = None
    severity: str | None = None
    source: str | None = None
    at: datetime | None = Field(None, description="Event time; time windows are read at it.")


def labels_of(q: EventQuery, d: District) -> dict[str, str]:
    """Complete the query the way the dispatch stage would see such an event."""
    algorithms = {a.id: a for a in d.algorithms}
    reported = {t.id: t for t in d.plans.event_types}
    if q.event_type not in algorithms and q.event_type not in reported:
        raise ValueError(f"unknown event type {q.event_type!r}")
    grid, scene = q.grid, q.scene
    if q.device:
        try:
            dev = d.device(q.device)
        except KeyError:
            raise ValueError(f"unknown device {q.device!r}") from None
        grid = grid or dev.grid
        scene = scene if scene is not None else dev.scene
    if grid is None:
        raise ValueError("give a grid or a device")
    try:
        community = d.grid(grid).community
    except KeyError:
        raise ValueError(f"unknown grid {grid!r}") from None
    algo = algorithms.get(q.event_type)
    kind = reported.get(q.event_type)
    severity = q.severity or (algo.severity if algo else kind.severity if kind else "minor")
    source = q.source or ("ai" if algo else kind.sources[0] if kind else "ai")
    return {
        "event_type": q.event_type,
        "algorithm": q.event_type if algo else "",
        "scene": scene or "",
        "community": q.community or community,
        "grid": grid,
        "device": q.device or "",
        "severity": severity,
        "source": source,
    }


@dataclass(frozen=True)
class CoverageReport:
    plans: Coverage  # event type x grid pairs routed to a real unit, and the gaps
    duty_gaps: list[DutyGap]  # event types no duty item of the responsibility list covers
    event_types: int
    grids: int


def coverage_report(d: District) -> CoverageReport:
    c = district_coverage(d)
    # The legal side of coverage: an event type no duty item covers has no one obliged to act.
    names = {a.id: a.name for a in d.algorithms} | {t.id: t.name for t in d.plans.event_types}
    duty_gaps = business_items_without_duty(d.enforcement.responsibility, sorted(names.items()))
    return CoverageReport(c, duty_gaps, len(names), len(d.organisation.grids))
