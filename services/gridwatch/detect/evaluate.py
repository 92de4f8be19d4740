"""`gridwatch algo eval`: run a vision algorithm with the real detector over a labelled set.

The set is a directory with `labels.yaml` and any `clips-*.yaml` (format in datasets/README.md):
clips (a video sampled at `sample_fps`, or a still shown for `duration_s` seconds at 1 frame/s)
of the `dev` or `test` split, their zones, and the incidents a person saw in them (or a
composite's script placed there). Zones without incidents are the negatives.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import cv2
import numpy as np
from pydantic import Field, RootModel, field_validator

from gridwatch.algorithms.base import DeviceContext, VisionAlgorithm
from gridwatch.algorithms.registry import plugin
from gridwatch.config.schema import Strict, Zone
from gridwatch.detect import detection_cache
from gridwatch.detect.detection_cache import ClipDetections
from gridwatch.detect.engine import Detector
from gridwatch.detect.frame_transforms import apply_transforms
from gridwatch.detect.incident_memory import LocalIncidentMemory
from gridwatch.detect.labelled_set import SplitFilter, load_labelled_set
from gridwatch.detect.motion import MotionGate, MotionSettings
from gridwatch.detect.stage import CameraDetections
from gridwatch.domain.clip_transforms import (
    Transform,
    mirror_box,
    mirror_direction,
    mirror_polygon,
    mirrored_times,
    parse_transforms,
)
from gridwatch.domain.readings import FrameInfo
from gridwatch.domain.scoring import Found, Label, Score, score, summary
from gridwatch.domain.slicing import Slicing

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


Split = Literal["dev", "test"]
Origin = Literal["real", "composited"]
OriginFilter = Literal["real", "composited", "all"]


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
    split: Split = Field(
        description="dev: rules and thresholds may be tuned on it; test: reported as it falls."
    )
    scene: str = Field(
        min_length=1,
        description="The place shown; transformed copies and composites over one background "
        "share the background's scene id.",
    )
    origin: Origin = Field(
        "real", description="real footage, or objects composited over a real background."
    )
    transform: list[str] = Field(
        default_factory=list,
        description="Applied to the frames and the labels on the fly, in order: mirror, dusk, "
        "rain:SEED, jpeg:Q, scale:F.",
    )
    sample_fps: float = Field(1.0, gt=0, description="Video: frames analysed per second.")
    duration_s: int = Field(30, gt=0, description="Still: seconds it is shown at 1 frame/s.")
    zones: list[Zone]
    events: list[LabelledEvent] = Field(default_factory=list)

    @field_validator("transform")
    @classmethod
    def _known_transforms(cls, v: list[str]) -> list[str]:
        parse_transforms(v)
        return v


class ClipList(RootModel[list[Clip]]):
    """A `clips-*.yaml` file: more clips of the set, in the same schema."""


class LabelSet(Strict):
    algorithm: str
    params: dict[str, Any] = Field(default_factory=dict)
    clips: list[Clip]


@dataclass
class Evaluation:
    algorithm: str
    model: str
    scales: tuple[float, ...]
    split: SplitFilter
    transforms: tuple[str, ...]
    score: Score
    clips: int
    scenes: int
    composited_positives: int
    frames: int
    inferences: int
    repeats_suppressed: int
    detect_ms_per_frame: float | None
    algorithm_ms_per_frame: float | None
    load: tuple[float, float, float]
    cached_clips: int = 0

    def as_dict(self) -> dict[str, Any]:
        s = self.score
        per_inference = None
        if self.detect_ms_per_frame is not None and self.inferences:
            per_inference = round(self.detect_ms_per_frame * self.frames / self.inferences, 1)
        return {
            "algorithm": self.algorithm,
            "split": self.split,
            "model": self.model,
            "detector_scales": list(self.scales),
            "transforms": list(self.transforms),
            "clips": self.clips,
            "scenes": self.scenes,
            **summary(s, "camera"),
            "composited_positives": self.composited_positives,
            "composited_share": (
                round(self.composited_positives / s.positives, 3) if s.positives else None
            ),
            "frames": self.frames,
            "inferences": self.inferences,
            "repeats_suppressed": self.repeats_suppressed,
            "detect_ms_per_frame": _round(self.detect_ms_per_frame, 1),
            "detect_ms_per_inference": per_inference,
            "algorithm_ms_per_frame": _round(self.algorithm_ms_per_frame, 3),
            "load": [round(v, 2) for v in self.load],
            "cached_clips": self.cached_clips,
        }


def _round(v: float | None, digits: int) -> float | None:
    return None if v is None else round(v, digits)


def load_labels(
    directory: Path,
    split: SplitFilter = "all",
    *,
    origin: OriginFilter = "all",
    check_sources: bool = True,
) -> LabelSet:
    """The set's labels.yaml and clips-*.yaml merged, the clips of `split` and `origin` kept;
    ConfigError naming file:line of each problem (a duplicate id, a missing source unless
    `check_sources` is False)."""
    return load_labelled_set(
        directory,
        LabelSet,
        "clips",
        ClipList,
        split,
        keep=None if origin == "all" else (lambda clip: clip.origin == origin),
        check_sources=check_sources,
    )


def transformed_clip(clip: Clip, extra: Sequence[Transform] = ()) -> tuple[Clip, list[Transform]]:
    """The clip's labels as they read on its transformed frames, and the transforms to apply
    to the frames (its own, then `extra`)."""
    transforms = [*parse_transforms(clip.transform), *extra]
    if mirrored_times(transforms) % 2 == 0:
        return clip, transforms
    zones = [
        z.model_copy(
            update={
                "polygon": mirror_polygon(z.polygon),
                "direction": mirror_direction(z.direction) if z.direction else None,
            }
        )
        for z in clip.zones
    ]
    events = [
        e.model_copy(update={"box": mirror_box(e.box) if e.box else None}) for e in clip.events
    ]
    return clip.model_copy(update={"zones": zones, "events": events}), transforms


def clip_frames(clip: Clip, base: Path) -> Iterator[tuple[float, np.ndarray]]:
    """(seconds from start, picture), untransformed."""
    for at_s, _, image in _sampled(clip, base):
        yield at_s, image


def _sampled(clip: Clip, base: Path) -> Iterator[tuple[float, float, np.ndarray]]:
    """(seconds from start, seconds the frame stands for, picture)."""
    path = (base / clip.source).resolve()
    still = cv2.imread(str(path)) if path.suffix.lower() in {".jpg", ".jpeg", ".png"} else None
    if still is not None:
        for s in range(clip.duration_s):
            yield float(s), 1.0, still
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
            yield i / fps, step / fps, image
        i += 1
    cap.release()


def clip_detections(
    clip: Clip,
    directory: Path,
    detector: Detector,
    transforms: Sequence[Transform],
    slicing: Sequence[Slicing],
    cache_dir: Path | None,
) -> tuple[ClipDetections, bool]:
    """What the detect stage's own steps (motion gate, close looks, slicing, tracker) see of a
    clip's transformed frames; from `cache_dir` when an earlier run stored it. True when cached."""
    path = None
    if cache_dir is not None:
        key = detection_cache.clip_key(
            (directory / clip.source).resolve(),
            (
                [t.spec for t in transforms],
                clip.sample_fps,
                clip.duration_s,
                detector.version,
                detector.settings,
                MotionSettings(),
                [repr(s) for s in slicing],
            ),
        )
        path = cache_dir / f"{key}.npz"
        cached = detection_cache.load(path)
        if cached is not None:
            return cached, True
    cameras = CameraDetections(detector, MotionGate())
    seen = ClipDetections([], [], (1, 1), [], [], [])
    for index, (at_s, stands_for, raw) in enumerate(_sampled(clip, directory)):
        image = apply_transforms(raw, transforms, index)
        seen.size = (image.shape[1], image.shape[0])
        t0 = time.perf_counter()
        detections, look = cameras.of(clip.id, image, T0 + timedelta(seconds=at_s), slicing)
        seen.detect_s.append(time.perf_counter() - t0)
        seen.at_s.append(at_s)
        seen.stands_for.append(stands_for)
        seen.looks.append(look)
        seen.detections.append(detections)
    if path is not None:
        detection_cache.save(path, seen)
    return seen, False


