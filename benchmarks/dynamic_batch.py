"""Does batching pay for NanoDet on this machine? Makes the batch dimension of
models/nanodet.onnx dynamic (input dim 0 symbolic, the Reshape targets' leading 1 → 0 = "copy
the input's batch"), checks batched outputs equal per-frame outputs, then prints frames/s for
batch sizes 1, 2, 4, 8 with the same threads, side by side with the unmodified model.

    flock /tmp/gridwatch-bench.lock python benchmarks/dynamic_batch.py [--threads 2] [--seconds 5]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper

MODEL = Path(__file__).resolve().parents[1] / "models" / "nanodet.onnx"


def make_dynamic(src: Path, dst: Path) -> int:
    """Returns how many Reshape targets were rewritten."""
    m = onnx.load(str(src))
    g = m.graph
    g.input[0].type.tensor_type.shape.dim[0].dim_param = "batch"
    inits = {t.name: t for t in g.initializer}
    producers = {o: n for n in g.node for o in n.output}
    rewritten = 0
    for node in g.node:
        if node.op_type != "Reshape":
            continue
        # Follow Cast/Add back to the constant target shape (tf2onnx builds it that way).
        stack = [node.input[1]]
        while stack:
            name = stack.pop()
            if name in inits:
                arr = numpy_helper.to_array(inits[name])
                if arr.ndim == 1 and len(arr) == 3 and arr[0] == 1:
                    arr = arr.copy()
                    arr[0] = 0
                    inits[name].CopyFrom(numpy_helper.from_array(arr, name))
                    rewritten += 1
            elif name in producers and producers[name].op_type in ("Cast", "Add"):
                stack.extend(producers[name].input)
    onnx.save(m, str(dst))
    return rewritten


def session(path: Path, threads: int) -> ort.InferenceSession:
    o = ort.SessionOptions()
    o.intra_op_num_threads = threads
    o.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), o, providers=["CPUExecutionProvider"])


def rate(sess: ort.InferenceSession, batch: int, seconds: float) -> float:
    name = sess.get_inputs()[0].name
    x = np.random.default_rng(0).random((batch, 3, 416, 416), dtype=np.float32)
    sess.run(None, {name: x})
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        sess.run(None, {name: x})
        n += batch
    return n / (time.perf_counter() - t0)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=5.0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        dyn = Path(tmp) / "nanodet-dynamic.onnx"
        n = make_dynamic(MODEL, dyn)
        fixed, batched = session(MODEL, args.threads), session(dyn, args.threads)
        name = fixed.get_inputs()[0].name
        x = np.random.default_rng(1).random((4, 3, 416, 416), dtype=np.float32)
        one = [fixed.run(None, {name: x[i : i + 1]}) for i in range(4)]
        many = batched.run(None, {name: x})
        err = max(
            float(np.abs(many[k][i] - one[i][k][0]).max()) for i in range(4) for k in range(6)
        )
        print(f"reshape targets rewritten: {n}; max |batched - single| = {err:.2e}")
        print(f"{'model':<22}{'batch':>6}{'frames/s':>10}")
        base = rate(fixed, 1, args.seconds)
        print(f"{'fixed (as shipped)':<22}{1:>6}{base:>10.1f}")
        for b in (1, 2, 4, 8):
            r = rate(batched, b, args.seconds)
            print(f"{'dynamic':<22}{b:>6}{r:>10.1f}  ({r / base:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
