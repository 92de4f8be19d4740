import io
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from gridwatch.config.schema import MapBox
from gridwatch.dispatch.intake import IntakeError, check_own_photo, store_photo
from gridwatch.domain.tasks import Actor, Role, State, Task
from gridwatch.ops.cards import current_deadline
from gridwatch.store.evidence import EvidenceStore

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
LEADER = Actor("gl001", Role.GRID_LEADER, grid="g001", community="c01")


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
    # accepted late or not, a dispatched task past its handle deadline shows that one
    missed = current_deadline(task(), T0 + timedelta(minutes=30))
    assert missed.kind == "accept" and missed.overdue
    late = current_deadline(task(State.ACCEPTED), T0 + timedelta(hours=3))
    assert late.kind == "handle" and late.overdue and late.seconds_left == -3600
    assert current_deadline(task(State.CLOSED), T0) is None
    assert current_deadline(task(State.HANDLED), T0) is None  # no verify deadline set


def test_map_box_defaults_to_the_sample_district_and_round_trips():
    box = MapBox()
    assert box.to_map(106.45, 29.51) == pytest.approx((0.5, 0.5))
    assert box.to_lonlat(*box.to_map(106.41, 29.53)) == pytest.approx((106.41, 29.53))
    with pytest.raises(ValueError):
        MapBox(lon_min=106.5, lon_max=106.4)


def test_sample_devices_lie_inside_the_map_box(sample_district):
    box = sample_district.organisation.map
    for d in sample_district.devices:
        x, y = box.to_map(d.location.lon, d.location.lat)
        assert 0 <= x <= 1 and 0 <= y <= 1, d.id


def test_a_photo_is_re_encoded_upright_bounded_and_keyed_by_its_uploader(tmp_path):
    im = Image.new("RGB", (3000, 1000), (10, 20, 30))
    exif = Image.Exif()
    exif[0x0112] = 8  # rotated 90° by the phone
    buf = io.BytesIO()
    im.save(buf, "JPEG", exif=exif.tobytes())
    evidence = EvidenceStore(tmp_path)
    photo = store_photo(evidence, buf.getvalue(), T0, "gl001")
    assert photo.height == 1600 and photo.width in (533, 534)  # upright, long side 1600
    assert photo.key.startswith("photos/gl001/20260301/")
    stored = evidence.path(photo.key).read_bytes()
    assert stored[:3] == b"\xff\xd8\xff" and not Image.open(io.BytesIO(stored)).getexif()
    assert store_photo(evidence, buf.getvalue(), T0, "gl001").key == photo.key  # sent again
    check_own_photo(evidence, photo.key, LEADER)
    with pytest.raises(IntakeError, match="upload the photo yourself"):
        check_own_photo(evidence, photo.key, Actor("gl002", Role.GRID_LEADER, grid="g002"))
    for junk in (b"GIF89a not really", b""):
        with pytest.raises(IntakeError, match="photo"):
            store_photo(evidence, junk, T0, "gl001")
