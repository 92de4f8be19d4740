"""Still images shown in turn: a stand-in camera for tests and demos without video."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from threading import Event

import cv2
import numpy as np

from gridwatch.image_bounds import MAX_PIXELS, TooManyPixels, check_pixels
from gridwatch.ingest.frames import Frame

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp"}


def expand(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if q.suffix.lower() in IMAGE_SUFFIXES))
        else:
            out.append(p)
    return out


class ImagesSource:
    def __init__(
        self,
        device_id: str,
        paths: list[Path],
        interval_s: float,
        *,
        clock: Callable[[], datetime],
        realtime: bool = True,
        max_pixels: int = MAX_PIXELS,
    ) -> None:
        self.device_id, self.paths, self.interval_s = device_id, expand(paths), interval_s
        self.clock, self.realtime, self.max_pixels = clock, realtime, max_pixels
        self._cache: dict[Path, np.ndarray] = {}

    def _load(self, path: Path) -> np.ndarray:
        if path not in self._cache:
            data = path.read_bytes()
            try:
                check_pixels(data, self.max_pixels)
            except TooManyPixels as e:
                raise OSError(f"{self.device_id}: image {path}: {e}") from None
            image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
            if image is None:
                raise OSError(f"{self.device_id}: cannot read image {path}")
            self._cache[path] = image
        return self._cache[path]

    def frames(self, stop: Event) -> Iterator[Frame]:
        if not self.paths:
            raise FileNotFoundError(f"{self.device_id}: no images found")
        seq = 0
        next_at = time.monotonic()
        while not stop.is_set():
            image = self._load(self.paths[seq % len(self.paths)])
            now = self.clock()
            yield Frame(self.device_id, seq, now, image, now)
            seq += 1
            if self.realtime:
                next_at += self.interval_s
                if stop.wait(max(0.0, next_at - time.monotonic())):
                    return
