"""Escalation timing with an injected clock: not accepted in time -> the squad leader; not
closed by the deadline -> the duty officer; repeats up to the loop limit; deadlines moved by
an extension start the count again."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from gridwatch.config.schema import EscalationPolicy
from gridwatch.domain.escalation import due, due_escalations, overdue
from gridwatch.domain.tasks import Action, Actor, Role, State, Task, transition

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)
POLICY = EscalationPolicy.model_validate(
    {
        "id": "standard",
        "steps": [
            {"when": "not_accepted", "notify": ["squad_leader"]},
            {"when": "not_closed", "after": "10m", "notify": ["duty_officer"]},
        ],
        "repeat_every": "1h",
        "repeat_limit": 2,
    }
)
SQUAD = Actor("m1", Role.SQUAD_MEMBER, squad="sq-traffic")
DUTY = Actor("duty", Role.DUTY_OFFICER)


def dispatched() -> Task:
    return Task(
        task_id="tsk-1",
        event_id="evt-1",
        state=State.DISPATCHED,
        grid="g001",
        community="c01",
        assignee="squad:sq-traffic",
        verifier="grid_leader:gl001",
        created_at=T0,
        accept_by=T0 + 15 * MIN,
        handle_by=T0 + 120 * MIN,
        verify_within=timedelta(hours=2),
    )


class Ledger:
    """What an escalation runner records: fired keys, in order."""

    def __init__(self) -> None:
        self.fired: list[str] = []
        self.log: list[tuple[datetime, str, tuple[str, ...]]] = []

    def tick(self, task: Task, now: datetime) -> None:
        for e in due_escalations(task, POLICY, now, set(self.fired)):
            self.fired.append(e.key)
            self.log.append((now, e.condition, e.notify))


def test_nothing_escalates_before_the_accept_deadline():
    assert due_escalations(dispatched(), POLICY, T0 + 15 * MIN - timedelta(seconds=1), ()) == []


def test_unaccepted_task_goes_to_the_squad_leader_at_the_deadline_and_only_once():
    ledger = Ledger()
    task = dispatched()
    for minute in range(0, 60):
        ledger.tick(task, T0 + minute * MIN)
    assert ledger.log == [(T0 + 15 * MIN, "not_accepted", ("squad_leader",))]


def test_escalation_repeats_every_hour_up_to_its_limit():
    ledger = Ledger()
    task = dispatched()
    for minute in range(0, 8 * 60, 5):
        ledger.tick(task, T0 + minute * MIN)
    accept_rounds = [at for at, cond, _ in ledger.log if cond == "not_accepted"]
    assert accept_rounds == [T0 + 15 * MIN, T0 + 75 * MIN, T0 + 135 * MIN]  # 1 + 2 repeats
    close_rounds = [at for at, cond, _ in ledger.log if cond == "not_closed"]
    assert close_rounds == [T0 + 130 * MIN, T0 + 190 * MIN, T0 + 250 * MIN]


def test_accepting_stops_the_accept_escalation_but_not_the_closing_one():
    ledger = Ledger()
    task = dispatched()
    ledger.tick(task, T0 + 20 * MIN)
    task, _ = transition(task, Action.ACCEPT, SQUAD, T0 + 21 * MIN)
    for minute in range(21, 200):
        ledger.tick(task, T0 + minute * MIN)
    assert [(c, n) for _, c, n in ledger.log] == [
        ("not_accepted", ("squad_leader",)),
        ("not_closed", ("duty_officer",)),
        ("not_closed", ("duty_officer",)),
    ]


def test_a_closed_task_never_escalates():
    task = replace(dispatched(), state=State.CLOSED)
    assert due_escalations(task, POLICY, T0 + timedelta(days=3), ()) == []


def test_after_an_outage_only_the_latest_round_fires():
    due = due_escalations(dispatched(), POLICY, T0 + 150 * MIN, ())
    assert [(e.condition, e.round) for e in due] == [("not_accepted", 2), ("not_closed", 0)]


def test_an_approved_extension_restarts_the_closing_escalation():
    ledger = Ledger()
    task, _ = transition(dispatched(), Action.ACCEPT, SQUAD, T0 + MIN)
    ledger.tick(task, T0 + 131 * MIN)  # not closed by handle_by + 10m
    task, _ = transition(
        task, Action.REQUEST_EXTENSION, SQUAD, T0 + 132 * MIN, "等待拖车", extension=2 * 60 * MIN
    )
    task, _ = transition(task, Action.APPROVE_EXTENSION, DUTY, T0 + 133 * MIN)
    assert task.handle_by == T0 + 240 * MIN
    for minute in range(133, 260):
        ledger.tick(task, T0 + minute * MIN)
    assert [at for at, _, _ in ledger.log] == [T0 + 131 * MIN, T0 + 250 * MIN]


def test_overdue_list_names_the_step_and_how_late():
    late = overdue(dispatched(), T0 + 20 * MIN)
    assert late is not None and (late.stage, late.overdue_by) == ("accept", 5 * MIN)
    task, _ = transition(dispatched(), Action.ACCEPT, SQUAD, T0 + MIN)
    assert overdue(task, T0 + 20 * MIN) is None
    late = overdue(task, T0 + 130 * MIN)
    assert late is not None and (late.stage, late.overdue_by) == ("handle", 10 * MIN)


def test_the_countdown_shows_the_nearest_deadline_until_one_is_missed():
    task = dispatched()  # accept within 15 min, handle within 120 min
    ahead = due(task, T0 + 5 * MIN)
    assert ahead is not None and (ahead.stage, ahead.deadline) == ("accept", T0 + 15 * MIN)
    task, _ = transition(task, Action.ACCEPT, SQUAD, T0 + 10 * MIN)
    ahead = due(task, T0 + 11 * MIN)
    assert ahead is not None and (ahead.stage, ahead.deadline) == ("handle", T0 + 120 * MIN)
    task, _ = transition(task, Action.FEEDBACK, SQUAD, T0 + 20 * MIN, "已处置")
    verify = due(task, T0 + 21 * MIN)
    assert verify is not None and (verify.stage, verify.deadline) == ("verify", T0 + 140 * MIN)
    task, _ = transition(task, Action.VERIFY, DUTY, T0 + 30 * MIN)
    assert due(task, T0 + 31 * MIN) is None
