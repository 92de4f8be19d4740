"""Detect-stage machinery without the model: tracker, motion gate, incident identity,
backpressure, scoring, and bad input that must be counted, never crash."""

from __future__ import annotations

import itertools
import math
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from gridwatch.config.schema import District
from gridwatch.detect.engine import DetectorSettings
from gridwatch.detect.incident_memory import LocalIncidentMemory
from gridwatch.detect.motion import CloseLooks, MotionGate, phase
from gridwatch.detect.pipeline import DetectPipeline
from gridwatch.detect.stage import CameraDetections, DetectStage, SensorStage
from gridwatch.domain.detections import CLASS_ID, Detections
from gridwatch.domain.events import Finding
from gridwatch.domain.incidents import resolve
from gridwatch.domain.readings import Reading
from gridwatch.domain.scoring import Found, Label, score
from gridwatch.domain.tracking import Tracker
from gridwatch.ingest.frames import Frame
from gridwatch.store.evidence import EvidenceStore

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def at(s: float) -> datetime:
    return T0 + timedelta(seconds=s)


def box_dets(*boxes: tuple[float, ...], conf: float = 0.8, cls: str = "person") -> Detections:
    n = len(boxes)
    return Detections(
        np.array(boxes, np.float32).reshape(n, 4),
        np.full(n, conf, np.float32),
        np.full(n, CLASS_ID[cls]),
    )


# ------------------------------------------------------------------ tracker


def test_tracker_keeps_ids_while_objects_move_and_gives_new_ones_to_newcomers():
    tr = Tracker()
    a = tr.update(box_dets((0, 0, 10, 20), (50, 0, 60, 20)), at(0))
    b = tr.update(box_dets((52, 0, 62, 20), (2, 0, 12, 20)), at(1))  # swapped order, moved
    assert list(b.tracker_id) == [a.tracker_id[1], a.tracker_id[0]]
    c = tr.update(box_dets((80, 80, 90, 99)), at(2))
    assert c.tracker_id[0] not in set(a.tracker_id)


def test_weak_boxes_extend_tracks_but_never_start_them():
    tr = Tracker(high=0.5, low=0.2)
    first = tr.update(box_dets((0, 0, 10, 20), conf=0.9), at(0))
    weak = tr.update(box_dets((1, 0, 11, 20), (60, 60, 70, 80), conf=0.3), at(1))
    assert weak.tracker_id[0] == first.tracker_id[0] and weak.tracker_id[1] == -1


def test_tracks_expire_after_max_age():
    tr = Tracker(max_age=timedelta(seconds=2))
    first = tr.update(box_dets((0, 0, 10, 20)), at(0))
    later = tr.update(box_dets((0, 0, 10, 20)), at(5))
    assert later.tracker_id[0] != first.tracker_id[0]


# ------------------------------------------------------------------ motion gate


