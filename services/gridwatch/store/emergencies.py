"""Emergency activations and their checklist tasks in SQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gridwatch.domain.emergency import (
    Activation,
    ActivationState,
    ChecklistTask,
    after_item_done,
    complete,
    stand_down,
)
from gridwatch.domain.tasks import Actor, TransitionError
from gridwatch.store.chain_tables import EmergencyActivationRow, EmergencyItemRow
from gridwatch.store.repository import NotFound, Store


def _activation(r: EmergencyActivationRow) -> Activation:
    return Activation(
        activation_id=r.activation_id,
        plan_id=r.plan_id,
        plan_name=r.plan_name,
        hazard=r.hazard,
        drill=r.drill,
        trigger=r.trigger,
        activated_at=r.activated_at,
        activated_by=r.activated_by,
        grids=tuple(r.grids),
        communities=tuple(r.communities),
        state=ActivationState(r.state),
        ended_at=r.ended_at,
        note=r.note,
    )


def _item(r: EmergencyItemRow) -> ChecklistTask:
    return ChecklistTask(
        item_id=r.item_id,
        activation_id=r.activation_id,
        seq=r.seq,
        step=r.step,
        unit=r.unit,
        due_at=r.due_at,
        community=r.community,
        grid=r.grid,
        done_at=r.done_at,
        done_by=r.done_by,
        note=r.note,
    )


def active(db: Session, *, drill: bool | None = None) -> list[Activation]:
    """Activations in force, oldest first."""
    q = (
        select(EmergencyActivationRow)
        .where(EmergencyActivationRow.state == ActivationState.ACTIVE.value)
        .order_by(EmergencyActivationRow.activated_at)
    )
    if drill is not None:
        q = q.where(EmergencyActivationRow.drill.is_(drill))
    return [_activation(r) for r in db.scalars(q)]


class Emergencies:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, a: Activation, items: Sequence[ChecklistTask]) -> bool:
        """Store an activation with its checklist; False if it exists (a redelivered trigger)."""
        try:
            with self.store.session() as db:
                db.add(
                    EmergencyActivationRow(
                        activation_id=a.activation_id,
                        plan_id=a.plan_id,
                        plan_name=a.plan_name,
                        hazard=a.hazard,
                        drill=a.drill,
                        trigger=a.trigger,
                        activated_at=a.activated_at,
                        activated_by=a.activated_by,
                        grids=list(a.grids),
                        communities=list(a.communities),
                        state=a.state.value,
                        ended_at=a.ended_at,
                        note=a.note,
                    )
                )
                db.flush()
                db.add_all(
                    EmergencyItemRow(
                        item_id=i.item_id,
                        activation_id=i.activation_id,
                        seq=i.seq,
                        step=i.step,
                        unit=i.unit,
                        community=i.community,
                        grid=i.grid,
                        due_at=i.due_at,
                        done_at=i.done_at,
                        done_by=i.done_by,
                        note=i.note,
                    )
                    for i in items
                )
        except IntegrityError:
            return False
        return True

    def get(self, activation_id: str) -> Activation:
        with self.store.session() as db:
            row = db.get(EmergencyActivationRow, activation_id)
            if row is None:
                raise NotFound(activation_id)
            return _activation(row)

    def items(self, activation_id: str) -> list[ChecklistTask]:
        q = (
            select(EmergencyItemRow)
            .where(EmergencyItemRow.activation_id == activation_id)
            .order_by(EmergencyItemRow.seq)
        )
        with self.store.session() as db:
            return [_item(r) for r in db.scalars(q)]

    def item(self, item_id: str) -> ChecklistTask:
        with self.store.session() as db:
            row = db.get(EmergencyItemRow, item_id)
            if row is None:
                raise NotFound(item_id)
            return _item(row)

    def list(
        self,
        *,
        state: ActivationState | None = None,
        drill: bool | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[Activation]:
        q = select(EmergencyActivationRow).order_by(EmergencyActivationRow.activated_at)
        if state is not None:
            q = q.where(EmergencyActivationRow.state == state.value)
        if drill is not None:
            q = q.where(EmergencyActivationRow.drill.is_(drill))
        if since is not None:
            q = q.where(EmergencyActivationRow.activated_at >= since)
        if until is not None:
            q = q.where(EmergencyActivationRow.activated_at < until)
        with self.store.session() as db:
            return [_activation(r) for r in db.scalars(q)]

    def complete_item(
        self, item_id: str, actor: Actor, at: datetime, note: str
    ) -> tuple[ChecklistTask, Activation]:
        """Mark a checklist task done (under a lock) and complete its activation when it was
        the last one."""
        with self.store.session() as db:
            row = db.get(EmergencyItemRow, item_id, with_for_update=True)
            if row is None:
                raise NotFound(item_id)
            act = db.get(EmergencyActivationRow, row.activation_id, with_for_update=True)
            assert act is not None  # foreign key
            if act.state != ActivationState.ACTIVE.value:
                raise TransitionError(f"activation {act.activation_id} is {act.state}")
            item = complete(_item(row), actor, at, note)
            row.done_at, row.done_by, row.note = item.done_at, item.done_by, item.note
            db.flush()
            siblings = db.scalars(
                select(EmergencyItemRow).where(EmergencyItemRow.activation_id == act.activation_id)
            )
            activation = after_item_done(_activation(act), [_item(r) for r in siblings])
            act.state, act.ended_at = activation.state.value, activation.ended_at
            return item, activation

    def stand_down(self, activation_id: str, actor: Actor, at: datetime, note: str) -> Activation:
        with self.store.session() as db:
            row = db.get(EmergencyActivationRow, activation_id, with_for_update=True)
            if row is None:
                raise NotFound(activation_id)
            a = stand_down(_activation(row), actor, at, note)
            row.state, row.ended_at, row.note = a.state.value, a.ended_at, a.note
            return a
