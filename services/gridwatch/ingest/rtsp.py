"""RTSP/RTP cameras through OpenCV's bundled FFmpeg.

Every packet is demuxed and decoded by `grab()` (H.264 needs the reference frames), but only
sampled frames are converted to a BGR picture by `retrieve()`, the costly half for a 1 frame/s
rule on a 25 frame/s camera. Open and read timeouts make a frozen server fail in seconds
instead of FFmpeg's default of about 30 s per read.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from threading import Event

import cv2

from gridwatch.domain.device_liveness import SampleGate
from gridwatch.ingest.failures import SourceClosed, SourceFailed, SourceStalled
from gridwatch.ingest.frames import Frame

# FFmpeg reads its RTSP options from this process-wide variable at open time. Opens are not
# serialised (a dead camera's open may take its whole timeout), so cameras of one process
# should share transport and timeouts; a mix may open with a neighbour's options.
_OPTIONS_LOCK = threading.Lock()


class RtspSource:
    def __init__(
        self,
        device_id: str,
        url: str,
        sample_fps: float,
        *,
        transport: str = "tcp",
        clock: Callable[[], datetime],
        stall_s: float = 10.0,
        open_timeout_s: float = 10.0,
    ) -> None:
        self.device_id, self.url, self.sample_fps, self.transport = (
            device_id,
            url,
            sample_fps,
            transport,
        )
        self.clock, self.stall_s, self.open_timeout_s = clock, stall_s, open_timeout_s
        self.packets = 0  # frames demuxed and decoded, converted or not

    def _open(self) -> cv2.VideoCapture:
        us = int(self.stall_s * 1_000_000)
        options = f"rtsp_transport;{self.transport}|timeout;{us}|analyzeduration;500000"
        params = [
            cv2.CAP_PROP_OPEN_TIMEOUT_MSEC,
            int(self.open_timeout_s * 1000),
            cv2.CAP_PROP_READ_TIMEOUT_MSEC,
            int(self.stall_s * 1000),
        ]
        with _OPTIONS_LOCK:
            os.environ["OPENCV_FFMPEG_CAPTURE_OPTIONS"] = options
        cap = cv2.VideoCapture(self.url, cv2.CAP_FFMPEG, params)
        if not cap.isOpened():
            cap.release()
            raise SourceFailed(f"cannot open {self.url}")
        return cap

    def frames(self, stop: Event) -> Iterator[Frame]:
        cap = self._open()
        try:
            gate = SampleGate(self.sample_fps)
            seq = 0
            while not stop.is_set():
                t0 = time.monotonic()
                # isOpened() stays True when the publisher is gone: only grab() tells.
                if not cap.grab():
                    if time.monotonic() - t0 >= self.stall_s * 0.9:
                        raise SourceStalled(f"no frame for {self.stall_s:.0f} s")
                    raise SourceClosed("stream ended")
                self.packets += 1
                received_at = self.clock()
                if not gate.due(received_at):
                    continue
                ok, image = cap.retrieve()
                if not ok or image is None:
                    continue
                yield Frame(self.device_id, seq, received_at, image, received_at)
                seq += 1
        finally:
            cap.release()
