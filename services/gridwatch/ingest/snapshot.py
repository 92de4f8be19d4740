"""HTTP JPEG snapshot polling: one GET per sample on a keep-alive connection."""

from __future__ import annotations

import http.client
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from threading import Event

from gridwatch.image_bounds import MAX_PIXELS
from gridwatch.ingest.failures import SourceFailed, SourceStalled
from gridwatch.ingest.frames import BadFrameSink, Frame, ignore_bad_frame
from gridwatch.ingest.http_camera import connect, device_time, get, is_timeout
from gridwatch.ingest.jpeg import BadJpeg, decode_jpeg


class SnapshotSource:
    def __init__(
        self,
        device_id: str,
        url: str,
        interval_s: float,
        *,
        clock: Callable[[], datetime],
        stall_s: float = 10.0,
        on_bad_frame: BadFrameSink = ignore_bad_frame,
        max_pixels: int = MAX_PIXELS,
    ) -> None:
        self.device_id, self.url, self.interval_s = device_id, url, interval_s
        self.clock, self.stall_s, self.on_bad_frame = clock, stall_s, on_bad_frame
        self.max_pixels = max_pixels

    def frames(self, stop: Event) -> Iterator[Frame]:
        conn, path = connect(self.url, self.stall_s)
        seq = 0
        next_at = time.monotonic()
        try:
            while not stop.is_set():
                try:
                    resp = get(conn, path)
                    data = resp.read()
                except (OSError, http.client.HTTPException) as e:
                    if is_timeout(e):
                        raise SourceStalled(f"no picture for {self.stall_s:.0f} s") from None
                    raise SourceFailed(f"snapshot failed: {e or type(e).__name__}") from None
                received_at = self.clock()
                try:
                    image = decode_jpeg(data, self.max_pixels)
                except BadJpeg as e:
                    self.on_bad_frame(self.device_id, str(e), data)
                else:
                    at = device_time(resp.headers, received_at)
                    yield Frame(self.device_id, seq, at, image, received_at)
                    del image  # not held while waiting for the next poll
                    seq += 1
                del data
                next_at += self.interval_s
                # A slow camera is not asked again in a burst to catch up.
                next_at = max(next_at, time.monotonic())
                if stop.wait(next_at - time.monotonic()):
                    return
        finally:
            conn.close()
