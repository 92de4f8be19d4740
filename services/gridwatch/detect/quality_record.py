"""The measured quality the algorithm cards quote: the rows of one
`gridwatch algo eval --all --split test --record` run, stored with what they were measured on.

One file (`algorithms/measured_quality.json`, shipped with the package) holds every rule's row,
the label files' digest per set and the model version, the machine's load and the time. The
cards (`gridwatch algo show`), the docs' quality page and the README quote this file and
nothing else, and a unit test fails when a set's labels or the default model changed since it
was recorded, so a quoted figure is never one the current data no longer gives.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RECORD = Path(__file__).resolve().parents[1] / "algorithms" / "measured_quality.json"
# Files of a set that do not change its figures.
_NOT_LABELS = {"README.md"}


def set_digest(directory: Path) -> str:
    """sha256 over a set's label files and series (every file but its README), by name."""
    h = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        if path.name in _NOT_LABELS or "__pycache__" in path.parts:
            continue
        h.update(path.relative_to(directory).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _commit(root: Path) -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, check=True, timeout=10,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def write_record(
    rows: Sequence[dict[str, Any]],
    held_out: Sequence[str],
    root: Path,
    path: Path = RECORD,
) -> Path:
    record = {
        "split": "test",
        "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": _commit(root),
        "cpu_count": os.cpu_count(),
        "load_after": [round(v, 2) for v in os.getloadavg()],
        "held_out_transforms": list(held_out),
        "rules": {
            r["algorithm"]: {**r, "set_sha256": set_digest(root / r["algorithm"])}
            for r in rows
            if r.get("status") == "ok"
        },
    }
    path.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def load_record(path: Path = RECORD) -> dict[str, Any] | None:
    if not path.exists():
        return None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def stale(record: dict[str, Any], datasets: Path, model_version: str) -> list[str]:
    """Why the record no longer describes the sets and the default model ([] when it does)."""
    problems = []
    for name, row in record["rules"].items():
        directory = datasets / name
        if not directory.is_dir():
            problems.append(f"{name}: recorded, but {directory} is gone")
        elif set_digest(directory) != row["set_sha256"]:
            problems.append(f"{name}: the labels under {directory} changed since the record")
        if row.get("model") and row["model"] != model_version:
            problems.append(f"{name}: recorded with {row['model']}, the default is {model_version}")
    return problems
