"""SQL access for the enforcement side: saved inspection plans, scan-to-enter records, issued
documents and their numbers. Shares the engine (and so the transactions' database) of `Store`."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from gridwatch.enforcement.inspection_kpis import VisitRecord
from gridwatch.enforcement.inspection_plan import InspectionPlan, Visit
from gridwatch.store.enforcement_tables import (
    EnforcementDocumentRow,
    InspectionEntryRow,
    InspectionVisitRow,
)
from gridwatch.store.repository import Store


class PlanConflict(ValueError):
    """A month's plan with recorded visits cannot be replaced by a different one."""


def _visit(r: InspectionVisitRow) -> Visit:
    return Visit(
        visit_id=r.visit_id,
        month=r.month,
        enterprise_id=r.enterprise_id,
        day=r.day,
        lead_squad=r.lead_squad,
        squads=tuple(r.squads),
        checks_merged=r.checks_merged,
        officers=tuple(r.officers),
    )


def _record(r: InspectionEntryRow) -> VisitRecord:
    return VisitRecord(
        entry_id=r.entry_id,
        enterprise_id=r.enterprise_id,
        officer=r.officer,
        squad=r.squad,
        entered_at=r.entered_at,
        visit_id=r.visit_id,
        finding=r.finding,
        task_id=r.task_id,
    )


class EnforcementStore:
    def __init__(self, store: Store) -> None:
        self.store = store

    # ----------------------------------------------------------------- inspection plans

    def save_plan(self, plan: InspectionPlan, now: datetime) -> int:
        """Store the month's visits, replacing an earlier plan of the month. Saving the same plan
        again changes nothing; replacing one whose visits were already entered is refused."""
        with self.store.session() as s:
            old = {
                r.visit_id: r
                for r in s.scalars(
                    select(InspectionVisitRow).where(InspectionVisitRow.month == plan.month)
                )
            }
            new_ids = {v.visit_id for v in plan.visits}
            if old and set(old) != new_ids:
                entered = s.scalar(
                    select(func.count())
                    .select_from(InspectionEntryRow)
                    .where(InspectionEntryRow.visit_id.in_(list(old)))
                )
                if entered:
                    seeds = sorted({r.seed for r in old.values()})
                    raise PlanConflict(
                        f"{plan.month} already has a plan (seed {seeds[0]}) with {entered} "
                        "visit(s) entered; it cannot be replaced"
                    )
                s.execute(delete(InspectionVisitRow).where(InspectionVisitRow.month == plan.month))
                old = {}
            for v in plan.visits:
                if v.visit_id in old:
                    continue
                s.add(
                    InspectionVisitRow(
                        visit_id=v.visit_id,
                        month=v.month,
                        seed=plan.seed,
                        enterprise_id=v.enterprise_id,
                        day=v.day,
                        lead_squad=v.lead_squad,
                        squads=list(v.squads),
                        officers=list(v.officers),
                        checks_merged=v.checks_merged,
                        joint=v.joint,
                        saved_at=now,
                    )
                )
        return len(plan.visits)

    def planned_visits(self, month: str) -> list[Visit]:
        q = (
            select(InspectionVisitRow)
            .where(InspectionVisitRow.month == month)
            .order_by(InspectionVisitRow.day, InspectionVisitRow.enterprise_id)
        )
        with self.store.session() as s:
            return [_visit(r) for r in s.scalars(q)]

    def get_visit(self, visit_id: str) -> Visit | None:
        with self.store.session() as s:
            row = s.get(InspectionVisitRow, visit_id)
            return _visit(row) if row is not None else None

    # ----------------------------------------------------------------- scan-to-enter records

    def record_entry(self, record: VisitRecord, note: str = "") -> bool:
        """Store a scan-in; False when the same scan was stored before (a retried request)."""
        try:
            with self.store.session() as s:
                s.add(
                    InspectionEntryRow(
                        entry_id=record.entry_id,
                        visit_id=record.visit_id,
                        enterprise_id=record.enterprise_id,
                        officer=record.officer,
                        squad=record.squad,
                        entered_at=record.entered_at,
                        finding=record.finding,
                        note=note,
                        task_id=record.task_id,
                    )
                )
            return True
        except IntegrityError:
            return False

    def entries(self, month: str, tz: str = "UTC") -> list[VisitRecord]:
        """Scan-ins against the month's planned visits and unplanned ones made in the month
        (local time in `tz`)."""
        zone = ZoneInfo(tz)
        planned = select(InspectionVisitRow.visit_id).where(InspectionVisitRow.month == month)
        q = select(InspectionEntryRow).order_by(InspectionEntryRow.entered_at)
        with self.store.session() as s:
            rows = list(s.scalars(q.where(InspectionEntryRow.visit_id.in_(planned))))
            rows += [
                r
                for r in s.scalars(q.where(InspectionEntryRow.visit_id.is_(None)))
                if r.entered_at.astimezone(zone).strftime("%Y-%m") == month
            ]
            return [_record(r) for r in rows]

    # ----------------------------------------------------------------- documents

    def document(self, task_id: str, kind: str) -> EnforcementDocumentRow | None:
        q = select(EnforcementDocumentRow).where(
            EnforcementDocumentRow.task_id == task_id, EnforcementDocumentRow.kind == kind
        )
        with self.store.session() as s:
            row = s.scalar(q)
            if row is not None:
                s.expunge(row)
            return row

    def documents(self, task_id: str) -> list[EnforcementDocumentRow]:
        q = (
            select(EnforcementDocumentRow)
            .where(EnforcementDocumentRow.task_id == task_id)
            .order_by(EnforcementDocumentRow.issued_at, EnforcementDocumentRow.kind)
        )
        with self.store.session() as s:
            rows = list(s.scalars(q))
            s.expunge_all()
            return rows

    def next_seq(self, kind: str, year: int) -> int:
        q = select(func.max(EnforcementDocumentRow.seq)).where(
            EnforcementDocumentRow.kind == kind, EnforcementDocumentRow.year == year
        )
        with self.store.session() as s:
            return int(s.scalar(q) or 0) + 1

    def add_document(self, row: EnforcementDocumentRow) -> bool:
        """Insert an issued document; False when its number (kind, year, seq) or its (case,
        kind) was taken meanwhile by another writer: the caller draws the next number."""
        try:
            with self.store.session() as s:
                s.add(row)
            return True
        except IntegrityError:
            return False