def noisy(base: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return np.clip(base + rng.normal(0, 2.5, base.shape), 0, 255).astype(np.uint8)


def test_motion_gate_skips_a_noisy_still_scene_but_rechecks_it():
    rng = np.random.default_rng(0)
    base = rng.integers(0, 255, (240, 320, 3)).astype(np.float32)
    gate = MotionGate()
    decisions = [gate.should_analyse("c", noisy(base, rng), at(s)) for s in range(30)]
    assert decisions[0] and decisions[10] and decisions[20]  # first frame, then every 10 s
    assert sum(decisions) == 3


def test_motion_gate_lets_a_moving_object_through():
    rng = np.random.default_rng(0)
    base = np.full((240, 320, 3), 90, np.float32)
    gate = MotionGate()
    gate.should_analyse("c", noisy(base, rng), at(0))
    moved = base.copy()
    moved[100:160, 100:140] = 230  # someone walks in
    assert gate.should_analyse("c", noisy(moved, rng), at(1))


# ------------------------------------------------------------------ incident identity


def finding(box: tuple[float, float, float, float], start: float, key: str = "z@1") -> Finding:
    return Finding("cam-1", "lane_occupation", "lane_occupation", key, at(start), at(start + 30),
                   0.5, box=box, zone_id="z")  # fmt: skip


def test_the_same_place_is_the_same_incident_and_alerts_once_per_cooldown():
    memory = LocalIncidentMemory(cooldown=timedelta(minutes=10))
    first = memory.resolve(finding((10, 10, 50, 40), 0), at(30))
    again = memory.resolve(finding((12, 11, 51, 42), 200, key="z@2"), at(230))
    later = memory.resolve(finding((11, 10, 50, 41), 900, key="z@3"), at(930))
    assert first.alert and not again.alert and later.alert
    assert first.finding.finding_id == again.finding.finding_id == later.finding.finding_id


def test_another_place_is_another_incident():
    res = resolve(finding((10, 10, 50, 40), 0), [], at(30), timedelta(minutes=10))
    other = resolve(finding((200, 10, 240, 40), 0), [res.incident], at(31), timedelta(minutes=10))
    assert other.alert and other.incident.incident_id != res.incident.incident_id


# ------------------------------------------------------------------ backpressure


def test_a_slow_detector_drops_the_oldest_frames_and_counts_them():
    release, busy = threading.Event(), threading.Event()
    seen: list[int] = []

    def slow(frame: Frame) -> list[Finding]:
        busy.set()
        release.wait(5)
        return []

    pipe = DetectPipeline(slow, lambda f, out: seen.append(f.seq), workers=1, depth=2)
    frames = [Frame("cam-1", s, at(s), np.zeros((8, 8, 3), np.uint8), at(s)) for s in range(6)]
    pipe.submit(frames[0])
    assert busy.wait(5)  # the worker is stuck on frame 0 while five more arrive
    for f in frames[1:]:
        pipe.submit(f)
    release.set()
    assert pipe.drain(5)
    pipe.close()
    assert seen[0] == 0 and seen[-2:] == [4, 5]  # the newest frames survive
    assert pipe.stats.dropped["cam-1"] == 3 and len(seen) == 3


def test_a_failing_frame_does_not_stop_the_worker():
    done: list[int] = []

    def flaky(frame: Frame) -> list[Finding]:
        if frame.seq == 1:
            raise RuntimeError("decoder blew up")
        return []

    pipe = DetectPipeline(flaky, lambda f, out: done.append(f.seq), workers=1, depth=8)
    for s in range(3):
        pipe.submit(Frame("cam-1", s, at(s), np.zeros((8, 8, 3), np.uint8), at(s)))
    assert pipe.drain(5)
    pipe.close()
    assert done == [0, 1, 2] and pipe.stats.failures == 1


# ------------------------------------------------------------------ bad input


class StubDetector:
    """Stands in for ONNX Runtime: a parked van in every analysed frame."""

    version = "stub@0"
    settings = DetectorSettings(scales=(1.0,))

    def __init__(self) -> None:
        self.calls = 0

    def detect(self, image: np.ndarray, close_look: bool = True) -> Detections:
        self.calls += 1
        h, w = image.shape[:2]
        return box_dets((0.85 * w, 0.07 * h, 0.94 * w, 0.17 * h), conf=0.5, cls="truck")


def test_bad_frames_and_a_silent_camera_are_counted_and_reported(
    minimal_district: District, tmp_path: Path
):
    stage = DetectStage(minimal_district, StubDetector(), EvidenceStore(tmp_path))  # type: ignore[arg-type]
    bad = [
        None,
        np.zeros((0, 0, 3), np.uint8),
        np.zeros((576, 768), np.uint8),
        np.zeros((576, 768, 3), np.float32),
        b"\xff\xd8 truncated jpeg",
    ]
    for i, image in enumerate(bad):
        assert stage.process(Frame("cam-0001", i, at(i), image, at(i))) == []  # type: ignore[arg-type]
    good = np.zeros((576, 768, 3), np.uint8)
    stage.process(Frame("cam-0001", 9, at(9), good, at(9)))
    assert stage.process(Frame("no-such-cam", 1, at(9), good, at(9))) == []
    health = stage.health(at(120), silent_after=timedelta(seconds=60))
    assert health["bad_frames"] == len(bad) and health["frames_analysed"] == 1
    assert health["errors"] == {"not_a_camera": 1}
    # cam-0001 last sent at 9 s: silent at 120 s, like every camera that never sent.
    assert "cam-0001" in health["silent"]
    assert health["silent_cameras"] == len(minimal_district.ai_devices)
    assert "cam-0001" not in stage.health(at(30), silent_after=timedelta(seconds=60))["silent"]


def test_nan_and_infinite_sensor_readings_are_counted_not_analysed(minimal_district: District):
    stage = SensorStage(minimal_district)
    sensor = minimal_district.sensors[0]
    for v in (math.nan, math.inf, -math.inf):
        r = Reading(sensor.id, sensor.quantity, v, sensor.unit, T0)
        assert stage.process(r) == []
    assert stage.stats.bad_readings == 3 and stage.stats.readings == 0


def test_gated_frames_reuse_the_last_detections(minimal_district: District, tmp_path: Path):
    det = StubDetector()
    stage = DetectStage(minimal_district, det, EvidenceStore(tmp_path), gate=MotionGate())  # type: ignore[arg-type]
    still = np.full((576, 768, 3), 100, np.uint8)
    out = []
    for s in range(40):
        out += stage.process(Frame("cam-0001", s, at(s), still, at(s)))
    # The first frame, then a re-check every 10 s from the camera's phase (so that cameras
    # started together do not all re-check at the same second): 4 re-checks in 40 s.
    assert det.calls == 5
    assert stage.stats.frames_gated == 35
    assert [f.algorithm for f in out] == ["lane_occupation"]  # the dwell still ran


# ------------------------------------------------------------------ scoring


def test_scoring_counts_a_second_finding_of_one_incident_as_a_false_alarm():
    labels = [Label("c", "z", 0, 60, (0, 0, 10, 10)), Label("c", "y", 0, 60)]
    found = [Found("c", "z", 20, (1, 1, 10, 10)), Found("c", "z", 40, (1, 1, 10, 10))]
    s = score(labels, found, hours=0.5)
    assert (s.true_positives, s.false_positives, s.false_negatives) == (1, 1, 1)
    assert s.precision == 0.5 and s.recall == 0.5 and s.false_alarms_per_hour == 2.0


def test_stationary_tracker_takes_new_and_known_objects_in_one_frame():
    from gridwatch.domain.stationary import StationaryTracker

    tr = StationaryTracker()
    one = np.array([[0, 0, 10, 10]], np.float32)
    tr.update(one, np.array([0.5], np.float32), np.array([2]), at(0), "z")
    three = np.array([[50, 50, 60, 60], [0, 0, 10, 10], [80, 0, 90, 10]], np.float32)
    seen = tr.update(three, np.full(3, 0.5, np.float32), np.full(3, 2), at(1), "z")
    assert len(seen) == 3 and len(tr.objects) == 3
    assert sum(o.hits == 2 for o in tr.objects) == 1


def test_findings_carry_the_incident_identity_with_or_without_evidence(
    minimal_district: District, tmp_path: Path
):
    for draw in (True, False):
        stage = DetectStage(
            minimal_district,
            StubDetector(),
            EvidenceStore(tmp_path),
            draw_evidence=draw,  # type: ignore[arg-type]
        )
        image = np.zeros((576, 768, 3), np.uint8)
        out = [
            f for s in range(40) for f in stage.process(Frame("cam-0001", s, at(s), image, at(s)))
        ]
        assert len(out) == 1 and out[0].incident_key.startswith("inc-")
        assert (out[0].evidence_path is not None) == draw


def test_close_looks_come_every_period_at_each_cameras_own_phase():
    looks = CloseLooks(10)
    seconds = {cam: [s for s in range(60) if looks.due(cam, at(s))] for cam in ("a", "b", "c")}
    for cam, due in seconds.items():
        first = 10 * phase(cam)
        assert due[0] == math.ceil(first) and len(due) in (5, 6), cam
        assert all(b - a == 10 for a, b in itertools.pairwise(due)), cam
    assert len({due[0] for due in seconds.values()}) > 1  # not all in the same second
    every_frame = CloseLooks(0)
    assert all(every_frame.due("a", at(s)) for s in range(5))


def test_a_person_standing_still_keeps_one_track_between_gate_rechecks():
    class StillPerson:
        settings = DetectorSettings(scales=(1.0,))

        def detect(self, image: np.ndarray, close_look: bool = True) -> Detections:
            return box_dets((300, 200, 340, 300), conf=0.9)

    cameras = CameraDetections(StillPerson(), MotionGate())  # type: ignore[arg-type]
    still = np.full((576, 768, 3), 100, np.uint8)
    seen = [cameras.of("cam", still, at(s)) for s in range(40)]
    analysed = [d.tracker_id.tolist() for d, look in seen if look != "gated"]
    assert len(analysed) == 5  # first frame + 4 re-checks, 10 s apart: over the tracker's 5 s
    assert analysed == [[1]] * 5
