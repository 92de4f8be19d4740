"""Read queries behind the ops-centre pages: tasks with their events, filtered and scoped to what
the reader may see, and which task a stored picture belongs to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, or_, select

from gridwatch.domain.tasks import OPEN_STATES, Actor, Role, State, Task
from gridwatch.store.ops_tables import EventLocationRow
from gridwatch.store.repository import Store, task_from_row
from gridwatch.store.tables import AuditRow, EventRow, TaskRow


@dataclass(frozen=True)
class TaskFilter:
    states: Sequence[State] = ()
    grid: str | None = None
    community: str | None = None
    squad: str | None = None
    algorithm: str | None = None
    source: str | None = None
    event_type: str | None = None
    updated_since: datetime | None = None
    limit: int = 500


@dataclass(frozen=True)
class Case:
    task: Task
    event: EventRow
    location: tuple[float, float] | None = None


def scope(actor: Actor) -> ColumnElement[bool] | None:
    """A SQL pre-filter that keeps at least every task `can_see` allows (the caller still
    applies `can_see`): it keeps a grid leader's or squad member's query small."""
    if actor.role is Role.GRID_LEADER:
        return TaskRow.grid == (actor.grid or "")
    if actor.role is Role.SQUAD_MEMBER:
        unit = f"squad:{actor.squad or ''}"
        return or_(TaskRow.assignee == unit, TaskRow.verifier == unit)
    return None


def _filtered(q: Select, f: TaskFilter) -> Select:  # type: ignore[type-arg]
    if f.states:
        q = q.where(TaskRow.state.in_([s.value for s in f.states]))
    if f.grid:
        q = q.where(TaskRow.grid == f.grid)
    if f.community:
        q = q.where(TaskRow.community == f.community)
    if f.squad:
        unit = f"squad:{f.squad}"
        q = q.where(or_(TaskRow.assignee == unit, TaskRow.verifier == unit))
    if f.algorithm:
        q = q.where(EventRow.algorithm == f.algorithm)
    if f.source:
        q = q.where(EventRow.source == f.source)
    if f.event_type:
        q = q.where(EventRow.event_type == f.event_type)
    if f.updated_since:
        q = q.where(TaskRow.updated_at >= f.updated_since)
    return q


def find_cases(store: Store, actor: Actor, f: TaskFilter, *, newest: str = "task") -> list[Case]:
    """Tasks with their events, newest first (`newest`: by task update or event arrival)."""
    order = TaskRow.updated_at.desc() if newest == "task" else EventRow.received_at.desc()
    q = (
        select(TaskRow, EventRow, EventLocationRow)
        .join(EventRow, EventRow.event_id == TaskRow.event_id)
        .outerjoin(EventLocationRow, EventLocationRow.event_id == EventRow.event_id)
        .order_by(order)
        .limit(f.limit)
    )
    pre = scope(actor)
    if pre is not None:
        q = q.where(pre)
    q = _filtered(q, f)
    with store.session() as s:
        rows = s.execute(q).all()
        s.expunge_all()
    return [
        Case(task_from_row(t), e, (loc.lon, loc.lat) if loc is not None else None)
        for t, e, loc in rows
    ]


def case_of_event(store: Store, event_id: str) -> Case | None:
    q = (
        select(TaskRow, EventRow, EventLocationRow)
        .join(EventRow, EventRow.event_id == TaskRow.event_id)
        .outerjoin(EventLocationRow, EventLocationRow.event_id == EventRow.event_id)
        .where(EventRow.event_id == event_id)
    )
    with store.session() as s:
        row = s.execute(q).first()
        s.expunge_all()
    if row is None:
        return None
    t, e, loc = row
    return Case(task_from_row(t), e, (loc.lon, loc.lat) if loc is not None else None)


def tasks_showing(store: Store, key: str) -> list[Task]:
    """Tasks whose event picture or audit attachment is this evidence key."""
    with store.session() as s:
        by_event = s.scalars(
            select(TaskRow)
            .join(EventRow, EventRow.event_id == TaskRow.event_id)
            .where(EventRow.evidence_path == key)
        ).all()
        by_audit = s.scalars(
            select(TaskRow)
            .join(AuditRow, AuditRow.task_id == TaskRow.task_id)
            .where(AuditRow.attachment == key)
        ).all()
        return [task_from_row(r) for r in [*by_event, *by_audit]]


def save_location(store: Store, event_id: str, lon: float, lat: float) -> None:
    with store.session() as s:
        s.merge(EventLocationRow(event_id=event_id, lon=lon, lat=lat))


def open_tasks(store: Store) -> list[Task]:
    """Every open task (the map colours grids by them)."""
    q = select(TaskRow).where(TaskRow.state.in_([st.value for st in OPEN_STATES]))
    with store.session() as s:
        return [task_from_row(r) for r in s.scalars(q)]
