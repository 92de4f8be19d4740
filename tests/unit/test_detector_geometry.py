"""Letterboxing (frame ↔ model input, both ways) and NMS by class group, on synthetic frames
and boxes, and through a real ONNX Runtime session."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from gridwatch.detect.engine import DetectorSettings, load_detector, nms
from gridwatch.detect.letterbox import Placement
from gridwatch.domain.detections import CLASS_ID, nms_group_of
from gridwatch.domain.slicing import Slicing, tiles


def test_a_wide_frame_is_letterboxed_in_the_middle_and_its_boxes_map_back_exactly():
    place = Placement.fit(640, 272, 416, 416)  # bikes.mp4: 2.35:1
    assert (place.width, place.height) == (416, 177)
    assert (place.left, place.top) == (0, 119)
    frame_boxes = np.array([[0, 0, 640, 272], [100.5, 50, 300, 200]], np.float32)
    model_boxes = place.to_model(frame_boxes)
    np.testing.assert_allclose(model_boxes[0], [0, 119, 416, 296], atol=1e-3)
    np.testing.assert_allclose(place.to_frame(model_boxes), frame_boxes, atol=1e-3)


def test_the_letterboxed_picture_holds_the_frame_where_the_placement_says():
    frame = np.zeros((300, 600, 3), np.uint8)
    frame[100:200, 200:400] = 255  # a white block, a third of the width, a third of the height
    place = Placement.fit(600, 300, 64, 64)
    picture = place.draw(frame, 64, 64, pad=127)
    assert picture.shape == (64, 64, 3)
    assert (picture[:16] == 127).all() and (picture[48:] == 127).all()  # padding above, below
    white = np.argwhere(picture[..., 0] > 200)
    block = place.to_model(np.array([[200, 100, 400, 200]], np.float32))[0]
    assert white[:, 1].min() >= block[0] - 1 and white[:, 1].max() <= block[2]
    assert white[:, 0].min() >= block[1] - 1 and white[:, 0].max() <= block[3]


def test_top_left_placement_and_stretch_map_back_too():
    corner = Placement.fit(768, 576, 416, 416, centre=False)
    assert (corner.left, corner.top, corner.width, corner.height) == (0, 0, 416, 312)
    stretch = Placement.fit(768, 576, 416, 416, keep_aspect=False)
    assert (stretch.width, stretch.height) == (416, 416)
    boxes = np.array([[10, 20, 700, 500]], np.float32)
    for place in (corner, stretch):
        np.testing.assert_allclose(place.to_frame(place.to_model(boxes)), boxes, atol=1e-3)


def test_vehicle_classes_share_an_nms_group_and_persons_have_their_own():
    ids = np.array([CLASS_ID[n] for n in ("car", "bus", "truck", "bicycle", "motorcycle")])
    groups = nms_group_of(np.append(ids, [CLASS_ID["person"], CLASS_ID["bench"]]))
    assert groups[0] == groups[1] == groups[2]
    assert groups[3] == groups[4] != groups[0]
    assert len(set(groups[4:].tolist())) == 3


def overlapping() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    boxes = np.array(
        [
            [100, 100, 200, 160],  # a van seen as truck
            [102, 101, 203, 161],  # the same van as bus, weaker
            [120, 60, 160, 160],  # a person beside it, overlapping it
            [118, 100, 170, 160],  # a bicycle the person rides
            [300, 300, 340, 400],  # someone else
        ],
        np.float32,
    )
    scores = np.array([0.6, 0.5, 0.9, 0.7, 0.8], np.float32)
    classes = np.array([CLASS_ID[n] for n in ("truck", "bus", "person", "bicycle", "person")])
    return boxes, scores, classes


def test_nms_by_group_keeps_one_box_per_vehicle_and_the_rider_with_the_bicycle():
    boxes, scores, classes = overlapping()
    keep = nms(boxes, scores, classes, DetectorSettings(nms_iou=0.5, nms_by_group=True))
    assert sorted(keep.tolist()) == [0, 2, 3, 4]  # the bus box of the van is gone
    assert keep.tolist() == sorted(keep.tolist(), key=lambda i: -scores[i])  # best first
    # Across all classes the rider suppresses the bicycle (IoU 0.51).
    agnostic = nms(boxes, scores, classes, DetectorSettings(nms_iou=0.4, nms_by_group=False))
    assert 3 not in agnostic.tolist() and 1 not in agnostic.tolist()


def test_a_part_of_a_bicycle_boxed_on_its_own_is_dropped_but_a_person_behind_one_is_not():
    boxes = np.array(
        [
            [100, 100, 300, 250],  # a bicycle
            [110, 180, 170, 250],  # its front wheel, called a bicycle too
            [400, 50, 500, 300],  # a man
            [430, 120, 460, 200],  # a child further back, wholly inside his box
        ],
        np.float32,
    )
    scores = np.array([0.67, 0.40, 0.8, 0.5], np.float32)
    classes = np.array([CLASS_ID[n] for n in ("bicycle", "bicycle", "person", "person")])
    keep = nms(boxes, scores, classes, DetectorSettings())
    assert sorted(keep.tolist()) == [0, 2, 3]


def constant_yolov8(directory: Path, rows: np.ndarray) -> Path:
    """A 96×96 YOLOv8-layout model whose output is a constant: decode + letterbox on a real
    ONNX Runtime session."""
    graph = helper.make_graph(
        [
            helper.make_node("ReduceMean", ["images"], ["mean"], keepdims=0),
            helper.make_node("Mul", ["mean", "zero"], ["nothing"]),
            helper.make_node("Add", ["rows", "nothing"], ["output0"]),
        ],
        "tiny",
        [helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, 96, 96])],
        [helper.make_tensor_value_info("output0", TensorProto.FLOAT, list(rows.shape))],
        [
            numpy_helper.from_array(rows.astype(np.float32), "rows"),
            numpy_helper.from_array(np.array(0, np.float32), "zero"),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    path = directory / "tiny.onnx"
    onnx.save(model, str(path))
    path.with_suffix(".md").write_text("| Family | `yolov8` |\n")
    return path


def test_the_engine_maps_a_model_box_back_onto_a_wide_frame(tmp_path: Path):
    rows = np.zeros((1, 84, 189), np.float32)  # 189 cells of the strides 8/16/32 at 96 px
    rows[0, :4, 5] = [48, 48, 16, 8]  # cx, cy, w, h in the 96-px input
    rows[0, 4 + CLASS_ID["car"], 5] = 0.9
    path = constant_yolov8(tmp_path, rows)
    frame = np.zeros((96, 384, 3), np.uint8)  # 4:1 → scale 0.25, 36 px of padding above
    letterboxed = load_detector(path, DetectorSettings(scales=(1.0,))).detect(frame)
    np.testing.assert_allclose(letterboxed.xyxy, [[160, 32, 224, 64]], atol=1e-3)
    stretched = load_detector(path, DetectorSettings(scales=(1.0,), letterbox=False))
    np.testing.assert_allclose(stretched.detect(frame).xyxy, [[160, 44, 224, 52]], atol=1e-3)


def test_tiles_cover_the_region_overlap_and_stay_within_their_budget():
    s = Slicing((0.25, 0.5, 1.0, 1.0), tile_px=0, overlap=0.2, max_tiles=6)
    got = tiles(s, 1920, 1080, 416)  # a 1440×540 region
    assert len(got) <= 6
    assert min(t[0] for t in got) == 480 and max(t[2] for t in got) == 1920
    assert min(t[1] for t in got) == 540 and max(t[3] for t in got) == 1080
    xs = sorted({(t[0], t[2]) for t in got})
    assert all(a[1] > b[0] for a, b in itertools.pairwise(xs))  # neighbours overlap
    small = tiles(Slicing((0, 0, 1, 1), tile_px=200, max_tiles=20), 548, 342, 416)
    assert {t[2] - t[0] for t in small} == {200} and len(small) == 8


def test_a_sliced_close_look_maps_each_tiles_boxes_into_the_frame(tmp_path: Path):
    rows = np.zeros((1, 84, 189), np.float32)
    rows[0, :4, 5] = [48, 48, 16, 8]  # a car in the middle of whatever the model is shown
    rows[0, 4 + CLASS_ID["car"], 5] = 0.9
    detector = load_detector(constant_yolov8(tmp_path, rows), DetectorSettings(scales=(1.0,)))
    frame = np.zeros((96, 192, 3), np.uint8)
    halves = Slicing((0, 0, 1, 1), tile_px=96, overlap=0.0, max_tiles=2)
    d = detector.detect(frame, close_look=True, slicing=(halves,))
    got = sorted(d.xyxy.round(3).tolist())
    # The full frame letterboxed at scale 0.5, then each 96-px tile at scale 1.
    assert got == [[40, 44, 56, 52], [80, 40, 112, 56], [136, 44, 152, 52]]
    assert len(detector.detect(frame, close_look=False, slicing=(halves,))) == 1
