"""The case loop as a state machine: who may move a task from which state to which, and the audit
record each move leaves. Pure: the caller passes the time and persists the results."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum


class State(StrEnum):
    REPORTED = "reported"
    FILED = "filed"
    REJECTED = "rejected"
    DISPATCHED = "dispatched"
    ACCEPTED = "accepted"
    HANDLING = "handling"
    HANDLED = "handled"
    VERIFIED = "verified"
    CLOSED = "closed"
    EVALUATED = "evaluated"
    RETURNED = "returned"
    MERGED = "merged"
    SUPPRESSED = "suppressed"  # muted by a silence or an inhibit rule: recorded, not dispatched


OPEN_STATES = frozenset(
    {
        State.REPORTED,
        State.FILED,
        State.DISPATCHED,
        State.ACCEPTED,
        State.HANDLING,
        State.HANDLED,
        State.VERIFIED,
        State.RETURNED,
    }
)


class Role(StrEnum):
    ADMIN = "admin"
    DUTY_OFFICER = "duty_officer"
    DISPATCHER = "dispatcher"
    SQUAD_MEMBER = "squad_member"
    GRID_LEADER = "grid_leader"
    ALGO_ENGINEER = "algo_engineer"
    SYSTEM = "system"


class Action(StrEnum):
    FILE = "file"
    REJECT = "reject"
    DISPATCH = "dispatch"
    ACCEPT = "accept"
    RETURN = "return"
    START = "start"
    FEEDBACK = "feedback"
    VERIFY = "verify"
    REWORK = "rework"
    CLOSE = "close"
    EVALUATE = "evaluate"
    REQUEST_EXTENSION = "request_extension"
    APPROVE_EXTENSION = "approve_extension"
    MERGE = "merge"
    MUTE = "mute"
    ESCALATE = "escalate"
    DENY_EXTENSION = "deny_extension"
    ISSUE_DOCUMENT = "issue_document"


# Actions that are recorded in a case's audit trail without being steps of the state machine.
AUDIT_ONLY_ACTIONS = frozenset({Action.ISSUE_DOCUMENT})


class Verdict(StrEnum):
    """What the case turned out to be: the feedback that makes false-alarm rates."""

    CONFIRMED = "confirmed"
    FALSE_ALARM = "false_alarm"  # nothing there: the detector (or reporter) was wrong
    INVALID = "invalid"  # not a matter for the brigade, or not enough to act on
    DUPLICATE = "duplicate"


REJECT_VERDICTS = frozenset({Verdict.FALSE_ALARM, Verdict.INVALID, Verdict.DUPLICATE})
VERIFY_VERDICTS = frozenset({Verdict.CONFIRMED, Verdict.FALSE_ALARM})


@dataclass(frozen=True)
class Actor:
    user_id: str
    role: Role
    squad: str | None = None
    grid: str | None = None
    community: str | None = None


SYSTEM = Actor("system", Role.SYSTEM)
DESK = frozenset({Role.DUTY_OFFICER, Role.DISPATCHER, Role.ADMIN})

# The level above every unit: the brigade's desk verifies what a unit may not verify itself.
NEXT_LEVEL_VERIFIER = "brigade"
# Steps that make a person one of the case's handlers: whoever took any of them did the work.
HANDLING_ACTIONS = frozenset(
    {Action.ACCEPT, Action.START, Action.FEEDBACK, Action.REQUEST_EXTENSION}
)


@dataclass(frozen=True)
class Rule:
    sources: frozenset[State]
    target: State | None  # None: the state does not change (extension requests)
    who: str  # "desk" | "assignee" | "verifier" | "desk_or_system" | "system"
    needs_note: bool = False


S = State
WORKING = frozenset({S.DISPATCHED, S.ACCEPTED, S.HANDLING, S.HANDLED, S.VERIFIED})
RULES: dict[Action, Rule] = {
    Action.FILE: Rule(frozenset({S.REPORTED, S.SUPPRESSED}), S.FILED, "desk_or_system"),
    Action.REJECT: Rule(
        frozenset({S.REPORTED, S.FILED, S.DISPATCHED, S.SUPPRESSED}),
        S.REJECTED,
        "desk",
        needs_note=True,
    ),
    Action.DISPATCH: Rule(frozenset({S.FILED, S.RETURNED}), S.DISPATCHED, "desk_or_system"),
    Action.ACCEPT: Rule(frozenset({S.DISPATCHED}), S.ACCEPTED, "assignee"),
    Action.RETURN: Rule(
        frozenset({S.DISPATCHED, S.ACCEPTED}), S.RETURNED, "assignee", needs_note=True
    ),
    Action.START: Rule(frozenset({S.ACCEPTED}), S.HANDLING, "assignee"),
    Action.FEEDBACK: Rule(
        frozenset({S.ACCEPTED, S.HANDLING}), S.HANDLED, "assignee", needs_note=True
    ),
    Action.VERIFY: Rule(frozenset({S.HANDLED}), S.VERIFIED, "verifier"),
    Action.REWORK: Rule(frozenset({S.HANDLED}), S.HANDLING, "verifier", needs_note=True),
    Action.CLOSE: Rule(frozenset({S.VERIFIED}), S.CLOSED, "desk"),
    Action.EVALUATE: Rule(frozenset({S.CLOSED}), S.EVALUATED, "desk"),
    Action.REQUEST_EXTENSION: Rule(
        frozenset({S.ACCEPTED, S.HANDLING}), None, "assignee", needs_note=True
    ),
    Action.APPROVE_EXTENSION: Rule(frozenset({S.ACCEPTED, S.HANDLING}), None, "desk"),
    Action.DENY_EXTENSION: Rule(frozenset({S.ACCEPTED, S.HANDLING}), None, "desk", needs_note=True),
    Action.MERGE: Rule(
        frozenset({S.REPORTED, S.FILED, S.DISPATCHED}), S.MERGED, "desk_or_system", needs_note=True
    ),
    Action.MUTE: Rule(frozenset({S.REPORTED}), S.SUPPRESSED, "system", needs_note=True),
    Action.ESCALATE: Rule(WORKING, None, "system", needs_note=True),
}


@dataclass(frozen=True)
class Within:
    """How long the assignee has, counted from the dispatch."""

    accept: timedelta | None
    handle: timedelta | None


@dataclass(frozen=True)
class Task:
    task_id: str
    event_id: str
    state: State
    grid: str
    community: str
    assignee: str  # unit: "squad:<id>", "grid_force:<community>", "brigade"
    verifier: str  # "grid_leader:<id>", "brigade", "squad:<id>"
    created_at: datetime
    route_id: str | None = None
    route_name: str | None = None
    accept_by: datetime | None = None
    handle_by: datetime | None = None
    verify_within: timedelta | None = None
    verify_by: datetime | None = None
    rework_count: int = 0
    extension_requested: timedelta | None = None
    extension_count: int = 0
    merged_into: str | None = None
    verdict: Verdict | None = None


@dataclass(frozen=True)
class AuditRecord:
    task_id: str
    action: Action
    actor: str
    role: Role
    at: datetime
    from_state: State
    to_state: State
    note: str = ""
    attachment: str | None = None
    verdict: Verdict | None = None


@dataclass(frozen=True)
class Participants:
    """Who has had a hand in a case so far: the person who reported it (None for a device or a
    citizen) and everyone who handled it. Separation of duties is judged against these."""

    reporter: str | None = None
    handlers: frozenset[str] = frozenset()

    @staticmethod
    def of(trail: Iterable[AuditRecord], reporter: str | None = None) -> Participants:
        handlers = frozenset(
            r.actor for r in trail if r.action in HANDLING_ACTIONS and r.role is not Role.SYSTEM
        )
        return Participants(reporter, handlers)

    def people(self) -> frozenset[str]:
        return self.handlers | ({self.reporter} if self.reporter else frozenset())


NOBODY = Participants()


class TransitionError(ValueError):
    """The action is not allowed: wrong state, wrong person, or missing note."""

    def __init__(self, message: str, *, forbidden: bool = False) -> None:
        super().__init__(message)
        self.forbidden = forbidden  # True: the actor may not do it (HTTP 403), else 409/422


def acts_for(actor: Actor, unit: str) -> bool:
    """Does the actor work for the unit (`squad:<id>`, `grid_force:<community>`,
    `grid_leader:<id>`, `brigade`, `post:<name>`)? The brigade's desk answers for posts."""
    kind, _, ref = unit.partition(":")
    if actor.role is Role.ADMIN:
        return True
    if kind == "squad":
        return actor.role is Role.SQUAD_MEMBER and actor.squad == ref
    if kind == "grid_force":
        return actor.role is Role.GRID_LEADER and actor.community == ref
    if kind == "grid_leader":
        return actor.role is Role.GRID_LEADER and actor.user_id == ref
    if kind in ("brigade", "post"):
        return actor.role in (Role.DISPATCHER, Role.DUTY_OFFICER)
    return False


