import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from gridwatch.config.schema import MapBox, Organisation
from gridwatch.domain.tasks import Action, AuditRecord, Role, State, Task
from gridwatch.ops.cards import current_deadline
from gridwatch.ops.kpi_board import league, trend, unit_kpi
from gridwatch.ops.login import MAX_FAILS_PER_ACCOUNT, WINDOW, retry_after
from gridwatch.ops.uploads import BadPhoto, normalise_photo
from gridwatch.store.kpi_reads import TaskHistory

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def task(state: State = State.DISPATCHED, **kw) -> Task:
    base = dict(
        task_id="tsk-1",
        event_id="evt-1",
        state=state,
        grid="g001",
        community="c01",
        assignee="squad:sq-traffic",
        verifier="grid_leader:gl001",
        created_at=T0,
        accept_by=T0 + timedelta(minutes=15),
        handle_by=T0 + timedelta(hours=2),
    )
    return Task(**{**base, **kw})


def test_the_deadline_shown_is_the_one_of_the_step_now_due():
    assert current_deadline(task(), T0).kind == "accept"
    late = current_deadline(task(State.ACCEPTED), T0 + timedelta(hours=3))
    assert late.kind == "handle" and late.overdue and late.seconds_left == -3600
    assert current_deadline(task(State.CLOSED), T0) is None
    assert current_deadline(task(State.HANDLED), T0) is None  # no verify deadline set


def test_login_lock_lifts_when_the_oldest_counted_failure_leaves_the_window():
    fails = [T0 - timedelta(minutes=m) for m in range(MAX_FAILS_PER_ACCOUNT)]  # newest first
    assert retry_after(fails[:-1], MAX_FAILS_PER_ACCOUNT, T0) is None
    wait = retry_after(fails, MAX_FAILS_PER_ACCOUNT, T0)
    assert wait == int((fails[-1] + WINDOW - T0).total_seconds()) + 1


def history(t: Task, *steps: tuple[Action, int]) -> TaskHistory:
    audit = [
        AuditRecord(
            t.task_id, a, "x", Role.SQUAD_MEMBER, T0 + timedelta(minutes=m), t.state, t.state
        )
        for a, m in steps
    ]
    return TaskHistory(t, "lane_occupation", "ai", "lane_occupation", audit)


def test_unit_rates_and_league_order():
    on_time = history(task(State.HANDLED), (Action.ACCEPT, 5), (Action.FEEDBACK, 60))
    late = history(task(State.HANDLED, rework_count=1), (Action.ACCEPT, 20), (Action.FEEDBACK, 200))
    a = unit_kpi("squad:a", "A", [on_time], T0)
    b = unit_kpi("squad:b", "B", [on_time, late], T0)
    assert (a.accepted_on_time_rate, a.handled_on_time_rate, a.rework_rate, a.score) == (
        1.0,
        1.0,
        0.0,
        100.0,
    )
    assert (b.accepted_on_time_rate, b.rework_rate, b.score) == (0.5, 0.5, 50.0)
    idle = unit_kpi("squad:c", "C", [], T0)
    ranked = league([idle, b, a])
    assert [(r.unit, r.rank) for r in ranked] == [("squad:a", 1), ("squad:b", 2), ("squad:c", None)]


def test_trend_days_follow_the_districts_time_zone():
    # 17:30 UTC on 1 March is 01:30 on 2 March in Chongqing
    h = history(task(created_at=datetime(2026, 3, 1, 17, 30, tzinfo=UTC)))
    points = trend([h], T0, T0 + timedelta(days=1), ZoneInfo("Asia/Shanghai"))
    assert [(p.day, p.events) for p in points] == [("2026-03-01", 0), ("2026-03-02", 1)]


def test_map_box_defaults_to_the_sample_district_and_round_trips():
    box = MapBox()
    assert box.to_map(106.45, 29.51) == pytest.approx((0.5, 0.5))
    assert box.to_lonlat(*box.to_map(106.41, 29.53)) == pytest.approx((106.41, 29.53))
    with pytest.raises(ValueError):
        MapBox(lon_min=106.5, lon_max=106.4)


def test_organisation_rejects_an_unknown_time_zone():
    with pytest.raises(ValueError, match="unknown time zone"):
        Organisation.model_validate(
            {
                "district": "x",
                "brigade": {"id": "b", "name": "b", "duty_officer": "d"},
                "squads": [],
                "communities": [],
                "grids": [],
                "grid_leaders": [],
                "timezone": "Mars/Olympus",
            }
        )


def test_sample_devices_lie_inside_the_map_box(sample_district):
    box = sample_district.organisation.map
    for d in sample_district.devices:
        x, y = box.to_map(d.location.lon, d.location.lat)
        assert 0 <= x <= 1 and 0 <= y <= 1, d.id


def test_a_photo_is_re_encoded_upright_and_bounded():
    im = Image.new("RGB", (3000, 1000), (10, 20, 30))
    exif = Image.Exif()
    exif[0x0112] = 8  # rotated 90° by the phone
    buf = io.BytesIO()
    im.save(buf, "JPEG", exif=exif.tobytes())
    jpeg, w, h = normalise_photo(buf.getvalue())
    assert h == 1600 and w in (533, 534) and jpeg[:3] == b"\xff\xd8\xff"  # upright, long side 1600
    with pytest.raises(BadPhoto):
        normalise_photo(b"GIF89a not really")
    with pytest.raises(BadPhoto):
        normalise_photo(b"")
