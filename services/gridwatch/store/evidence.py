"""Evidence files (JPEG pictures and uploads) on local disk, addressed by a relative key."""

from __future__ import annotations

import re
from pathlib import Path

SAFE = re.compile(r"^[A-Za-z0-9._/-]+$")
# The undrawn frame of a finding is kept a little finer than the evidence picture: it is what a
# harvested label is evaluated on, and JPEG blocking at 85 already moves a detector's scores.
RAW_FRAME_QUALITY = 92


def raw_frame_key(evidence_key: str) -> str:
    """`20260301/cam-1/fnd-x.jpg` → `20260301/cam-1/fnd-x.raw.jpg`: the frame without drawing."""
    stem, dot, ext = evidence_key.rpartition(".")
    return f"{stem}.raw.{ext}" if dot else f"{evidence_key}.raw"


class EvidenceStore:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def put(self, key: str, data: bytes) -> str:
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".part")
        tmp.write_bytes(data)
        tmp.replace(path)  # readers never see a half-written picture
        return key

    def path(self, key: str) -> Path:
        if not SAFE.match(key) or ".." in key.split("/"):
            raise ValueError(f"bad evidence key {key!r}")
        path = (self.root / key).resolve()
        if self.root not in path.parents:
            raise ValueError(f"evidence key {key!r} escapes the store")
        return path
