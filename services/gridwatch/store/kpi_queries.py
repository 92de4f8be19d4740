"""What the KPIs are computed from: the cases of a period with their audit trails, and the
emergency activations of the period. Snapshots keep a published report."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import select

from gridwatch.domain.emergency import emergency_summary
from gridwatch.domain.escalation import overdue
from gridwatch.domain.kpis import CaseFacts, facts_of, kpi_report
from gridwatch.domain.tasks import OPEN_STATES
from gridwatch.store.chain_tables import KpiSnapshotRow
from gridwatch.store.emergencies import Emergencies
from gridwatch.store.repository import Store, audit_from_row, task_from_row
from gridwatch.store.tables import AuditRow, EventRow, TaskRow

DIMENSIONS = ("unit", "grid", "community", "algorithm", "source", "event_type")


class KpiQueries:
    def __init__(self, store: Store) -> None:
        self.store = store

    def case_facts(self, since: datetime, until: datetime) -> list[CaseFacts]:
        """Cases reported in [since, until) as their audit trails stand at `until`."""
        in_period = (TaskRow.created_at >= since, TaskRow.created_at < until)
        tasks_q = (
            select(TaskRow, EventRow.source, EventRow.algorithm, EventRow.event_type)
            .join(EventRow, EventRow.event_id == TaskRow.event_id)
            .where(*in_period)
            .order_by(TaskRow.created_at, TaskRow.task_id)
        )
        audit_q = (
            select(AuditRow)
            .join(TaskRow, TaskRow.task_id == AuditRow.task_id)
            .where(*in_period)
            .order_by(AuditRow.task_id, AuditRow.id)
        )
        with self.store.session() as db:
            trails = defaultdict(list)
            for r in db.scalars(audit_q):
                trails[r.task_id].append(audit_from_row(r))
            out = []
            for row, source, algorithm, event_type in db.execute(tasks_q):
                f = facts_of(
                    task_from_row(row),
                    source=source,
                    algorithm=algorithm,
                    event_type=event_type,
                    trail=trails[row.task_id],
                    until=until,
                )
                if f is not None:
                    out.append(f)
            return out

    def report(
        self, since: datetime, until: datetime, now: datetime, zone: tzinfo | None = None
    ) -> dict[str, Any]:
        """The KPI report of [since, until); with the district's `zone` it has a daily trend."""
        facts = self.case_facts(since, until)
        emergencies = Emergencies(self.store)
        activations = emergencies.list(since=since, until=until)
        items = {a.activation_id: emergencies.items(a.activation_id) for a in activations}
        return {
            "period": {"since": since.isoformat(), "until": until.isoformat()},
            **kpi_report(facts, until, DIMENSIONS, since=since, zone=zone),
            "emergencies": emergency_summary(activations, items, min(now, until)),
        }

    def save_snapshot(
        self, report: dict[str, Any], since: datetime, until: datetime, now: datetime
    ) -> None:
        with self.store.session() as db:
            db.add(KpiSnapshotRow(computed_at=now, since=since, until=until, report=report))

    def snapshots(self, limit: int = 50) -> list[dict[str, Any]]:
        q = select(KpiSnapshotRow).order_by(KpiSnapshotRow.id.desc()).limit(limit)
        with self.store.session() as db:
            return [
                {"computed_at": r.computed_at.isoformat(), "report": r.report}
                for r in db.scalars(q)
            ]

    def overdue(self, now: datetime) -> list[dict[str, Any]]:
        """Open tasks past a deadline (督查), most overdue first."""
        rows = []
        for task in self.store.list_tasks(states=sorted(OPEN_STATES), limit=100_000):
            late = overdue(task, now)
            if late is None:
                continue
            rows.append(
                {
                    "task_id": task.task_id,
                    "state": task.state.value,
                    "route": task.route_id,
                    "assignee": task.assignee,
                    "grid": task.grid,
                    "late_on": late.stage,
                    "deadline": late.deadline.isoformat(),
                    "overdue_s": int(late.overdue_by.total_seconds()),
                }
            )
        return sorted(rows, key=lambda r: -r["overdue_s"])
