"""The detect stage: one detector pass per frame, every algorithm of the camera on its result,
evidence drawn for each finding. The same code serves the embedded runtime and Faust workers."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gridwatch.algorithms.base import Algorithm, DeviceContext, SensorAlgorithm, VisionAlgorithm
from gridwatch.algorithms.registry import plugin_or_none
from gridwatch.config.schema import Camera, District, Sensor
from gridwatch.detect.annotate import draw_evidence, encode_jpeg
from gridwatch.detect.engine import BadFrame, NanoDetDetector, check_frame
from gridwatch.domain.events import Finding
from gridwatch.domain.readings import BadReading, FrameInfo, Reading
from gridwatch.ingest.frames import Frame
from gridwatch.store.evidence import EvidenceStore

log = logging.getLogger(__name__)


@dataclass
class StageStats:
    frames_analysed: int = 0
    bad_frames: int = 0
    findings: int = 0
    readings: int = 0
    bad_readings: int = 0
    errors: Counter[str] = field(default_factory=Counter)


AnyAlgorithm = Algorithm[Any]


def _build(
    algo_cls: type[AnyAlgorithm], district: District, algo_id: str, ctx: DeviceContext
) -> AnyAlgorithm:
    cfg = district.algorithm(algo_id)
    return algo_cls(algo_cls.Params.model_validate(cfg.params), ctx)


class DetectStage:
    def __init__(
        self, district: District, detector: NanoDetDetector, evidence: EvidenceStore
    ) -> None:
        self.district, self.detector, self.evidence = district, detector, evidence
        self.stats = StageStats()
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
        """Analyse one frame. A bad frame is counted and skipped; it never raises."""
        camera = self.district.device(frame.device_id)
        if not isinstance(camera, Camera):
            self.stats.errors["not_a_camera"] += 1
            return []
        try:
            image = check_frame(frame.image)
        except BadFrame as e:
            self.stats.bad_frames += 1
            log.warning("%s frame %d skipped: %s", frame.device_id, frame.seq, e)
            return []
        algos = self.algorithms_for(camera)
        if not algos:
            return []
        detections = self.detector.detect(image)
        self.stats.frames_analysed += 1
        info = FrameInfo(frame.device_id, frame.seq, frame.at, image.shape[1], image.shape[0])
        findings = []
        for algo in algos:
            for f in algo.process(info, detections):
                findings.append(self._with_evidence(f, image))
        self.stats.findings += len(findings)
        return findings

    def _with_evidence(self, f: Finding, image: np.ndarray) -> Finding:
        zone = self._zones.get(f.device_id, {}).get(f.zone_id or "")
        label = f"{f.algorithm} {f.class_name or ''} {f.confidence:.2f}".strip()
        picture = draw_evidence(image, zone.polygon if zone else None, f.box, label)
        key = f"{f.observed_at:%Y%m%d}/{f.device_id}/{f.finding_id}.jpg"
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
