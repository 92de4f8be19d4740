"""Still images shown in turn: a stand-in camera for tests and demos without video."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from threading import Event

import numpy as np

from gridwatch.image_bounds import MAX_PIXELS
from gridwatch.ingest.frames import BadFrameSink, Frame, ignore_bad_frame
from gridwatch.ingest.jpeg import BadJpeg, decode_picture

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
        on_bad_frame: BadFrameSink = ignore_bad_frame,
    ) -> None:
        self.device_id, self.paths, self.interval_s = device_id, expand(paths), interval_s
        self.clock, self.realtime, self.max_pixels = clock, realtime, max_pixels
        self.on_bad_frame = on_bad_frame
        self._cache: dict[Path, np.ndarray] = {}
        self._bad: set[Path] = set()

    def _load(self, path: Path) -> np.ndarray | None:
        """The picture, or None for a broken one: reported once as a bad frame, then skipped
        on every later round, as a camera's broken picture is never analysed."""
        if path in self._bad:
            return None
        if path not in self._cache:
            data = path.read_bytes()
            try:
                self._cache[path] = decode_picture(data, self.max_pixels)
            except BadJpeg as e:
                self._bad.add(path)
                self.on_bad_frame(self.device_id, f"image {path.name}: {e}", data)
                return None
        return self._cache[path]

    def frames(self, stop: Event) -> Iterator[Frame]:
        if not self.paths:
            raise FileNotFoundError(f"{self.device_id}: no images found")
        seq = 0
        next_at = time.monotonic()
        turn = 0
        while not stop.is_set():
            image = self._load(self.paths[turn % len(self.paths)])
            turn += 1
            if image is None:
                if len(self._bad) == len(self.paths):
                    raise OSError(f"{self.device_id}: no usable image (every one is broken)")
                continue
            now = self.clock()
            yield Frame(self.device_id, seq, now, image, now)
            seq += 1
            if self.realtime:
                next_at += self.interval_s
                if stop.wait(max(0.0, next_at - time.monotonic())):
                    return
