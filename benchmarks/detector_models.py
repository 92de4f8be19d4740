"""Cost of each detector model side by side, in one process: full `detect()` calls (preprocess,
model, decode, NMS) on the same vtest.avi frames, by default 2 threads sharing one session with
1 intra-op thread each (as the detect pipeline runs it), the models alternating in short slices
so load from other processes falls on all of them alike. Every model under models/ with a card
takes part unless `--models` names some; `--callers 1 --intra 1` (or `--intra 2`) gives one
caller's rate, e.g. FP32 against INT8.

    flock /tmp/gridwatch-bench.lock python benchmarks/detector_models.py [--models A B]
"""

from __future__ import annotations

import argparse
import os
import threading
import time
from pathlib import Path

import cv2
import numpy as np

from gridwatch.detect.engine import Detector, DetectorSettings, load_detector
from gridwatch.detect.model_cards import model_names, model_path

VTEST = Path(__file__).resolve().parents[1] / "media" / "vtest.avi"


def frames(n: int = 32) -> list[np.ndarray]:
    cap = cv2.VideoCapture(str(VTEST))
    out = []
    while len(out) < n:
        ok, image = cap.read()
        if not ok:
            break
        out.append(image)
    cap.release()
    return out[::2]


def slice_rate(
    detector: Detector, images: list[np.ndarray], seconds: float, callers: int
) -> tuple[int, float]:
    counts = [0] * callers
    deadline = time.perf_counter() + seconds

    def loop(i: int) -> None:
        k = i
        while time.perf_counter() < deadline:
            detector.detect(images[k % len(images)], close_look=False)
            counts[i] += 1
            k += callers

    t0 = time.perf_counter()
    threads = [threading.Thread(target=loop, args=(i,)) for i in range(callers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts), time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", nargs="+", default=model_names())
    ap.add_argument("--slices", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--callers", type=int, default=2, help="Threads calling detect().")
    ap.add_argument("--intra", type=int, default=1, help="ONNX Runtime intra-op threads.")
    args = ap.parse_args()
    images = frames()
    settings = DetectorSettings(intra_threads=args.intra, scales=(1.0,))
    detectors = {m: load_detector(model_path(m), settings) for m in args.models}
    load_before = os.getloadavg()[0]
    for d in detectors.values():
        for image in images[:3]:
            d.detect(image)
    done = {m: 0 for m in args.models}
    spent = {m: 0.0 for m in args.models}
    for _ in range(args.slices):
        for m, d in detectors.items():
            n, s = slice_rate(d, images, args.seconds, args.callers)
            done[m] += n
            spent[m] += s
    print(
        f"{os.cpu_count()} cores, load average {load_before:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after; {args.callers} caller(s) × {args.intra} intra-op "
        "thread(s)"
    )
    print(f"| model | detect() calls/s | ms per call ({args.callers} caller(s)) |")
    print("|---|---|---|")
    for m in args.models:
        rate = done[m] / spent[m]
        print(f"| {detectors[m].version} | {rate:.1f} | {1000 * args.callers / rate:.0f} |")


if __name__ == "__main__":
    main()
