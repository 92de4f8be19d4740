"""`gridwatch algo new NAME`: the files of a new vision algorithm, ready to fill in."""

from __future__ import annotations

import re
from pathlib import Path

NAME = re.compile(r"^[a-z][a-z0-9_]{2,40}$")

MODULE = '''"""{title} — what it detects, in one line.

Say here what the rule looks at and why it is built this way.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from gridwatch.algorithms.stationary_rule import StationaryInZone, StationaryParams
from gridwatch.domain.detections import MOTOR_VEHICLES


class {cls}Params(StationaryParams):
    dwell_s: float = Field(60.0, gt=0, description="Seconds the object must stay in the zone.")


class {cls}(StationaryInZone):
    """One sentence a duty officer understands: which objects, which zones, how long."""

    id: ClassVar[str] = "{name}"
    event_type: ClassVar[str] = "{name}"
    title: ClassVar[str] = "{title}"
    Params = {cls}Params
    zone_kinds: ClassVar[tuple[str, ...]] = ("road",)
    classes: ClassVar[frozenset[int]] = MOTOR_VEHICLES
    what: ClassVar[str] = "zone"
    inputs: ClassVar[str] = "which detections and zones it reads"
    limits: ClassVar[str] = "where it fails: look-alikes, distances, light"


PLUGIN = {cls}
'''

TEST = """from datetime import UTC, datetime, timedelta

import numpy as np

from gridwatch.algorithms.base import DeviceContext
from gridwatch.algorithms.{name} import {cls}, {cls}Params
from gridwatch.config.schema import Zone
from gridwatch.domain.detections import CLASS_ID, Detections
from gridwatch.domain.readings import FrameInfo

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
ZONE = Zone(id="z", kind="road", polygon=[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)])


def test_an_object_that_stays_gives_one_finding():
    algo = {cls}({cls}Params(dwell_s=10), DeviceContext("cam-1", (ZONE,)))
    det = Detections(
        np.array([[10, 10, 30, 30]], np.float32), np.array([0.5], np.float32),
        np.array([CLASS_ID["car"]]),
    )
    out = []
    for t in range(30):
        out += algo.process(FrameInfo("cam-1", t, T0 + timedelta(seconds=t), 100, 100), det)
    assert len(out) == 1
"""


def class_name(name: str) -> str:
    return "".join(part.title() for part in name.split("_"))


def scaffold(name: str, root: Path, title: str = "") -> list[Path]:
    """Write module, test and card; refuse to overwrite anything."""
    if not NAME.match(name):
        raise ValueError(f"{name!r}: use 3-41 lower-case letters, digits and _ (a python name)")
    cls = class_name(name)
    files = {
        root / "services/gridwatch/algorithms" / f"{name}.py": MODULE,
        root / "tests/unit" / f"test_{name}.py": TEST,
    }
    for path in files:
        if path.exists():
            raise FileExistsError(f"{path} exists; pick another name")
    for path, text in files.items():
        path.write_text(text.format(name=name, cls=cls, title=title or name), encoding="utf-8")
    return list(files)
