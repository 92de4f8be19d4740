from datetime import UTC, datetime, timedelta

import pytest

from gridwatch.domain.device_liveness import Backoff, LivenessTracker, SampleGate, too_old
from gridwatch.ingest.jpeg import BadJpeg, decode_jpeg

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def test_backoff_doubles_up_to_its_cap_and_jitter_only_shortens() -> None:
    b = Backoff(base_s=1, cap_s=8, jitter=0.5)
    assert [b.bound(k) for k in range(0, 7)] == [0, 1, 2, 4, 8, 8, 8]
    assert b.delay(3, lambda: 0.0) == 4
    assert b.delay(3, lambda: 1.0) == 2
    assert b.bound(10_000) == 8  # no overflow after a long outage


def test_sample_gate_admits_one_frame_per_period_from_a_faster_stream() -> None:
    gate = SampleGate(fps=1.0)
    admitted = [k for k in range(50) if gate.due(T0 + timedelta(seconds=k * 0.2))]
    assert admitted == [0, 5, 10, 15, 20, 25, 30, 35, 40, 45]


def test_sample_gate_restarts_after_a_gap_without_a_burst() -> None:
    gate = SampleGate(fps=1.0)
    assert gate.due(T0)
    later = T0 + timedelta(seconds=30)
    assert gate.due(later)
    assert not gate.due(later + timedelta(seconds=0.5))


def test_frame_older_than_max_age_is_stale() -> None:
    age = timedelta(seconds=10)
    assert too_old(T0, T0 + timedelta(seconds=11), age)
    assert not too_old(T0, T0 + timedelta(seconds=9), age)


def test_device_goes_offline_after_grace_and_back_online_once() -> None:
    t = LivenessTracker({"cam": timedelta(minutes=5)})
    t.seen("cam", T0)
    assert t.changes(T0 + timedelta(minutes=4), T0) == []
    assert t.changes(T0 + timedelta(minutes=6), T0) == [("cam", "offline", T0)]
    assert t.changes(T0 + timedelta(minutes=7), T0) == []  # reported once
    back = T0 + timedelta(minutes=8)
    t.seen("cam", back)
    assert t.changes(back, T0) == [("cam", "online", back)]


def test_never_seen_device_counts_silence_from_the_watch_start() -> None:
    t = LivenessTracker({"cam": timedelta(minutes=5)})
    assert t.changes(T0 + timedelta(minutes=6), T0) == [("cam", "offline", T0)]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "not a JPEG"),
        (b"GIF89a....", "not a JPEG"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 100, "truncated"),
        (b"\xff\xd8\xff\xe0" + b"\x11" * 100 + b"\xff\xd9", "corrupt"),
    ],
)
def test_bad_jpegs_are_named(data: bytes, reason: str) -> None:
    with pytest.raises(BadJpeg, match=reason):
        decode_jpeg(data)
