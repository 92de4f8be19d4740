"""Case groups in SQL: which open case a group key's events merge into, and its notice
schedule. Every dispatched case has a row; an ungrouped case is keyed `case:<task id>`."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from gridwatch.domain.grouping import GroupState
from gridwatch.domain.plans import Grouping
from gridwatch.domain.tasks import OPEN_STATES, State
from gridwatch.store.chain_tables import CaseGroupRow
from gridwatch.store.repository import Store
from gridwatch.store.tables import TaskRow

OPEN = [s.value for s in OPEN_STATES]


def _state(r: CaseGroupRow) -> GroupState:
    return GroupState(
        key=r.group_key,
        task_id=r.task_id,
        first_at=r.first_at,
        last_event_at=r.last_event_at,
        wait=timedelta(seconds=r.wait_s),
        interval=timedelta(seconds=r.interval_s),
        repeat=timedelta(seconds=r.repeat_s),
        events=r.events,
        notified_events=r.notified_events,
        last_notified_at=r.last_notified_at,
    )


def open_case_of(db: Session, key: str) -> str | None:
    """The task id of the group's case if that case is still open."""
    q = (
        select(CaseGroupRow.task_id)
        .join(TaskRow, TaskRow.task_id == CaseGroupRow.task_id)
        .where(CaseGroupRow.group_key == key, TaskRow.state.in_(OPEN))
    )
    return db.scalar(q)


def start_values(key: str, task_id: str, at: datetime, grouping: Grouping) -> dict[str, Any]:
    """The row of a new case for the key, for `start_many`."""
    g = GroupState.start(key, task_id, at, grouping)
    return {
        "group_key": key,
        "task_id": task_id,
        "open": True,
        "first_at": g.first_at,
        "last_event_at": g.last_event_at,
        "events": g.events,
        "notified_events": 0,
        "last_notified_at": None,
        "wait_s": int(g.wait.total_seconds()),
        "interval_s": int(g.interval.total_seconds()),
        "repeat_s": int(g.repeat.total_seconds()),
    }


def start_many(db: Session, rows: list[dict[str, Any]]) -> None:
    """New cases for their keys (replacing finished ones' rows), in one upsert; their tasks
    must be stored (flushed) first. Keys must differ."""
    if not rows:
        return
    table = CaseGroupRow.__table__
    dialect = postgresql if db.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table)
    replace = {k: stmt.excluded[k] for k in rows[0] if k != "group_key"}
    db.execute(stmt.on_conflict_do_update(index_elements=["group_key"], set_=replace), rows)


def start(db: Session, key: str, task_id: str, at: datetime, grouping: Grouping) -> None:
    """A new case for the key (replacing a finished one's row)."""
    db.flush()
    start_many(db, [start_values(key, task_id, at, grouping)])


def add_event(db: Session, key: str, at: datetime) -> None:
    row = db.get(CaseGroupRow, key, with_for_update=True)
    if row is not None:
        g = _state(row).add_event(at)
        row.events, row.last_event_at = g.events, g.last_event_at


class CaseGroups:
    def __init__(self, store: Store) -> None:
        self.store = store

    def open_case_of(self, key: str) -> str | None:
        with self.store.session() as db:
            return open_case_of(db, key)

    def start(self, key: str, task_id: str, at: datetime, grouping: Grouping) -> None:
        with self.store.session() as db:
            start(db, key, task_id, at, grouping)

    def add_event(self, key: str, at: datetime) -> None:
        with self.store.session() as db:
            add_event(db, key, at)

    def open_groups(self) -> list[tuple[GroupState, State]]:
        """Groups still marked open, with their case's state (the caller closes finished ones)."""
        q = (
            select(CaseGroupRow, TaskRow.state)
            .join(TaskRow, TaskRow.task_id == CaseGroupRow.task_id)
            .where(CaseGroupRow.open.is_(True))
        )
        with self.store.session() as db:
            return [(_state(r), State(state)) for r, state in db.execute(q)]

    def notified(self, key: str, now: datetime) -> None:
        with self.store.session() as db:
            row = db.get(CaseGroupRow, key, with_for_update=True)
            if row is not None:
                row.last_notified_at, row.notified_events = now, row.events

    def close(self, key: str) -> None:
        with self.store.session() as db:
            row = db.get(CaseGroupRow, key, with_for_update=True)
            if row is not None:
                row.open = False
