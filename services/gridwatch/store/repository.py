"""The SQL repository: the only place that reads and writes events, tasks and audit records."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from gridwatch.domain.events import Event, Finding, stable_id
from gridwatch.domain.muting import Muted
from gridwatch.domain.plans import RoutingDecision
from gridwatch.domain.tasks import (
    SYSTEM,
    Action,
    Actor,
    AuditRecord,
    Participants,
    Role,
    State,
    Task,
    TransitionError,
    Verdict,
    Within,
    merge_refusal,
    transition,
)
from gridwatch.store.tables import AuditRow, Base, EventRow, FindingRow, TaskRow, UserRow


class NotFound(LookupError):
    pass


def normalise_url(url: str) -> str:
    """Accept plain postgresql:// URLs and use the psycopg 3 driver for them."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(conn: Any, _record: Any) -> None:
            cur = conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    # A database that goes silent (a dropped route, a frozen host) must end in an error the
    # workers retry, not a call that blocks for good and stalls its partition: libpq gives up
    # connecting after `connect_timeout` s, and keepalive probes plus `tcp_user_timeout` end an
    # open connection whose peer stopped answering (after ~30 s).
    silent = {
        "connect_timeout": 10,
        "keepalives": 1,
        "keepalives_idle": 10,
        "keepalives_interval": 5,
        "keepalives_count": 3,
        "tcp_user_timeout": 30_000,
    }
    return create_engine(
        url, pool_pre_ping=True, pool_size=10, max_overflow=20, connect_args=silent
    )


def task_from_row(r: TaskRow) -> Task:
    return Task(
        task_id=r.task_id,
        event_id=r.event_id,
        state=State(r.state),
        grid=r.grid,
        community=r.community,
        assignee=r.assignee,
        verifier=r.verifier,
        created_at=r.created_at,
        route_id=r.route_id,
        route_name=r.route_name,
        accept_by=r.accept_by,
        handle_by=r.handle_by,
        verify_within=timedelta(seconds=r.verify_within_s) if r.verify_within_s else None,
        verify_by=r.verify_by,
        rework_count=r.rework_count,
        extension_requested=(
            timedelta(seconds=r.extension_requested_s) if r.extension_requested_s else None
        ),
        extension_count=r.extension_count,
        merged_into=r.merged_into,
        verdict=Verdict(r.verdict) if r.verdict else None,
    )


def _task_columns(t: Task) -> dict[str, Any]:
    return {
        "state": t.state.value,
        "assignee": t.assignee,
        "verifier": t.verifier,
        "accept_by": t.accept_by,
        "handle_by": t.handle_by,
        "verify_by": t.verify_by,
        "rework_count": t.rework_count,
        "extension_requested_s": (
            int(t.extension_requested.total_seconds()) if t.extension_requested else None
        ),
        "extension_count": t.extension_count,
        "merged_into": t.merged_into,
        "verdict": t.verdict.value if t.verdict else None,
    }


def _audit_row(a: AuditRecord) -> AuditRow:
    return AuditRow(
        task_id=a.task_id,
        action=a.action.value,
        actor=a.actor,
        role=a.role.value,
        at=a.at,
        from_state=a.from_state.value,
        to_state=a.to_state.value,
        note=a.note,
        attachment=a.attachment,
        verdict=a.verdict.value if a.verdict else None,
    )


def _seconds(d: timedelta | None) -> int | None:
    return int(d.total_seconds()) if d is not None else None


def audit_from_row(r: AuditRow) -> AuditRecord:
    return AuditRecord(
        task_id=r.task_id,
        action=Action(r.action),
        actor=r.actor,
        role=Role(r.role),
        at=r.at,
        from_state=State(r.from_state),
        to_state=State(r.to_state),
        note=r.note,
        attachment=r.attachment,
        verdict=Verdict(r.verdict) if r.verdict else None,
    )


def routing_json(decision: RoutingDecision) -> dict[str, Any]:
    p = decision.primary
    return {
        "route_id": p.route_id,
        "route_name": p.route_name,
        "path": list(p.path),
        "assignee": p.assignee,
        "verifier": p.verifier,
        "fallback": p.fallback,
        "accept_within_s": _seconds(p.accept_within),
        "handle_within_s": _seconds(p.handle_within),
        "verify_within_s": _seconds(p.verify_within),
        "escalation": p.escalation,
        "group_by": list(p.grouping.by),
        "also": [a.route_id for a in decision.assignments[1:]],
        "considered": [
            {"route": c.route_id, "path": list(c.path), "matched": c.matched, "reason": c.reason}
            for c in decision.considered
        ],
    }


