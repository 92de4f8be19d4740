"""Separation of duties in the case loop, and the merges that may not lose a case: whoever
reported or handled a case does not verify it, a unit does not verify its own work, and a case
is merged only into another open case of its grid."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from gridwatch.domain.tasks import (
    NOBODY,
    Action,
    Actor,
    AuditRecord,
    Participants,
    Role,
    State,
    Task,
    TransitionError,
    allowed_actions,
    dispatch_refusal,
    merge_refusal,
    transition,
)

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
LEADER = Actor("gl001", Role.GRID_LEADER, grid="g001", community="c01")
SQUAD = Actor("sq-traffic-member", Role.SQUAD_MEMBER, squad="sq-traffic")
SQUAD_MATE = Actor("sq-traffic-second", Role.SQUAD_MEMBER, squad="sq-traffic")
DUTY = Actor("duty", Role.DUTY_OFFICER)
DISPATCHER = Actor("dispatcher", Role.DISPATCHER)
ADMIN = Actor("admin", Role.ADMIN)


def task(
    state: State = State.DISPATCHED,
    *,
    assignee: str = "squad:sq-traffic",
    verifier: str = "grid_leader:gl001",
    task_id: str = "tsk-1",
    grid: str = "g001",
) -> Task:
    return Task(
        task_id=task_id,
        event_id=f"evt-{task_id}",
        state=state,
        grid=grid,
        community="c01",
        assignee=assignee,
        verifier=verifier,
        created_at=T0,
        verify_within=timedelta(hours=2),
    )


def work(t: Task, handler: Actor, reporter: str | None = None) -> tuple[Task, Participants]:
    """Accept and report back as `handler`; the task and the participants its trail names."""
    trail: list[AuditRecord] = []
    for action, note in ((Action.ACCEPT, ""), (Action.FEEDBACK, "done")):
        p = Participants.of(trail, reporter)
        t, rec = transition(t, action, handler, T0, note, participants=p)
        trail.append(rec)
    return t, Participants.of(trail, reporter)


# ------------------------------------------------------------------ the grid leader's own clue


def test_a_grid_leader_cannot_verify_a_clue_they_reported_accepted_and_handled():
    gf = task(assignee="grid_force:c01")
    t, p = work(gf, LEADER, reporter="gl001")
    assert t.verifier == "brigade"  # the leader was to verify their own work: one level up
    with pytest.raises(TransitionError, match="separation of duties") as e:
        transition(t, Action.VERIFY, LEADER, T0, participants=p)
    assert e.value.forbidden
    t2, rec = transition(t, Action.VERIFY, DUTY, T0, participants=p)
    assert t2.state is State.VERIFIED and rec.actor == "duty"


def test_the_handler_may_not_verify():
    t, p = work(task(verifier="brigade", assignee="brigade"), DUTY)
    with pytest.raises(TransitionError, match="handled task tsk-1") as e:
        transition(t, Action.VERIFY, DUTY, T0, participants=p)
    assert e.value.forbidden


def test_whoever_accepted_counts_as_a_handler_though_a_mate_reported_back():
    t = task(assignee="brigade", verifier="brigade")
    t, accepted = transition(t, Action.ACCEPT, DUTY, T0)
    t, fed_back = transition(
        t, Action.FEEDBACK, DISPATCHER, T0, "done", participants=Participants.of([accepted])
    )
    p = Participants.of([accepted, fed_back])
    for handler in (DUTY, DISPATCHER):
        with pytest.raises(TransitionError, match="separation of duties"):
            transition(t, Action.VERIFY, handler, T0, participants=p)


def test_the_reporter_may_not_verify():
    t, p = work(task(verifier="brigade"), SQUAD, reporter="duty")  # phoned in to the desk
    with pytest.raises(TransitionError, match="reported task tsk-1") as e:
        transition(t, Action.VERIFY, DUTY, T0, participants=p)
    assert e.value.forbidden


def test_another_member_of_the_verifying_unit_verifies():
    t, p = work(task(verifier="brigade", assignee="brigade"), DUTY, reporter="duty")
    t2, rec = transition(t, Action.VERIFY, DISPATCHER, T0, participants=p)
    assert t2.state is State.VERIFIED and rec.actor == "dispatcher"


def test_the_plans_grid_leader_verifies_a_squads_work_as_before():
    t, p = work(task(), SQUAD)
    assert t.verifier == "grid_leader:gl001"
    t2, _ = transition(t, Action.VERIFY, LEADER, T0, participants=p)
    assert t2.state is State.VERIFIED


def test_a_grid_leader_who_reported_does_not_verify_the_squads_work_either():
    t, p = work(task(), SQUAD, reporter="gl001")
    assert t.verifier == "brigade"
    with pytest.raises(TransitionError):  # no longer the verifier, and the reporter besides
        transition(t, Action.VERIFY, LEADER, T0, participants=p)
    t2, _ = transition(t, Action.VERIFY, DISPATCHER, T0, participants=p)
    assert t2.state is State.VERIFIED


# ------------------------------------------------------------------ routing to the next level


def test_a_unit_does_not_verify_its_own_work_the_brigade_does():
    t, p = work(task(verifier="squad:sq-traffic"), SQUAD)
    assert t.verifier == "brigade"
    with pytest.raises(TransitionError) as e:  # not even a mate of the same squad
        transition(t, Action.VERIFY, SQUAD_MATE, T0, participants=p)
    assert e.value.forbidden
    t2, _ = transition(t, Action.VERIFY, DUTY, T0, participants=p)
    assert t2.state is State.VERIFIED


def test_verification_stays_up_after_a_rework():
    t, p = work(task(assignee="grid_force:c01"), LEADER)
    t, _ = transition(t, Action.REWORK, DUTY, T0, "still there", participants=p)
    t, _ = transition(t, Action.FEEDBACK, LEADER, T0, "cleared", participants=p)
    assert t.verifier == "brigade" and t.state is State.HANDLED


def test_the_brigade_is_the_top_level_and_keeps_verifying():
    t, _ = work(task(assignee="brigade", verifier="brigade"), DUTY)
    assert t.verifier == "brigade"


# ------------------------------------------------------------------ the admin's break-glass


def test_the_admin_stands_for_every_unit_and_is_not_bound():
    t, p = work(task(assignee="grid_force:c01"), ADMIN, reporter="admin")
    assert t.verifier == "grid_leader:gl001"  # the admin's hand does not move the verifier
    t2, rec = transition(t, Action.VERIFY, ADMIN, T0, participants=p)
    assert t2.state is State.VERIFIED and rec.actor == "admin"
    t3, _ = transition(t, Action.VERIFY, LEADER, T0, participants=p)
    assert t3.state is State.VERIFIED


# ------------------------------------------------------------------ participants and buttons


def test_participants_come_from_the_trail_without_the_system():
    rec = AuditRecord("t", Action.FILE, "system", Role.SYSTEM, T0, State.REPORTED, State.FILED)
    acc = AuditRecord(
        "t", Action.ACCEPT, "sq", Role.SQUAD_MEMBER, T0, State.DISPATCHED, State.ACCEPTED
    )
    verify = AuditRecord(
        "t", Action.VERIFY, "gl", Role.GRID_LEADER, T0, State.HANDLED, State.VERIFIED
    )
    p = Participants.of([rec, acc, verify], "gl9")
    assert p.handlers == frozenset({"sq"}) and p.reporter == "gl9"
    assert p.people() == frozenset({"sq", "gl9"})
    assert Participants.of([]) == NOBODY


def test_the_verify_button_is_not_offered_to_a_handler():
    t, p = work(task(assignee="brigade", verifier="brigade"), DUTY)
    assert Action.VERIFY not in allowed_actions(t, DUTY, p)
    assert Action.VERIFY in allowed_actions(t, DISPATCHER, p)


# ------------------------------------------------------------------ merges


def test_a_case_merges_into_another_open_case_of_its_grid():
    a, b = task(task_id="a"), task(State.ACCEPTED, task_id="b")
    assert merge_refusal(a, b) is None
    merged, _ = transition(a, Action.MERGE, DUTY, T0, "same van", merged_into="b")
    assert merged.state is State.MERGED and merged.merged_into == "b"


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        (task(task_id="a"), "into itself"),
        (task(State.CLOSED, task_id="b"), "is closed"),
        (task(State.EVALUATED, task_id="b"), "is evaluated"),
        (task(State.REJECTED, task_id="b"), "is rejected"),
        (task(State.SUPPRESSED, task_id="b"), "is suppressed"),
        (replace(task(State.MERGED, task_id="b"), merged_into="a"), "itself merged into a"),
        (task(task_id="b", grid="g002"), "merge only within a grid"),
    ],
    ids=["itself", "closed", "evaluated", "rejected", "suppressed", "merged", "other-grid"],
)
def test_merges_that_would_lose_a_case_are_refused(target: Task, reason: str):
    refusal = merge_refusal(task(task_id="a"), target)
    assert refusal is not None and reason in refusal


def test_merging_back_and_forth_is_refused_the_second_time():
    a, b = task(task_id="a"), task(task_id="b")
    assert merge_refusal(a, b) is None
    a, _ = transition(a, Action.MERGE, DUTY, T0, "same", merged_into="b")
    refusal = merge_refusal(b, a)
    assert refusal is not None and "merged into b" in refusal


def test_no_participants_means_the_old_checks_only():
    t, _ = work(task(), SQUAD)
    assert NOBODY.people() == frozenset()
    assert transition(t, Action.VERIFY, LEADER, T0)[0].state is State.VERIFIED


# ------------------------------------------------------------------ dispatch by hand

MEMBERS = [
    ADMIN,
    DUTY,
    SQUAD,
    LEADER,
    Actor("gl003", Role.GRID_LEADER, grid="g003", community="c02"),
]


@pytest.mark.parametrize(
    ("grid", "unit", "ok"),
    [
        ("g001", "grid_force:c01", True),  # gl001 leads g001 in c01
        ("g003", "grid_force:c01", False),  # nobody of c01 leads g003: only the admin could
        ("g003", "grid_force:c02", True),
        ("g003", "grid_leader:gl001", False),  # a leader acts in their own grid only
        ("g001", "grid_leader:gl001", True),
        ("g003", "squad:sq-traffic", True),
        ("g003", "squad:sq-river", False),  # a squad without members
        ("g003", "brigade", True),
        ("g003", "post:gate", True),  # the desk answers for posts
    ],
)
def test_a_case_is_dispatched_by_hand_only_to_a_unit_that_can_accept_it(
    grid: str, unit: str, ok: bool
):
    t = task(State.RETURNED, grid=grid)
    refusal = dispatch_refusal(t, unit, MEMBERS)
    assert (refusal is None) is ok
    if not ok:
        assert refusal is not None and unit in refusal and grid in refusal


def test_the_admin_alone_does_not_make_a_unit_able_to_act():
    assert dispatch_refusal(task(State.RETURNED), "brigade", [ADMIN]) is not None
