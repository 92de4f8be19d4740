"""HTTP cameras over real sockets: a loopback MJPEG/snapshot server with faults on demand."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

import pytest

from gridwatch.domain.device_liveness import Backoff
from gridwatch.ingest.loopback import LoopbackCameras
from gridwatch.ingest.mjpeg import MjpegSource
from gridwatch.ingest.snapshot import SnapshotSource
from gridwatch.ingest.supervisor import bad_frame_sink
from gridwatch.runtime.clock import utc_now

from .ingest_harness import health_and_dead_letters, jpegs, supervised

pytestmark = pytest.mark.redis

BACKOFF = Backoff(base_s=0.5, cap_s=2.0, jitter=0.5)


@pytest.fixture
def cameras() -> Iterator[LoopbackCameras]:
    server = LoopbackCameras(jpegs(), default_fps=10).start()
    yield server
    server.stop()


def test_mjpeg_stream_killed_and_restarted_is_picked_up_within_backoff_bound(
    cameras: LoopbackCameras, redis_url: str
) -> None:
    _, health, _ = health_and_dead_letters(redis_url)
    url = cameras.url("mjpeg", "gate")

    def open_source() -> MjpegSource:
        return MjpegSource("cam-a", url, 5.0, clock=utc_now, stall_s=2)

    with supervised("cam-a", open_source, health, BACKOFF) as cam:
        assert cam.wait_for_frame(0, timeout=5) is not None
        cameras.stop()
        time.sleep(3.0)  # down long enough for several failed reconnects
        assert cam.sup.failures >= 2, "the supervisor should have tried and failed meanwhile"
        cameras.start()
        restarted = time.monotonic()
        first = cam.wait_for_frame(restarted, timeout=10)
    assert first is not None, "stream not picked up again"
    # After the restart the next retry comes at most one backoff step later (plus the open).
    assert first - restarted <= BACKOFF.cap_s + 1.0
    assert health.snapshot("cam-a")["reconnects"] >= 2
    assert cameras.feed("gate").sent > 0


def test_mjpeg_stream_that_stalls_without_closing_is_detected_and_reopened(
    cameras: LoopbackCameras, redis_url: str
) -> None:
    hot, health, _ = health_and_dead_letters(redis_url)
    url = cameras.url("mjpeg", "frozen")
    feed = cameras.feed("frozen")

    def open_source() -> MjpegSource:
        return MjpegSource("cam-s", url, 5.0, clock=utc_now, stall_s=1.0)

    with supervised("cam-s", open_source, health, BACKOFF) as cam:
        assert cam.wait_for_frame(0, timeout=5) is not None
        feed.stalled = True  # connection stays open, nothing is sent
        time.sleep(2.5)
        assert health.snapshot("cam-s")["reconnects"] >= 1
        beat = hot.device("cam-s")
        assert beat["state"] in ("error", "offline")
        assert "SourceStalled" in beat["error"]
        feed.stalled = False
        resumed = time.monotonic()
        assert cam.wait_for_frame(resumed, timeout=BACKOFF.cap_s + 3) is not None


def test_truncated_jpeg_is_counted_and_dead_lettered_and_the_stream_goes_on(
    cameras: LoopbackCameras, redis_url: str
) -> None:
    hot, health, dead = health_and_dead_letters(redis_url)
    url = cameras.url("mjpeg", "cut")
    cameras.feed("cut").truncate_next = 3
    sink = bad_frame_sink(health, dead, "mjpeg", utc_now)
    opened: list[MjpegSource] = []

    def open_source() -> MjpegSource:
        # Sampling above the stream's rate: every part is decoded, so every one is accounted.
        opened.append(MjpegSource("cam-t", url, 100.0, clock=utc_now, stall_s=2, on_bad_frame=sink))
        return opened[-1]

    with supervised("cam-t", open_source, health, BACKOFF) as cam:
        assert cam.wait_for_frame(0, timeout=5) is not None
        time.sleep(0.5)
    counts = health.snapshot("cam-t")
    assert counts["decode_errors"] == 3
    assert counts["reconnects"] == 0, "a bad picture must not drop the connection"
    assert counts["frames"] >= 3
    (src,) = opened
    assert counts["frames"] + counts["decode_errors"] == src.parts, "no good picture is lost"
    letters = [d for d in dead.latest() if d["device_id"] == "cam-t"]
    assert len(letters) == 3
    assert all("truncated JPEG" in d["reason"] for d in letters)
    assert all(d["kind"] == "frame" and d["payload"].startswith(b"\xff\xd8") for d in letters)
    assert hot.device("cam-t")["decode_errors"] == "3"


def test_frames_from_a_camera_clock_far_behind_are_dropped_and_counted(
    cameras: LoopbackCameras, redis_url: str
) -> None:
    _, health, _ = health_and_dead_letters(redis_url)
    cameras.feed("late").clock_offset_s = -120
    url = cameras.url("snapshot", "late")

    def open_source() -> SnapshotSource:
        return SnapshotSource("cam-l", url, 0.1, clock=utc_now, stall_s=2)

    with supervised("cam-l", open_source, health, BACKOFF, max_age=timedelta(seconds=30)) as cam:
        time.sleep(1.0)
        assert cam.frames == []
    assert health.snapshot("cam-l")["stale"] >= 5


def test_camera_that_keeps_failing_goes_offline_and_is_not_retried_in_a_tight_loop(
    redis_url: str,
) -> None:
    hot, health, _ = health_and_dead_letters(redis_url)
    url = "http://127.0.0.1:9/snapshot/nothing.jpg"  # discard port: connection refused
    fast = Backoff(base_s=0.1, cap_s=0.4, jitter=0.0)

    def open_source() -> SnapshotSource:
        return SnapshotSource("cam-x", url, 1.0, clock=utc_now, stall_s=1)

    with supervised("cam-x", open_source, health, fast, offline_after=3) as cam:
        time.sleep(2.0)
    attempts = cam.sup.failures
    # 0.1 + 0.2 + 0.4 + 0.4 … : about 6 attempts in 2 s, not thousands.
    assert 3 <= attempts <= 8
    assert hot.device("cam-x")["state"] == "offline"
    assert "last_seen" not in hot.device("cam-x"), "never heard from: no last_seen"


def test_mjpeg_decodes_only_the_frames_its_algorithms_need(cameras: LoopbackCameras) -> None:
    import threading

    src = MjpegSource("cam-f", cameras.url("mjpeg", "fast"), 2.0, clock=utc_now, stall_s=2)
    stop = threading.Event()
    t0 = time.monotonic()
    got = []
    for frame in src.frames(stop):
        got.append(frame)
        if time.monotonic() - t0 > 3:
            break
    span = time.monotonic() - t0
    assert src.parts >= 8 * span, "the server sends 10 pictures/s and all are read"
    assert len(got) <= 2 * span + 2, "only about 2/s are decoded and delivered"
    assert len(got) >= 2 * span - 2


def test_a_jpeg_claiming_65500_by_65500_px_is_dead_lettered_and_the_stream_goes_on(
    redis_url: str,
) -> None:
    _, health, dead = health_and_dead_letters(redis_url)
    good = jpegs(2)
    bomb = bytearray(good[0])
    sof = bomb.index(b"\xff\xc0")
    bomb[sof + 5 : sof + 9] = (65500).to_bytes(2, "big") * 2  # the header claims 65,500²
    server = LoopbackCameras([good[0], bytes(bomb), good[1]], default_fps=10).start()
    sink = bad_frame_sink(health, dead, "mjpeg", utc_now)

    def open_source() -> MjpegSource:
        return MjpegSource(
            "cam-b", server.url("mjpeg", "bomb"), 100.0, clock=utc_now, stall_s=2, on_bad_frame=sink
        )

    try:
        with supervised("cam-b", open_source, health, BACKOFF) as cam:
            assert cam.wait_for_frame(0, timeout=5) is not None
            time.sleep(0.5)
    finally:
        server.stop()
    counts = health.snapshot("cam-b")
    assert counts["decode_errors"] >= 1 and counts["frames"] >= 2
    assert counts["reconnects"] == 0, "an oversized picture must not drop the connection"
    letters = [d for d in dead.latest() if d["device_id"] == "cam-b"]
    assert letters and all("65500 × 65500 px" in d["reason"] for d in letters)
