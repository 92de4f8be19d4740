"""The chain's persistence on SQLite and PostgreSQL: migrations, silences, grouping into one
case, the notification outbox, emergency activations, and the dispatch stage's muting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect

from gridwatch.config.schema import District
from gridwatch.dispatch.emergencies import EmergencyService
from gridwatch.dispatch.notifications import Notifier
from gridwatch.dispatch.stage import DispatchStage
from gridwatch.domain.events import Event
from gridwatch.domain.muting import new_silence
from gridwatch.domain.tasks import SYSTEM, Action, Actor, Role, State, TransitionError
from gridwatch.store.migrate import upgrade
from gridwatch.store.notifications import Outbox, Recipient
from gridwatch.store.repository import Store
from gridwatch.store.silences import Silences

T0 = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)
DUTY = Actor("duty", Role.DUTY_OFFICER)


def lane(n: int, at: datetime, device: str = "cam-0001", grid: str = "g001") -> Event:
    return Event(
        event_id=f"evt-{device}-{n}",
        event_type="lane_occupation",
        source="ai",
        occurred_at=at,
        grid=grid,
        community="c01",
        severity="minor",
        title="机动车占道",
        device_id=device,
        algorithm="lane_occupation",
    )


class Clock:
    def __init__(self) -> None:
        self.t = T0

    def __call__(self) -> datetime:
        return self.t


def test_migrations_create_the_chain_tables_and_go_down_and_up_again(store: Store):
    names = set(inspect(store.engine).get_table_names())
    assert {"silences", "case_groups", "notifications", "emergency_activations"} <= names
    assert {"emergency_items", "kpi_snapshots"} <= names
    assert "verdict" in {c["name"] for c in inspect(store.engine).get_columns("tasks")}
    upgrade_to = "c006c315124b"
    from alembic import command

    from gridwatch.store.migrate import alembic_config

    command.downgrade(alembic_config(store.engine), upgrade_to)
    assert "silences" not in set(inspect(store.engine).get_table_names())
    upgrade(store.engine)
    assert "silences" in set(inspect(store.engine).get_table_names())


def test_a_burst_of_events_on_one_device_becomes_one_case(store: Store, minimal_district: District):
    clock = Clock()
    stage = DispatchStage(minimal_district, store, None, clock)
    first = stage.handle_event(lane(1, T0))
    clock.t = T0 + MIN
    second = stage.handle_event(lane(2, T0 + MIN))
    other = stage.handle_event(lane(3, T0 + MIN, device="cam-0002"))
    assert first.state is State.DISPATCHED
    assert (second.state, second.merged_into) == (State.MERGED, first.task_id)
    assert other.state is State.DISPATCHED  # another device: its own case
    assert store.audit_trail(second.task_id)[-1].action is Action.MERGE
    # Once the case is closed, the next event of the device opens a new one.
    store.act(first.task_id, Action.REJECT, DUTY, clock.t, "重复", verdict="duplicate")
    third = stage.handle_event(lane(4, T0 + 2 * MIN))
    assert third.state is State.DISPATCHED and third.task_id != first.task_id
    assert stage.handle_event(lane(4, T0 + 2 * MIN)).task_id == third.task_id  # redelivery


def test_a_batch_of_events_opens_the_same_cases_as_one_by_one_and_redelivery_opens_none(
    store: Store, minimal_district: District
):
    clock = Clock()
    stage = DispatchStage(minimal_district, store, None, clock)
    batch = [(lane(1, T0), False), (lane(2, T0), False), (lane(3, T0, device="cam-0002"), False)]
    first, second, other = stage.handle_events(batch)
    assert first.state is State.DISPATCHED
    assert (second.state, second.merged_into) == (State.MERGED, first.task_id)
    assert other.state is State.DISPATCHED and other.task_id != first.task_id
    # The batch again, with one new event: the stored ones get their tasks, the new one merges.
    again = stage.handle_events([*batch, (lane(5, T0), False)])
    assert [t.task_id for t in again[:3]] == [first.task_id, second.task_id, other.task_id]
    assert (again[3].state, again[3].merged_into) == (State.MERGED, first.task_id)
    assert store.task_counts() == {"dispatched": 2, "merged": 2}
    assert stage.counts["duplicates"] == 3


def test_silenced_events_are_kept_as_suppressed_and_can_be_filed_by_hand(
    store: Store, minimal_district: District
):
    clock = Clock()
    silences = Silences(store)
    s = new_silence(['device="cam-0001"'], T0, T0 + 30 * MIN, "engineer", "更换镜头", T0)
    silences.add(s)
    stage = DispatchStage(minimal_district, store, None, clock)
    muted = stage.handle_event(lane(1, T0))
    assert muted.state is State.SUPPRESSED
    event = store.get_event(muted.event_id)
    assert event.routing["muted_by"] == f"silence:{s.silence_id}"
    assert "更换镜头" in store.audit_trail(muted.task_id)[0].note
    # Filed by hand, it goes on as the system's filing would: dispatched by its plan at once.
    dispatched, _ = store.act(muted.task_id, Action.FILE, DUTY, T0 + MIN, "人工立案")
    assert dispatched.state is State.DISPATCHED
    assert dispatched.accept_by == T0 + MIN + timedelta(minutes=15)  # the plan's deadline
    trail = store.audit_trail(muted.task_id)
    assert [(a.action, a.actor) for a in trail] == [
        (Action.MUTE, "system"),
        (Action.FILE, "duty"),
        (Action.DISPATCH, "duty"),
    ]
    silences.expire(s.silence_id, T0 + 5 * MIN)
    clock.t = T0 + 6 * MIN
    assert stage.handle_event(lane(2, T0 + 6 * MIN, device="cam-0002")).state is State.DISPATCHED
    assert silences.in_force(T0 + 6 * MIN) == []


def test_the_outbox_records_each_notice_once(store: Store, minimal_district: District):
    stage = DispatchStage(minimal_district, store, None, Clock())
    task = stage.handle_event(lane(1, T0))
    outbox = Outbox(store)
    to = [Recipient("squad:sq-traffic", "交通秩序小队")]
    assert outbox.add("k1", "notice", to, "新任务", T0, task_id=task.task_id)
    assert not outbox.add("k1", "notice", to, "新任务", T0, task_id=task.task_id)
    assert outbox.escalate(task.task_id, "esc-1", to, "未按时接收", T0)
    assert not outbox.escalate(task.task_id, "esc-1", to, "未按时接收", T0)
    assert outbox.fired_escalations(task.task_id) == {"esc-1"}
    trail = store.audit_trail(task.task_id)
    assert [a.action for a in trail].count(Action.ESCALATE) == 1
    store.act(task.task_id, Action.REJECT, DUTY, T0, "误报", verdict="false_alarm")
    with pytest.raises(TransitionError):
        outbox.escalate(task.task_id, "esc-2", to, "x", T0)  # a rejected task never escalates


def test_emergency_activation_and_checklist_persist(store: Store, minimal_district: District):
    clock = Clock()
    svc = EmergencyService(minimal_district, store, Notifier(minimal_district, store, None), clock)
    a, items, created = svc.activate("ep-01", DUTY, drill=True, note="演练")
    assert created and svc.emergencies.get(a.activation_id).drill
    assert [i.item_id for i in svc.emergencies.items(a.activation_id)] == [i.item_id for i in items]
    calls = Outbox(store).list(activation_id=a.activation_id)
    assert {n.recipient for n in calls} >= {"duty_officer", "brigade"}
    with pytest.raises(TransitionError):
        svc.activate("ep-01", Actor("gl001", Role.GRID_LEADER), drill=True)
    for item in items:
        clock.t += MIN
        svc.complete_item(
            item.item_id,
            DUTY
            if not item.unit.startswith("squad")
            else Actor("m", Role.SQUAD_MEMBER, squad=item.unit.split(":")[1]),
        )
    assert svc.emergencies.get(a.activation_id).state.value == "completed"
    with pytest.raises(TransitionError, match="completed"):
        svc.complete_item(items[0].item_id, DUTY)


def test_a_triggering_event_activates_its_plan_once(store: Store, minimal_district: District):
    clock = Clock()
    stage = DispatchStage(minimal_district, store, None, clock)
    rising = Event(
        event_id="evt-wl-1",
        event_type="water_level",
        source="ai",
        occurred_at=T0,
        grid="g002",
        community="c01",
        severity="major",
        title="河道水位超警",
        device_id="wl-001",
        algorithm="water_level",
    )
    stage.handle_event(rising)
    stage.handle_event(rising)  # redelivered
    clock.t = T0 + MIN
    stage.handle_event(rising.__class__(**{**rising.__dict__, "event_id": "evt-wl-2"}))
    active = stage.emergencies.active(drill=False)
    assert [a.plan_id for a in active] == ["ep-01"]  # running: not activated a second time
    assert SYSTEM.user_id == active[0].activated_by


def test_an_emergency_triggered_in_a_batch_mutes_the_events_behind_it(
    store: Store, minimal_district: District
):
    stage = DispatchStage(minimal_district, store, None, Clock())
    rising = Event(
        event_id="evt-wl-1",
        event_type="water_level",
        source="ai",
        occurred_at=T0,
        grid="g001",
        community="c01",
        severity="major",
        title="河道水位超警",
        device_id="wl-001",
        algorithm="water_level",
    )
    before, _, after = stage.handle_events(
        [(lane(1, T0, device="cam-0002"), False), (rising, False), (lane(2, T0), False)]
    )
    assert before.state is State.DISPATCHED  # ahead of the trigger: not muted
    assert after.state is State.SUPPRESSED  # the flood plan it started mutes minor AI events
    assert [a.plan_id for a in stage.emergencies.active(drill=False)] == ["ep-01"]


def test_notices_follow_the_group_schedule_and_reach_a_unit_dispatched_by_hand(
    store: Store, minimal_district: District
):
    from gridwatch.dispatch.escalation import EscalationRunner

    clock = Clock()
    stage = DispatchStage(minimal_district, store, None, clock)
    runner = EscalationRunner(stage)
    outbox = Outbox(store)
    task = stage.handle_event(lane(1, T0))
    noise = stage.handle_event(
        Event(
            event_id="evt-noise",
            event_type="noise",  # no plan in the minimal district: the manual queue
            source="citizen",
            occurred_at=T0,
            grid="g003",
            community="c02",
            severity="minor",
            title="噪声扰民",
        )
    )
    assert noise.state is State.FILED and noise.assignee == "brigade"
    clock.t = T0 + timedelta(seconds=10)
    assert runner.tick().notices == 0  # group_wait: the burst may not be over yet
    clock.t = T0 + timedelta(seconds=31)
    assert runner.tick().notices == 2
    [queued] = outbox.list(task_id=noise.task_id)
    assert queued.recipient == "brigade" and "待人工派遣" in queued.message
    [new] = outbox.list(task_id=task.task_id)
    assert new.recipient == "squad:sq-traffic" and "新任务" in new.message
    stage.handle_event(lane(2, T0 + MIN))  # joins the lane case
    store.act(noise.task_id, Action.DISPATCH, DUTY, T0 + MIN, assignee="squad:sq-appearance")
    clock.t = T0 + 2 * MIN
    assert runner.tick().notices == 1  # the appearance squad hears of its new task
    assert outbox.list(task_id=noise.task_id)[-1].recipient == "squad:sq-appearance"
    clock.t = T0 + 11 * MIN
    assert runner.tick().notices == 1  # group_interval over: the lane squad hears of event 2
    assert "新增1条事件" in outbox.list(task_id=task.task_id)[-1].message
    assert runner.tick().notices == 0
