"""Overlapping decode/preprocess with inference on 2 cores: threads or processes?

Cameras deliver JPEG; each frame is decoded, preprocessed (one `blobFromImage`) and run through
NanoDet. Four ways to do it, on the same JPEG frames of vtest.avi, in alternating slices so
outside load falls on all alike:

  serial     one loop: decode → preprocess → model (one session, 2 intra-op threads)
  threads    2 worker threads sharing one session (1 intra-op thread each), each doing the
             whole chain: what `DetectPipeline` does
  stages     1 decode/preprocess thread feeding 1 inference thread (session with 2 threads)
  processes  2 worker processes, each with its own session (1 intra-op thread), JPEG bytes
             sent to them over a multiprocessing queue, results (box counts) sent back

    flock /tmp/gridwatch-bench.lock python benchmarks/overlap.py [--seconds 6] [--rounds 3]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort
import psutil

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "nanodet.onnx"
VIDEO = ROOT / "media" / "vtest.avi"


def jpeg_frames(n: int = 64) -> list[bytes]:
    cap = cv2.VideoCapture(str(VIDEO))
    out: list[bytes] = []
    while len(out) < n:
        ok, image = cap.read()
        if not ok:
            break
        ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])
        out.append(buf.tobytes())
    cap.release()
    return out


def session(threads: int) -> ort.InferenceSession:
    o = ort.SessionOptions()
    o.intra_op_num_threads = threads
    o.inter_op_num_threads = 1
    return ort.InferenceSession(str(MODEL), o, providers=["CPUExecutionProvider"])


def prepare(jpeg: bytes) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise ValueError("not a JPEG frame")
    blob: np.ndarray = cv2.dnn.blobFromImage(
        image, scalefactor=1 / 128.0, size=(416, 416), mean=(127, 127, 127), swapRB=True
    )
    return blob


def run_serial(frames: list[bytes], seconds: float, sess: ort.InferenceSession) -> int:
    name = sess.get_inputs()[0].name
    done, deadline = 0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        sess.run(None, {name: prepare(frames[done % len(frames)])})
        done += 1
    return done


def run_threads(frames: list[bytes], seconds: float, sess: ort.InferenceSession) -> int:
    name = sess.get_inputs()[0].name
    counts = [0, 0]
    deadline = time.perf_counter() + seconds

    def work(i: int) -> None:
        k = i
        while time.perf_counter() < deadline:
            sess.run(None, {name: prepare(frames[k % len(frames)])})
            counts[i] += 1
            k += 2

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts)


def run_stages(frames: list[bytes], seconds: float, sess: ort.InferenceSession) -> int:
    name = sess.get_inputs()[0].name
    blobs: queue.Queue[np.ndarray | None] = queue.Queue(maxsize=4)
    deadline = time.perf_counter() + seconds

    def decode() -> None:
        k = 0
        while time.perf_counter() < deadline:
            blobs.put(prepare(frames[k % len(frames)]))
            k += 1
        blobs.put(None)

    producer = threading.Thread(target=decode)
    producer.start()
    done = 0
    while (blob := blobs.get()) is not None:
        sess.run(None, {name: blob})
        done += 1
    producer.join()
    return done


def _worker(jobs: mp.Queue, results: mp.Queue) -> None:  # type: ignore[type-arg]
    sess = session(1)
    name = sess.get_inputs()[0].name
    while (jpeg := jobs.get()) is not None:
        out = sess.run(None, {name: prepare(jpeg)})
        results.put(len(out))


class Processes:
    """Two worker processes kept alive across rounds: start-up is not what is measured."""

    def __init__(self) -> None:
        ctx = mp.get_context("spawn")
        self.jobs: mp.Queue = ctx.Queue(maxsize=8)  # type: ignore[type-arg]
        self.results: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
        self.procs = [ctx.Process(target=_worker, args=(self.jobs, self.results)) for _ in range(2)]
        for p in self.procs:
            p.start()

    def run(self, frames: list[bytes], seconds: float, _sess: ort.InferenceSession) -> int:
        deadline = time.perf_counter() + seconds
        sent = done = 0
        while time.perf_counter() < deadline:
            try:
                self.jobs.put(frames[sent % len(frames)], timeout=0.05)
                sent += 1
            except queue.Full:
                pass
            while True:
                try:
                    self.results.get_nowait()
                    done += 1
                except queue.Empty:
                    break
        while done < sent:  # what is in flight at the deadline still counts, and its time too
            self.results.get()
            done += 1
        return done

    def close(self) -> None:
        for _ in self.procs:
            self.jobs.put(None)
        for p in self.procs:
            p.join(timeout=10)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=6.0, help="per way per round")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    frames = jpeg_frames()
    one, two = session(1), session(2)
    procs = Processes()
    ways: dict[str, tuple[Callable[..., int], ort.InferenceSession | None]] = {
        "serial (1 loop, session × 2 threads)": (run_serial, two),
        "threads (2 workers, shared session × 1 thread)": (run_threads, one),
        "stages (decode thread → inference thread × 2)": (run_stages, two),
        "processes (2 workers, own session × 1 thread)": (procs.run, None),
    }
    for fn, sess in ways.values():  # warm up every way once
        fn(frames, 0.5, sess)
    totals = {k: [0.0, 0.0, 0.0] for k in ways}  # frames, wall s, CPU s of this process tree
    for _ in range(args.rounds):
        for key, (fn, sess) in ways.items():
            t0, c0 = time.perf_counter(), _cpu()
            totals[key][0] += fn(frames, args.seconds, sess)
            totals[key][1] += time.perf_counter() - t0
            totals[key][2] += _cpu() - c0
    procs.close()
    decode_ms = _time_ms(lambda: prepare(frames[0]))
    print(
        f"{platform.machine()} {os.cpu_count()} cores, ORT {ort.__version__}, "
        f"{len(frames)} JPEG frames 768×576 of vtest.avi; decode + preprocess {decode_ms:.1f} ms"
    )
    base = totals["serial (1 loop, session × 2 threads)"]
    print(f"{'way':<50} {'frames/s':>9} {'vs serial':>10} {'CPU %':>7}")
    for key, (n, wall, cpu) in totals.items():
        fps = n / wall
        share = 100 * cpu / wall / (os.cpu_count() or 1)
        print(f"{key:<50} {fps:>9.1f} {fps / (base[0] / base[1]):>9.2f}× {share:>6.0f}")


def _cpu() -> float:
    """CPU seconds of this process and of its live children (the worker processes)."""
    me = psutil.Process()
    return sum(sum(p.cpu_times()[:2]) for p in [me, *me.children()])


def _time_ms(fn: Callable[[], object], n: int = 50) -> float:
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    return 1000 * (time.perf_counter() - t0) / n


if __name__ == "__main__":
    main()
