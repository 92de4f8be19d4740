"""A parked vehicle is one incident across motion gaps and a worker restart (state in Redis)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from gridwatch.config.schema import District
from gridwatch.detect.engine import NanoDetDetector, shared_detector
from gridwatch.detect.incident_memory import RedisIncidentMemory
from gridwatch.detect.motion import MotionGate
from gridwatch.detect.stage import DetectStage
from gridwatch.domain.events import Finding
from gridwatch.ingest.frames import Frame
from gridwatch.ingest.video_file import VideoFileSource
from gridwatch.store.evidence import EvidenceStore
from tests.conftest import VTEST

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def detector() -> NanoDetDetector:
    return shared_detector("nanodet", 2)


@pytest.fixture(scope="module")
def frames() -> list[Frame]:
    src = VideoFileSource(
        "cam-0001", VTEST, 1.0, loop=False, realtime=False, start=T0, clock=lambda: T0
    )
    return list(src.frames(threading.Event()))


def worker(
    district: District, detector: NanoDetDetector, tmp: Path, redis_url: str, cooldown_s: float
) -> DetectStage:
    """What a worker process builds at start: a fresh stage, trackers and gate; only Redis
    carries over."""
    memory = RedisIncidentMemory.from_url(redis_url, timedelta(seconds=cooldown_s))
    return DetectStage(district, detector, EvidenceStore(tmp), gate=MotionGate(), incidents=memory)


def lane(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.algorithm == "lane_occupation"]


def run(stage: DetectStage, frames: list[Frame]) -> list[Finding]:
    return [f for fr in frames for f in stage.process(fr)]


def test_parked_van_is_one_incident_across_a_worker_restart(
    detector: NanoDetDetector,
    minimal_district: District,
    frames: list[Frame],
    tmp_path: Path,
    redis_url: str,
):
    first = worker(minimal_district, detector, tmp_path, redis_url, cooldown_s=1800)
    before = lane(run(first, frames[:40]))
    assert len(before) == 1

    restarted = worker(minimal_district, detector, tmp_path, redis_url, cooldown_s=1800)
    after = lane(run(restarted, frames[40:]))
    assert after == []  # the van dwelt again after the restart, but it is the same incident
    assert restarted.stats.repeats_suppressed >= 1


def test_after_the_cooldown_the_same_incident_alerts_again_with_its_identity(
    detector: NanoDetDetector,
    minimal_district: District,
    frames: list[Frame],
    tmp_path: Path,
    redis_url: str,
):
    first = worker(minimal_district, detector, tmp_path, redis_url, cooldown_s=5)
    (alert,) = lane(run(first, frames[:40]))
    restarted = worker(minimal_district, detector, tmp_path, redis_url, cooldown_s=5)
    (again,) = lane(run(restarted, frames[40:]))
    # Same key and start: the same finding id, so downstream it is the same incident.
    assert (again.incident_key, again.started_at) == (alert.incident_key, alert.started_at)
    assert again.finding_id == alert.finding_id


def test_a_still_scene_skips_the_model_but_still_reports_the_parked_van_once(
    detector: NanoDetDetector,
    minimal_district: District,
    frames: list[Frame],
    tmp_path: Path,
    redis_url: str,
):
    rng = np.random.default_rng(1)
    still = frames[10].image.astype(np.float32)
    quiet = [
        Frame(
            "cam-0001",
            s,
            T0 + timedelta(seconds=s),
            np.clip(still + rng.normal(0, 2.5, still.shape), 0, 255).astype(np.uint8),
            T0 + timedelta(seconds=s),
        )
        for s in range(60)
    ]
    stage = worker(minimal_district, detector, tmp_path, redis_url, cooldown_s=1800)
    assert len(lane(run(stage, quiet))) == 1
    assert stage.stats.frames_gated >= 40  # only the first frame and the re-checks ran the model
