"""What the KPI and league-table page reads: tasks opened in a window with their event's
labels and their audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from gridwatch.domain.tasks import AuditRecord, Task
from gridwatch.store.repository import Store, audit_from_row, task_from_row
from gridwatch.store.tables import AuditRow, EventRow, TaskRow


@dataclass(frozen=True)
class TaskHistory:
    task: Task
    event_type: str
    source: str
    algorithm: str | None
    audit: list[AuditRecord]


def histories(store: Store, since: datetime, until: datetime) -> list[TaskHistory]:
    q = (
        select(TaskRow, EventRow.event_type, EventRow.source, EventRow.algorithm)
        .join(EventRow, EventRow.event_id == TaskRow.event_id)
        .where(TaskRow.created_at >= since, TaskRow.created_at < until)
    )
    with store.session() as s:
        rows = s.execute(q).all()
        ids = [t.task_id for t, *_ in rows]
        audit: dict[str, list[AuditRecord]] = {}
        for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
            for a in s.scalars(
                select(AuditRow).where(AuditRow.task_id.in_(chunk)).order_by(AuditRow.id)
            ):
                audit.setdefault(a.task_id, []).append(audit_from_row(a))
        return [
            TaskHistory(task_from_row(t), et, src, algo, audit.get(t.task_id, []))
            for t, et, src, algo in rows
        ]
