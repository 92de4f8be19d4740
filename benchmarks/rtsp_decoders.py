"""RTSP readers side by side: OpenCV's FFmpeg backend against PyAV, on the same live stream.

An H.264 stream (media/vtest.avi, 10 frames/s, one key frame a second) is published through
Debian's rtsp-server-perl on 127.0.0.1 (RTP over UDP) and read at the 1 frame/s the parking
and lane rules need, four ways, one after the other for `--seconds` each:
- opencv read(): decode and convert every frame (a plain VideoCapture loop; the baseline),
- opencv grab/retrieve: decode every frame, convert only sampled ones (ingest/rtsp.py),
- pyav decode-all: decode every frame, convert sampled ones,
- pyav key frames: ask the decoder to skip non-key frames (skip_frame=NONKEY).
Reports CPU (% of one core) of the reading process and pictures delivered per second.

    flock /tmp/gridwatch-bench.lock python benchmarks/rtsp_decoders.py [--seconds 30]

Needs rtsp-server-perl, ffmpeg (scripts/test-deps.sh) and PyAV (pip install av).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import psutil

ROOT = Path(__file__).resolve().parents[1]
VTEST = ROOT / "media" / "vtest.avi"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def opencv_reader(url: str, convert_all: bool) -> Callable[[threading.Event], int]:
    def run(stop: threading.Event) -> int:
        os.environ["OPENCV_FFMPEG_CAPTURE_OPTIONS"] = "rtsp_transport;udp|timeout;3000000"
        cap = cv2.VideoCapture(url, cv2.CAP_FFMPEG)
        n, next_at = 0, 0.0
        while not stop.is_set():
            if convert_all:
                ok, _img = cap.read()
            else:
                ok = cap.grab()
            if not ok:
                break
            now = time.monotonic()
            if now >= next_at:
                if not convert_all:
                    cap.retrieve()
                n += 1
                next_at = now + 1.0
        cap.release()
        return n

    return run


def pyav_reader(url: str, keyframes_only: bool) -> Callable[[threading.Event], int]:
    import av

    def run(stop: threading.Event) -> int:
        options = {"rtsp_transport": "udp", "timeout": "3000000"}
        container = av.open(url, options=options, timeout=(5.0, 3.0))
        stream = container.streams.video[0]
        if keyframes_only:
            stream.codec_context.skip_frame = "NONKEY"
        n, next_at = 0, 0.0
        for frame in container.decode(stream):
            if stop.is_set():
                break
            now = time.monotonic()
            if now >= next_at:
                frame.to_ndarray(format="bgr24")
                n += 1
                next_at = now + 1.0
        container.close()
        return n

    return run


def measure(run: Callable[[threading.Event], int], seconds: float) -> tuple[float, float]:
    proc = psutil.Process()
    stop = threading.Event()
    out: list[int] = []
    t = threading.Thread(target=lambda: out.append(run(stop)), daemon=True)
    c0, t0 = sum(proc.cpu_times()[:2]), time.monotonic()
    t.start()
    time.sleep(seconds)
    stop.set()
    t.join(10)
    span = time.monotonic() - t0
    return (sum(proc.cpu_times()[:2]) - c0) / span * 100, (out[0] if out else 0) / span


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--seconds", type=float, default=30.0)
    args = ap.parse_args()
    cport, sport = free_port(), free_port()
    server = subprocess.Popen(
        ["rtsp-server-perl", "--clientport", str(cport), "--serverport", str(sport),
         "--client_listen_address", "127.0.0.1", "--source_listen_address", "127.0.0.1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    wait_port(sport)
    pub = subprocess.Popen(
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-re", "-stream_loop", "-1", "-i",
         str(VTEST), "-an", "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency",
         "-g", "10", "-f", "rtsp", f"rtsp://127.0.0.1:{sport}/cam1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(1.5)
    url = f"rtsp://127.0.0.1:{cport}/cam1"
    rows = []
    try:
        for label, run in (
            ("opencv read() every frame (baseline)", opencv_reader(url, True)),
            ("opencv grab + retrieve sampled (ingest/rtsp.py)", opencv_reader(url, False)),
            ("pyav decode all, convert sampled", pyav_reader(url, False)),
            ("pyav key frames only (skip_frame=NONKEY)", pyav_reader(url, True)),
        ):
            cpu, fps = measure(run, args.seconds)
            rows.append((label, cpu, fps))
    finally:
        pub.kill()
        server.kill()
    print(f"\nRTSP readers, 768x576 H.264 10 frames/s, GOP 10, {args.seconds:.0f} s each, "
          f"load avg {os.getloadavg()[0]:.1f}")  # fmt: skip
    print("| reader | CPU % of one core | pictures/s delivered (want 1) |")
    print("|---|---|---|")
    for label, cpu, fps in rows:
        print(f"| {label} | {cpu:.1f} | {fps:.2f} |")


if __name__ == "__main__":
    sys.exit(main())
