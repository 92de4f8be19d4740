"""Decoder for YOLOX ONNX exports with the raw head output (Megvii's released `.onnx` files and
`tools/export_onnx.py` without `--decode_in_inference`).

Accepted layout: one output [B, N, 5 + C], one row per grid cell of the strides 8, 16, 32 (and
64 for the P6 models), stride by stride, each grid row-major (x fastest), so
N = Σ (H/s)·(W/s): 3549 for a 416×416 input. Columns: x, y offsets from the cell's corner in
cells, log width and height in cells, objectness, then C class scores; objectness and class
scores are already through a sigmoid. Upstream `demo_postprocess`:
xy = (raw + grid) · s, wh = exp(raw) · s; score = objectness × class score.

Unlike YOLOv5 (three anchors per cell: N = 3 Σ cells) there is one row per cell, which is how
`cells_of` tells the two apart at load.
"""

from __future__ import annotations

import numpy as np

from gridwatch.domain.detections import FloatArray, IntArray

STRIDES = (8, 16, 32)
STRIDES_P6 = (8, 16, 32, 64)


def cells_of(input_hw: tuple[int, int], strides: tuple[int, ...] = STRIDES) -> int:
    h, w = input_hw
    return sum((h // s) * (w // s) for s in strides)


def strides_for(rows: int, input_hw: tuple[int, int]) -> tuple[int, ...] | None:
    """The strides whose grids give `rows` rows for this input, or None."""
    for strides in (STRIDES, STRIDES_P6):
        if cells_of(input_hw, strides) == rows:
            return strides
    return None


def grid(input_hw: tuple[int, int], strides: tuple[int, ...]) -> tuple[FloatArray, FloatArray]:
    """Per row: the cell's (col, row) and its stride, in output order."""
    h, w = input_hw
    cells, sizes = [], []
    for s in strides:
        yy, xx = np.mgrid[0 : h // s, 0 : w // s]
        cells.append(np.stack([xx.ravel(), yy.ravel()], axis=1))
        sizes.append(np.full(((h // s) * (w // s), 1), s))
    return (
        np.concatenate(cells).astype(np.float32),
        np.concatenate(sizes).astype(np.float32),
    )


def decode(
    output: np.ndarray,
    cells: FloatArray,
    strides: FloatArray,
    batch_index: int,
    threshold: float,
) -> tuple[FloatArray, FloatArray, IntArray]:
    """Boxes (x1, y1, x2, y2 in model-input pixels), scores and class ids above `threshold`."""
    rows = output[batch_index]
    cls_scores = rows[:, 5:] * rows[:, 4:5]
    best = cls_scores.argmax(axis=1)
    conf = cls_scores[np.arange(len(best)), best]
    keep = np.nonzero(conf >= threshold)[0]
    s = strides[keep]
    xy = (rows[keep, :2] + cells[keep]) * s
    wh = np.exp(np.minimum(rows[keep, 2:4], 10.0)) * s  # a huge logit must not overflow
    boxes = np.concatenate([xy - wh / 2, xy + wh / 2], axis=1)
    return (
        boxes.astype(np.float32),
        conf[keep].astype(np.float32),
        best[keep].astype(np.int64),
    )
