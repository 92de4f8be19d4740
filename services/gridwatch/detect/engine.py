"""ONNX Runtime detectors: one session per model per process, shared by every camera.

One interface for every model family the project has decoders for (`model_cards.FAMILIES`):
`detect(frame) -> Detections` in frame pixels, after one NMS per class group with the same
`DetectorSettings`. A family differs only in how it pads, normalises and lays out the
letterboxed frame, and in its output decoder. Which family a model is comes from its card
(`model_cards.py`); the session's real inputs and outputs are checked against that family when
it is loaded, so a card that names the wrong family is refused instead of finding nothing.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import ClassVar

import cv2
import numpy as np
import onnxruntime as ort

from gridwatch.detect import centernet, nanodet, yolo, yolox
from gridwatch.detect.letterbox import Placement
from gridwatch.detect.model_cards import Family, family_of, model_path
from gridwatch.domain.detections import (
    Detections,
    FloatArray,
    IntArray,
    check_scales,
    drop_parts,
    nms_group_of,
)
from gridwatch.domain.slicing import Slicing, tiles

log = logging.getLogger(__name__)

Decoded = tuple[FloatArray, FloatArray, IntArray]


class BadFrame(ValueError):
    """A frame that cannot be analysed (empty, wrong shape or type)."""


class ModelMismatch(ValueError):
    """A model whose inputs or outputs do not fit the family its card declares."""


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
    # One NMS per class group (`domain.detections.NMS_GROUPS`) rather than across all classes.
    nms_by_group: bool = True
    # With `nms_by_group`: a vehicle, two-wheeler or animal box lying this much inside a better
    # box of its group is a part of that object and dropped (1.0: only boxes wholly inside).
    nms_max_cover: float = 0.8
    # Keep the frame's aspect in the model input (pad around it) rather than stretch it.
    letterbox: bool = True
    intra_threads: int = 2
    max_detections: int = 100
    # Frame sizes the model looks at, as a share of its input: the first on every analysed
    # frame, the others on a close look. Every pass's boxes are merged by one NMS.
    scales: tuple[float, ...] = DEFAULT_SCALES
    close_look_s: float = DEFAULT_CLOSE_LOOK_S

    def __post_init__(self) -> None:
        check_scales(self.scales)
        if not 0 < self.nms_max_cover <= 1:
            raise ValueError(f"nms_max_cover {self.nms_max_cover} must be in (0, 1]")
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
    `check_layout`, `normalise` (the letterboxed BGR picture → the input tensor) and `_decode`
    (boxes x1,y1,x2,y2 in model-input pixels)."""

    family: ClassVar[Family]
    channels_last: ClassVar[bool] = False
    default_hw: ClassVar[tuple[int, int]] = (416, 416)
    PAD: ClassVar[int] = 127  # grey around a letterboxed frame: what the normalising centres
    CENTRED: ClassVar[bool] = True  # frame in the middle of the input, else in its top-left

    def __init__(self, path: Path, settings: DetectorSettings | None = None) -> None:
        self.settings = settings or DetectorSettings()
        self.path = path
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = self.settings.intra_threads
        opts.inter_op_num_threads = 1
        self.session = ort.InferenceSession(
            str(path), sess_options=opts, providers=["CPUExecutionProvider"]
        )
        inputs = self.session.get_inputs()
        inp = inputs[0]
        self.input_name = inp.name
        self.input_shape = tuple(d if isinstance(d, int) else -1 for d in inp.shape)
        if len(inputs) != 1 or len(self.input_shape) != 4:
            self._mismatch(
                f"one image input [B, C, H, W] or [B, H, W, C], got "
                f"{[(i.name, i.shape) for i in inputs]}"
            )
        channels = self.input_shape[3] if self.channels_last else self.input_shape[1]
        if channels not in (3, -1):
            layout = "[B, H, W, 3] (NHWC)" if self.channels_last else "[B, 3, H, W] (NCHW)"
            self._mismatch(f"an input {layout}, got {inp.name} {list(inp.shape)}")
        dims = (inp.shape[1], inp.shape[2]) if self.channels_last else (inp.shape[2], inp.shape[3])
        self.input_hw = (_dim(dims[0], self.default_hw[0]), _dim(dims[1], self.default_hw[1]))
        self.output_names = [o.name for o in self.session.get_outputs()]
        self.output_shapes = [
            tuple(int(d) if isinstance(d, int) else -1 for d in o.shape)
            for o in self.session.get_outputs()
        ]
        self.version = model_version(path)

    def _mismatch(self, expected: str) -> None:
        raise ModelMismatch(
            f"{self.path}: its card {self.path.with_suffix('.md').name} declares family "
            f"{self.family!r}, but the model does not fit it: expected {expected}. Correct the "
            f"'| Family |' row of the card (families: {', '.join(DETECTORS)})."
        )

    def placement(self, width: int, height: int) -> Placement:
        mh, mw = self.input_hw
        return Placement.fit(
            width, height, mw, mh, keep_aspect=self.settings.letterbox, centre=self.CENTRED
        )

    def preprocess(self, frame: np.ndarray) -> np.ndarray:
        """The input tensor for one frame: letterboxed (or stretched), then normalised."""
        mh, mw = self.input_hw
        place = self.placement(frame.shape[1], frame.shape[0])
        return self.normalise(place.draw(frame, mw, mh, self.PAD))

    def normalise(self, picture: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _decode(self, outputs: list[np.ndarray], b: int) -> Decoded:
        raise NotImplementedError

    def passes(self, close_look: bool = True) -> int:
        return len(self.settings.scales) if close_look else 1

    def detect(
        self, frame: np.ndarray, close_look: bool = True, slicing: Sequence[Slicing] = ()
    ) -> Detections:
        """Detections at every scale (`close_look`) or at the first one only; a close look also
        runs the tiles of each `slicing` (small objects in a zone's region)."""
        frame = check_frame(frame)
        height, width = frame.shape[:2]
        parts = []
        for scale in self.settings.scales[: self.passes(close_look)]:
            view = frame if scale == 1.0 else self._shrunk(frame, scale)
            boxes, scores, classes = self._run(view)
            parts.append((boxes / np.float32(scale), scores, classes))
        for s in slicing if close_look else ():
            for tile in tiles(s, width, height, max(self.input_hw)):
                parts.append(self._tile(frame, tile))
        return self._merge(
            np.concatenate([p[0] for p in parts]),
            np.concatenate([p[1] for p in parts]).astype(np.float32),
            np.concatenate([p[2] for p in parts]).astype(np.int64),
            width,
            height,
        )

    def _run(self, view: np.ndarray) -> Decoded:
        """One model pass over a picture: its boxes in its own pixels."""
        outputs = self.session.run(self.output_names, {self.input_name: self.preprocess(view)})
        boxes, scores, classes = self._decode(outputs, 0)
        placed = self.placement(view.shape[1], view.shape[0]).to_frame(boxes.astype(np.float32))
        return placed, scores, classes

    def _tile(self, frame: np.ndarray, tile: tuple[int, ...]) -> Decoded:
        """One tile's boxes in frame pixels, without those its inner edges cut: the neighbouring
        tile (they overlap) or the full-frame pass sees such an object whole."""
        x1, y1, x2, y2 = tile
        boxes, scores, classes = self._run(frame[y1:y2, x1:x2])
        height, width = frame.shape[:2]
        margin = 2.0
        cut = np.zeros(len(boxes), dtype=bool)
        if x1 > 0:
            cut |= boxes[:, 0] <= margin
        if y1 > 0:
            cut |= boxes[:, 1] <= margin
        if x2 < width:
            cut |= boxes[:, 2] >= (x2 - x1) - margin
        if y2 < height:
            cut |= boxes[:, 3] >= (y2 - y1) - margin
        offset = np.array([x1, y1, x1, y1], np.float32)
        return boxes[~cut] + offset, scores[~cut], classes[~cut]

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
        if len(boxes) == 0:
            return Detections.empty()
        np.clip(boxes, 0, [width, height, width, height], out=boxes)
        keep = nms(boxes, scores, classes, self.settings)
        return Detections(boxes[keep], scores[keep], classes[keep])


def nms(boxes: FloatArray, scores: FloatArray, classes: IntArray, s: DetectorSettings) -> IntArray:
    """Indices kept by NMS, best first: within each class group (`nms_by_group`), so one object
    whose class flips inside its group keeps one box while a person on a bicycle keeps both,
    and parts of a solid object boxed on their own are dropped; or across all classes."""
    xywh = np.concatenate([boxes[:, :2], boxes[:, 2:] - boxes[:, :2]], axis=1).tolist()
    groups = nms_group_of(classes)
    if s.nms_by_group:
        kept = cv2.dnn.NMSBoxesBatched(
            xywh, scores.tolist(), groups.tolist(), s.threshold, s.nms_iou
        )
    else:
        kept = cv2.dnn.NMSBoxes(xywh, scores.tolist(), s.threshold, s.nms_iou)
    keep = np.asarray(kept, dtype=np.int64).reshape(-1)
    keep = keep[np.argsort(-scores[keep], kind="stable")]
    if s.nms_by_group:
        keep = keep[drop_parts(boxes[keep], groups[keep], s.nms_max_cover)]
    out: IntArray = keep[: s.max_detections]
    return out


class NanoDetDetector(Detector):
    """NanoDet-EfficientNet-Lite (COCO, 416x416): NCHW, RGB, (x - 127) / 128, letterboxed in
    the middle of the input (upstream `keep_ratio: True`); pad 127 normalises to 0."""

    family = "nanodet"

    def __init__(self, path: Path, settings: DetectorSettings | None = None) -> None:
        super().__init__(path, settings)
        try:
            self.heads = nanodet.build_heads(self.output_shapes, self.input_hw)
        except ValueError as e:
            self._mismatch(f"per stride 8/16/32 one scores and one box output ({e})")

    def normalise(self, picture: np.ndarray) -> np.ndarray:
        # One call does BGR->RGB, mean/scale and HWC->NCHW: (x - 127) / 128.
        blob: np.ndarray = cv2.dnn.blobFromImage(
            picture, scalefactor=1 / 128.0, mean=(127, 127, 127), swapRB=True
        )
        return blob

    def _decode(self, outputs: list[np.ndarray], b: int) -> Decoded:
        return nanodet.decode(outputs, self.heads, b, self.settings.threshold)


class CenterNetDetector(Detector):
    """MobileNetV3 CenterNet (COCO, 512x512): NHWC, RGB, raw 0-255, letterboxed; the graph does
    its own decode and top-100 selection (`centernet.py`)."""

    family = "centernet"
    channels_last = True
    default_hw = (512, 512)

    def __init__(self, path: Path, settings: DetectorSettings | None = None) -> None:
        super().__init__(path, settings)
        found = [i for i, s in enumerate(self.output_shapes) if len(s) == 3 and s[2] == 6]
        if len(found) != 1:
            self._mismatch(f"one [B, K, 6] detections output, got {self.output_shapes}")
        self.detections_index = found[0]

    def normalise(self, picture: np.ndarray) -> np.ndarray:
        rgb = cv2.cvtColor(picture, cv2.COLOR_BGR2RGB)
        return rgb.astype(np.float32)[None]

    def _decode(self, outputs: list[np.ndarray], b: int) -> Decoded:
        return centernet.decode(outputs[self.detections_index], b, self.settings.threshold)


class YoloDetector(Detector):
    """YOLOv8/YOLO11 exports (`yolo.py`): NCHW, RGB / 255, letterboxed into the middle of the
    input with grey (114) padding, as the Ultralytics exports are trained. Anchor-free: one
    candidate per grid cell of the strides 8/16/32, channels [4 + C]."""

    family: ClassVar[Family] = "yolov8"
    default_hw = (640, 640)
    PAD: ClassVar[int] = 114
    ANCHORS: ClassVar[int] = 1

    def __init__(self, path: Path, settings: DetectorSettings | None = None) -> None:
        super().__init__(path, settings)
        self._check_candidates()

    def _check_candidates(self) -> None:
        cells = yolox.cells_of(self.input_hw)
        want = self.ANCHORS * cells
        layout = "[B, N, 5 + C]" if self.family == "yolov5" else "[B, 4 + C, N]"
        expected = (
            f"one output {layout} with N = {want} candidates for a {self.input_hw[1]}x"
            f"{self.input_hw[0]} input ({self.ANCHORS} per cell of the strides 8/16/32)"
        )
        if len(self.output_shapes) != 1:
            self._mismatch(f"{expected}, got {len(self.output_shapes)} outputs")
        shape = self.output_shapes[0]
        try:
            found = yolo.layout_of(shape)
        except ValueError:
            self._mismatch(f"{expected}, got {list(shape)}")
        n = shape[1] if found == "yolov5" or shape[2] == 84 else shape[2]
        p6 = self.ANCHORS * yolox.cells_of(self.input_hw, yolox.STRIDES_P6)
        if found != self.family or (n > 0 and n not in (want, p6)):
            hint = ""
            if n == cells and found == "yolov5":
                hint = " (one row per cell with objectness is the raw YOLOX head: family yolox)"
            self._mismatch(f"{expected}, got {list(shape)}{hint}")

    def normalise(self, picture: np.ndarray) -> np.ndarray:
        blob: np.ndarray = cv2.dnn.blobFromImage(picture, scalefactor=1 / 255.0, swapRB=True)
        return blob

    def _decode(self, outputs: list[np.ndarray], b: int) -> Decoded:
        return yolo.decode(outputs[0], b, self.settings.threshold)


class YoloV5Detector(YoloDetector):
    """YOLOv5/v7 exports: as YOLOv8 but three anchors per cell and an objectness column."""

    family: ClassVar[Family] = "yolov5"
    ANCHORS: ClassVar[int] = 3


class YoloxDetector(Detector):
    """YOLOX (Megvii) exports with the raw head (`yolox.py`): NCHW, **BGR, raw 0-255** (no
    normalisation), letterboxed into the input's top-left corner with grey 114, as upstream's
    `preproc` does."""

    family: ClassVar[Family] = "yolox"
    PAD: ClassVar[int] = 114
    CENTRED: ClassVar[bool] = False

    def __init__(self, path: Path, settings: DetectorSettings | None = None) -> None:
        super().__init__(path, settings)
        shape = self.output_shapes[0] if len(self.output_shapes) == 1 else ()
        strides = (
            yolox.strides_for(shape[1], self.input_hw)
            if len(shape) == 3 and shape[2] == 85
            else None
        )
        if strides is None:
            h, w = self.input_hw
            self._mismatch(
                f"one output [B, N, 85] with one row per cell of the strides 8/16/32 "
                f"(N = {yolox.cells_of(self.input_hw)} for a {w}x{h} input), got "
                f"{self.output_shapes}"
            )
        self.cells, self.strides = yolox.grid(self.input_hw, strides)  # type: ignore[arg-type]

    def normalise(self, picture: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(picture.transpose(2, 0, 1)[None], dtype=np.float32)

    def _decode(self, outputs: list[np.ndarray], b: int) -> Decoded:
        return yolox.decode(outputs[0], self.cells, self.strides, b, self.settings.threshold)


DETECTORS: dict[Family, type[Detector]] = {
    "nanodet": NanoDetDetector,
    "centernet": CenterNetDetector,
    "yolov5": YoloV5Detector,
    "yolov8": YoloDetector,
    "yolox": YoloxDetector,
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
