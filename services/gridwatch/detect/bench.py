"""Side-by-side detection benchmark on the same frames, in one run:

(a) bare   — ONNX Runtime alone on pre-processed tensors: the limit of inferences/s;
(b) naive  — per camera, one frame at a time: preprocess → model → decode once per algorithm
             of the camera (no sharing of the model pass, no motion gating);
(c) gridwatch — the detect stage (one shared model pass per frame, tracker, rules, evidence)
             on the worker pipeline, first with motion gating off (its inferences/s against
             (a)), then with gating on (frames analysed/s against (b));
(d) live   — (c) paced at every camera's real rate (1 frame/s each), frame→result latency.

The frames are the sample district's AI cameras: video cameras play vtest.avi (people walking,
two parked vehicles), still cameras show their first picture with simulated sensor noise (a
static scene), so motion gating is measured on real pixels, not on assumed skip rates.
"""

from __future__ import annotations

import os
import platform
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort

from gridwatch.config.schema import Camera, District, FileSource, ImagesSource
from gridwatch.detect.engine import Detector, shared_detector
from gridwatch.detect.motion import MotionGate
from gridwatch.detect.pipeline import DetectPipeline
from gridwatch.detect.stage import DetectStage
from gridwatch.domain.events import Finding
from gridwatch.domain.readings import FrameInfo
from gridwatch.ingest.frames import Frame
from gridwatch.store.evidence import EvidenceStore

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
NOISE_SIGMA = 2.5  # grey levels: a typical small camera sensor in daylight


@dataclass(frozen=True)
class Scene:
    """Per camera, the picture at each second of device time."""

    cameras: list[Camera]
    pictures: dict[str, Callable[[int], np.ndarray]]

    def frame(self, cam: Camera, second: int) -> Frame:
        at = T0 + timedelta(seconds=second)
        return Frame(cam.id, second, at, self.pictures[cam.id](second), at)

    def frames(self, seconds: int) -> list[Frame]:
        return [self.frame(c, s) for s in range(seconds) for c in self.cameras]


def video_seconds(path: Path, seconds: int) -> list[np.ndarray]:
    cap = cv2.VideoCapture(str(path))
    fps = cap.get(cv2.CAP_PROP_FPS) or 10.0
    out: list[np.ndarray] = []
    i = 0
    while len(out) < seconds:
        ok, image = cap.read()
        if not ok:
            break
        if i % round(fps) == 0:
            out.append(image)
        i += 1
    cap.release()
    return out


def noisy_variants(image: np.ndarray, n: int, rng: np.random.Generator) -> list[np.ndarray]:
    out = []
    for _ in range(n):
        noise = rng.normal(0, NOISE_SIGMA, image.shape)
        out.append(np.clip(image.astype(np.float32) + noise, 0, 255).astype(np.uint8))
    return out


def _cycle(pictures: list[np.ndarray], offset: int) -> Callable[[int], np.ndarray]:
    return lambda second: pictures[(second + offset) % len(pictures)]


def build_scene(district: District, config_dir: Path, devices: int) -> Scene:
    cams = district.ai_devices[:devices]
    if len(cams) < devices:
        raise ValueError(f"the district has {len(cams)} AI cameras, {devices} asked for")
    rng = np.random.default_rng(7)
    videos: dict[Path, list[np.ndarray]] = {}
    stills: dict[Path, list[np.ndarray]] = {}
    pictures: dict[str, Callable[[int], np.ndarray]] = {}
    for k, cam in enumerate(cams):
        src = cam.source
        if isinstance(src, FileSource):
            path = (config_dir / src.path).resolve()
            seq = videos.setdefault(path, video_seconds(path, 600))
            offset = 11 * k  # each video camera at another moment of the clip
            pictures[cam.id] = _cycle(seq, offset)
        elif isinstance(src, ImagesSource):
            path = (config_dir / src.paths[0]).resolve()
            if path not in stills:
                image = cv2.imread(str(path))
                if image is None:
                    raise ValueError(f"{path}: not a readable picture")
                stills[path] = noisy_variants(image, 4, rng)
            var = stills[path]
            pictures[cam.id] = _cycle(var, 0)
        else:
            raise ValueError(f"{cam.id}: source {src.kind} cannot be replayed offline")
    return Scene(cams, pictures)


