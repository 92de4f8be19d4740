from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from gridwatch.domain.tasks import (
    AUDIT_ONLY_ACTIONS,
    SYSTEM,
    Action,
    Actor,
    Role,
    State,
    Task,
    TransitionError,
    Verdict,
    Within,
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


# --------------------------------------------------------------------------- the whole matrix

ADMIN = Actor("admin", Role.ADMIN)
DISPATCHER = Actor("dispatcher", Role.DISPATCHER)
ENGINEER = Actor("engineer", Role.ALGO_ENGINEER)
ACTORS = {
    "admin": ADMIN,
    "duty": DUTY,
    "dispatcher": DISPATCHER,
    "squad": SQUAD,
    "other_squad": OTHER_SQUAD,
    "leader": LEADER,
    "other_leader": OTHER_LEADER,
    "engineer": ENGINEER,
    "system": SYSTEM,
}
DESK_ = {"admin", "duty", "dispatcher"}
ASSIGNEE = {"admin", "squad"}  # the task is the traffic squad's
VERIFIER = DESK_ | {"leader"}  # gl001 verifies tasks of g001; the brigade may always verify
WORKING = {"dispatched", "accepted", "handling", "handled", "verified"}
# The case loop as the district runs it, written out by hand: action -> (from states, who).
SPEC = {
    Action.FILE: ({"reported", "suppressed"}, DESK_ | {"system"}),
    Action.REJECT: ({"reported", "filed", "dispatched", "suppressed"}, DESK_),
    Action.DISPATCH: ({"filed", "returned"}, DESK_ | {"system"}),
    Action.ACCEPT: ({"dispatched"}, ASSIGNEE),
    Action.RETURN: ({"dispatched", "accepted"}, ASSIGNEE),
    Action.START: ({"accepted"}, ASSIGNEE),
    Action.FEEDBACK: ({"accepted", "handling"}, ASSIGNEE),
    Action.VERIFY: ({"handled"}, VERIFIER),
    Action.REWORK: ({"handled"}, VERIFIER),
    Action.CLOSE: ({"verified"}, DESK_),
    Action.EVALUATE: ({"closed"}, DESK_),
    Action.REQUEST_EXTENSION: ({"accepted", "handling"}, ASSIGNEE),
    Action.APPROVE_EXTENSION: ({"accepted", "handling"}, DESK_),
    Action.DENY_EXTENSION: ({"accepted", "handling"}, DESK_),
    Action.MERGE: ({"reported", "filed", "dispatched"}, DESK_ | {"system"}),
    Action.MUTE: ({"reported"}, {"system"}),
    Action.ESCALATE: (WORKING, {"system"}),
}
TARGET = {
    Action.FILE: State.FILED,
    Action.REJECT: State.REJECTED,
    Action.DISPATCH: State.DISPATCHED,
    Action.ACCEPT: State.ACCEPTED,
    Action.RETURN: State.RETURNED,
    Action.START: State.HANDLING,
    Action.FEEDBACK: State.HANDLED,
    Action.VERIFY: State.VERIFIED,
    Action.REWORK: State.HANDLING,
    Action.CLOSE: State.CLOSED,
    Action.EVALUATE: State.EVALUATED,
    Action.MERGE: State.MERGED,
    Action.MUTE: State.SUPPRESSED,
}
KWARGS = {
    Action.REQUEST_EXTENSION: {"extension": timedelta(hours=1)},
    Action.MERGE: {"merged_into": "tsk-0"},
}


def test_the_action_spec_covers_every_action():
    assert set(SPEC) == set(Action) - AUDIT_ONLY_ACTIONS


def test_audit_only_actions_are_not_steps_of_the_case_loop():
    for action in AUDIT_ONLY_ACTIONS:
        with pytest.raises(TransitionError, match="not a step"):
            transition(new_task(), action, DUTY, T0, "note")


@pytest.mark.parametrize("action", sorted(set(Action) - AUDIT_ONLY_ACTIONS))
def test_every_transition_is_allowed_exactly_for_its_states_and_roles(action: Action):
    states, who = SPEC[action]
    wrong = []
    for state in State:
        task = replace(new_task(state), extension_requested=timedelta(hours=1))
        for name, actor in ACTORS.items():
            kwargs = KWARGS.get(action, {})
            try:
                new, record = transition(task, action, actor, T0, "原因说明", **kwargs)
            except TransitionError as e:
                allowed = False
                # A wrong state is a conflict (409); a wrong person in the right state is 403.
                if e.forbidden != (state.value in states):
                    wrong.append(f"{state}/{name}: forbidden={e.forbidden}")
            else:
                allowed = True
                expected = TARGET.get(action, state)
                if new.state is not expected or record.to_state is not expected:
                    wrong.append(f"{state}/{name}: went to {new.state}")
                if (record.actor, record.from_state, record.at) != (actor.user_id, state, T0):
                    wrong.append(f"{state}/{name}: bad audit record {record}")
            if allowed != (state.value in states and name in who):
                wrong.append(f"{state}/{name}: allowed={allowed}")
    assert not wrong, wrong


def test_grid_force_tasks_are_accepted_by_the_leader_of_the_tasks_grid_only():
    t = replace(new_task(), assignee="grid_force:c01")
    accepted, _ = transition(t, Action.ACCEPT, LEADER, T0)  # gl001 leads g001, where the task is
    assert accepted.state is State.ACCEPTED
    # gl002 is in c01 too, but leads g002: grid leaders act on their own grid only.
    for stranger in (OTHER_LEADER, Actor("gl009", Role.GRID_LEADER, grid="g009", community="c02")):
        with pytest.raises(TransitionError) as e:
            transition(t, Action.ACCEPT, stranger, T0)
        assert e.value.forbidden
        assert not can_see(stranger, t)


def test_a_grid_leader_named_on_a_task_outside_their_grid_cannot_act_on_it():
    t = replace(new_task(State.HANDLED), assignee="grid_leader:gl002", verifier="grid_leader:gl002")
    assert allowed_actions(t, OTHER_LEADER) == []
    assert not can_see(OTHER_LEADER, t)


def test_rejection_carries_a_verdict_and_a_reason():
    t, rec = transition(
        new_task(), Action.REJECT, DUTY, T0, "画面中为行人", verdict=Verdict.FALSE_ALARM
    )
    assert t.state is State.REJECTED and t.verdict is Verdict.FALSE_ALARM
    assert rec.verdict is Verdict.FALSE_ALARM and rec.note == "画面中为行人"
    with pytest.raises(TransitionError, match="needs a note"):
        transition(new_task(), Action.REJECT, DUTY, T0, "", verdict=Verdict.FALSE_ALARM)
    with pytest.raises(TransitionError, match="reject takes a verdict"):
        transition(new_task(), Action.REJECT, DUTY, T0, "x", verdict=Verdict.CONFIRMED)


def test_verification_defaults_to_confirmed_and_may_find_a_false_alarm():
    t, _ = transition(new_task(State.HANDLED), Action.VERIFY, LEADER, T0)
    assert t.verdict is Verdict.CONFIRMED
    t, _ = transition(new_task(State.HANDLED), Action.VERIFY, LEADER, T0, verdict="false_alarm")
    assert t.verdict is Verdict.FALSE_ALARM
    with pytest.raises(TransitionError, match="takes no verdict"):
        transition(new_task(State.ACCEPTED), Action.START, SQUAD, T0, verdict=Verdict.CONFIRMED)


def test_dispatch_starts_the_accept_and_handle_clocks():
    t = replace(new_task(State.RETURNED), accept_by=None, handle_by=None)
    within = Within(accept=timedelta(minutes=15), handle=timedelta(hours=2))
    later = T0 + timedelta(hours=1)
    t, _ = transition(
        t, Action.DISPATCH, DISPATCHER, later, assignee="squad:sq-river", within=within
    )
    assert t.assignee == "squad:sq-river"
    assert (t.accept_by, t.handle_by) == (later + timedelta(minutes=15), later + timedelta(hours=2))


def test_a_denied_extension_keeps_the_deadline():
    t = replace(new_task(State.HANDLING), extension_requested=timedelta(hours=1))
    t, _ = transition(t, Action.DENY_EXTENSION, DUTY, T0, "不符合延期条件")
    assert t.extension_requested is None and t.handle_by == T0 + timedelta(hours=4)
    assert t.extension_count == 0
