"""Decoders for YOLO-family ONNX exports, so another COCO detector can replace NanoDet.

Accepted output layouts (one output tensor, B = batch, C = classes, N = candidate boxes):
- YOLOv5 (and v7): [B, N, 5 + C] — cx, cy, w, h (model-input pixels), objectness, then C class
  scores, all already through a sigmoid; score = objectness × class score.
- YOLOv8 / YOLO11: [B, 4 + C, N] — cx, cy, w, h, then C class scores (no objectness);
  channels first. An export transposed to [B, N, 4 + C] is recognised too: the axis of size
  4 + C is the channel axis, and N (thousands) is always far larger than 4 + C.
Boxes come back as x1, y1, x2, y2 in model-input pixels (before any letterbox is undone), like
`nanodet.decode`; NMS is left to the engine.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from gridwatch.domain.detections import FloatArray, IntArray

Layout = Literal["yolov5", "yolov8"]


def layout_of(shape: tuple[int, ...], classes: int = 80) -> Layout:
    if len(shape) != 3:
        raise ValueError(f"YOLO output must be [B, *, *], got {shape}")
    _, a, b = shape
    if b == 5 + classes and a != 4 + classes:
        return "yolov5"
    if a == 4 + classes or b == 4 + classes:
        return "yolov8"
    raise ValueError(
        f"output {shape} is no YOLO layout for {classes} classes: expected [B, N, {5 + classes}] "
        f"(v5) or [B, {4 + classes}, N] / [B, N, {4 + classes}] (v8/v11)"
    )


def decode(
    output: np.ndarray, batch_index: int, threshold: float, classes: int = 80
) -> tuple[FloatArray, FloatArray, IntArray]:
    layout = layout_of(tuple(output.shape), classes)
    rows = output[batch_index]
    if layout == "yolov5":
        cls_scores = rows[:, 5:] * rows[:, 4:5]
        xywh = rows[:, :4]
    else:
        if rows.shape[0] == 4 + classes and rows.shape[1] != 4 + classes:
            rows = rows.T  # channels first → one row per candidate
        cls_scores = rows[:, 4:]
        xywh = rows[:, :4]
    best = cls_scores.argmax(axis=1)
    conf = cls_scores[np.arange(len(best)), best]
    keep = np.nonzero(conf >= threshold)[0]
    c = xywh[keep]
    boxes = np.concatenate([c[:, :2] - c[:, 2:] / 2, c[:, :2] + c[:, 2:] / 2], axis=1)
    return (
        boxes.astype(np.float32),
        conf[keep].astype(np.float32),
        best[keep].astype(np.int64),
    )