@dataclass
class Result:
    name: str
    frames: int
    inferences: int
    seconds: float
    cpu_s: float
    latencies_ms: list[float] | None = None
    gated: int = 0
    dropped: int = 0

    @property
    def frames_per_s(self) -> float:
        return self.frames / self.seconds

    @property
    def inferences_per_s(self) -> float:
        return self.inferences / self.seconds

    @property
    def cpu_percent(self) -> float:
        return 100.0 * self.cpu_s / self.seconds / (os.cpu_count() or 1)

    def __add__(self, other: Result) -> Result:
        return Result(
            self.name,
            self.frames + other.frames,
            self.inferences + other.inferences,
            self.seconds + other.seconds,
            self.cpu_s + other.cpu_s,
            gated=self.gated + other.gated,
        )

    def percentile(self, q: float) -> float | None:
        if not self.latencies_ms:
            return None
        return float(np.percentile(self.latencies_ms, q))


def _timed(name: str, work: Callable[[], tuple[int, int]]) -> Result:
    cpu0, t0 = time.process_time(), time.perf_counter()
    frames, inferences = work()
    return Result(name, frames, inferences, time.perf_counter() - t0, time.process_time() - cpu0)


def run_bare(detector: Detector, frames: list[Frame], seconds: float, workers: int) -> Result:
    blobs = [detector.preprocess(f.image) for f in frames[:64]]
    counts = [0] * workers
    deadline = time.perf_counter() + seconds

    def loop(i: int) -> None:
        k = i
        while time.perf_counter() < deadline:
            detector.session.run(
                detector.output_names, {detector.input_name: blobs[k % len(blobs)]}
            )
            counts[i] += 1
            k += workers

    def work() -> tuple[int, int]:
        threads = [threading.Thread(target=loop, args=(i,)) for i in range(workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return sum(counts), sum(counts)

    return _timed("bare ORT loop", work)


def run_naive(
    district: District, detector: Detector, frames: list[Frame], seconds: float
) -> Result:
    """One model pass per algorithm per frame, frames one at a time, nothing skipped; no
    close looks (a plain loop runs the model at one size)."""
    with tempfile.TemporaryDirectory() as tmp:
        stage = DetectStage(district, detector, EvidenceStore(Path(tmp)), gate=None)
        deadline = time.perf_counter() + seconds

        def work() -> tuple[int, int]:
            done = inferences = 0
            for frame in frames:
                if time.perf_counter() >= deadline:
                    break
                cam = district.device(frame.device_id)
                algos = stage.algorithms_for(cam)  # type: ignore[arg-type]
                info_size = frame.image.shape[1], frame.image.shape[0]
                for algo in algos:
                    detections = detector.detect(frame.image, close_look=False)
                    inferences += 1
                    algo.process(
                        FrameInfo(frame.device_id, frame.seq, frame.at, *info_size), detections
                    )
                done += 1
            return done, inferences

        return _timed("naive per-algorithm loop", work)


def model_passes(detector: Detector, stage: DetectStage) -> int:
    extra = detector.passes() - 1  # a close look's passes beyond the first
    return stage.stats.frames_analysed + extra * stage.stats.close_looks


def _stage(district: District, detector: Detector, tmp: str, gated: bool) -> DetectStage:
    return DetectStage(
        district, detector, EvidenceStore(Path(tmp)), gate=MotionGate() if gated else None
    )


def run_pipeline(
    name: str,
    district: District,
    detector: Detector,
    frames: list[Frame],
    *,
    gated: bool,
    workers: int,
    seconds: float | None = None,
) -> Result:
    """Frames as fast as the pipeline takes them (no drops): its throughput."""
    with tempfile.TemporaryDirectory() as tmp:
        stage = _stage(district, detector, tmp, gated)
        pipe = DetectPipeline(stage.process, lambda f, out: None, workers=workers, depth=2)
        deadline = time.perf_counter() + (seconds or 1e9)

        def work() -> tuple[int, int]:
            for frame in frames:
                if time.perf_counter() >= deadline:
                    break
                pipe.submit(frame, hold=True)
            pipe.drain(60)
            return pipe.stats.done, model_passes(detector, stage)

        res = _timed(name, work)
        pipe.close()
        res.gated = stage.stats.frames_gated
        return res


def run_live(
    district: District,
    detector: Detector,
    scene: Scene,
    seconds: int,
    workers: int,
) -> Result:
    """Every camera at 1 frame/s, spread over the second as real cameras are; latency is from a
    frame's arrival to its findings (or its empty result) leaving the stage."""
    latencies: list[float] = []
    submitted: dict[tuple[str, int], float] = {}
    lock = threading.Lock()

    def deliver(frame: Frame, findings: list[Finding]) -> None:
        done = time.perf_counter()
        with lock:
            latencies.append((done - submitted[(frame.device_id, frame.seq)]) * 1000)

    # Frames prepared up front: the feeder must not be what limits the rate.
    plan = scene.frames(seconds)
    n = len(scene.cameras)
    with tempfile.TemporaryDirectory() as tmp:
        stage = _stage(district, detector, tmp, True)
        pipe = DetectPipeline(stage.process, deliver, workers=workers, depth=2)

        def work() -> tuple[int, int]:
            start = time.perf_counter()
            for i, frame in enumerate(plan):
                due = start + i / n  # camera k of second s arrives at s + k/n
                pause = due - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
                with lock:
                    submitted[(frame.device_id, frame.seq)] = time.perf_counter()
                pipe.submit(frame)
            pipe.drain(30)
            return pipe.stats.done, model_passes(detector, stage)

        res = _timed("gridwatch live, 1 frame/s per camera", work)
        pipe.close()
        res.latencies_ms = latencies
        res.gated = stage.stats.frames_gated
        res.dropped = sum(pipe.stats.dropped.values())
        return res


@dataclass
class Report:
    devices: int
    results: dict[str, Result]
    machine: str
    model: str
    scales: tuple[float, ...]
    close_look_s: float

    def summary(self) -> dict[str, object]:
        r = self.results
        live = r["live"]
        p95 = live.percentile(95)
        offered = self.devices  # frames per second at 1 frame/s per camera
        realtime = (
            live.dropped == 0
            and p95 is not None
            and p95 < 1000
            and live.frames >= 0.99 * offered * (live.seconds - 2)
        )
        gated_share = r["gated"].gated / max(1, r["gated"].frames)
        return {
            "devices": self.devices,
            "model": self.model,
            "detector_scales": list(self.scales),
            "close_look_s": self.close_look_s,
            "machine": self.machine,
            "bare_inferences_per_s": round(r["bare"].inferences_per_s, 1),
            "naive_frames_per_s": round(r["naive"].frames_per_s, 1),
            "pipeline_inferences_per_s": round(r["ungated"].inferences_per_s, 1),
            "pipeline_frames_per_s": round(r["gated"].frames_per_s, 1),
            "gated_share": round(gated_share, 3),
            "ratio_vs_bare": round(r["ungated"].inferences_per_s / r["bare"].inferences_per_s, 3),
            "ratio_vs_naive": round(r["gated"].frames_per_s / r["naive"].frames_per_s, 2),
            "live_frames": live.frames,
            "live_dropped": live.dropped,
            "live_gated_share": round(live.gated / max(1, live.frames), 3),
            "p50_latency_ms": round(live.percentile(50) or 0, 1),
            "p95_latency_ms": round(p95 or 0, 1),
            "live_cpu_percent": round(live.cpu_percent, 1),
            "realtime_49_at_1fps": bool(realtime) if self.devices >= 49 else None,
        }


def machine() -> str:
    py = platform.python_version()
    return f"{platform.machine()} {os.cpu_count()} cores, Python {py}, ORT {ort.__version__}"


def run(
    district: District,
    config_dir: Path,
    devices: int,
    *,
    phase_s: float = 8.0,
    live_s: int = 20,
    workers: int = 2,
    model: str | None = None,
    scales: tuple[float, ...] | None = None,
    close_look_s: float | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> Report:
    scene = build_scene(district, config_dir, devices)
    # One session, one intra-op thread, `workers` threads calling it: measured as fast as one
    # 2-thread session on 2 cores, and it lets preprocessing and rules of one frame overlap
    # another's inference.
    name = model or district.detector
    scales = scales or district.detector_scales
    look_s = district.detector_close_look_s if close_look_s is None else close_look_s
    detector = shared_detector(name, 1, scales, look_s)
    naive_detector = shared_detector(name, 2, scales, look_s)
    frames = scene.frames(30)
    for f in frames[:4]:
        detector.detect(f.image)
        naive_detector.detect(f.image)
    results: dict[str, Result] = {}
    # Bare and pipeline alternate in short slices, so load from other processes on a shared
    # machine falls on both alike and their ratio stays meaningful.
    progress("bare ORT loop and gridwatch pipeline (gating off), alternating")
    rounds = 3
    for _ in range(rounds):
        bare = run_bare(detector, frames, phase_s / rounds, workers)
        ungated = run_pipeline(
            "gridwatch, gating off",
            district,
            detector,
            frames,
            gated=False,
            workers=workers,
            seconds=phase_s / rounds,
        )
        results["bare"] = results["bare"] + bare if "bare" in results else bare
        results["ungated"] = results["ungated"] + ungated if "ungated" in results else ungated
    progress("naive per-algorithm loop")
    results["naive"] = run_naive(district, naive_detector, frames, phase_s)
    progress("gridwatch pipeline, gating on")
    results["gated"] = run_pipeline(
        "gridwatch, gating on", district, detector, frames, gated=True, workers=workers
    )
    progress(f"gridwatch live at 1 frame/s per camera for {live_s} s")
    results["live"] = run_live(district, detector, scene, live_s, workers)
    return Report(devices, results, machine(), detector.version, scales, look_s)
