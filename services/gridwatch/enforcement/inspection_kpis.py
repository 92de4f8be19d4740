"""Inspection KPIs from the planned visits and the scan-to-enter records. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from gridwatch.enforcement.inspection_plan import Visit


@dataclass(frozen=True)
class VisitRecord:
    """A scan-to-enter record (扫码入企): who entered which enterprise when, and what came of it."""

    entry_id: str
    enterprise_id: str
    officer: str
    squad: str
    entered_at: datetime
    visit_id: str | None = None  # None: a visit outside the plan
    finding: str | None = None  # event type of what was found, if anything
    task_id: str | None = None  # the case it opened


@dataclass(frozen=True)
class InspectionKpis:
    planned: int
    done: int
    done_ratio: float
    unplanned: int
    joint_planned: int
    joint_done: int
    joint_share: float
    checks_done: int
    repeat_inspections_avoided: int
    findings: int
    cases_opened: int

    def as_dict(self) -> dict[str, int | float]:
        return dict(self.__dict__)


def inspection_kpis(planned: Sequence[Visit], records: Iterable[VisitRecord]) -> InspectionKpis:
    """Done = a planned visit with at least one scan-in. Joint share = joint visits among those
    done. Repeat inspections avoided = the squads' separate checks that done joint visits
    replaced (a visit merging n checks saves n - 1 trips)."""
    records = list(records)
    entered = {r.visit_id for r in records if r.visit_id is not None}
    done = [v for v in planned if v.visit_id in entered]
    unplanned = {(r.enterprise_id, r.entered_at.date()) for r in records if r.visit_id is None}
    joint_done = sum(v.joint for v in done)
    return InspectionKpis(
        planned=len(planned),
        done=len(done),
        done_ratio=round(len(done) / len(planned), 4) if planned else 0.0,
        unplanned=len(unplanned),
        joint_planned=sum(v.joint for v in planned),
        joint_done=joint_done,
        joint_share=round(joint_done / len(done), 4) if done else 0.0,
        checks_done=sum(v.checks_merged for v in done),
        repeat_inspections_avoided=sum(v.checks_merged - 1 for v in done),
        findings=sum(r.finding is not None for r in records),
        cases_opened=len({r.task_id for r in records if r.task_id is not None}),
    )
