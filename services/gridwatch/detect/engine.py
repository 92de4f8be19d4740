"""ONNX Runtime detector: one session per model per process, shared by every camera."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort

from gridwatch.detect import nanodet
from gridwatch.domain.detections import Detections

log = logging.getLogger(__name__)

MODELS_DIR = Path(__file__).resolve().parents[3] / "models"


class BadFrame(ValueError):
    """A frame that cannot be analysed (empty, wrong shape or type)."""


def check_frame(frame: object) -> np.ndarray:
    if not isinstance(frame, np.ndarray):
        raise BadFrame(f"frame is {type(frame).__name__}, not an image array")
    if frame.ndim != 3 or frame.shape[2] != 3 or frame.shape[0] < 8 or frame.shape[1] < 8:
        raise BadFrame(f"frame shape {frame.shape} is not a BGR image")
    if frame.dtype != np.uint8:
        raise BadFrame(f"frame dtype {frame.dtype} is not uint8")
    return frame


@dataclass(frozen=True)
class DetectorSettings:
    threshold: float = 0.25
    nms_iou: float = 0.5
    intra_threads: int = 2
    max_detections: int = 100


def model_path(name: str) -> Path:
    path = Path(name)
    if path.suffix != ".onnx":
        path = MODELS_DIR / f"{name}.onnx"
    if not path.exists():
        raise FileNotFoundError(f"model {path} not found (see models/README.md)")
    return path


def model_version(path: Path) -> str:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return f"{path.stem}@{digest}"


class NanoDetDetector:
    """NanoDet-EfficientNet-Lite (COCO, 416x416). Thread-safe: ORT sessions allow concurrent
    run() calls, and preprocessing uses no shared buffers."""

    def __init__(self, path: Path, settings: DetectorSettings | None = None) -> None:
        self.settings = settings or DetectorSettings()
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = self.settings.intra_threads
        opts.inter_op_num_threads = 1
        self.session = ort.InferenceSession(
            str(path), sess_options=opts, providers=["CPUExecutionProvider"]
        )
        inp = self.session.get_inputs()[0]
        self.input_name = inp.name
        self.input_hw = (int(inp.shape[2]), int(inp.shape[3]))
        self.output_names = [o.name for o in self.session.get_outputs()]
        shapes = [
            tuple(int(d) if isinstance(d, int) else -1 for d in o.shape)
            for o in self.session.get_outputs()
        ]
        self.heads = nanodet.build_heads(shapes, self.input_hw)
        self.version = model_version(path)

    def preprocess(self, frame: np.ndarray) -> np.ndarray:
        h, w = self.input_hw
        # One call does resize, BGR->RGB, mean/scale and HWC->NCHW: (x - 127) / 128.
        blob: np.ndarray = cv2.dnn.blobFromImage(
            frame, scalefactor=1 / 128.0, size=(w, h), mean=(127, 127, 127), swapRB=True
        )
        return blob

    def detect(self, frame: np.ndarray) -> Detections:
        frame = check_frame(frame)
        outputs = self.session.run(self.output_names, {self.input_name: self.preprocess(frame)})
        return self._postprocess(outputs, 0, frame.shape[1], frame.shape[0])

    def _postprocess(
        self, outputs: list[np.ndarray], b: int, width: int, height: int
    ) -> Detections:
        s = self.settings
        boxes, scores, classes = nanodet.decode(outputs, self.heads, b, s.threshold)
        if len(boxes) == 0:
            return Detections.empty()
        mh, mw = self.input_hw
        boxes *= np.array([width / mw, height / mh, width / mw, height / mh], dtype=np.float32)
        np.clip(boxes, 0, [width, height, width, height], out=boxes)
        xywh = np.concatenate([boxes[:, :2], boxes[:, 2:] - boxes[:, :2]], axis=1)
        # Class-agnostic NMS: the model flips one van between car/bus/truck; keep one box.
        kept = cv2.dnn.NMSBoxes(xywh.tolist(), scores.tolist(), s.threshold, s.nms_iou)
        keep = np.asarray(kept, dtype=np.int64).reshape(-1)[: s.max_detections]
        return Detections(boxes[keep], scores[keep], classes[keep])


@lru_cache(maxsize=4)
def shared_detector(name: str = "nanodet", threads: int = 2) -> NanoDetDetector:
    """The process-wide detector for a model: cameras share it instead of loading their own."""
    path = model_path(name)
    log.info("loading detector %s with %d threads", path, threads)
    return NanoDetDetector(path, DetectorSettings(intra_threads=threads))
