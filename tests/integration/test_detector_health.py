"""The detector's counters reach Redis, where health views read them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import redis

from gridwatch.config.schema import District
from gridwatch.detect.health import publish_health, read_health
from gridwatch.detect.stage import DetectStage
from gridwatch.ingest.frames import Frame
from gridwatch.store.evidence import EvidenceStore
from tests.unit.test_detect_core import StubDetector

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def test_bad_frames_and_silent_cameras_show_in_the_published_health(
    minimal_district: District, tmp_path: Path, redis_url: str
):
    stage = DetectStage(minimal_district, StubDetector(), EvidenceStore(tmp_path))  # type: ignore[arg-type]
    stage.process(Frame("cam-0001", 0, T0, np.zeros((0, 0, 3), np.uint8), T0))
    stage.process(Frame("cam-0001", 1, T0, np.zeros((576, 768, 3), np.uint8), T0))
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    now = T0 + timedelta(minutes=5)
    publish_health(client, "w1", stage.health(now), now)
    h = read_health(client, "w1")
    assert h["bad_frames"] == "1" and h["frames_analysed"] == "1"
    assert "cam-0001" in json.loads(h["silent"])
    assert h["updated_at"] == now.isoformat()


def test_the_embedded_runtime_publishes_detector_health(tmp_path: Path, redis_url: str):
    import time

    from gridwatch.config.settings import Settings
    from gridwatch.runtime.embedded import EmbeddedRuntime, open_services
    from tests.conftest import MINIMAL

    settings = Settings(data_dir=tmp_path, redis_url=redis_url, db_url=None)
    services = open_services(settings)
    rt = EmbeddedRuntime(MINIMAL, services, settings, realtime=False)
    rt.start()
    try:
        deadline = time.monotonic() + 30
        h: dict[str, str] = {}
        while time.monotonic() < deadline and int(h.get("frames_analysed", "0")) == 0:
            time.sleep(0.5)
            h = read_health(services.hot.r, "embedded")
    finally:
        rt.stop()
        services.close()
    assert int(h["frames_analysed"]) > 0
    assert {"bad_frames", "frames_dropped", "bad_readings", "silent_cameras"} <= set(h)


def test_each_cameras_detector_lag_reaches_the_device_page(
    minimal_district: District, tmp_path: Path, redis_url: str
):
    from gridwatch.ops.device_health import device_health
    from gridwatch.store.hot_state import HotState

    now = T0 + timedelta(seconds=2)
    stage = DetectStage(
        minimal_district,
        StubDetector(),  # type: ignore[arg-type]
        EvidenceStore(tmp_path),
        clock=lambda: now,
    )
    # Received 1.25 s before its analysis ended (it waited in the camera's queue).
    arrived = now - timedelta(milliseconds=1250)
    stage.process(Frame("cam-0001", 0, arrived, np.zeros((576, 768, 3), np.uint8), arrived))
    assert stage.lag_ms == {"cam-0001": 1250.0}
    hot = HotState(redis_url)
    hot.heartbeat("cam-0001", arrived, fps=1.0)
    hot.detector_lag(stage.lag_ms)
    rows = {d.device_id: d for d in device_health(minimal_district, hot, now)}
    assert rows["cam-0001"].lag_ms == 1250.0 and rows["cam-0001"].fps == 1.0
    assert rows["cam-0001"].last_seen == arrived  # the intake's, not overwritten
