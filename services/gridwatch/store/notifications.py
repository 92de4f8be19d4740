"""The notification outbox in SQL. A row per recipient, under a unique key, so whoever
evaluates a notice or an escalation (a restarted runner, a second worker) records it once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from gridwatch.domain.tasks import SYSTEM, Action, transition
from gridwatch.store.chain_tables import NotificationRow
from gridwatch.store.repository import NotFound, Store, _audit_row, _task_columns, task_from_row
from gridwatch.store.tables import TaskRow


@dataclass(frozen=True)
class Recipient:
    ref: str  # unit or person reference: squad:sq-traffic, squad_leader:sq-traffic, duty_officer
    name: str  # who that is, for people: 交通秩序小队队长 陈志强


@dataclass(frozen=True)
class Notification:
    key: str
    kind: str  # notice | escalation | emergency
    recipient: str
    recipient_name: str
    message: str
    created_at: datetime
    task_id: str | None = None
    activation_id: str | None = None


def _rows(
    key: str,
    kind: str,
    recipients: Sequence[Recipient],
    message: str,
    now: datetime,
    task_id: str | None,
    activation_id: str | None,
) -> list[NotificationRow]:
    return [
        NotificationRow(
            key=f"{key}>{r.ref}",
            kind=kind,
            task_id=task_id,
            activation_id=activation_id,
            recipient=r.ref,
            recipient_name=r.name,
            message=message,
            created_at=now,
        )
        for r in recipients
    ]


def _notification(r: NotificationRow) -> Notification:
    return Notification(
        r.key,
        r.kind,
        r.recipient,
        r.recipient_name,
        r.message,
        r.created_at,
        r.task_id,
        r.activation_id,
    )


class Outbox:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(
        self,
        key: str,
        kind: str,
        recipients: Sequence[Recipient],
        message: str,
        now: datetime,
        *,
        task_id: str | None = None,
        activation_id: str | None = None,
    ) -> bool:
        """Record a notification once; False if the key was already recorded."""
        try:
            with self.store.session() as db:
                db.add_all(_rows(key, kind, recipients, message, now, task_id, activation_id))
        except IntegrityError:
            return False
        return True

    def escalate(
        self, task_id: str, key: str, recipients: Sequence[Recipient], message: str, now: datetime
    ) -> bool:
        """Record an escalation: its notifications and the task's audit record together, once.
        False if it was recorded before."""
        try:
            with self.store.session() as db:
                row = db.get(TaskRow, task_id, with_for_update=True)
                if row is None:
                    raise NotFound(task_id)
                task, record = transition(task_from_row(row), Action.ESCALATE, SYSTEM, now, message)
                for k, v in _task_columns(task).items():
                    setattr(row, k, v)
                db.add_all(_rows(key, "escalation", recipients, message, now, task_id, None))
                db.flush()
                db.add(_audit_row(record))
        except IntegrityError:
            return False
        return True

    def fired_escalations(self, task_id: str) -> set[str]:
        q = select(NotificationRow.key).where(
            NotificationRow.task_id == task_id, NotificationRow.kind == "escalation"
        )
        with self.store.session() as db:
            return {k.split(">", 1)[0] for k in db.scalars(q)}

    def list(
        self,
        *,
        task_id: str | None = None,
        activation_id: str | None = None,
        kind: str | None = None,
        limit: int = 500,
    ) -> list[Notification]:
        q = select(NotificationRow).order_by(NotificationRow.id).limit(limit)
        if task_id is not None:
            q = q.where(NotificationRow.task_id == task_id)
        if activation_id is not None:
            q = q.where(NotificationRow.activation_id == activation_id)
        if kind is not None:
            q = q.where(NotificationRow.kind == kind)
        with self.store.session() as db:
            return [_notification(r) for r in db.scalars(q)]
