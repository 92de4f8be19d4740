"""Motion gating (Frigate-style): skip inference on frames where nothing moved.

Each camera keeps a small, blurred greyscale background that follows the scene slowly. A frame
counts as moving when enough of its pixels differ from the background by more than a threshold
(sensor noise and JPEG artefacts stay below it). A frame without motion reuses the camera's last
detections, so dwell timers keep running; but every `recheck_s` seconds a frame is analysed
anyway, so a parked car that drove in while the gate was warming up, or a slow lighting change,
is still seen.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import cv2
import numpy as np


def phase(device_id: str) -> float:
    """A stable share in [0, 1) per camera. Cameras started together (a restart, a benchmark)
    would otherwise all re-check at the same second: a burst of model passes every period."""
    return zlib.crc32(device_id.encode()) / 2**32


class CloseLooks:
    """Per camera, whether an analysed frame gets a close look (every detector scale): one
    every `every_s` seconds of device time, the first within one period at the camera's phase.
    Frames of a camera come in order."""

    def __init__(self, every_s: float) -> None:
        self.every = timedelta(seconds=every_s)
        self._next: dict[str, datetime] = {}

    def due(self, device_id: str, at: datetime) -> bool:
        due_at = self._next.setdefault(device_id, at + self.every * phase(device_id))
        if at < due_at:
            return False
        self._next[device_id] = at + self.every
        return True


@dataclass(frozen=True)
class MotionSettings:
    width: int = 96  # analysis size: motion is a coarse question, small pictures answer it
    height: int = 72
    pixel_threshold: int = 18  # grey levels (0-255) a pixel must change by
    min_changed: float = 0.002  # share of pixels that must change to count as motion
    alpha: float = 0.1  # background learning rate per analysed frame
    recheck_s: float = 10.0  # analyse at least this often even without motion


@dataclass
class _CameraState:
    background: np.ndarray
    last_analysed: datetime


@dataclass
class MotionGate:
    settings: MotionSettings = field(default_factory=MotionSettings)
    _cameras: dict[str, _CameraState] = field(default_factory=dict)

    def small(self, image: np.ndarray) -> np.ndarray:
        s = self.settings
        grey = cv2.cvtColor(
            cv2.resize(image, (s.width, s.height), interpolation=cv2.INTER_AREA),
            cv2.COLOR_BGR2GRAY,
        )
        return cv2.GaussianBlur(grey, (5, 5), 0).astype(np.float32)

    def should_analyse(self, device_id: str, image: np.ndarray, at: datetime) -> bool:
        """Decide for one frame and learn from it. Frames must arrive in time order per camera."""
        s = self.settings
        small = self.small(image)
        state = self._cameras.get(device_id)
        if state is None or small.shape != state.background.shape:
            # Re-checks of cameras that start together fall at different seconds.
            first_recheck = at - timedelta(seconds=s.recheck_s * phase(device_id))
            self._cameras[device_id] = _CameraState(small, first_recheck)
            return True
        diff = np.abs(small - state.background)
        moving = float(np.count_nonzero(diff > s.pixel_threshold)) / diff.size >= s.min_changed
        cv2.accumulateWeighted(small, state.background, s.alpha)
        due = at - state.last_analysed >= timedelta(seconds=s.recheck_s)
        if moving or due:
            state.last_analysed = at
            return True
        return False

    def forget(self, device_id: str) -> None:
        self._cameras.pop(device_id, None)
