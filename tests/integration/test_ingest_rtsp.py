"""RTSP over real RTP/UDP on loopback: Debian's rtsp-server-perl relays an ffmpeg publisher
(H.264, 10 frames/s from media/vtest.avi), read through OpenCV's FFmpeg backend."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from gridwatch.domain.device_liveness import Backoff
from gridwatch.ingest.rtsp import RtspSource
from gridwatch.runtime.clock import utc_now

from .ingest_harness import VTEST, health_and_dead_letters, supervised

MISSING = [b for b in ("rtsp-server-perl", "ffmpeg") if shutil.which(b) is None]
pytestmark = [
    pytest.mark.redis,
    pytest.mark.rtsp,
    pytest.mark.skipif(
        bool(MISSING),
        reason=f"{' and '.join(MISSING)} not installed (scripts/test-deps.sh installs them)",
    ),
]

BACKOFF = Backoff(base_s=0.5, cap_s=2.0, jitter=0.5)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_port(port: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


@dataclass
class RtspRelay:
    client_port: int
    source_port: int
    server: subprocess.Popen[bytes] | None = None
    publisher: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"rtsp://127.0.0.1:{self.client_port}/cam1"

    def start(self) -> None:
        self.server = subprocess.Popen(
            [
                "rtsp-server-perl",
                "--clientport", str(self.client_port),
                "--serverport", str(self.source_port),
                "--client_listen_address", "127.0.0.1",
                "--source_listen_address", "127.0.0.1",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        _wait_port(self.source_port)
        self.publisher = subprocess.Popen(
            [
                "ffmpeg", "-nostdin", "-loglevel", "error", "-re", "-stream_loop", "-1",
                "-i", str(VTEST), "-an", "-c:v", "libx264", "-preset", "ultrafast",
                "-tune", "zerolatency", "-g", "10", "-f", "rtsp",
                f"rtsp://127.0.0.1:{self.source_port}/cam1",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(1.0)  # the publisher announces the stream

    def stop(self) -> None:
        for p in (self.publisher, self.server):
            if p is not None and p.poll() is None:
                p.kill()
                p.wait(5)


@pytest.fixture
def relay() -> Iterator[RtspRelay]:
    r = RtspRelay(_free_port(), _free_port())
    r.start()
    yield r
    r.stop()


def _source(relay: RtspRelay) -> RtspSource:
    return RtspSource(
        "cam-r", relay.url, 2.0, transport="udp", clock=utc_now, stall_s=2, open_timeout_s=3
    )


def test_rtsp_stream_killed_and_restarted_is_picked_up_within_backoff_bound(
    relay: RtspRelay, redis_url: str
) -> None:
    _, health, _ = health_and_dead_letters(redis_url)
    with supervised("cam-r", lambda: _source(relay), health, BACKOFF) as cam:
        assert cam.wait_for_frame(0, timeout=15) is not None
        relay.stop()
        time.sleep(3.0)
        assert cam.sup.failures >= 1
        relay.start()
        restarted = time.monotonic()
        first = cam.wait_for_frame(restarted, timeout=20)
    assert first is not None, "RTSP stream not picked up again"
    # One backoff step, plus opening RTSP (DESCRIBE/SETUP/PLAY and the first key frame).
    assert first - restarted <= BACKOFF.cap_s + 5.0
    assert health.snapshot("cam-r")["reconnects"] >= 1


def test_rtsp_stream_that_stalls_with_the_server_up_is_detected(
    relay: RtspRelay, redis_url: str
) -> None:
    hot, health, _ = health_and_dead_letters(redis_url)
    with supervised("cam-r", lambda: _source(relay), health, BACKOFF) as cam:
        assert cam.wait_for_frame(0, timeout=15) is not None
        assert relay.publisher is not None
        relay.publisher.send_signal(signal.SIGSTOP)  # encoder frozen, server still answers
        try:
            # The failure is counted in memory before the device's state reaches Redis, so
            # both are waited for.
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not (
                health.snapshot("cam-r")["reconnects"] >= 1
                and "SourceStalled" in (hot.device("cam-r") or {}).get("error", "")
            ):
                time.sleep(0.1)
            assert health.snapshot("cam-r")["reconnects"] >= 1, "stall not detected"
            assert "SourceStalled" in hot.device("cam-r")["error"]
        finally:
            relay.publisher.send_signal(signal.SIGCONT)