def evaluate(
    name: str,
    directory: Path,
    detector: Detector,
    *,
    split: SplitFilter = "all",
    transforms: Sequence[str] = (),
    cache_dir: Path | None = None,
    origin: OriginFilter = "all",
    copies: bool = False,
) -> Evaluation:
    """Run vision algorithm `name` with `detector` over the set in `directory`: the clips of
    `split`, each with its own transforms and then `transforms` (specs) applied to its frames
    and labels. Camera-hours are the sum of the clips' analysed durations. With `cache_dir`,
    each clip's detections are stored there and reused by later runs (any rule, same clip,
    model, settings and code); ms per frame then is the cost measured when they were stored.
    `origin="real"` keeps real footage alone (the corpus's composites need `make corpus`).
    A clip carrying its own `transform` is a copy of another clip of the set: it is scored only
    with `copies` (tuning on augmented data), so each incident counts once in the figures;
    robustness is measured by `transforms` over the originals instead."""
    labels = load_labels(directory, split, origin=origin)
    if not copies:
        labels = labels.model_copy(update={"clips": [c for c in labels.clips if not c.transform]})
    extra = parse_transforms(transforms)
    cls = plugin(name)
    if not issubclass(cls, VisionAlgorithm):
        raise ValueError(f"{name} is a sensor algorithm: evaluate it with evaluate_series")
    params = cls.Params.model_validate(labels.params if labels.algorithm == name else {})
    truth: list[Label] = []
    found: list[Found] = []
    frames = inferences = repeats = composited = cached_clips = 0
    seconds = 0.0
    detect_s = algo_s = 0.0
    for original in labels.clips:
        clip, clip_transforms = transformed_clip(original, extra)
        algo = cls(params, DeviceContext(clip.id, tuple(clip.zones), "live", detector.version))
        seen, cached = clip_detections(
            clip, directory, detector, clip_transforms, algo.slicing(), cache_dir
        )
        cached_clips += cached
        # As the detect stage does: only findings that alert (not a repeat of a known incident
        # within its cooldown).
        incidents = LocalIncidentMemory()
        size = seen.size
        clip_end = 0.0
        for i, detections in enumerate(seen.detections):
            at_s, look = seen.at_s[i], seen.looks[i]
            if look != "gated":
                inferences += detector.passes(look == "close_look")
            t1 = time.perf_counter()
            at = T0 + timedelta(seconds=at_s)
            info = FrameInfo(clip.id, frames, at, *size)
            for f in algo.process(info, detections):
                if incidents.resolve(f, at).alert:
                    found.append(Found(clip.id, f.zone_id or "", at_s, f.box))
                else:
                    repeats += 1
            detect_s += seen.detect_s[i]
            algo_s += time.perf_counter() - t1
            frames += 1
            clip_end = at_s + seen.stands_for[i]
        seconds += clip_end
        scale = np.array([size[0], size[1], size[0], size[1]], np.float32)
        for ev in clip.events:
            box = tuple(float(v) for v in np.asarray(ev.box) * scale) if ev.box else None
            truth.append(Label(clip.id, ev.zone, ev.start_s, ev.end_s, box))  # type: ignore[arg-type]
        if clip.origin == "composited":
            composited += len(clip.events)
    result = score(truth, found, seconds / 3600)
    return Evaluation(
        name,
        detector.version,
        detector.settings.scales,
        split,
        tuple(t.spec for t in extra),
        result,
        len(labels.clips),
        len({c.scene for c in labels.clips}),
        composited,
        frames,
        inferences,
        repeats,
        1000 * detect_s / frames if frames else None,
        1000 * algo_s / frames if frames else None,
        os.getloadavg(),
        cached_clips,
    )
