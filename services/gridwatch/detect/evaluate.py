"""`gridwatch algo eval`: run a vision algorithm with the real detector over a labelled set.

The set is a directory with `labels.yaml` (format in datasets/README.md): clips (a video
sampled at `sample_fps`, or a still shown for `duration_s` seconds at 1 frame/s), their zones,
and the incidents a person saw in them. Zones without incidents are the negatives.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from pydantic import Field

from gridwatch.algorithms.base import DeviceContext, VisionAlgorithm
from gridwatch.algorithms.registry import plugin
from gridwatch.config.loader import load_file
from gridwatch.config.schema import Strict, Zone
from gridwatch.detect.engine import Detector
from gridwatch.detect.incident_memory import LocalIncidentMemory
from gridwatch.detect.motion import MotionGate
from gridwatch.detect.stage import CameraDetections
from gridwatch.domain.readings import FrameInfo
from gridwatch.domain.scoring import Found, Label, Score, score, summary

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


class LabelledEvent(Strict):
    zone: str = Field(description="Zone id of the clip where the incident happens.")
    start_s: float = Field(ge=0, description="Seconds from the clip start: incident visible.")
    end_s: float = Field(ge=0, description="Seconds from the clip start: incident over.")
    box: tuple[float, float, float, float] | None = Field(
        None, description="Object box x1,y1,x2,y2 normalised to 0-1."
    )
    note: str = ""


class Clip(Strict):
    id: str
    source: str = Field(description="Video or still picture, relative to the labels file.")
    sample_fps: float = Field(1.0, gt=0, description="Video: frames analysed per second.")
    duration_s: int = Field(30, gt=0, description="Still: seconds it is shown at 1 frame/s.")
    zones: list[Zone]
    events: list[LabelledEvent] = Field(default_factory=list)


class LabelSet(Strict):
    algorithm: str
    params: dict[str, Any] = Field(default_factory=dict)
    clips: list[Clip]


@dataclass
class Evaluation:
    algorithm: str
    model: str
    scales: tuple[float, ...]
    score: Score
    frames: int
    inferences: int
    repeats_suppressed: int
    detect_ms_per_frame: float
    algorithm_ms_per_frame: float

    def as_dict(self) -> dict[str, Any]:
        s = self.score
        return {
            "algorithm": self.algorithm,
            "model": self.model,
            "detector_scales": list(self.scales),
            **summary(s),
            "frames": self.frames,
            "inferences": self.inferences,
            "repeats_suppressed": self.repeats_suppressed,
            "detect_ms_per_frame": round(self.detect_ms_per_frame, 1),
            "detect_ms_per_inference": round(
                self.detect_ms_per_frame * self.frames / max(1, self.inferences), 1
            ),
            "algorithm_ms_per_frame": round(self.algorithm_ms_per_frame, 3),
        }


def load_labels(directory: Path) -> LabelSet:
    """The set's labels.yaml, or ConfigError naming file:line of each problem."""
    return load_file(directory / "labels.yaml", LabelSet)


def clip_frames(clip: Clip, base: Path) -> Iterator[tuple[float, np.ndarray]]:
    """(seconds from start, picture)."""
    path = (base / clip.source).resolve()
    still = cv2.imread(str(path)) if path.suffix.lower() in {".jpg", ".jpeg", ".png"} else None
    if still is not None:
        for s in range(clip.duration_s):
            yield float(s), still
        return
    cap = cv2.VideoCapture(str(path))
    if not cap.isOpened():
        raise ValueError(f"{path}: cannot be read as a video or a picture")
    fps = cap.get(cv2.CAP_PROP_FPS) or 10.0
    step = max(1, round(fps / clip.sample_fps))
    i = 0
    while True:
        ok, image = cap.read()
        if not ok:
            break
        if i % step == 0:
            yield i / fps, image
        i += 1
    cap.release()


def evaluate(name: str, directory: Path, detector: Detector) -> Evaluation:
    labels = load_labels(directory)
    cls = plugin(name)
    if not issubclass(cls, VisionAlgorithm):
        raise ValueError(f"{name} is a sensor algorithm: evaluate it with evaluate_series")
    params = cls.Params.model_validate(labels.params if labels.algorithm == name else {})
    truth: list[Label] = []
    found: list[Found] = []
    frames = inferences = repeats = 0
    seconds = 0.0
    detect_s = algo_s = 0.0
    for clip in labels.clips:
        algo = cls(params, DeviceContext(clip.id, tuple(clip.zones), "live", detector.version))
        # As the detect stage does: motion gating, close looks, track ids, and only findings
        # that alert (not a repeat of a known incident within its cooldown).
        cameras = CameraDetections(detector, MotionGate())
        incidents = LocalIncidentMemory()
        size = (1, 1)
        clip_end = 0.0
        for at_s, image in clip_frames(clip, directory):
            size = (image.shape[1], image.shape[0])
            t0 = time.perf_counter()
            at = T0 + timedelta(seconds=at_s)
            detections, look = cameras.of(clip.id, image, at)
            if look != "gated":
                inferences += detector.passes(look == "close_look")
            t1 = time.perf_counter()
            info = FrameInfo(clip.id, frames, at, *size)
            for f in algo.process(info, detections):
                if incidents.resolve(f, at).alert:
                    found.append(Found(clip.id, f.zone_id or "", at_s, f.box))
                else:
                    repeats += 1
            detect_s += t1 - t0
            algo_s += time.perf_counter() - t1
            frames += 1
            clip_end = at_s
        seconds += clip_end + 1
        scale = np.array([size[0], size[1], size[0], size[1]], np.float32)
        for ev in clip.events:
            box = tuple(float(v) for v in np.asarray(ev.box) * scale) if ev.box else None
            truth.append(Label(clip.id, ev.zone, ev.start_s, ev.end_s, box))  # type: ignore[arg-type]
    result = score(truth, found, seconds / 3600)
    return Evaluation(
        name,
        detector.version,
        detector.settings.scales,
        result,
        frames,
        inferences,
        repeats,
        1000 * detect_s / frames,
        1000 * algo_s / frames,
    )
