"""Evidence files (JPEG pictures and uploads) on local disk, addressed by a relative key."""

from __future__ import annotations

import re
from pathlib import Path

SAFE = re.compile(r"^[A-Za-z0-9._/-]+$")


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