def _within_of(routing: dict[str, Any] | None) -> Within:
    def td(key: str) -> timedelta | None:
        v = (routing or {}).get(key)
        return timedelta(seconds=v) if v is not None else None

    return Within(td("accept_within_s"), td("handle_within_s"))


def _file(
    task: Task,
    routing: dict[str, Any] | None,
    actor: Actor,
    now: datetime,
    note: str,
    **kwargs: Any,
) -> list[tuple[Task, AuditRecord]]:
    """Filing a case, by the system or by the desk, is one thing: file it, then dispatch it by
    the plan it was routed to (deadlines from now), or leave it `filed` in the brigade's manual
    queue when only the catch-all route matched. Each step's task and audit record."""
    steps = [transition(task, Action.FILE, actor, now, note, **kwargs)]
    routing = routing or {}
    if not routing.get("fallback", True):
        within = _within_of(routing)
        plan = f"plan {routing.get('route_id')}"
        steps.append(transition(steps[-1][0], Action.DISPATCH, actor, now, plan, within=within))
    return steps


def task_id_of(event_id: str) -> str:
    """The id of the task an event opens: derived from the event id, so a redelivery maps to it."""
    return stable_id("tsk", event_id)


@dataclasses.dataclass(frozen=True)
class CaseRows:
    """What opening a case writes: the event, its task and the task's first audit records."""

    event: EventRow
    task: TaskRow
    audit: list[AuditRow]


def add_case(
    s: Session,
    ev: Event,
    decision: RoutingDecision,
    now: datetime,
    *,
    muted: Muted | None = None,
    merge_into: str | None = None,
    hold: bool = False,
) -> Task:
    """`Store.open_case` inside the caller's transaction, without the look-up first: an event
    already stored fails on the unique keys (events.event_id, tasks.event_id) with
    IntegrityError, and the caller's transaction is lost with it."""
    task, rows = case_rows(ev, decision, now, muted=muted, merge_into=merge_into, hold=hold)
    write_cases(s, [rows])
    return task


def write_cases(s: Session, cases: Sequence[CaseRows]) -> None:
    """Insert cases: events, then tasks, then audit records (foreign keys), each table in one
    statement."""
    for part in ([c.event for c in cases], [c.task for c in cases]):
        s.add_all(part)
        s.flush()
    s.add_all(a for c in cases for a in c.audit)
    s.flush()


def case_rows(
    ev: Event,
    decision: RoutingDecision,
    now: datetime,
    *,
    muted: Muted | None = None,
    merge_into: str | None = None,
    hold: bool = False,
) -> tuple[Task, CaseRows]:
    """The task an event opens (see `Store.open_case`) and the rows that store it."""
    a = decision.primary
    task = Task(
        task_id=task_id_of(ev.event_id),
        event_id=ev.event_id,
        state=State.REPORTED,
        grid=ev.grid,
        community=ev.community,
        assignee="brigade" if a.fallback else a.assignee,
        verifier=a.verifier,
        created_at=now,
        route_id=a.route_id,
        route_name=a.route_name,
        verify_within=a.verify_within,
    )
    routing = routing_json(decision)
    records = []
    if muted is not None:
        routing["muted_by"] = muted.by
        task, rec = transition(task, Action.MUTE, SYSTEM, now, f"{muted.by}: {muted.reason}")
        records.append(rec)
    elif merge_into is not None:
        note = f"same group as {merge_into}"
        task, rec = transition(task, Action.MERGE, SYSTEM, now, note, merged_into=merge_into)
        records.append(rec)
    elif not hold:
        steps = _file(task, routing, SYSTEM, now, f"{ev.source} report")
        task = steps[-1][0]
        records += [rec for _, rec in steps]
    event_row = EventRow(
        **{k: v for k, v in dataclasses.asdict(ev).items() if k != "extra"},
        received_at=now,
        routing=routing,
    )
    if ev.box is not None:
        event_row.box = list(ev.box)
    task_row = TaskRow(
        task_id=task.task_id,
        event_id=ev.event_id,
        grid=task.grid,
        community=task.community,
        route_id=task.route_id,
        route_name=task.route_name,
        created_at=now,
        updated_at=now,
        verify_within_s=_seconds(a.verify_within),
        **_task_columns(task),
    )
    return task, CaseRows(event_row, task_row, [_audit_row(r) for r in records])


