"""The algorithm plugin of the extending guide (examples/gridwatch-stray-dog) works against the
plugin API as it is today, and its package declares it where gridwatch looks for plugins."""

from __future__ import annotations

import importlib.util
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType

import numpy as np

from gridwatch.algorithms.base import DeviceContext
from gridwatch.algorithms.registry import ENTRY_POINT_GROUP
from gridwatch.config.schema import Zone
from gridwatch.domain.detections import CLASS_ID, Detections
from gridwatch.domain.readings import FrameInfo

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "gridwatch-stray-dog"
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
SQUARE = Zone(id="plaza", kind="square", polygon=[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)])


def _plugin_module() -> ModuleType:
    path = EXAMPLE / "src" / "gridwatch_stray_dog" / "__init__.py"
    spec = importlib.util.spec_from_file_location("gridwatch_stray_dog", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _frames(module: ModuleType, boxes: list[list[float]], classes: list[str], seconds: int) -> int:
    algo = module.StrayDog(module.StrayDogParams(dwell_s=60), DeviceContext("cam-1", (SQUARE,)))
    det = Detections(
        np.array(boxes, np.float32),
        np.full(len(boxes), 0.6, np.float32),
        np.array([CLASS_ID[c] for c in classes]),
    )
    found = 0
    for t in range(seconds):
        frame = FrameInfo("cam-1", t, T0 + timedelta(seconds=t), 768, 576)
        found += len(algo.process(frame, det))
    return found


def test_a_dog_alone_in_the_square_is_reported_once() -> None:
    assert _frames(_plugin_module(), [[300, 400, 360, 450]], ["dog"], 180) == 1


def test_a_dog_beside_a_person_is_not_reported() -> None:
    dog, owner = [300, 400, 360, 450], [360, 300, 420, 460]
    assert _frames(_plugin_module(), [dog, owner], ["dog", "person"], 180) == 0


def test_the_package_registers_the_plugin_under_its_id() -> None:
    project = tomllib.loads((EXAMPLE / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    entry_points = project["entry-points"][ENTRY_POINT_GROUP]
    module = _plugin_module()
    assert entry_points == {module.StrayDog.id: "gridwatch_stray_dog:StrayDog"}
    assert module.PLUGIN is module.StrayDog
