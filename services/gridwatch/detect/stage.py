"""The detect stage: one detector pass per frame, every algorithm of the camera on its result,
evidence drawn for each finding. The same code serves the embedded runtime and Faust workers."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

import numpy as np

from gridwatch.algorithms.base import Algorithm, DeviceContext, SensorAlgorithm, VisionAlgorithm
from gridwatch.algorithms.registry import plugin_or_none
from gridwatch.config.schema import Camera, District, Sensor
from gridwatch.detect.annotate import draw_evidence, encode_jpeg
from gridwatch.detect.engine import BadFrame, Detector, check_frame
from gridwatch.detect.incident_memory import IncidentMemory, LocalIncidentMemory
from gridwatch.detect.motion import CloseLooks, MotionGate
from gridwatch.domain.detections import Detections
from gridwatch.domain.events import Finding
from gridwatch.domain.readings import BadReading, FrameInfo, Reading
from gridwatch.domain.slicing import Slicing
from gridwatch.domain.tracking import Tracker
from gridwatch.ingest.frames import Frame
from gridwatch.runtime.clock import Clock, utc_now
from gridwatch.store.evidence import RAW_FRAME_QUALITY, EvidenceStore, raw_frame_key

log = logging.getLogger(__name__)


@dataclass
class StageStats:
    """Counters of one stage; `health()` of the stage reports them with the silent cameras."""

    frames_in: int = 0
    frames_analysed: int = 0  # frames that went through the model
    frames_gated: int = 0  # no motion: the camera's last detections were reused
    close_looks: int = 0  # analysed frames that got every detector scale
    bad_frames: int = 0
    findings: int = 0
    repeats_suppressed: int = 0  # findings of an incident that alerted within its cooldown
    readings: int = 0
    bad_readings: int = 0
    errors: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["errors"] = dict(self.errors)
        return d


AnyAlgorithm = Algorithm[Any]
Look = Literal["gated", "analysed", "close_look"]


class CameraDetections:
    """What the model says of each camera's frames, the same way wherever frames are analysed
    (detect stage, `algo eval`): frames without motion reuse the camera's last detections, an
    analysed frame gets one model pass (every scale on a close look, and the tiles of the
    camera's `slicing` regions), boxes get track ids. `gate=None` analyses every frame. Frames
    of one camera come in order, from one thread."""

    def __init__(self, detector: Detector, gate: MotionGate | None = None) -> None:
        self.detector, self.gate = detector, gate
        self._close_looks = CloseLooks(detector.settings.close_look_s)
        self._last: dict[str, Detections] = {}
        self._trackers: dict[str, Tracker] = {}

    def of(
        self,
        device_id: str,
        image: np.ndarray,
        at: datetime,
        slicing: Sequence[Slicing] = (),
    ) -> tuple[Detections, Look]:
        last = self._last.get(device_id)
        if self.gate is not None:
            moving = self.gate.should_analyse(device_id, image, at)  # learns the background
            if last is not None and not moving:
                self._trackers[device_id].keep(last.tracker_id, at)
                return last, "gated"
        tracker = self._trackers.setdefault(device_id, Tracker())
        close = self._close_looks.due(device_id, at)
        if close and slicing:
            seen = self.detector.detect(image, close_look=True, slicing=slicing)
        else:
            seen = self.detector.detect(image, close_look=close)
        detections = tracker.update(seen, at)
        self._last[device_id] = detections
        return detections, "close_look" if close else "analysed"


def _build(
    algo_cls: type[AnyAlgorithm], district: District, algo_id: str, ctx: DeviceContext
) -> AnyAlgorithm:
    cfg = district.algorithm(algo_id)
    return algo_cls(algo_cls.Params.model_validate(cfg.params), ctx)


class DetectStage:
    """`gate=None` analyses every frame; `incidents` decides which findings alert (default: a
    memory local to this stage; pass a `RedisIncidentMemory` to survive restarts)."""

    def __init__(
        self,
        district: District,
        detector: Detector,
        evidence: EvidenceStore,
        *,
        gate: MotionGate | None = None,
        incidents: IncidentMemory | None = None,
        draw_evidence: bool = True,
        clock: Clock = utc_now,
    ) -> None:
        self.district, self.detector, self.evidence = district, detector, evidence
        self.clock = clock
        # Per camera, ms from a frame's arrival to its analysis done (queueing included): the
        # detector lag the device page shows.
        self.lag_ms: dict[str, float] = {}
        self.incidents: IncidentMemory = incidents or LocalIncidentMemory()
        self.draw = draw_evidence
        self.stats = StageStats()
        self.last_frame_at: dict[str, datetime] = {}
        self.cameras = CameraDetections(detector, gate)
        self._lock = threading.Lock()
        self._algorithms: dict[str, list[VisionAlgorithm]] = {}  # type: ignore[type-arg]
        self._zones = {c.id: {z.id: z for z in c.zones} for c in district.cameras}

    def algorithms_for(self, camera: Camera) -> list[VisionAlgorithm]:  # type: ignore[type-arg]
        if camera.id not in self._algorithms:
            algos = []
            for algo_id in camera.algorithms:
                cfg = self.district.algorithm(algo_id)
                cls = plugin_or_none(algo_id)
                if cls is None or cfg.mode == "off":
                    continue  # catalogued but not implemented, or switched off
                ctx = DeviceContext(
                    camera.id,
                    tuple(camera.zones),
                    "shadow" if cfg.mode == "shadow" else "live",
                    self.detector.version,
                )
                algos.append(_build(cls, self.district, algo_id, ctx))
            self._algorithms[camera.id] = algos  # type: ignore[assignment]
        return self._algorithms[camera.id]

    def process(self, frame: Frame) -> list[Finding]:
        """Analyse one frame. A bad frame is counted and skipped; it never raises. Frames of one
        camera must come in order and from one thread at a time; cameras may run in parallel."""
        try:
            camera: Camera | Sensor | None = self.district.device(frame.device_id)
        except KeyError:
            camera = None
        if not isinstance(camera, Camera):
            self._count("errors", "not_a_camera")
            return []
        try:
            image = check_frame(frame.image)
        except BadFrame as e:
            self._count("bad_frames")
            log.warning("%s frame %d skipped: %s", frame.device_id, frame.seq, e)
            return []
        self._count("frames_in")
        self.last_frame_at[frame.device_id] = frame.at
        algos = self.algorithms_for(camera)
        if not algos:
            return []
        slicing = [s for algo in algos for s in algo.slicing()]
        detections = self.detections_for(frame.device_id, image, frame.at, slicing)
        info = FrameInfo(frame.device_id, frame.seq, frame.at, image.shape[1], image.shape[0])
        findings = []
        for algo in algos:
            for f in algo.process(info, detections):
                res = self.incidents.resolve(f, frame.at)
                if not res.alert:
                    self._count("repeats_suppressed")
                    continue
                findings.append(
                    self._with_evidence(res.finding, image) if self.draw else res.finding
                )
        self._count("findings", n=len(findings))
        self.lag_ms[frame.device_id] = (self.clock() - frame.received_at).total_seconds() * 1000
        return findings

    def detections_for(
        self,
        device_id: str,
        image: np.ndarray,
        at: datetime,
        slicing: Sequence[Slicing] = (),
    ) -> Detections:
        """One model pass for all the camera's algorithms, or none when nothing moved."""
        detections, look = self.cameras.of(device_id, image, at, slicing)
        if look == "gated":
            self._count("frames_gated")
            return detections
        self._count("frames_analysed")
        if look == "close_look":
            self._count("close_looks")
        return detections

    def silent_cameras(self, now: datetime, after: timedelta) -> list[str]:
        """Cameras with algorithms whose last good frame is older than `after` (or never came)."""
        never = datetime.min.replace(tzinfo=now.tzinfo)
        return [
            c.id
            for c in self.district.ai_devices
            if now - self.last_frame_at.get(c.id, never) > after
        ]

    def health(
        self, now: datetime, silent_after: timedelta = timedelta(seconds=60)
    ) -> dict[str, Any]:
        silent = self.silent_cameras(now, silent_after)
        return {**self.stats.as_dict(), "silent_cameras": len(silent), "silent": silent}

    def _count(self, name: str, key: str | None = None, n: int = 1) -> None:
        with self._lock:
            if key is not None:
                self.stats.errors[key] += n
            else:
                setattr(self.stats, name, getattr(self.stats, name) + n)

    def _with_evidence(self, f: Finding, image: np.ndarray) -> Finding:
        zone = self._zones.get(f.device_id, {}).get(f.zone_id or "")
        label = f"{f.algorithm} {f.class_name or ''} {f.confidence:.2f}".strip()
        picture = draw_evidence(image, zone.polygon if zone else None, f.box, label)
        key = f"{f.observed_at:%Y%m%d}/{f.device_id}/{f.finding_id}.jpg"
        # The undrawn frame beside it (one per alerting finding, as the evidence): what a
        # verifier's verdict labels when the case is harvested into a dataset.
        self.evidence.put(raw_frame_key(key), encode_jpeg(image, RAW_FRAME_QUALITY))
        return f.with_evidence(self.evidence.put(key, encode_jpeg(picture)))


class SensorStage:
    def __init__(self, district: District) -> None:
        self.district = district
        self.stats = StageStats()
        self._algorithms: dict[str, list[SensorAlgorithm]] = {}  # type: ignore[type-arg]

    def algorithms_for(self, sensor: Sensor) -> list[SensorAlgorithm]:  # type: ignore[type-arg]
        if sensor.id not in self._algorithms:
            algos = []
            for cfg in self.district.algorithms:
                cls = plugin_or_none(cfg.id)
                if cfg.kind != "sensor" or cfg.quantity != sensor.quantity or cls is None:
                    continue
                if cfg.mode == "off":
                    continue
                ctx = DeviceContext(sensor.id, (), "shadow" if cfg.mode == "shadow" else "live")
                algos.append(_build(cls, self.district, cfg.id, ctx))
            self._algorithms[sensor.id] = algos  # type: ignore[assignment]
        return self._algorithms[sensor.id]

    def process(self, reading: Reading) -> list[Finding]:
        try:
            device = self.district.device(reading.device_id)
            if not isinstance(device, Sensor):
                raise BadReading(f"{reading.device_id} is not a sensor")
            reading = reading.validated()
        except (BadReading, KeyError) as e:
            self.stats.bad_readings += 1
            log.warning("reading rejected: %s", e)
            return []
        self.stats.readings += 1
        findings = [f for a in self.algorithms_for(device) for f in a.process(reading)]
        self.stats.findings += len(findings)
        return findings
