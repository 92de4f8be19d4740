"""SLAs and escalation (PagerDuty / Opsgenie style): which deadline a task has missed, and whom
to tell about it when.

A policy is a list of steps `when <condition> after <delay> notify <targets>`. Each condition
counts from one of the task's deadlines and holds only while the task is still in the states
that condition names:

| condition      | counts from | holds while the task is                          |
|----------------|-------------|--------------------------------------------------|
| not_accepted   | accept_by   | dispatched                                       |
| not_handled    | handle_by   | dispatched, accepted, handling                   |
| not_verified   | verify_by   | handled                                          |
| not_closed     | handle_by   | dispatched … verified (anything before closed)   |

A step fires once at `deadline + after`, then again every `repeat_every` while its condition
holds, at most `repeat_limit` more times. Keys carry the deadline, so when the deadline moves
(an approved extension, a rework, a re-dispatch) the step starts over for the new deadline.
After an outage only the latest due round fires: nobody wants three reminders at once.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from gridwatch.config.schema import EscalationPolicy
from gridwatch.domain.tasks import State, Task

S = State
HOLDS_WHILE: dict[str, frozenset[State]] = {
    "not_accepted": frozenset({S.DISPATCHED}),
    "not_handled": frozenset({S.DISPATCHED, S.ACCEPTED, S.HANDLING}),
    "not_verified": frozenset({S.HANDLED}),
    "not_closed": frozenset({S.DISPATCHED, S.ACCEPTED, S.HANDLING, S.HANDLED, S.VERIFIED}),
}


def deadline_for(task: Task, condition: str) -> datetime | None:
    if condition == "not_accepted":
        return task.accept_by
    if condition in ("not_handled", "not_closed"):
        return task.handle_by
    if condition == "not_verified":
        return task.verify_by
    raise ValueError(f"unknown escalation condition {condition!r}")


@dataclass(frozen=True)
class Escalation:
    task_id: str
    policy_id: str
    step: int
    round: int  # 0 = first firing, 1.. = repeats
    condition: str
    deadline: datetime
    due_at: datetime
    notify: tuple[str, ...]

    @property
    def key(self) -> str:
        """Idempotency key: the same escalation is recorded once, whoever evaluates it."""
        return (
            f"{self.task_id}:{self.policy_id}:{self.step}:{self.round}:{self.deadline.isoformat()}"
        )

    def describe(self) -> str:
        what = self.condition.replace("_", " ")
        again = f" (repeat {self.round})" if self.round else ""
        return (
            f"{what} by {self.deadline:%Y-%m-%d %H:%M} UTC{again}: notify {', '.join(self.notify)}"
        )


def due_escalations(
    task: Task, policy: EscalationPolicy, now: datetime, fired: Collection[str]
) -> list[Escalation]:
    """Escalations of `task` due at `now` that are not in `fired` (keys already recorded)."""
    out: list[Escalation] = []
    every = policy.repeat_every or timedelta(0)
    for i, step in enumerate(policy.steps):
        if task.state not in HOLDS_WHILE[step.when]:
            continue
        deadline = deadline_for(task, step.when)
        if deadline is None:
            continue
        first = deadline + step.after
        if now < first:
            continue
        latest = 0
        if every > timedelta(0):
            latest = min(policy.repeat_limit, int((now - first) / every))
        esc = Escalation(
            task_id=task.task_id,
            policy_id=policy.id,
            step=i,
            round=latest,
            condition=step.when,
            deadline=deadline,
            due_at=first + latest * every,
            notify=tuple(step.notify),
        )
        if esc.key not in fired:
            out.append(esc)
    return out


@dataclass(frozen=True)
class Overdue:
    """A missed deadline, for the supervision (督查) list."""

    task_id: str
    stage: str  # accept | handle | verify
    deadline: datetime
    overdue_by: timedelta


@dataclass(frozen=True)
class Due:
    stage: str  # accept | handle | verify
    deadline: datetime


def due(task: Task, now: datetime) -> Due | None:
    """The deadline the task answers to now: the first one it has missed, else the nearest one
    still ahead (what an SLA countdown shows); None when no deadline applies."""
    checks = (
        ("accept", HOLDS_WHILE["not_accepted"], task.accept_by),
        ("handle", HOLDS_WHILE["not_handled"], task.handle_by),
        ("verify", HOLDS_WHILE["not_verified"], task.verify_by),
    )
    live = [
        Due(stage, dl) for stage, states, dl in checks if task.state in states and dl is not None
    ]
    for d in live:
        if now > d.deadline:
            return d
    return min(live, key=lambda d: d.deadline, default=None)


def overdue(task: Task, now: datetime) -> Overdue | None:
    """The step the task is late on, if any. Closed, rejected and merged tasks are never late."""
    d = due(task, now)
    if d is None or now <= d.deadline:
        return None
    return Overdue(task.task_id, d.stage, d.deadline, now - d.deadline)
