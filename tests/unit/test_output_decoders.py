"""Output decoders on synthetic tensors: a box put into the layout comes back out."""

from __future__ import annotations

import numpy as np
import pytest

from gridwatch.detect import centernet, yolo

C = 80


def v5_tensor(n: int = 50) -> np.ndarray:
    out = np.zeros((1, n, 5 + C), np.float32)
    out[0, 7, :4] = [100, 80, 40, 20]  # cx, cy, w, h
    out[0, 7, 4] = 0.9  # objectness
    out[0, 7, 5 + 2] = 0.8  # car
    out[0, 9, :4] = [10, 10, 4, 4]
    out[0, 9, 4] = 0.2  # weak object: 0.2 × 0.9 below the threshold
    out[0, 9, 5 + 0] = 0.9
    return out


def test_yolov5_rows_with_objectness_times_class_score():
    boxes, scores, classes = yolo.decode(v5_tensor(), 0, threshold=0.25)
    assert boxes.tolist() == [[80, 70, 120, 90]]
    assert scores[0] == pytest.approx(0.72) and classes.tolist() == [2]


def v8_tensor(n: int = 8400) -> np.ndarray:
    out = np.zeros((1, 4 + C, n), np.float32)
    out[0, :4, 123] = [200, 150, 60, 100]
    out[0, 4 + 7, 123] = 0.66  # truck
    out[0, :4, 5] = [5, 5, 2, 2]
    out[0, 4 + 0, 5] = 0.1
    return out


def test_yolov8_and_yolo11_channels_first():
    boxes, scores, classes = yolo.decode(v8_tensor(), 0, threshold=0.25)
    assert boxes.tolist() == [[170, 100, 230, 200]]
    assert classes.tolist() == [7] and scores[0] == pytest.approx(0.66)


def test_yolov8_transposed_export_gives_the_same_boxes():
    a = yolo.decode(v8_tensor(), 0, 0.25)
    b = yolo.decode(np.ascontiguousarray(v8_tensor().transpose(0, 2, 1)), 0, 0.25)
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def test_batch_index_selects_the_frame():
    t = np.concatenate([np.zeros_like(v8_tensor()), v8_tensor()])
    assert len(yolo.decode(t, 0, 0.25)[0]) == 0 and len(yolo.decode(t, 1, 0.25)[0]) == 1


def test_unknown_layout_is_a_clear_error():
    with pytest.raises(ValueError, match="no YOLO layout"):
        yolo.layout_of((1, 100, 7))
    assert yolo.layout_of((1, 25200, 85)) == "yolov5"
    assert yolo.layout_of((1, 84, 8400)) == "yolov8"


def test_centernet_rows_above_threshold():
    out = np.zeros((1, 100, 6), np.float32)
    out[0, 0] = [10, 20, 110, 220, 0.7, 2.0]
    out[0, 1] = [0, 0, 5, 5, 0.1, 0.0]
    boxes, scores, classes = centernet.decode(out, 0, 0.3)
    assert boxes.tolist() == [[10, 20, 110, 220]] and classes.tolist() == [2]
    assert scores[0] == pytest.approx(0.7)
    with pytest.raises(ValueError):
        centernet.decode(np.zeros((1, 100, 5), np.float32), 0, 0.3)