def is_assignee(actor: Actor, task: Task) -> bool:
    # A community's grid force works a task through the leader of the grid the task is in: grid
    # leaders act on their own grid only, whatever unit the task names.
    if actor.role is Role.GRID_LEADER and actor.grid != task.grid:
        return False
    return acts_for(actor, task.assignee)


def is_verifier(actor: Actor, task: Task) -> bool:
    kind, _, ref = task.verifier.partition(":")
    if actor.role in (Role.ADMIN, Role.DUTY_OFFICER, Role.DISPATCHER):
        return True  # the brigade may always verify
    if kind == "grid_leader":
        return actor.role is Role.GRID_LEADER and actor.user_id == ref and actor.grid == task.grid
    if kind == "squad":
        return actor.role is Role.SQUAD_MEMBER and actor.squad == ref
    return False


def duty_conflict(actor: Actor, task: Task, participants: Participants) -> str | None:
    """Why the actor may not verify the task, or None: whoever handled a case or reported it
    would be checking their own work. The admin stands for every unit and is exempt, so a case
    nobody else can verify is not stuck; the audit trail names the admin all the same."""
    if actor.role is Role.ADMIN:
        return None
    if actor.user_id in participants.handlers:
        return (
            f"{actor.user_id!r} handled task {task.task_id} and may not verify it: "
            "separation of duties, someone else of the verifier's unit must"
        )
    if participants.reporter is not None and actor.user_id == participants.reporter:
        return (
            f"{actor.user_id!r} reported task {task.task_id} and may not verify it: "
            "separation of duties, someone else of the verifier's unit must"
        )
    return None


