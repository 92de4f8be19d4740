"""A burst of findings on one device becomes one case; its assignee hears of it on the
Alertmanager schedule (group_wait, group_interval, repeat_interval)."""

from datetime import UTC, datetime, timedelta

from gridwatch.domain.grouping import GroupState, group_key
from gridwatch.domain.plans import Assignment, Grouping

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
GROUPING = Grouping(
    by=("device", "event_type"),
    wait=timedelta(seconds=30),
    interval=timedelta(minutes=10),
    repeat=timedelta(hours=4),
)


def assignment(grouping: Grouping = GROUPING) -> Assignment:
    return Assignment(
        route_id="plan-lane",
        route_name="机动车占道分拨预案",
        path=("root", "plan-lane"),
        assignee="squad:sq-traffic",
        verifier="grid_leader:gl001",
        accept_within=None,
        handle_within=None,
        verify_within=None,
        fallback=False,
        grouping=grouping,
    )


def test_events_of_one_device_and_type_share_a_group_key():
    a = group_key(assignment(), {"device": "cam-0001", "event_type": "lane_occupation"})
    b = group_key(assignment(), {"device": "cam-0001", "event_type": "lane_occupation"})
    c = group_key(assignment(), {"device": "cam-0002", "event_type": "lane_occupation"})
    assert a == b == 'plan-lane{device="cam-0001",event_type="lane_occupation"}'
    assert c != a


def test_an_event_missing_a_group_label_is_never_grouped():
    citizen = {"device": "", "event_type": "noise"}
    assert group_key(assignment(), citizen) is None


def test_no_group_by_means_every_event_is_its_own_case():
    assert group_key(assignment(Grouping()), {"device": "cam-0001"}) is None


def test_first_notice_waits_for_the_burst_then_updates_are_throttled():
    g = GroupState.start("k", "tsk-1", T0, GROUPING)
    assert g.notice_due(T0 + timedelta(seconds=29)) is None
    for s in (5, 12, 20):  # the burst arrives within group_wait
        g = g.add_event(T0 + timedelta(seconds=s))
    first = g.notice_due(T0 + timedelta(seconds=30))
    assert first is not None and (first.kind, first.events, first.new_events) == ("new", 4, 4)
    g = g.notified(T0 + timedelta(seconds=30))
    g = g.add_event(T0 + timedelta(minutes=2))
    assert g.notice_due(T0 + timedelta(minutes=10)) is None  # group_interval not over yet
    update = g.notice_due(T0 + timedelta(minutes=10, seconds=30))
    assert update is not None and (update.kind, update.new_events) == ("update", 1)


def test_a_quiet_open_case_is_repeated_after_the_repeat_interval():
    g = GroupState.start("k", "tsk-1", T0, GROUPING).notified(T0 + timedelta(seconds=30))
    assert g.notice_due(T0 + timedelta(hours=4)) is None
    reminder = g.notice_due(T0 + timedelta(hours=4, seconds=30))
    assert reminder is not None and (reminder.kind, reminder.new_events) == ("reminder", 0)