class Store:
    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def migrate(self) -> None:
        from gridwatch.store.migrate import upgrade

        upgrade(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.sessions() as s, s.begin():
            yield s

    # ----------------------------------------------------------------- findings and events

    def record_finding(self, f: Finding) -> bool:
        """Store a finding; False if it was already stored (a redelivery)."""
        row = FindingRow(
            finding_id=f.finding_id,
            device_id=f.device_id,
            algorithm=f.algorithm,
            event_type=f.event_type,
            mode=f.mode,
            incident_key=f.incident_key,
            confidence=f.confidence,
            started_at=f.started_at,
            observed_at=f.observed_at,
            box=list(f.box) if f.box else None,
            zone_id=f.zone_id,
            class_name=f.class_name,
            value=f.value,
            model_version=f.model_version,
            evidence_path=f.evidence_path,
            summary=f.summary,
        )
        return self._insert_once(row)

    def _insert_once(self, row: Base) -> bool:
        try:
            with self.session() as s:
                s.add(row)
            return True
        except IntegrityError:
            return False

    def open_case(
        self,
        ev: Event,
        decision: RoutingDecision,
        now: datetime,
        *,
        muted: Muted | None = None,
        merge_into: str | None = None,
        hold: bool = False,
    ) -> tuple[Task, bool]:
        """Store the event and open its task, all in one transaction:

        * muted (a silence or an inhibit rule): reported -> suppressed, kept for the record;
        * a later event of an open group: reported -> merged into that group's case;
        * `hold` (its algorithm has `review: confirm`): left `reported` for the desk to file
          (action `file`, which then dispatches it by its plan) or reject;
        * otherwise reported -> filed, then dispatched by the system when a plan matched, or
          left `filed` in the brigade's manual queue when only the catch-all route did.

        Idempotent: the same event id returns the existing task and False."""
        existing = self.find_task_for_event(ev.event_id)
        if existing is not None:
            return existing, False
        try:
            with self.session() as s:
                task = add_case(s, ev, decision, now, muted=muted, merge_into=merge_into, hold=hold)
        except IntegrityError:
            # Another worker stored the same event first: theirs stands.
            return self.task_for_event(ev.event_id), False
        return task, True

    # ----------------------------------------------------------------- tasks

    def find_task_for_event(self, event_id: str) -> Task | None:
        with self.session() as s:
            row = s.scalar(select(TaskRow).where(TaskRow.event_id == event_id))
            return task_from_row(row) if row is not None else None

    def task_for_event(self, event_id: str) -> Task:
        with self.session() as s:
            row = s.scalar(select(TaskRow).where(TaskRow.event_id == event_id))
            if row is None:
                raise NotFound(event_id)
            return task_from_row(row)

    def get_task(self, task_id: str) -> Task:
        with self.session() as s:
            row = s.get(TaskRow, task_id)
            if row is None:
                raise NotFound(task_id)
            return task_from_row(row)

    def act(
        self,
        task_id: str,
        action: Action,
        actor: Actor,
        now: datetime,
        note: str = "",
        **kwargs: Any,
    ) -> tuple[Task, AuditRecord]:
        """Apply a state-machine action under a row lock and record it in the audit trail.

        A dispatch by hand starts the deadlines the plans gave the event when it was routed.
        Filing by hand (a held or muted case) goes on as the system's filing does: dispatched
        by its plan in the same transaction when one matched; the last step is returned."""
        with self.session() as s:
            target_id = kwargs.get("merged_into") if action is Action.MERGE else None
            # Both cases of a merge are locked, in id order, so that a merge A→B racing B→A
            # waits for it and then finds its target merged instead of deadlocking.
            locked = {
                r.task_id: r
                for r in s.scalars(
                    select(TaskRow)
                    .where(TaskRow.task_id.in_(sorted({task_id, target_id or task_id})))
                    .order_by(TaskRow.task_id)
                    .with_for_update()
                )
            }
            row = locked.get(task_id)
            if row is None:
                raise NotFound(task_id)
            if target_id is not None:
                target = locked.get(target_id)
                if target is None:
                    raise TransitionError(f"no task {target_id} to merge into")
                refusal = merge_refusal(task_from_row(row), task_from_row(target))
                if refusal is not None:
                    raise TransitionError(refusal)
            event = s.get(EventRow, row.event_id)
            routing = event.routing if event else None
            if action in (Action.FEEDBACK, Action.VERIFY):
                trail = s.scalars(select(AuditRow).where(AuditRow.task_id == task_id))
                kwargs["participants"] = Participants.of(
                    (audit_from_row(a) for a in trail), event.reporter if event else None
                )
            if action is Action.FILE:
                steps = _file(task_from_row(row), routing, actor, now, note, **kwargs)
            else:
                if action is Action.DISPATCH and kwargs.get("within") is None:
                    kwargs["within"] = _within_of(routing)
                steps = [transition(task_from_row(row), action, actor, now, note, **kwargs)]
            task, record = steps[-1]
            for k, v in _task_columns(task).items():
                setattr(row, k, v)
            row.updated_at = now
            s.add_all(_audit_row(r) for _, r in steps)
        return task, record

    def record_audit(self, record: AuditRecord) -> None:
        """Add an audit entry that does not move the task (e.g. a document issued for it); the
        task must exist and be in the state the record names."""
        if record.from_state is not record.to_state:
            raise ValueError("record_audit is for entries without a state change; use act()")
        with self.session() as s:
            row = s.get(TaskRow, record.task_id, with_for_update=True)
            if row is None:
                raise NotFound(record.task_id)
            if row.state != record.from_state.value:
                raise ValueError(f"task {record.task_id} is {row.state}, not {record.from_state}")
            row.updated_at = max(row.updated_at, record.at)
            s.add(_audit_row(record))

    def list_tasks(
        self,
        *,
        states: Sequence[State] | None = None,
        grid: str | None = None,
        assignee: str | None = None,
        limit: int = 200,
    ) -> list[Task]:
        q = select(TaskRow).order_by(TaskRow.created_at.desc()).limit(limit)
        if states:
            q = q.where(TaskRow.state.in_([s.value for s in states]))
        if grid:
            q = q.where(TaskRow.grid == grid)
        if assignee:
            q = q.where(TaskRow.assignee == assignee)
        with self.session() as s:
            return [task_from_row(r) for r in s.scalars(q)]

    def tasks_with_policy(self, states: Sequence[State]) -> list[tuple[Task, str | None]]:
        """Tasks in the given states with the escalation policy their routing named."""
        q = (
            select(TaskRow, EventRow.routing)
            .join(EventRow, EventRow.event_id == TaskRow.event_id)
            .where(TaskRow.state.in_([s.value for s in states]))
            .order_by(TaskRow.created_at)
        )
        with self.session() as s:
            return [
                (task_from_row(row), (routing or {}).get("escalation"))
                for row, routing in s.execute(q)
            ]

    def audit_trail(self, task_id: str) -> list[AuditRecord]:
        q = select(AuditRow).where(AuditRow.task_id == task_id).order_by(AuditRow.id)
        with self.session() as s:
            return [audit_from_row(r) for r in s.scalars(q)]

    def task_counts(self, grid: str | None = None) -> dict[str, int]:
        q = select(TaskRow.state, func.count()).group_by(TaskRow.state)
        if grid is not None:
            q = q.where(TaskRow.grid == grid)
        with self.session() as s:
            return {state: int(n) for state, n in s.execute(q)}

    # ----------------------------------------------------------------- events

    def get_event(self, event_id: str) -> EventRow:
        with self.session() as s:
            row = s.get(EventRow, event_id)
            if row is None:
                raise NotFound(event_id)
            s.expunge(row)
            return row

    def list_events(self, limit: int = 100, event_type: str | None = None) -> list[EventRow]:
        q = select(EventRow).order_by(EventRow.received_at.desc()).limit(limit)
        if event_type:
            q = q.where(EventRow.event_type == event_type)
        with self.session() as s:
            rows = list(s.scalars(q))
            s.expunge_all()
            return rows

    def event_counts(self, grid: str | None = None) -> dict[str, int]:
        q = select(EventRow.event_type, func.count()).group_by(EventRow.event_type)
        if grid is not None:
            q = q.where(EventRow.grid == grid)
        with self.session() as s:
            return {t: int(n) for t, n in s.execute(q)}

    def finding_count(self, devices: Collection[str] | None = None) -> int:
        """All findings, or those of these devices."""
        q = select(func.count()).select_from(FindingRow)
        if devices is not None:
            q = q.where(FindingRow.device_id.in_(list(devices)))
        with self.session() as s:
            return int(s.scalar(q) or 0)

    # ----------------------------------------------------------------- users

    def add_user(self, row: UserRow) -> None:
        with self.session() as s:
            s.merge(row)

    def get_user(self, user_id: str) -> UserRow | None:
        with self.session() as s:
            row = s.get(UserRow, user_id)
            if row is not None:
                s.expunge(row)
            return row


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"
