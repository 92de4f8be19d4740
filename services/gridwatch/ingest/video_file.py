"""Local video files: played at their own frame rate (or as fast as possible) and sampled."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from threading import Event

import cv2

from gridwatch.ingest.frames import Frame

log = logging.getLogger(__name__)


class VideoFileSource:
    """Frame times follow the video's timeline from `start`, so analysis of a file is the same
    whether it is paced in real time (demo) or run flat out (tests, evaluation)."""

    def __init__(
        self,
        device_id: str,
        path: Path,
        sample_fps: float,
        *,
        loop: bool = True,
        realtime: bool = True,
        start: datetime,
        clock: Callable[[], datetime],
    ) -> None:
        self.device_id, self.path, self.sample_fps = device_id, path, sample_fps
        self.loop, self.realtime, self.start, self.clock = loop, realtime, start, clock

    def frames(self, stop: Event) -> Iterator[Frame]:
        if not self.path.exists():
            raise FileNotFoundError(f"{self.device_id}: video file {self.path} not found")
        seq = 0
        offset = 0.0  # seconds of video played in earlier loops
        wall0 = time.monotonic()
        while not stop.is_set():
            cap = cv2.VideoCapture(str(self.path))
            if not cap.isOpened():
                raise OSError(f"{self.device_id}: cannot open video {self.path}")
            fps = cap.get(cv2.CAP_PROP_FPS) or 10.0
            step = max(1, round(fps / self.sample_fps))
            index = 0
            try:
                while not stop.is_set():
                    if index % step:
                        if not cap.grab():  # skip without converting the picture
                            break
                        index += 1
                        continue
                    ok, image = cap.read()
                    if not ok:
                        break
                    video_t = offset + index / fps
                    index += 1
                    if self.realtime:
                        delay = wall0 + video_t - time.monotonic()
                        if delay > 0 and stop.wait(delay):
                            return
                    yield Frame(
                        self.device_id,
                        seq,
                        self.start + timedelta(seconds=video_t),
                        image,
                        self.clock(),
                    )
                    seq += 1
            finally:
                cap.release()
            offset += index / fps
            if not self.loop or index == 0:
                return
