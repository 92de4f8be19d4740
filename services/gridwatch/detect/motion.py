"""Motion gating (Frigate-style): skip inference on frames where nothing moved.

Each camera keeps a small, blurred greyscale background that follows the scene slowly. A frame
counts as moving when enough of its pixels differ from the background by more than a threshold
(sensor noise and JPEG artefacts stay below it). A frame without motion reuses the camera's last
detections, so dwell timers keep running; but every `recheck_s` seconds a frame is analysed
anyway, so a parked car that drove in while the gate was warming up, or a slow lighting change,
is still seen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import cv2
import numpy as np


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
            self._cameras[device_id] = _CameraState(small, at)
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
