"""The SQL store on SQLite and on PostgreSQL: idempotent case opening, audited transitions."""

from datetime import UTC, datetime, timedelta

import pytest

from gridwatch.config.schema import District
from gridwatch.domain.events import Event
from gridwatch.domain.plans import route_event
from gridwatch.domain.tasks import Action, Actor, Role, State, TransitionError
from gridwatch.store.repository import Store

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def lane_event(event_id: str = "evt-1", grid: str = "g001") -> Event:
    return Event(
        event_id=event_id,
        event_type="lane_occupation",
        source="ai",
        occurred_at=T0,
        grid=grid,
        community="c01",
        severity="minor",
        title="机动车占道",
        device_id="cam-0001",
        algorithm="lane_occupation",
        confidence=0.41,
        box=(652.0, 43.0, 723.0, 97.0),
        zone_id="lane-east",
    )


def open_lane_case(store: Store, district: District, event: Event):
    decision = route_event(district.plans.route, event.labels(), district.grid_leader_of)
    return store.open_case(event, decision, T0)


def test_an_event_delivered_twice_opens_one_task(store: Store, minimal_district: District):
    ev = lane_event()
    first, created = open_lane_case(store, minimal_district, ev)
    again, created_again = open_lane_case(store, minimal_district, ev)
    assert created and not created_again
    assert first.task_id == again.task_id
    assert store.task_counts() == {"dispatched": 1}


def test_dispatched_by_plan_with_deadlines_and_audit(store: Store, minimal_district: District):
    task, _ = open_lane_case(store, minimal_district, lane_event())
    assert task.state is State.DISPATCHED
    assert task.assignee == "squad:sq-traffic"
    assert task.route_id != "root"
    assert task.accept_by is not None and task.accept_by > T0
    trail = store.audit_trail(task.task_id)
    assert [(a.action, a.actor) for a in trail] == [
        (Action.FILE, "system"),
        (Action.DISPATCH, "system"),
    ]


def test_transitions_persist_with_actor_and_time(store: Store, minimal_district: District):
    task, _ = open_lane_case(store, minimal_district, lane_event())
    squad = Actor("m1", Role.SQUAD_MEMBER, squad="sq-traffic")
    t1 = T0 + timedelta(minutes=3)
    store.act(task.task_id, Action.ACCEPT, squad, t1)
    with pytest.raises(TransitionError):
        store.act(task.task_id, Action.CLOSE, Actor("duty", Role.DUTY_OFFICER), t1)
    assert store.get_task(task.task_id).state is State.ACCEPTED
    last = store.audit_trail(task.task_id)[-1]
    assert (last.actor, last.at, last.to_state) == ("m1", t1, State.ACCEPTED)
    assert last.at.tzinfo is not None


def test_a_database_that_never_answers_is_an_error_not_a_hang():
    """A server that takes the connection and then says nothing (a frozen host): the store
    raises, so a worker retries instead of blocking its partition for good."""
    import socket
    import threading

    from sqlalchemy.exc import OperationalError

    silent = socket.create_server(("127.0.0.1", 0), backlog=8)  # never accepts, never answers
    port = silent.getsockname()[1]
    outcome: list[BaseException] = []

    def connect() -> None:
        try:
            Store(f"postgresql://postgres@127.0.0.1:{port}/test").task_counts()
        except BaseException as e:
            outcome.append(e)

    t = threading.Thread(target=connect, daemon=True)
    t.start()
    t.join(60)  # connect_timeout is 10 s; without it libpq waits as long as the socket does
    silent.close()
    assert not t.is_alive(), "the store blocked on a silent database"
    assert len(outcome) == 1 and isinstance(outcome[0], OperationalError)
