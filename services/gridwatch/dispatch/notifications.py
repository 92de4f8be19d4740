"""Who is told: escalation targets and units resolved to the people of the organisation, each
notice recorded once in the outbox and put on the live feed for the ops centre and phones.

Delivery beyond the live feed (SMS, WeCom) is a consumer of the outbox; none is wired here."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime

from gridwatch.config.schema import District
from gridwatch.domain.tasks import Task
from gridwatch.store.hot_state import HotState
from gridwatch.store.notifications import Outbox, Recipient
from gridwatch.store.repository import Store

log = logging.getLogger(__name__)


class Directory:
    """Names of units and people, from the organisation."""

    def __init__(self, district: District) -> None:
        self.district = district

    def unit(self, unit: str) -> Recipient:
        o = self.district.organisation
        kind, _, ref = unit.partition(":")
        try:
            if kind == "squad":
                return Recipient(unit, self.district.squad(ref).name)
            if kind == "grid_force":
                return Recipient(unit, self.district.community(ref).grid_force)
            if kind == "grid_leader":
                gl = self.district.grid_leader(ref)
                return Recipient(unit, f"网格长 {gl.name} ({gl.phone})" if gl.phone else gl.name)
            if kind == "post":
                return Recipient(unit, ref)
        except KeyError:
            return Recipient(unit, unit)
        return Recipient("brigade", f"{o.brigade.name}值班台")

    def duty_officer(self) -> Recipient:
        return Recipient(
            "duty_officer", f"值班长 {self.district.organisation.brigade.duty_officer}"
        )

    def leader_of(self, unit: str, grid: str) -> Recipient:
        """The person who answers for a unit: squad leader, the grid's leader for a grid
        force, the duty officer for the brigade."""
        kind, _, ref = unit.partition(":")
        if kind == "squad":
            try:
                squad = self.district.squad(ref)
            except KeyError:
                return self.duty_officer()
            return Recipient(f"squad_leader:{ref}", f"{squad.name}队长 {squad.leader}")
        if kind in ("grid_force", "grid_leader"):
            return self.grid_leader(grid)
        return self.duty_officer()

    def grid_leader(self, grid: str) -> Recipient:
        leader = self.district.grid_leader_of.get(grid)
        return self.unit(f"grid_leader:{leader}") if leader else self.duty_officer()

    def targets(self, targets: Iterable[str], task: Task) -> list[Recipient]:
        """Escalation targets (assignee, squad_leader, …) for one task, without repeats."""
        out: dict[str, Recipient] = {}
        for t in targets:
            if t == "assignee":
                r = self.unit(task.assignee)
            elif t == "squad_leader":
                r = self.leader_of(task.assignee, task.grid)
            elif t == "grid_leader":
                r = self.grid_leader(task.grid)
            elif t == "verifier":
                r = self.unit(task.verifier)
            elif t == "duty_officer":
                r = self.duty_officer()
            elif t == "dispatcher":
                r = Recipient("dispatcher", "大队调度台")
            else:
                raise ValueError(f"unknown notification target {t!r}")
            out.setdefault(r.ref, r)
        return list(out.values())


class Notifier:
    def __init__(self, district: District, store: Store, hot: HotState | None) -> None:
        self.directory = Directory(district)
        self.outbox = Outbox(store)
        self.hot = hot

    def send(
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
        """Record and publish once; False if this key was sent before."""
        if not self.outbox.add(
            key, kind, recipients, message, now, task_id=task_id, activation_id=activation_id
        ):
            return False
        self.publish(kind, recipients, message, task_id, activation_id)
        return True

    def escalate(
        self, task_id: str, key: str, recipients: Sequence[Recipient], message: str, now: datetime
    ) -> bool:
        if not self.outbox.escalate(task_id, key, recipients, message, now):
            return False
        self.publish("escalation", recipients, message, task_id, None)
        return True

    def publish(
        self,
        kind: str,
        recipients: Sequence[Recipient],
        message: str,
        task_id: str | None,
        activation_id: str | None,
    ) -> None:
        log.info("%s to %s: %s", kind, ", ".join(r.name for r in recipients), message)
        if self.hot is not None:
            self.hot.publish(
                "notification",
                {
                    "kind": kind,
                    "to": [r.ref for r in recipients],
                    "names": [r.name for r in recipients],
                    "message": message,
                    "task_id": task_id,
                    "activation_id": activation_id,
                },
            )
