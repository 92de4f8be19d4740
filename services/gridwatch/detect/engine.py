"""ONNX Runtime detectors: one session per model per process, shared by every camera.

One interface for every model family the project has decoders for (`model_cards.FAMILIES`):
`detect(frame) -> Detections` in frame pixels, after a class-agnostic NMS with the same
`DetectorSettings`. A family differs only in its preprocessing, its output decoder and how its
boxes map back to the frame. Which family a model is comes from its card (`model_cards.py`).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import ClassVar

import cv2
import numpy as np
import onnxruntime as ort

from gridwatch.detect import centernet, nanodet, yolo
from gridwatch.detect.model_cards import Family, family_of, model_path
from gridwatch.domain.detections import Detections, FloatArray, IntArray, check_scales

log = logging.getLogger(__name__)

Decoded = tuple[FloatArray, FloatArray, IntArray]


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


# A close look at the frame shrunk to half the model input: small detectors misread an object
# that fills the frame (a car beside a low-mounted camera): NanoDet-416 scores the blurred saloon
# of media/licenseplate_motion.jpg 0.11 as a car at full size and 0.65 at half size. Such an
# object is what stands still long enough to matter (parking, lane occupation), so each camera
# gets the extra pass every `close_look_s` seconds, not on every frame: on every frame it halved
# the district's capacity (docs/benchmarks.md).
DEFAULT_SCALES = (1.0, 0.5)
DEFAULT_CLOSE_LOOK_S = 10.0


@dataclass(frozen=True)
class DetectorSettings:
    threshold: float = 0.25
    nms_iou: float = 0.5
    intra_threads: int = 2
    max_detections: int = 100
    # Frame sizes the model looks at, as a share of its input: the first on every analysed
    # frame, the others on a close look. Every pass's boxes are merged by one class-agnostic NMS.
    scales: tuple[float, ...] = DEFAULT_SCALES
    close_look_s: float = DEFAULT_CLOSE_LOOK_S

    def __post_init__(self) -> None:
        check_scales(self.scales)
        if self.close_look_s < 0:
            raise ValueError(f"close_look_s {self.close_look_s} must be ≥ 0")


def model_version(path: Path) -> str:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return f"{path.stem}@{digest}"


def _dim(value: object, default: int) -> int:
    return value if isinstance(value, int) and value > 0 else default


class Detector:
    """A COCO detector on one ONNX Runtime session. Thread-safe: ORT sessions allow concurrent
    run() calls, and preprocessing uses no shared buffers. Subclasses give `family`,
    `preprocess` and `_decode` (boxes x1,y1,x2,y2 in model-input pixels)."""

    family: ClassVar[Family]
    channels_last: ClassVar[bool] = False
    default_hw: ClassVar[tuple[int, int]] = (416, 416)
    PAD: ClassVar[int] = 127  # grey around a shrunk frame: what the model's normalising centres

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
        dims = (inp.shape[1], inp.shape[2]) if self.channels_last else (inp.shape[2], inp.shape[3])
        self.input_hw = (_dim(dims[0], self.default_hw[0]), _dim(dims[1], self.default_hw[1]))
        self.output_names = [o.name for o in self.session.get_outputs()]
        self.output_shapes = [
            tuple(int(d) if isinstance(d, int) else -1 for d in o.shape)
            for o in self.session.get_outputs()
        ]
        self.version = model_version(path)

    def preprocess(self, frame: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _decode(self, outputs: list[np.ndarray], b: int) -> Decoded:
        raise NotImplementedError

    def _to_frame(self, boxes: FloatArray, width: int, height: int) -> FloatArray:
        """Model-input pixels → frame pixels for a stretched (plainly resized) input."""
        mh, mw = self.input_hw
        return boxes * np.array([width / mw, height / mh, width / mw, height / mh], np.float32)

    def passes(self, close_look: bool = True) -> int:
        return len(self.settings.scales) if close_look else 1

    def detect(self, frame: np.ndarray, close_look: bool = True) -> Detections:
        """Detections at every scale (`close_look`) or at the first one only."""
        frame = check_frame(frame)
        height, width = frame.shape[:2]
        parts = []
        for scale in self.settings.scales[: self.passes(close_look)]:
            view = frame if scale == 1.0 else self._shrunk(frame, scale)
            outputs = self.session.run(self.output_names, {self.input_name: self.preprocess(view)})
            boxes, scores, classes = self._decode(outputs, 0)
            boxes = self._to_frame(boxes.astype(np.float32), width, height) / np.float32(scale)
            parts.append((boxes, scores, classes))
        return self._merge(
            np.concatenate([p[0] for p in parts]),
            np.concatenate([p[1] for p in parts]).astype(np.float32),
            np.concatenate([p[2] for p in parts]).astype(np.int64),
            width,
            height,
        )

    def _shrunk(self, frame: np.ndarray, scale: float) -> np.ndarray:
        """The frame at `scale` of its size in the top-left corner of a grey frame-sized canvas:
        the model input then holds the picture at that share, with the same aspect."""
        height, width = frame.shape[:2]
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        canvas = np.full_like(frame, self.PAD)
        canvas[: size[1], : size[0]] = cv2.resize(frame, size, interpolation=cv2.INTER_AREA)
        return canvas

    def _merge(
        self, boxes: FloatArray, scores: FloatArray, classes: IntArray, width: int, height: int
    ) -> Detections:
        s = self.settings
        if len(boxes) == 0:
            return Detections.empty()
        np.clip(boxes, 0, [width, height, width, height], out=boxes)
        xywh = np.concatenate([boxes[:, :2], boxes[:, 2:] - boxes[:, :2]], axis=1)
        # Class-agnostic NMS: models flip one van between car/bus/truck (NanoDet) or report it
        # once per class (CenterNet); keep one box.
        kept = cv2.dnn.NMSBoxes(xywh.tolist(), scores.tolist(), s.threshold, s.nms_iou)
        keep = np.asarray(kept, dtype=np.int64).reshape(-1)[: s.max_detections]
        return Detections(boxes[keep], scores[keep], classes[keep])


class NanoDetDetector(Detector):
    """NanoDet-EfficientNet-Lite (COCO, 416x416): NCHW, RGB, (x - 127) / 128, stretched."""

    family = "nanodet"

    def __init__(self, path: Path, settings: DetectorSettings | None = None) -> None:
        super().__init__(path, settings)
        self.heads = nanodet.build_heads(self.output_shapes, self.input_hw)

    def preprocess(self, frame: np.ndarray) -> np.ndarray:
        h, w = self.input_hw
        # One call does resize, BGR->RGB, mean/scale and HWC->NCHW: (x - 127) / 128.
        blob: np.ndarray = cv2.dnn.blobFromImage(
            frame, scalefactor=1 / 128.0, size=(w, h), mean=(127, 127, 127), swapRB=True
        )
        return blob

    def _decode(self, outputs: list[np.ndarray], b: int) -> Decoded:
        return nanodet.decode(outputs, self.heads, b, self.settings.threshold)


class CenterNetDetector(Detector):
    """MobileNetV3 CenterNet (COCO, 512x512): NHWC, RGB, raw 0-255, stretched; the graph does
    its own decode and top-100 selection (`centernet.py`)."""

    family = "centernet"
    channels_last = True
    default_hw = (512, 512)

    def __init__(self, path: Path, settings: DetectorSettings | None = None) -> None:
        super().__init__(path, settings)
        found = [i for i, s in enumerate(self.output_shapes) if len(s) == 3 and s[2] == 6]
        if len(found) != 1:
            raise ValueError(
                f"not a CenterNet layout: want one [B, K, 6] output, got {self.output_shapes}"
            )
        self.detections_index = found[0]

    def preprocess(self, frame: np.ndarray) -> np.ndarray:
        h, w = self.input_hw
        rgb = cv2.cvtColor(cv2.resize(frame, (w, h)), cv2.COLOR_BGR2RGB)
        return rgb.astype(np.float32)[None]

    def _decode(self, outputs: list[np.ndarray], b: int) -> Decoded:
        return centernet.decode(outputs[self.detections_index], b, self.settings.threshold)


class YoloDetector(Detector):
    """YOLOv5/v7 and YOLOv8/YOLO11 exports (`yolo.py`): NCHW, RGB / 255, letterboxed into the
    input with grey (114) padding on both sides, as the Ultralytics exports are trained."""

    family: ClassVar[Family] = "yolov8"
    default_hw = (640, 640)
    PAD: ClassVar[int] = 114

    def __init__(self, path: Path, settings: DetectorSettings | None = None) -> None:
        super().__init__(path, settings)
        yolo.layout_of(self.output_shapes[0])  # fail at load on an unknown layout

    def _letterbox(self, width: int, height: int) -> tuple[float, int, int, int, int]:
        """Scale, resized width and height, left and top padding."""
        mh, mw = self.input_hw
        scale = min(mw / width, mh / height)
        rw, rh = round(width * scale), round(height * scale)
        return scale, rw, rh, (mw - rw) // 2, (mh - rh) // 2

    def preprocess(self, frame: np.ndarray) -> np.ndarray:
        mh, mw = self.input_hw
        _, rw, rh, left, top = self._letterbox(frame.shape[1], frame.shape[0])
        canvas = np.full((mh, mw, 3), self.PAD, np.uint8)
        canvas[top : top + rh, left : left + rw] = cv2.resize(frame, (rw, rh))
        blob: np.ndarray = cv2.dnn.blobFromImage(canvas, scalefactor=1 / 255.0, swapRB=True)
        return blob

    def _decode(self, outputs: list[np.ndarray], b: int) -> Decoded:
        return yolo.decode(outputs[0], b, self.settings.threshold)

    def _to_frame(self, boxes: FloatArray, width: int, height: int) -> FloatArray:
        scale, _, _, left, top = self._letterbox(width, height)
        return (boxes - np.array([left, top, left, top], np.float32)) / np.float32(scale)


class YoloV5Detector(YoloDetector):
    family: ClassVar[Family] = "yolov5"


DETECTORS: dict[Family, type[Detector]] = {
    "nanodet": NanoDetDetector,
    "centernet": CenterNetDetector,
    "yolov5": YoloV5Detector,
    "yolov8": YoloDetector,
}


def load_detector(path: Path, settings: DetectorSettings | None = None) -> Detector:
    """The detector class of the family named in the model's card."""
    return DETECTORS[family_of(path)](path, settings)


@lru_cache(maxsize=4)
def shared_detector(
    name: str = "nanodet",
    threads: int = 2,
    scales: tuple[float, ...] = DEFAULT_SCALES,
    close_look_s: float = DEFAULT_CLOSE_LOOK_S,
) -> Detector:
    """The process-wide detector for a model: cameras share it instead of loading their own."""
    path = model_path(name)
    log.info(
        "loading detector %s (%s) with %d threads, scales %s every %.0f s",
        path,
        family_of(path),
        threads,
        scales,
        close_look_s,
    )
    settings = DetectorSettings(intra_threads=threads, scales=scales, close_look_s=close_look_s)
    return load_detector(path, settings)
