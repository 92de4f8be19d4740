"""The pixels of the clip transforms (`domain/clip_transforms.py`): deterministic, so the same
spec on the same frame gives the same picture on every run and machine."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from gridwatch.domain.clip_transforms import Transform

# Dusk: light falls to about half, contrast to about 60 %, and what is left is bluish (the sky's
# light after sunset, and cameras' white balance lagging behind it). BGR gains.
_DUSK_GAIN = np.array([1.10, 0.92, 0.72], np.float32)
_DUSK_CONTRAST = 0.6
_DUSK_LEVEL = 0.5


def apply_transforms(image: np.ndarray, transforms: Sequence[Transform], index: int) -> np.ndarray:
    """`image` (BGR uint8) with each transform applied in order; `index` (the frame's number in
    its clip) varies the rain from frame to frame, as falling rain does."""
    for t in transforms:
        image = _apply(image, t, index)
    return image


def _apply(image: np.ndarray, t: Transform, index: int) -> np.ndarray:
    if t.kind == "mirror":
        return cv2.flip(image, 1)
    if t.kind == "dusk":
        return _dusk(image)
    if t.kind == "rain":
        return _rain(image, int(t.value), index)
    if t.kind == "jpeg":
        ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, int(t.value)])
        if not ok:
            raise ValueError("JPEG encoding failed")
        decoded = cv2.imdecode(buf, cv2.IMREAD_COLOR)
        if decoded is None:
            raise ValueError("JPEG decoding failed")
        return np.asarray(decoded)
    if t.kind == "scale":
        h, w = image.shape[:2]
        size = (max(1, round(w * t.value)), max(1, round(h * t.value)))
        shrink = t.value < 1
        resized: np.ndarray = cv2.resize(
            image, size, interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR
        )
        return resized
    raise AssertionError(t.kind)


def _dusk(image: np.ndarray) -> np.ndarray:
    f = image.astype(np.float32)
    mean = f.mean()
    f = (mean + (f - mean) * _DUSK_CONTRAST) * _DUSK_LEVEL * _DUSK_GAIN
    out: np.ndarray = np.clip(f, 0, 255).astype(np.uint8)
    return out


def _rain(image: np.ndarray, seed: int, index: int) -> np.ndarray:
    rng = np.random.default_rng([seed, index])
    h, w = image.shape[:2]
    streaks = np.zeros((h, w), np.uint8)
    n = max(1, h * w // 1500)
    x0 = rng.integers(0, w, n)
    y0 = rng.integers(0, h, n)
    length = rng.integers(max(4, h // 40), max(5, h // 15), n)
    slant = rng.uniform(0.15, 0.35)  # one wind for the frame: every streak leans alike
    for x, y, ln in zip(x0, y0, length, strict=True):
        end = (int(x + slant * ln), int(y + ln))
        cv2.line(streaks, (int(x), int(y)), end, 255, 1, cv2.LINE_AA)
    f = image.astype(np.float32)
    # Drops scatter light: streaks lighten the picture towards grey; the sensor adds noise.
    alpha = (streaks.astype(np.float32) / 255.0 * 0.45)[..., None]
    f = f * (1 - alpha) + 200.0 * alpha
    f += rng.normal(0.0, 6.0, f.shape).astype(np.float32)
    out: np.ndarray = np.clip(f, 0, 255).astype(np.uint8)
    return out
