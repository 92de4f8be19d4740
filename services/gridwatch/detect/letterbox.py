"""Where a frame sits in a detector's input, and the exact way back.

Letterboxing keeps the frame's aspect: it is scaled by one factor until it fits the model input
and the rest is padded with a value the model reads as neutral. Detectors are trained that way
(NanoDet `keep_ratio: True`, YOLOX `preproc`, Ultralytics `LetterBox`); stretching a 4:3 or
2.35:1 frame into a square input squeezes every object, and small detectors then miss or
misread them. Stretch (`keep_aspect=False`) stays available for comparison.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from gridwatch.domain.detections import FloatArray


@dataclass(frozen=True)
class Placement:
    """A frame of `frame_w`×`frame_h` drawn at `scale_x`, `scale_y` into the model input with
    its top-left corner at (`left`, `top`); `width`×`height` is its size there."""

    frame_w: int
    frame_h: int
    scale_x: float
    scale_y: float
    left: int
    top: int
    width: int
    height: int

    @staticmethod
    def fit(
        frame_w: int,
        frame_h: int,
        model_w: int,
        model_h: int,
        *,
        keep_aspect: bool = True,
        centre: bool = True,
    ) -> Placement:
        """Letterbox (`keep_aspect`, centred or in the top-left corner) or stretch."""
        if not keep_aspect:
            return Placement(
                frame_w, frame_h, model_w / frame_w, model_h / frame_h, 0, 0, model_w, model_h
            )
        scale = min(model_w / frame_w, model_h / frame_h)
        width = min(model_w, max(1, round(frame_w * scale)))
        height = min(model_h, max(1, round(frame_h * scale)))
        left, top = ((model_w - width) // 2, (model_h - height) // 2) if centre else (0, 0)
        # The per-axis scale of the pixels actually drawn: a rounded size must map back exactly.
        return Placement(
            frame_w, frame_h, width / frame_w, height / frame_h, left, top, width, height
        )

    def draw(self, frame: np.ndarray, model_w: int, model_h: int, pad: int) -> np.ndarray:
        """The model-input picture: the frame resized into place, `pad` around it."""
        resized = cv2.resize(frame, (self.width, self.height), interpolation=cv2.INTER_LINEAR)
        if (self.width, self.height) == (model_w, model_h):
            return resized
        canvas = np.full((model_h, model_w, 3), pad, np.uint8)
        canvas[self.top : self.top + self.height, self.left : self.left + self.width] = resized
        return canvas

    def to_model(self, boxes: FloatArray) -> FloatArray:
        """Frame pixels → model-input pixels (x1, y1, x2, y2)."""
        scale = np.array([self.scale_x, self.scale_y] * 2, np.float32)
        offset = np.array([self.left, self.top] * 2, np.float32)
        out: FloatArray = (boxes * scale + offset).astype(np.float32)
        return out

    def to_frame(self, boxes: FloatArray) -> FloatArray:
        """Model-input pixels → frame pixels (x1, y1, x2, y2); the inverse of `to_model`."""
        scale = np.array([self.scale_x, self.scale_y] * 2, np.float32)
        offset = np.array([self.left, self.top] * 2, np.float32)
        out: FloatArray = ((boxes - offset) / scale).astype(np.float32)
        return out