def verifier_after_handling(task: Task, participants: Participants) -> str:
    """The unit that verifies the handled case. A unit does not verify its own work, nor does a
    grid leader verify a case they reported or handled: verification then goes up to the
    brigade's desk, where another person than the handler or reporter can take it."""
    if task.verifier == NEXT_LEVEL_VERIFIER:
        return task.verifier
    if task.verifier == task.assignee:
        return NEXT_LEVEL_VERIFIER
    kind, _, ref = task.verifier.partition(":")
    if kind == "grid_leader" and ref in participants.people():
        return NEXT_LEVEL_VERIFIER
    return task.verifier


def can_see(actor: Actor, task: Task) -> bool:
    """Grid leaders see their own grid's tasks only; squad members the tasks their squad handles or
    verifies; the desk sees all."""
    if actor.role in (Role.ADMIN, Role.DUTY_OFFICER, Role.DISPATCHER, Role.SYSTEM):
        return True
    if actor.role is Role.ALGO_ENGINEER:
        return True  # read-only: reviews findings and false alarms
    if actor.role is Role.GRID_LEADER:
        return actor.grid == task.grid
    if actor.role is Role.SQUAD_MEMBER:
        return is_assignee(actor, task) or is_verifier(actor, task)
    return False


def _allowed(who: str, actor: Actor, task: Task) -> bool:
    if who == "system":
        return actor.role is Role.SYSTEM
    if who == "desk_or_system":
        return actor.role in DESK or actor.role is Role.SYSTEM
    if who == "desk":
        return actor.role in DESK
    if who == "assignee":
        return is_assignee(actor, task)
    if who == "verifier":
        return is_verifier(actor, task)
    raise AssertionError(who)


def transition(
    task: Task,
    action: Action,
    actor: Actor,
    now: datetime,
    note: str = "",
    *,
    attachment: str | None = None,
    assignee: str | None = None,
    extension: timedelta | None = None,
    merged_into: str | None = None,
    verdict: Verdict | str | None = None,
    within: Within | None = None,
    participants: Participants = NOBODY,
) -> tuple[Task, AuditRecord]:
    """Apply one action; return the new task and its audit record, or raise TransitionError.

    `participants` (the reporter and the handlers so far, `Participants.of` the audit trail)
    enforce separation of duties: feedback routes verification up a level when the verifier
    would be judging its own case, and verify is refused to the case's handlers and reporter.

    `verdict` goes with reject (false_alarm, invalid or duplicate; default invalid) and verify
    (confirmed or false_alarm; default confirmed) and is refused with any other action.
    `within` goes with dispatch: the accept and handle deadlines start at the dispatch."""
    rule = RULES.get(action)
    if rule is None:
        raise TransitionError(f"{action} is not a step of the case loop")
    if task.state not in rule.sources:
        raise TransitionError(f"cannot {action} a task that is {task.state}")
    # Before the unit check: a handler whom the case was routed away from learns why.
    if action is Action.VERIFY and (conflict := duty_conflict(actor, task, participants)):
        raise TransitionError(conflict, forbidden=True)
    if not _allowed(rule.who, actor, task):
        raise TransitionError(
            f"{actor.role} {actor.user_id!r} may not {action} task {task.task_id}", forbidden=True
        )
    if rule.needs_note and not note.strip():
        raise TransitionError(f"{action} needs a note (reason)")
    verdict = _verdict_for(action, verdict)
    new = replace(task, state=rule.target or task.state)
    if verdict is not None:
        new = replace(new, verdict=verdict)
    if action is Action.DISPATCH:
        new = replace(new, assignee=assignee or task.assignee)
        if within is not None:
            new = replace(
                new,
                accept_by=now + within.accept if within.accept is not None else None,
                handle_by=now + within.handle if within.handle is not None else None,
            )
    elif action is Action.REWORK:
        new = replace(new, rework_count=task.rework_count + 1, verify_by=None)
    elif action is Action.FEEDBACK:
        handled_by = participants
        if actor.role is not Role.ADMIN:  # the admin's own hand does not bar the plan's verifier
            handled_by = replace(participants, handlers=participants.handlers | {actor.user_id})
        new = replace(new, verifier=verifier_after_handling(task, handled_by))
        if task.verify_within is not None:
            new = replace(new, verify_by=now + task.verify_within)
    elif action is Action.REQUEST_EXTENSION:
        if extension is None or extension <= timedelta(0):
            raise TransitionError("request_extension needs a positive extension")
        new = replace(new, extension_requested=extension)
    elif action is Action.APPROVE_EXTENSION:
        if task.extension_requested is None:
            raise TransitionError("no extension was requested")
        base = task.handle_by or now
        new = replace(
            new,
            handle_by=base + task.extension_requested,
            extension_requested=None,
            extension_count=task.extension_count + 1,
        )
    elif action is Action.DENY_EXTENSION:
        if task.extension_requested is None:
            raise TransitionError("no extension was requested")
        new = replace(new, extension_requested=None)
    elif action is Action.MERGE:
        if not merged_into or merged_into == task.task_id:
            raise TransitionError("merge needs another task id to merge into")
        new = replace(new, merged_into=merged_into)
    record = AuditRecord(
        task_id=task.task_id,
        action=action,
        actor=actor.user_id,
        role=actor.role,
        at=now,
        from_state=task.state,
        to_state=new.state,
        note=note,
        attachment=attachment,
        verdict=verdict,
    )
    return new, record


