"""`gridwatch algo eval` on the shipped sensor sets: the numbers the cards state,
as their own command gives them."""

from __future__ import annotations

import json
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from gridwatch.algorithms.registry import plugin
from tests.card_figures import expected, stated
from tests.conftest import ROOT

KEYS = {
    "algorithm", "split", "model", "clips", "series", "scenes", "positives", "tp", "fp", "fn",
    "precision", "precision_n", "precision_ci", "recall", "recall_n", "recall_ci", "f1",
    "hours_of", "camera_hours", "false_alarms_per_camera_hour", "false_alarms_ci",
    "composited_positives", "composited_share", "frames", "inferences", "detect_ms_per_frame",
    "readings", "bad_readings", "algorithm_ms_per_reading", "load", "status",
}  # fmt: skip


@pytest.mark.parametrize("name", ["water_level", "water_quality", "rainfall"])
def test_eval_on_the_shipped_sensor_set_matches_the_card(name: str) -> None:
    # The card's own command: the sensor sets are synthetic, and --origin leaves series alone.
    proc = subprocess.run(
        [sys.executable, "-m", "gridwatch.cli.main", "algo", "eval", name,
         "--origin", "real", "--split", "dev", "--json"],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    r = json.loads(proc.stdout)
    assert set(r) == KEYS and (r["algorithm"], r["split"], r["hours_of"]) == (name, "dev", "series")
    assert r["readings"] > 10_000 and r["bad_readings"] > 0 and r["camera_hours"] >= 120
    assert r["positives"] == r["tp"] + r["fn"] >= 10
    assert stated(plugin(name).quality) == expected(r)


def test_the_generator_reproduces_the_shipped_sets_byte_for_byte(tmp_path: Path) -> None:
    generator = runpy.run_path(str(ROOT / "datasets" / "generate_sensor_sets.py"), run_name="gen")
    generator["main"](tmp_path)
    for name in ("water_level", "water_quality", "rainfall"):
        written = sorted(p.relative_to(tmp_path) for p in (tmp_path / name).rglob("*.*"))
        assert Path(name, "labels.yaml") in written and len(written) >= 5
        for rel in written:
            assert (tmp_path / rel).read_bytes() == (ROOT / "datasets" / rel).read_bytes(), rel
