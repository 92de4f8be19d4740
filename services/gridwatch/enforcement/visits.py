"""Recording an inspection visit (scan-to-enter: who entered which enterprise, when) and turning
what was found into a case in the same chain as every other event (DispatchStage routes it)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from gridwatch.config.schema import District
from gridwatch.dispatch.stage import DispatchStage
from gridwatch.domain.events import Event, stable_id
from gridwatch.enforcement.inspection_kpis import VisitRecord
from gridwatch.enforcement.inspection_plan import iso_week
from gridwatch.store.enforcement_repository import EnforcementStore


class VisitError(ValueError):
    """The scan cannot be recorded: unknown enterprise, officer or finding type."""


def inspection_event(
    district: District, record: VisitRecord, finding: str, note: str, officer_name: str
) -> Event:
    """The event a finding on a visit becomes; its id derives from the scan, so a retried scan
    never opens a second case."""
    enterprise = next(e for e in district.enforcement.enterprises if e.id == record.enterprise_id)
    grid = district.grid(enterprise.grid)
    r = district.enforcement.responsibility
    name = r.business[finding].name if r is not None and finding in r.business else finding
    algos = {a.id: a for a in district.algorithms}
    return Event(
        event_id=stable_id("evt", record.entry_id, finding),
        event_type=finding,
        source="inspection",
        occurred_at=record.entered_at,
        grid=grid.id,
        community=grid.community,
        severity=algos[finding].severity if finding in algos else "minor",
        title=f"{name}（{enterprise.name}）",
        description=note or f"{officer_name} 入企检查发现：{name}",
        reporter=record.officer,
        extra={"enterprise": enterprise.id, "visit": record.visit_id or ""},
    )


def record_visit(
    district: District,
    enforcement: EnforcementStore,
    dispatch: DispatchStage,
    *,
    enterprise_id: str,
    officer_id: str,
    at: datetime,
    finding: str | None = None,
    note: str = "",
) -> VisitRecord:
    """Store a scan-in against the enterprise's planned visit of that week (if any); a finding
    opens a case through the dispatch plans. Idempotent for the same officer, enterprise and time.
    """
    e = district.enforcement
    if not any(x.id == enterprise_id for x in e.enterprises):
        raise VisitError(f"unknown enterprise {enterprise_id!r}")
    officer = next((o for o in e.settings.officers if o.id == officer_id), None)
    if officer is None:
        raise VisitError(f"unknown officer {officer_id!r}")
    r = e.responsibility
    if finding is not None and r is not None and finding not in r.business:
        raise VisitError(f"{finding!r} is not a business item of the responsibility list")
    # Plans are in local days: a scan at 07:30 local time on Monday is Sunday in UTC.
    local = at.astimezone(ZoneInfo(e.settings.documents.timezone))
    visit = next(
        (
            v
            for v in enforcement.planned_visits(local.strftime("%Y-%m"))
            if v.enterprise_id == enterprise_id and v.week == iso_week(local.date())
        ),
        None,
    )
    entry_id = stable_id("scan", enterprise_id, officer_id, at.isoformat())
    record = VisitRecord(
        entry_id=entry_id,
        enterprise_id=enterprise_id,
        officer=officer_id,
        squad=officer.squad,
        entered_at=at,
        visit_id=visit.visit_id if visit is not None else None,
        finding=finding,
    )
    if finding is not None:
        task = dispatch.handle_event(
            inspection_event(district, record, finding, note, officer.name)
        )
        record = VisitRecord(**{**record.__dict__, "task_id": task.task_id})
    enforcement.record_entry(record, note)
    return record