def merge_refusal(task: Task, target: Task) -> str | None:
    """Why `task` may not be merged into `target`, or None. A merged case leaves every queue and
    lives on only through its target, so the target must be another open case of the same grid
    (its grid leader answers for both); a target that is itself merged is refused rather than
    followed, so two cases can never end up merged into each other."""
    if target.task_id == task.task_id:
        return f"task {task.task_id} cannot be merged into itself"
    if target.state is State.MERGED:
        return (
            f"task {target.task_id} is itself merged into {target.merged_into}: "
            "merge into that case instead"
        )
    if target.state not in OPEN_STATES:
        return f"task {target.task_id} is {target.state}: only an open case can take a merge"
    if target.grid != task.grid:
        return (
            f"task {target.task_id} is in grid {target.grid}, task {task.task_id} in "
            f"{task.grid}: merge only within a grid"
        )
    return None


def dispatch_refusal(task: Task, assignee: str, members: Iterable[Actor]) -> str | None:
    """Why a dispatch of `task` to `assignee` by hand would strand it, or None. `members` are
    the people who might act (the accounts); the admin does not count, as a case only the admin
    can accept sits in a unit's queue that nobody works. A grid force or a grid leader acts
    through the leader of the case's own grid, so a unit of another grid or community has none."""
    target = replace(task, assignee=assignee)
    if any(m.role is not Role.ADMIN and is_assignee(m, target) for m in members):
        return None
    return f"nobody of {assignee} can accept a task in grid {task.grid}"


def _verdict_for(action: Action, verdict: Verdict | str | None) -> Verdict | None:
    if verdict is not None:
        try:
            verdict = Verdict(verdict)
        except ValueError:
            raise TransitionError(f"unknown verdict {verdict!r}") from None
    if action is Action.REJECT:
        verdict = verdict or Verdict.INVALID
        if verdict not in REJECT_VERDICTS:
            raise TransitionError(f"reject takes a verdict of {_names(REJECT_VERDICTS)}")
        return verdict
    if action is Action.VERIFY:
        verdict = verdict or Verdict.CONFIRMED
        if verdict not in VERIFY_VERDICTS:
            raise TransitionError(f"verify takes a verdict of {_names(VERIFY_VERDICTS)}")
        return verdict
    if verdict is not None:
        raise TransitionError(f"{action} takes no verdict")
    return None


def _names(verdicts: frozenset[Verdict]) -> str:
    return " or ".join(sorted(v.value for v in verdicts))


def allowed_actions(task: Task, actor: Actor, participants: Participants = NOBODY) -> list[Action]:
    """What the actor could do next: drives the buttons on task pages."""
    return [
        a
        for a, rule in RULES.items()
        if task.state in rule.sources
        and _allowed(rule.who, actor, task)
        and not (
            a in (Action.APPROVE_EXTENSION, Action.DENY_EXTENSION)
            and task.extension_requested is None
        )
        and not (a is Action.VERIFY and duty_conflict(actor, task, participants))
    ]
