"""Decoder for the MobileNetV3-CenterNet export in models/centernet.onnx.

Accepted layout: one output [B, K, 6] (K = 100 top peaks, already past the model's own
max-pool NMS): x1, y1, x2, y2 in model-input pixels (512 × 512), score (0-1), COCO class id
(as a float). Input is NHWC RGB 0-255, unlike NanoDet.
"""

from __future__ import annotations

import numpy as np

from gridwatch.domain.detections import FloatArray, IntArray


def decode(
    output: np.ndarray, batch_index: int, threshold: float
) -> tuple[FloatArray, FloatArray, IntArray]:
    if output.ndim != 3 or output.shape[2] != 6:
        raise ValueError(f"CenterNet output must be [B, K, 6], got {output.shape}")
    rows = output[batch_index]
    keep = rows[:, 4] >= threshold
    rows = rows[keep]
    return (
        rows[:, :4].astype(np.float32),
        rows[:, 4].astype(np.float32),
        rows[:, 5].round().astype(np.int64),
    )
