"""Make the INT8 variants of the shipped detectors: ONNX Runtime static quantisation (QDQ,
per-channel weights), calibrated on frames of the dev sets' media.

    python scripts/quantize_models.py [--models nanodet] [--check]

For each model NAME it writes models/NAME_int8.onnx and prints its sha256; the card
models/NAME_int8.md records it. `--check` rebuilds into a temporary folder and compares with the
shipped files instead of writing them. The result is deterministic for one onnxruntime version
(the cards name it): the calibration frames are fixed (below), fed in a fixed order through the
detector's own preprocessing, and MinMax calibration has no randomness. Another onnxruntime
version may place or round the quantisation nodes differently.

Calibration frames: every still under media/ (dog, horses, kite, person, licenseplate_motion)
and every 20th frame of media/vtest.avi (40 frames), i.e. the pictures the labelled `dev` sets
are made of. Activations unsigned 8-bit, weights signed 8-bit per output channel (the U8S8
form x86 VNNI/AMX kernels run fastest).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import onnx
import onnxruntime
from onnx import version_converter
from onnxruntime.quantization import (
    CalibrationDataReader,
    CalibrationMethod,
    QuantFormat,
    QuantType,
    quantize_static,
)
from onnxruntime.quantization.shape_inference import quant_pre_process

from gridwatch.detect.engine import Detector, DetectorSettings, load_detector
from gridwatch.detect.model_cards import MODELS_DIR, model_path
from gridwatch.resources import resource

# Convolutions are nearly all of the cost; quantising the Pad nodes of NanoDet's graph too gives
# them a zero range (scale 0/0) and the model then finds nothing.
OP_TYPES = ["Conv"]
# Convolutions left in float32, per model. YOLOX-Nano quantised whole finds almost nothing
# (dog.jpg: no dog, bicycle, car): its first convolution reads raw 0-255 pixels of the Focus
# stem and its depthwise convolutions have per-channel ranges 8 bits cannot hold; with those 31
# of its 113 convolutions in float32 it keeps its FP32 answers within a few hundredths.
KEEP_FLOAT = {"yolox_nano": ("first", "depthwise")}
# Per-channel DequantizeLinear (its `axis`) needs opset 13; YOLOX's release file is opset 11.
MIN_OPSET = 13
STILLS = ("dog.jpg", "horses.jpg", "kite.jpg", "person.jpg", "licenseplate_motion.jpg")
VIDEO, VIDEO_STEP = "vtest.avi", 20


def calibration_frames() -> Iterator[np.ndarray]:
    for name in STILLS:
        image = cv2.imread(str(resource("media", name)))
        if image is None:
            raise SystemExit(f"media/{name} is missing")
        yield image
    cap = cv2.VideoCapture(str(resource("media", VIDEO)))
    i = 0
    while True:
        ok, image = cap.read()
        if not ok:
            break
        if i % VIDEO_STEP == 0:
            yield image
        i += 1
    cap.release()


class Frames(CalibrationDataReader):
    """The calibration frames as the detector feeds them to its model (letterboxed, normalised)."""

    def __init__(self, detector: Detector) -> None:
        self.name = detector.input_name
        self.blobs = iter([detector.preprocess(f) for f in calibration_frames()])

    def get_next(self) -> dict[str, np.ndarray] | None:
        blob = next(self.blobs, None)
        return None if blob is None else {self.name: blob}


def float_convs(model: onnx.ModelProto, name: str) -> list[str]:
    keep = KEEP_FLOAT.get(name, ())
    convs = [n for n in model.graph.node if n.op_type == "Conv"]
    names = [convs[0].name] if "first" in keep else []
    if "depthwise" in keep:
        names += [n.name for n in convs if any(a.name == "group" and a.i > 1 for a in n.attribute)]
    return names


def quantize(name: str, out: Path) -> str:
    source = model_path(name)
    detector = load_detector(source, DetectorSettings(scales=(1.0,)))
    with tempfile.TemporaryDirectory() as tmp:
        upgraded, prepared = Path(tmp) / "upgraded.onnx", Path(tmp) / "prepared.onnx"
        model = onnx.load(str(source))
        opset = next(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
        if opset < MIN_OPSET:
            model = version_converter.convert_version(model, MIN_OPSET)
        onnx.save(model, str(upgraded))
        # Symbolic shape inference needs sympy, which gridwatch does not depend on; the
        # detectors have static shapes, so ONNX's own shape inference is enough.
        quant_pre_process(upgraded, prepared, skip_symbolic_shape=True)
        quantize_static(
            prepared,
            out,
            Frames(detector),
            quant_format=QuantFormat.QDQ,
            op_types_to_quantize=OP_TYPES,
            nodes_to_exclude=float_convs(model, name),
            per_channel=True,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            calibrate_method=CalibrationMethod.MinMax,
        )
    return hashlib.sha256(out.read_bytes()).hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # yolox_nano quantises too (KEEP_FLOAT) but ran slower than its FP32 file here, so it is
    # not shipped (models/yolox_nano.md); name it to build it anyway.
    ap.add_argument("--models", nargs="+", default=["nanodet"])
    ap.add_argument("--check", action="store_true", help="Compare with the shipped files.")
    args = ap.parse_args()
    print(f"onnxruntime {onnxruntime.__version__}")
    differ = False
    for name in args.models:
        shipped = MODELS_DIR / f"{name}_int8.onnx"
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / shipped.name if args.check else shipped
            digest = quantize(name, out)
            if args.check:
                same = shipped.exists() and out.read_bytes() == shipped.read_bytes()
                differ |= not same
                print(f"{shipped.name}: sha256 {digest} {'same' if same else 'DIFFERS'}")
            else:
                print(f"wrote {shipped}: {shipped.stat().st_size} bytes, sha256 {digest}")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
