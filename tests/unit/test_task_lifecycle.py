from datetime import UTC, datetime, timedelta

import pytest

from gridwatch.domain.tasks import (
    SYSTEM,
    Action,
    Actor,
    Role,
    State,
    Task,
    TransitionError,
    allowed_actions,
    can_see,
    transition,
)

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
SQUAD = Actor("sq-traffic-member", Role.SQUAD_MEMBER, squad="sq-traffic")
OTHER_SQUAD = Actor("sq-river-member", Role.SQUAD_MEMBER, squad="sq-river")
LEADER = Actor("gl001", Role.GRID_LEADER, grid="g001", community="c01")
OTHER_LEADER = Actor("gl002", Role.GRID_LEADER, grid="g002", community="c01")
DUTY = Actor("duty", Role.DUTY_OFFICER)


def new_task(state: State = State.DISPATCHED) -> Task:
    return Task(
        task_id="tsk-1",
        event_id="evt-1",
        state=state,
        grid="g001",
        community="c01",
        assignee="squad:sq-traffic",
        verifier="grid_leader:gl001",
        created_at=T0,
        verify_within=timedelta(hours=2),
        handle_by=T0 + timedelta(hours=4),
    )


def test_dispatched_task_is_closed_by_the_right_people_in_order():
    t = new_task()
    steps = [
        (Action.ACCEPT, SQUAD, "", State.ACCEPTED),
        (Action.FEEDBACK, SQUAD, "van moved on, driver warned", State.HANDLED),
        (Action.VERIFY, LEADER, "checked on site", State.VERIFIED),
        (Action.CLOSE, DUTY, "", State.CLOSED),
    ]
    trail = []
    for i, (action, actor, note, expected) in enumerate(steps):
        t, rec = transition(t, action, actor, T0 + timedelta(minutes=i), note)
        assert t.state is expected
        trail.append((rec.actor, rec.from_state, rec.to_state, rec.at))
    assert trail[0] == ("sq-traffic-member", State.DISPATCHED, State.ACCEPTED, T0)
    assert trail[-1][0] == "duty"


def test_another_squad_cannot_accept():
    with pytest.raises(TransitionError) as e:
        transition(new_task(), Action.ACCEPT, OTHER_SQUAD, T0)
    assert e.value.forbidden


def test_only_the_grids_leader_verifies():
    t = new_task(State.HANDLED)
    with pytest.raises(TransitionError):
        transition(t, Action.VERIFY, OTHER_LEADER, T0)
    t2, _ = transition(t, Action.VERIFY, LEADER, T0)
    assert t2.state is State.VERIFIED


def test_cannot_close_before_verification():
    with pytest.raises(TransitionError) as e:
        transition(new_task(State.HANDLED), Action.CLOSE, DUTY, T0)
    assert not e.value.forbidden


def test_feedback_without_a_note_is_refused():
    with pytest.raises(TransitionError, match="needs a note"):
        transition(new_task(State.ACCEPTED), Action.FEEDBACK, SQUAD, T0, "  ")


def test_rework_sends_back_to_handling_and_counts():
    t, _ = transition(new_task(State.HANDLED), Action.REWORK, LEADER, T0, "still parked")
    assert t.state is State.HANDLING and t.rework_count == 1


def test_feedback_starts_the_verification_clock():
    t, _ = transition(new_task(State.ACCEPTED), Action.FEEDBACK, SQUAD, T0, "done")
    assert t.verify_by == T0 + timedelta(hours=2)


def test_extension_is_requested_by_the_squad_and_approved_by_the_desk():
    t, _ = transition(
        new_task(State.ACCEPTED),
        Action.REQUEST_EXTENSION,
        SQUAD,
        T0,
        "tow truck",
        extension=timedelta(hours=1),
    )
    with pytest.raises(TransitionError):
        transition(t, Action.APPROVE_EXTENSION, SQUAD, T0)
    t, _ = transition(t, Action.APPROVE_EXTENSION, DUTY, T0)
    assert t.handle_by == T0 + timedelta(hours=5) and t.extension_count == 1


def test_system_files_and_dispatches_but_cannot_accept():
    t = new_task(State.REPORTED)
    t, _ = transition(t, Action.FILE, SYSTEM, T0)
    t, _ = transition(t, Action.DISPATCH, SYSTEM, T0)
    assert t.state is State.DISPATCHED
    with pytest.raises(TransitionError):
        transition(t, Action.ACCEPT, SYSTEM, T0)


def test_visibility_follows_grid_and_squad():
    t = new_task()
    assert can_see(LEADER, t) and can_see(SQUAD, t) and can_see(DUTY, t)
    assert not can_see(OTHER_LEADER, t) and not can_see(OTHER_SQUAD, t)


def test_allowed_actions_drive_the_buttons():
    assert allowed_actions(new_task(), SQUAD) == [Action.ACCEPT, Action.RETURN]
    assert allowed_actions(new_task(), OTHER_SQUAD) == []
