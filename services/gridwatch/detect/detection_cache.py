"""What the detector saw of a clip, kept on disk so one model pass serves every rule.

Evaluating the corpus means running twelve rules over the same clips; the model pass (motion
gate, close looks, slicing, tracker) does not depend on the rule, so `algo eval` stores each
clip's per-frame detections once and scores every rule from them. The key covers everything the
detections depend on: the clip file's bytes, its transforms and sampling, the model file, the
detector settings, the slicing regions and the source of the code that produces them (the
`detect` package and the domain modules it uses). Change any of these and the entry is simply
not found; nothing is ever invalidated by hand.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import numpy as np

from gridwatch.domain.detections import Detections

_PACKAGE = Path(__file__).resolve().parents[1]
# The code whose change changes what a clip's detections are.
_CODE = (
    *sorted((_PACKAGE / "detect").glob("*.py")),
    *(
        _PACKAGE / "domain" / f"{m}.py"
        for m in ("detections", "tracking", "slicing", "clip_transforms", "object_filters")
    ),
)


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    h = hashlib.sha256()
    for library in ("onnxruntime", "opencv-python-headless", "numpy"):
        try:
            h.update(f"{library}=={metadata.version(library)}".encode())
        except metadata.PackageNotFoundError:
            h.update(library.encode())
    for path in _CODE:
        if path.exists():
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


@lru_cache(maxsize=256)
def _file_digest(path: Path, size: int, mtime_ns: int) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def file_digest(path: Path) -> str:
    st = path.stat()
    return _file_digest(path.resolve(), st.st_size, st.st_mtime_ns)


def clip_key(source: Path, parts: Sequence[object]) -> str:
    """One key per (clip file, everything else the detections depend on)."""
    h = hashlib.sha256(file_digest(source).encode())
    h.update(code_fingerprint().encode())
    for part in parts:
        h.update(repr(part).encode())
    return h.hexdigest()[:24]


@dataclass
class ClipDetections:
    """Per analysed frame: its time, what it stands for, size, look and detections."""

    at_s: list[float]
    stands_for: list[float]
    size: tuple[int, int]
    looks: list[str]
    detect_s: list[float]
    detections: list[Detections]


def save(path: Path, clip: ClipDetections) -> None:
    counts = np.array([len(d) for d in clip.detections], np.int64)
    empty = Detections()
    joined = clip.detections or [empty]
    tmp = path.with_name(path.name + f".{os.getpid()}.part")
    path.parent.mkdir(parents=True, exist_ok=True)
    with tmp.open("wb") as f:
        np.savez_compressed(
            f,
            at_s=np.array(clip.at_s, np.float64),
            stands_for=np.array(clip.stands_for, np.float64),
            size=np.array(clip.size, np.int64),
            looks=np.array(clip.looks, dtype="U12"),
            detect_s=np.array(clip.detect_s, np.float64),
            counts=counts,
            xyxy=np.concatenate([d.xyxy for d in joined]).astype(np.float32),
            confidence=np.concatenate([d.confidence for d in joined]).astype(np.float32),
            class_id=np.concatenate([d.class_id for d in joined]).astype(np.int64),
            tracker_id=np.concatenate([d.tracker_id for d in joined]).astype(np.int64),
        )
    tmp.replace(path)  # a run stopped half-way leaves no half entry behind


def load(path: Path) -> ClipDetections | None:
    if not path.exists():
        return None
    with np.load(path) as z:
        ends = np.cumsum(z["counts"])
        starts = ends - z["counts"]
        detections = [
            Detections(
                xyxy=z["xyxy"][a:b],
                confidence=z["confidence"][a:b],
                class_id=z["class_id"][a:b],
                tracker_id=z["tracker_id"][a:b],
            )
            for a, b in zip(starts, ends, strict=True)
        ]
        w, h = (int(v) for v in z["size"])
        return ClipDetections(
            [float(v) for v in z["at_s"]],
            [float(v) for v in z["stands_for"]],
            (w, h),
            [str(v) for v in z["looks"]],
            [float(v) for v in z["detect_s"]],
            detections,
        )
