"""Decoder for NanoDet (GFL head) outputs.

Accepted layout: for each stride s in (8, 16, 32) two tensors, class scores [B, N, C] already
passed through a sigmoid, and box distributions [B, N, 4*(R+1)] (R = reg_max, 10 here: 11 bins
per side). N = (H/s)*(W/s) cells in row-major order. Each side (left, top, right, bottom) is the
softmax expectation over its bins times the stride, measured from the cell centre
((col+0.5)*s, (row+0.5)*s).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gridwatch.domain.detections import FloatArray

STRIDES = (8, 16, 32)


@dataclass(frozen=True)
class Head:
    stride: int
    scores_index: int
    boxes_index: int
    centers: FloatArray  # (N, 2)


def build_heads(output_shapes: list[tuple[int, ...]], input_hw: tuple[int, int]) -> list[Head]:
    """Pair score and distribution outputs by cell count; fail loudly on an unknown layout."""
    h, w = input_hw
    heads = []
    for stride in STRIDES:
        n = (h // stride) * (w // stride)
        scores = [i for i, s in enumerate(output_shapes) if s[-2] == n and s[-1] == 80]
        boxes = [
            i for i, s in enumerate(output_shapes) if s[-2] == n and s[-1] != 80 and s[-1] % 4 == 0
        ]
        if len(scores) != 1 or len(boxes) != 1:
            raise ValueError(
                f"not a NanoDet layout: stride {stride} wants one [*, {n}, 80] scores and one "
                f"[*, {n}, 4*bins] output; got shapes {output_shapes}"
            )
        rows, cols = h // stride, w // stride
        yy, xx = np.mgrid[0:rows, 0:cols]
        centers = (np.stack([xx.ravel(), yy.ravel()], axis=1).astype(np.float32) + 0.5) * stride
        heads.append(Head(stride, scores[0], boxes[0], centers))
    return heads


def decode(
    outputs: list[np.ndarray], heads: list[Head], batch_index: int, threshold: float
) -> tuple[FloatArray, FloatArray, np.ndarray]:
    """Boxes (x1,y1,x2,y2 in model-input pixels), scores and class ids above `threshold`."""
    all_boxes, all_scores, all_classes = [], [], []
    for head in heads:
        scores = outputs[head.scores_index][batch_index]
        best = scores.argmax(axis=1)
        conf = scores[np.arange(len(best)), best]
        keep = np.nonzero(conf >= threshold)[0]
        if len(keep) == 0:
            continue
        dist = outputs[head.boxes_index][batch_index][keep]
        bins = dist.shape[1] // 4
        logits = dist.reshape(-1, 4, bins)
        logits = logits - logits.max(axis=2, keepdims=True)
        prob = np.exp(logits)
        prob /= prob.sum(axis=2, keepdims=True)
        sides = (prob * np.arange(bins, dtype=np.float32)).sum(axis=2) * head.stride  # (K, 4)
        c = head.centers[keep]
        boxes = np.concatenate([c - sides[:, :2], c + sides[:, 2:]], axis=1)
        all_boxes.append(boxes)
        all_scores.append(conf[keep])
        all_classes.append(best[keep])
    if not all_boxes:
        return np.zeros((0, 4), np.float32), np.zeros((0,), np.float32), np.zeros((0,), np.int64)
    return (
        np.concatenate(all_boxes).astype(np.float32),
        np.concatenate(all_scores).astype(np.float32),
        np.concatenate(all_classes).astype(np.int64),
    )
