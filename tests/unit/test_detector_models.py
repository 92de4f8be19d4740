"""Every model family behind one detector interface: the real CenterNet and NanoDet models on real
pictures, a YOLO export (a tiny generated ONNX graph) through letterboxing, and the registry that
picks the family from the model card."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import cv2
import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper
from pydantic import ValidationError

from gridwatch.config.schema import AlgorithmsFile
from gridwatch.detect.engine import (
    CenterNetDetector,
    Detector,
    DetectorSettings,
    ModelMismatch,
    NanoDetDetector,
    YoloDetector,
    YoloV5Detector,
    YoloxDetector,
    load_detector,
    shared_detector,
)
from gridwatch.detect.model_cards import family_of, model_names, model_path
from gridwatch.domain.detections import CLASS_ID, MOTOR_VEHICLES, box_iou
from tests.conftest import MEDIA


def picture(name: str) -> np.ndarray:
    image = cv2.imread(str(MEDIA / name))
    assert image is not None
    return image


def labelled_box(image: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    h, w = image.shape[:2]
    return np.array([box], np.float32) * np.array([w, h, w, h], np.float32)


@pytest.fixture(scope="module")
def centernet() -> Detector:
    return shared_detector("centernet", 2)


def test_the_model_card_picks_the_detector_class():
    assert {"centernet", "nanodet", "yolox_nano"} <= set(model_names())
    assert isinstance(shared_detector("nanodet", 2), NanoDetDetector)
    assert isinstance(shared_detector("centernet", 2), CenterNetDetector)


def test_centernet_sees_the_motion_blurred_saloon_as_a_car(centernet: Detector):
    image = picture("licenseplate_motion.jpg")
    vehicles = centernet.detect(image, close_look=False).of_classes(MOTOR_VEHICLES)
    assert vehicles.class_id[0] == CLASS_ID["car"] and vehicles.confidence[0] > 0.5
    # The box a person drew around the car (datasets/lane_occupation/labels.yaml).
    truth = labelled_box(image, (0.03, 0.0, 0.97, 0.85))
    assert box_iou(truth, vehicles.xyxy[:1])[0, 0] > 0.5


def test_centernet_on_the_porch_finds_the_pickup_the_bicycle_and_the_dog(centernet: Detector):
    image = picture("dog.jpg")
    d = centernet.detect(image, close_look=False)
    assert {CLASS_ID["bicycle"], CLASS_ID["dog"]} <= set(d.class_id.tolist())
    vehicles = d.of_classes(MOTOR_VEHICLES)
    pickup = labelled_box(image, (0.61, 0.13, 0.89, 0.30))
    assert len(vehicles) == 1 and box_iou(pickup, vehicles.xyxy)[0, 0] > 0.5
    # In frame pixels, inside the frame, and one box per object whatever its class
    # (CenterNet reports its peaks per class: class-agnostic NMS keeps one).
    h, w = image.shape[:2]
    assert (d.xyxy >= 0).all() and (d.xyxy[:, [0, 2]] <= w).all() and (d.xyxy[:, [1, 3]] <= h).all()
    overlaps = box_iou(d.xyxy, d.xyxy) - np.eye(len(d))
    assert overlaps.max() <= centernet.settings.nms_iou


def test_nanodet_keeps_its_answers_on_the_sample_pictures():
    d = shared_detector("nanodet", 2).detect(picture("dog.jpg"), close_look=False)
    found = [(int(c), round(float(s), 2)) for c, s in zip(d.class_id, d.confidence, strict=True)]
    # Letterboxed, as models/nanodet.md measured; the bicycle's wheel and frame, boxed on
    # their own as "bicycle" 0.40 and 0.28, lie inside the bicycle's box and are dropped.
    assert found == [
        (CLASS_ID["bicycle"], 0.67),
        (CLASS_ID["dog"], 0.67),
        (CLASS_ID["car"], 0.46),
        (CLASS_ID["bench"], 0.34),
    ]
    blurred = shared_detector("nanodet", 2).detect(
        picture("licenseplate_motion.jpg"), close_look=False
    )
    assert len(blurred.of_classes(MOTOR_VEHICLES)) == 0  # its miss at full size (models/nanodet.md)


def test_a_close_look_lets_nanodet_see_a_car_that_fills_the_frame():
    image = picture("licenseplate_motion.jpg")
    vehicles = shared_detector("nanodet", 2).detect(image).of_classes(MOTOR_VEHICLES)
    best = int(vehicles.confidence.argmax())
    assert vehicles.class_id[best] == CLASS_ID["car"] and vehicles.confidence[best] > 0.35
    truth = labelled_box(image, (0.03, 0.0, 0.97, 0.85))
    assert box_iou(truth, vehicles.xyxy[best : best + 1])[0, 0] > 0.5
    # The porch picture keeps its bicycle, dog and (one) pickup.
    porch = picture("dog.jpg")
    d = shared_detector("nanodet", 2).detect(porch)
    assert {CLASS_ID["bicycle"], CLASS_ID["dog"]} <= set(d.class_id.tolist())
    pickup = labelled_box(porch, (0.61, 0.13, 0.89, 0.30))
    assert (box_iou(pickup, d.of_classes(MOTOR_VEHICLES).xyxy)[0] > 0.5).sum() == 1


def test_detector_scales_are_checked():
    with pytest.raises(ValueError, match="scales"):
        DetectorSettings(scales=())
    with pytest.raises(ValueError, match="scales"):
        DetectorSettings(scales=(1.0, 2.0))
    with pytest.raises(ValidationError, match="detector_scales"):
        AlgorithmsFile.model_validate({"detector_scales": [1.0, 0.0], "algorithms": []})


def tiny_yolo(directory: Path, family: str, output: np.ndarray) -> Path:
    """A 96×96 'YOLO export' whose output is a constant tensor: decode and letterbox tested on
    a real ONNX Runtime session without shipping a YOLO model. At 96 px the strides 8/16/32
    give 189 grid cells: YOLOv8 and YOLOX have one candidate per cell, YOLOv5 three."""
    const = numpy_helper.from_array(output.astype(np.float32), "rows")
    graph = helper.make_graph(
        [
            helper.make_node("ReduceMean", ["images"], ["mean"], keepdims=0),
            helper.make_node("Mul", ["mean", "zero"], ["nothing"]),
            helper.make_node("Add", ["rows", "nothing"], ["output0"]),
        ],
        "tiny",
        [helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, 96, 96])],
        [helper.make_tensor_value_info("output0", TensorProto.FLOAT, list(output.shape))],
        [const, numpy_helper.from_array(np.array(0, np.float32), "zero")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    path = directory / f"tiny_{family}.onnx"
    onnx.save(model, str(path))
    path.with_suffix(".md").write_text(f"| | |\n|---|---|\n| Family | `{family}` |\n")
    return path


def test_a_yolov8_export_is_letterboxed_and_mapped_back_to_the_frame(tmp_path: Path):
    rows = np.zeros((1, 84, 189), np.float32)
    rows[0, :4, 3] = [48, 48, 30, 15]  # cx, cy, w, h in the 96-px input
    rows[0, 4 + CLASS_ID["bus"], 3] = 0.8
    rows[0, :4, 4] = [49, 48, 30, 15]  # the same bus as a truck, weaker: NMS drops it
    rows[0, 4 + CLASS_ID["truck"], 4] = 0.5
    detector = load_detector(tiny_yolo(tmp_path, "yolov8", rows))
    assert isinstance(detector, YoloDetector) and detector.input_hw == (96, 96)
    frame = np.zeros((96, 192, 3), np.uint8)  # 2:1 → scale 0.5, 24 px of padding above
    d = detector.detect(frame, close_look=False)
    assert d.class_id.tolist() == [CLASS_ID["bus"]]
    np.testing.assert_allclose(d.xyxy, [[66, 33, 126, 63]], atol=1e-4)


def test_a_yolov5_export_by_its_card(tmp_path: Path):
    rows = np.zeros((1, 3 * 189, 85), np.float32)
    rows[0, 2, :5] = [48, 48, 96, 48, 0.9]
    rows[0, 2, 5 + CLASS_ID["car"]] = 0.9
    detector = load_detector(tiny_yolo(tmp_path, "yolov5", rows))
    assert isinstance(detector, YoloV5Detector)
    d = detector.detect(np.zeros((96, 96, 3), np.uint8), close_look=False)
    assert d.class_id.tolist() == [CLASS_ID["car"]]
    np.testing.assert_allclose(d.xyxy, [[0, 24, 96, 72]], atol=1e-4)
    # A close look also runs the frame shrunk to half in the input's top-left corner: the same
    # model-input box is twice as large in the frame (clipped to it); IoU 0.33 keeps both.
    both = detector.detect(np.zeros((96, 96, 3), np.uint8))
    got = sorted(both.xyxy.round(3).tolist())
    assert got == [[0, 24, 96, 72], [0, 48, 96, 96]] and detector.passes() == 2


def test_a_model_without_a_family_in_its_card_is_refused(tmp_path: Path):
    path = tmp_path / "mystery.onnx"
    path.write_bytes(b"")
    with pytest.raises(ValueError, match="no model card"):
        family_of(path)
    path.with_suffix(".md").write_text("| Family | `ssd` |\n")
    with pytest.raises(ValueError, match="no decoder"):
        family_of(path)


def test_the_district_detector_must_be_a_model_that_exists():
    assert AlgorithmsFile(detector="centernet", algorithms=[]).detector == "centernet"
    with pytest.raises(ValidationError, match="models/ holds centernet, nanodet"):
        AlgorithmsFile(detector="yolov8n", algorithms=[])


def test_yolox_decodes_its_raw_head_by_grid_cell_and_stride(tmp_path: Path):
    rows = np.zeros((1, 189, 85), np.float32)  # 96 px: 144 + 36 + 9 cells
    cell = 144 + 1 * 6 + 2  # stride 16, row 1, column 2
    rows[0, cell, :5] = [0.5, 0.5, np.log(2.0), 0.0, 0.9]  # centre of the cell, 2×1 cells
    rows[0, cell, 5 + CLASS_ID["car"]] = 0.8
    detector = load_detector(tiny_yolo(tmp_path, "yolox", rows), DetectorSettings(scales=(1.0,)))
    assert isinstance(detector, YoloxDetector)
    d = detector.detect(np.zeros((96, 96, 3), np.uint8))
    assert d.class_id.tolist() == [CLASS_ID["car"]]
    np.testing.assert_allclose(d.confidence, [0.72], atol=1e-6)  # objectness × class score
    np.testing.assert_allclose(d.xyxy, [[24, 16, 56, 32]], atol=1e-4)
    # A 2:1 frame sits in the input's top-left corner, as upstream's preproc puts it.
    wide = detector.detect(np.zeros((96, 192, 3), np.uint8))
    np.testing.assert_allclose(wide.xyxy, [[48, 32, 112, 64]], atol=1e-4)


def test_yolox_nano_finds_the_porch_pickup_bicycle_and_dog():
    yolox = shared_detector("yolox_nano", 2)
    assert isinstance(yolox, YoloxDetector)
    image = picture("dog.jpg")
    d = yolox.detect(image, close_look=False)
    assert {CLASS_ID["bicycle"], CLASS_ID["dog"]} <= set(d[d.confidence > 0.5].class_id.tolist())
    pickup = labelled_box(image, (0.61, 0.13, 0.89, 0.30))
    vehicles = d.of_classes(MOTOR_VEHICLES)
    assert len(vehicles) == 1 and box_iou(pickup, vehicles.xyxy)[0, 0] > 0.5


def declared(tmp_path: Path, model: str, family: str) -> Path:
    """A shipped model under a card that declares `family`."""
    path = tmp_path / f"{model}.onnx"
    path.symlink_to(model_path(model))
    path.with_suffix(".md").write_text(f"| Family | `{family}` |\n")
    return path


@pytest.mark.parametrize(
    ("model", "family", "why"),
    [
        ("yolox_nano", "yolov5", "raw YOLOX head: family yolox"),
        ("yolox_nano", "yolov8", r"\[B, 4 \+ C, N\]"),
        ("yolox_nano", "nanodet", "per stride 8/16/32 one scores and one box output"),
        ("yolox_nano", "centernet", r"\[B, H, W, 3\]"),
        ("nanodet", "yolox", r"one output \[B, N, 85\]"),
        ("nanodet", "centernet", r"\[B, H, W, 3\]"),
        ("centernet", "nanodet", r"\[B, 3, H, W\]"),
        ("centernet", "yolov8", r"\[B, 3, H, W\]"),
    ],
)
def test_a_card_that_names_the_wrong_family_is_refused_at_load(
    tmp_path: Path, model: str, family: str, why: str
):
    with pytest.raises(ModelMismatch, match=f"declares family '{family}'.*{why}"):
        load_detector(declared(tmp_path, model, family))


def test_tiny_exports_of_the_wrong_yolo_family_are_refused(tmp_path: Path):
    v8 = np.zeros((1, 84, 189), np.float32)
    with pytest.raises(ModelMismatch, match="declares family 'yolov5'"):
        load_detector(tiny_yolo(tmp_path, "yolov5", v8))
    v5 = np.zeros((1, 3 * 189, 85), np.float32)
    with pytest.raises(ModelMismatch, match="declares family 'yolox'"):
        load_detector(tiny_yolo(tmp_path, "yolox", v5))
    with pytest.raises(ModelMismatch, match="declares family 'yolov8'"):
        load_detector(tiny_yolo(tmp_path, "yolov8", v5))


@pytest.mark.parametrize("name", model_names())
def test_every_shipped_model_is_the_file_its_card_names(name: str):
    path = model_path(name)
    card = path.with_suffix(".md").read_text(encoding="utf-8")
    digest = re.search(r"^\| sha256 \| `([0-9a-f]{64})`", card, re.MULTILINE)
    size = re.search(r"^\| File \| `models/[\w.]+`, ([\d ]+) bytes", card, re.MULTILINE)
    assert digest and size, f"{path.name}: its card needs File (bytes) and sha256 rows"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest.group(1)
    assert path.stat().st_size == int(size.group(1).replace(" ", ""))


def test_nanodet_int8_keeps_the_fp32_answers_on_the_porch():
    fp32 = shared_detector("nanodet", 2).detect(picture("dog.jpg"), close_look=False)
    int8 = shared_detector("nanodet_int8", 2).detect(picture("dog.jpg"), close_look=False)
    assert int8.class_id.tolist() == fp32.class_id.tolist()
    np.testing.assert_allclose(int8.confidence, fp32.confidence, atol=0.03)
    assert (box_iou(int8.xyxy, fp32.xyxy).diagonal() > 0.9).all()
