"""A camera unplugged past its grace period becomes a `device_offline` task in the dispatch
chain, and the device comes back online by itself when its stream returns."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from gridwatch.config.schema import District
from gridwatch.dispatch.stage import DispatchStage
from gridwatch.domain.device_liveness import Backoff
from gridwatch.domain.tasks import State
from gridwatch.ingest.loopback import LoopbackCameras
from gridwatch.ingest.mjpeg import MjpegSource
from gridwatch.ingest.offline_watch import OfflineWatch, offline_event
from gridwatch.runtime.clock import utc_now
from gridwatch.store.repository import Store

from .ingest_harness import health_and_dead_letters, jpegs, supervised

pytestmark = pytest.mark.redis

CAM = "cam-0001"
GRACE_S = 2


@pytest.fixture
def district(sample_district: District) -> District:
    data = sample_district.model_dump()
    for dev in data["devices"]:
        if dev["id"] == CAM:
            dev["offline_grace"] = GRACE_S
    return District.model_validate(data)


@pytest.fixture
def cameras() -> Iterator[LoopbackCameras]:
    server = LoopbackCameras(jpegs(), default_fps=10).start()
    yield server
    server.stop()


def _tick_until(watch: OfflineWatch, want: str, timeout: float) -> list[tuple[str, str]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        changes = watch.tick(utc_now())
        if changes:
            return changes
        time.sleep(0.1)
    raise AssertionError(f"{CAM} did not become {want} within {timeout} s")


def test_unplugged_camera_becomes_device_offline_task_then_recovers_by_itself(
    district: District, cameras: LoopbackCameras, store: Store, redis_url: str
) -> None:
    hot, health, _ = health_and_dead_letters(redis_url)
    dispatch = DispatchStage(district, store, hot, utc_now)
    url = cameras.url("mjpeg", CAM)
    backoff = Backoff(base_s=0.2, cap_s=1.0)

    def open_source() -> MjpegSource:
        return MjpegSource(CAM, url, 5.0, clock=utc_now, stall_s=1)

    watch = OfflineWatch(district, dispatch, hot, [CAM], utc_now())
    live_from = hot.last_live_id()
    with supervised(CAM, open_source, health, backoff) as cam:
        assert cam.wait_for_frame(0, timeout=5) is not None
        assert watch.tick(utc_now()) == []

        cameras.stop()  # unplugged
        unplugged = time.monotonic()
        assert _tick_until(watch, "offline", GRACE_S + 5) == [(CAM, "offline")]
        assert time.monotonic() - unplugged >= GRACE_S * 0.9, "not before the grace period"

        tasks = store.list_tasks()
        (task,) = [t for t in tasks if t.task_id == watch.tasks[CAM]]
        event = store.get_event(task.event_id)
        assert event.event_type == "device_offline"
        assert event.device_id == CAM
        assert task.state is State.DISPATCHED
        assert task.route_id == "plan-device-offline"
        assert hot.device(CAM)["state"] == "offline"

        # Still unplugged: no second task, also not from a watcher restarted meanwhile.
        assert watch.tick(utc_now()) == []
        again = OfflineWatch(district, dispatch, hot, [CAM], utc_now())
        time.sleep(GRACE_S + 0.2)
        again.tick(utc_now())
        assert again.tasks[CAM] == task.task_id
        assert len(store.list_tasks()) == len(tasks)

        cameras.start()  # plugged back in
        assert _tick_until(watch, "online", 10) == [(CAM, "online")]

    assert hot.device(CAM)["state"] == "online"
    feed = [e for _, e in hot.read_live(live_from, block_ms=10) if e["kind"] == "device_online"]
    assert feed and feed[-1]["task_id"] == task.task_id
    # The task stays with the brigade to check the camera and close it.
    assert store.get_task(task.task_id).state is State.DISPATCHED


def test_offline_event_id_depends_on_the_outage_not_on_the_watcher(district: District) -> None:
    from datetime import UTC, datetime

    since = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    a = offline_event(district, CAM, since)
    assert a.event_id == offline_event(district, CAM, since).event_id
    assert a.event_id != offline_event(district, CAM, since.replace(hour=9)).event_id
    assert a.source == "system" and a.grid == district.device(CAM).grid
