"""The real detectors (NanoDet, the default, and the optional CenterNet) on real frames of
vtest.avi."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import cv2
import numpy as np
import pytest

from gridwatch.algorithms.base import DeviceContext
from gridwatch.algorithms.lane_occupation import LaneOccupation, LaneOccupationParams
from gridwatch.config.schema import District, Zone
from gridwatch.detect.engine import Detector, shared_detector
from gridwatch.detect.stage import DetectStage
from gridwatch.domain.detections import MOTOR_VEHICLES, box_iou
from gridwatch.domain.readings import FrameInfo
from gridwatch.ingest.frames import Frame
from gridwatch.ingest.video_file import VideoFileSource
from gridwatch.store.evidence import EvidenceStore
from tests.conftest import VTEST

VAN = np.array([[652, 43, 723, 97]], dtype=np.float32)
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module", params=["nanodet", "centernet"])
def detector(request: pytest.FixtureRequest) -> Detector:
    return shared_detector(request.param, 2)


def clip_frames(sample_fps: float = 1.0) -> list[Frame]:
    src = VideoFileSource(
        "cam-0001", VTEST, sample_fps, loop=False, realtime=False, start=T0, clock=lambda: T0
    )
    return list(src.frames(threading.Event()))


def test_the_parked_van_is_detected_as_a_motor_vehicle(detector: Detector):
    cap = cv2.VideoCapture(str(VTEST))
    cap.set(cv2.CAP_PROP_POS_FRAMES, 100)
    ok, image = cap.read()
    assert ok
    d = detector.detect(image)
    vehicles = d.of_classes(MOTOR_VEHICLES)
    assert len(vehicles) >= 1
    assert box_iou(VAN, vehicles.xyxy).max() > 0.5


def run_lane_rule(detector: Detector, polygon: list[tuple[float, float]]) -> list:
    zone = Zone(id="z", kind="lane", polygon=polygon)
    algo = LaneOccupation(
        LaneOccupationParams(dwell_s=20, min_confidence=0.3), DeviceContext("cam-0001", (zone,))
    )
    findings = []
    for fr in clip_frames():
        info = FrameInfo(fr.device_id, fr.seq, fr.at, fr.image.shape[1], fr.image.shape[0])
        findings += algo.process(info, detector.detect(fr.image))
    return findings


def test_zone_around_the_van_gives_exactly_one_finding_over_the_clip(
    detector: Detector,
):
    frames = clip_frames()
    assert len(frames) >= 75  # the 79.5 s clip sampled at 1 frame/s
    findings = run_lane_rule(detector, [(0.80, 0.03), (0.95, 0.03), (0.95, 0.24), (0.80, 0.24)])
    assert len(findings) == 1
    f = findings[0]
    assert f.class_name in {"car", "bus", "truck"}
    assert box_iou(VAN, np.array([f.box], np.float32))[0, 0] > 0.5


def test_zone_on_empty_road_gives_none(detector: Detector):
    assert run_lane_rule(detector, [(0.0, 0.6), (0.45, 0.6), (0.45, 1.0), (0.0, 1.0)]) == []


def test_corrupt_and_empty_frames_are_skipped_and_counted(
    detector: Detector, minimal_district: District, tmp_path: Path
):
    stage = DetectStage(minimal_district, detector, EvidenceStore(tmp_path))
    good = clip_frames()[10].image
    jpeg = cv2.imencode(".jpg", good)[1].tobytes()
    truncated = cv2.imdecode(np.frombuffer(jpeg[: len(jpeg) // 3], np.uint8), cv2.IMREAD_COLOR)
    bad_images = [
        None,
        np.zeros((0, 0, 3), np.uint8),
        np.zeros((576, 768), np.uint8),  # grey, not BGR
        np.zeros((576, 768, 3), np.float32),
        b"not an image",
        cv2.imdecode(np.frombuffer(b"\xff\xd8garbage", np.uint8), cv2.IMREAD_COLOR),
    ]
    for i, image in enumerate(bad_images):
        assert stage.process(Frame("cam-0001", i, T0, image, T0)) == []  # type: ignore[arg-type]
    assert stage.stats.bad_frames == len(bad_images)
    # A truncated JPEG decodes to a (partly grey) picture or to nothing; either way no crash.
    stage.process(Frame("cam-0001", 99, T0, truncated, T0))  # type: ignore[arg-type]
    stage.process(Frame("cam-0001", 100, T0, good, T0))
    assert stage.stats.frames_analysed >= 1
