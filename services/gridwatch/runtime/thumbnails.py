"""Latest small picture per camera for the ops centre's device-health page (throttled)."""

from __future__ import annotations

from datetime import datetime, timedelta

import cv2

from gridwatch.detect.annotate import encode_jpeg
from gridwatch.ingest.frames import Frame
from gridwatch.store.hot_state import HotState


class Thumbnails:
    def __init__(
        self, hot: HotState, every: timedelta = timedelta(seconds=10), width: int = 320
    ) -> None:
        self.hot, self.every, self.width = hot, every, width
        self._last: dict[str, datetime] = {}

    def offer(self, frame: Frame) -> bool:
        """Store a thumbnail of the frame unless this camera had one within `every`."""
        last = self._last.get(frame.device_id)
        if last is not None and frame.received_at - last < self.every:
            return False
        h, w = frame.image.shape[:2]
        if not (h and w):
            return False
        self._last[frame.device_id] = frame.received_at
        small = cv2.resize(frame.image, (self.width, max(1, round(h * self.width / w))))
        self.hot.put_thumbnail(frame.device_id, encode_jpeg(small, 70), frame.received_at)
        return True
