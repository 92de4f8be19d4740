"""Emergency-plan runs in SQL: activate (or drill) a plan, tick its checklist, end the run."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from gridwatch.config.schema import EmergencyPlan
from gridwatch.store.ops_tables import EmergencyRunRow, EmergencyStepRow
from gridwatch.store.repository import NotFound, Store


class RunConflict(ValueError):
    """The plan already has an open run, or the run/step is already finished."""


@dataclass(frozen=True)
class Run:
    run: EmergencyRunRow
    steps: list[EmergencyStepRow]


def checklist_steps(plan: EmergencyPlan) -> list[tuple[str, str, int]]:
    """(step, unit, seconds from activation); `grid_force:{community}` items become one step
    per community the plan covers."""
    out = []
    for item in plan.checklist:
        within = int(item.within.total_seconds())
        if "{community}" in item.unit:
            out += [
                (item.step, item.unit.replace("{community}", c), within) for c in plan.communities
            ]
        else:
            out.append((item.step, item.unit, within))
    return out


def start_run(
    store: Store, plan: EmergencyPlan, *, drill: bool, by: str, now: datetime, note: str = ""
) -> Run:
    with store.session() as s:
        open_run = s.scalar(
            select(EmergencyRunRow).where(
                EmergencyRunRow.plan_id == plan.id, EmergencyRunRow.ended_at.is_(None)
            )
        )
        if open_run is not None:
            raise RunConflict(f"{plan.id} already has an open run {open_run.run_id}")
        run = EmergencyRunRow(
            run_id=f"run-{secrets.token_hex(6)}",
            plan_id=plan.id,
            drill=drill,
            started_at=now,
            started_by=by,
            note=note,
            ended_at=None,
            ended_by=None,
        )
        steps = [
            EmergencyStepRow(
                run_id=run.run_id,
                index=i,
                step=step,
                unit=unit,
                due_at=now + timedelta(seconds=within),
                done_at=None,
                done_by=None,
                note="",
            )
            for i, (step, unit, within) in enumerate(checklist_steps(plan))
        ]
        s.add(run)
        s.flush()
        s.add_all(steps)
    return Run(run, steps)


def get_run(store: Store, run_id: str) -> Run:
    with store.session() as s:
        run = s.get(EmergencyRunRow, run_id)
        if run is None:
            raise NotFound(run_id)
        steps = list(
            s.scalars(
                select(EmergencyStepRow)
                .where(EmergencyStepRow.run_id == run_id)
                .order_by(EmergencyStepRow.index)
            )
        )
        s.expunge_all()
        return Run(run, steps)


def list_runs(store: Store, limit: int = 100) -> list[Run]:
    with store.session() as s:
        runs = list(
            s.scalars(
                select(EmergencyRunRow).order_by(EmergencyRunRow.started_at.desc()).limit(limit)
            )
        )
        ids = [r.run_id for r in runs]
        steps = list(
            s.scalars(
                select(EmergencyStepRow)
                .where(EmergencyStepRow.run_id.in_(ids))
                .order_by(EmergencyStepRow.run_id, EmergencyStepRow.index)
            )
        )
        s.expunge_all()
    by_run: dict[str, list[EmergencyStepRow]] = {}
    for st in steps:
        by_run.setdefault(st.run_id, []).append(st)
    return [Run(r, by_run.get(r.run_id, [])) for r in runs]


def tick_step(store: Store, run_id: str, index: int, by: str, now: datetime, note: str) -> Run:
    with store.session() as s:
        run = s.get(EmergencyRunRow, run_id)
        step = s.get(EmergencyStepRow, (run_id, index), with_for_update=True)
        if run is None or step is None:
            raise NotFound(f"{run_id} step {index}")
        if run.ended_at is not None:
            raise RunConflict(f"{run_id} has ended")
        if step.done_at is not None:
            raise RunConflict(f"step {index} of {run_id} is already done")
        step.done_at, step.done_by, step.note = now, by, note
    return get_run(store, run_id)


def end_run(store: Store, run_id: str, by: str, now: datetime) -> Run:
    with store.session() as s:
        run = s.get(EmergencyRunRow, run_id, with_for_update=True)
        if run is None:
            raise NotFound(run_id)
        if run.ended_at is not None:
            raise RunConflict(f"{run_id} has already ended")
        run.ended_at, run.ended_by = now, by
    return get_run(store, run_id)
