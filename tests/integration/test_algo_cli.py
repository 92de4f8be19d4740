"""The algorithm engineer's kit from the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from gridwatch.algorithms.scaffold import scaffold
from tests.conftest import ROOT


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gridwatch.cli.main", *args],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip


def test_algo_list_shows_the_fifteen_algorithms():
    proc = cli("algo", "list", "--json")
    assert proc.returncode == 0, proc.stderr
    ids = {a["id"] for a in json.loads(proc.stdout)}
    assert len(ids) == 15 and {"lane_occupation", "person_in_water", "rainfall"} <= ids


def test_eval_on_the_shipped_lane_set_scores_every_label():
    proc = cli("algo", "eval", "lane_occupation", "--dataset", "datasets/lane_occupation", "--json")
    assert proc.returncode == 0, proc.stderr
    r = json.loads(proc.stdout)
    assert r["true_positives"] + r["false_negatives"] == 5  # the five labelled incidents
    assert r["precision"] >= 0.9 and r["recall"] >= 0.9 and r["false_positives"] == 0
    assert r["detector_scales"] == [1.0, 0.5]


def test_without_close_looks_nanodet_misses_the_car_that_fills_the_frame():
    proc = cli(
        "algo", "eval", "lane_occupation", "--dataset", "datasets/lane_occupation",
        "--scales", "1", "--json",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    r = json.loads(proc.stdout)
    assert (r["true_positives"], r["false_negatives"], r["false_positives"]) == (4, 1, 0)


def test_a_broken_label_file_is_named_with_its_line(tmp_path: Path):
    labels = (ROOT / "datasets/lane_occupation/labels.yaml").read_text(encoding="utf-8")
    (tmp_path / "labels.yaml").write_text(labels.replace("sample_fps: 1", "sample_fps: -1"))
    proc = cli("algo", "eval", "lane_occupation", "--dataset", str(tmp_path), "--json")
    assert proc.returncode == 1 and proc.stdout == ""
    assert "labels.yaml:8: clips[0].sample_fps: Input should be greater than 0" in proc.stderr
    proc = cli("algo", "eval", "no_such_rule", "--dataset", str(tmp_path))
    assert proc.returncode == 2 and "no algorithm plugin 'no_such_rule'" in proc.stderr


def test_eval_with_another_model_scores_the_same_labels():
    proc = cli(
        "algo", "eval", "lane_occupation", "--dataset", "datasets/lane_occupation",
        "--model", "centernet", "--json",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    r = json.loads(proc.stdout)
    assert r["model"].startswith("centernet@")
    assert r["true_positives"] + r["false_negatives"] == 5
    assert r["false_positives"] == 0


def test_scaffolded_algorithm_passes_its_own_test(tmp_path: Path):
    (tmp_path / "services/gridwatch/algorithms").mkdir(parents=True)
    (tmp_path / "tests/unit").mkdir(parents=True)
    module, test = scaffold("bus_lane_parking", tmp_path, "公交车道停车")
    assert "class BusLaneParking(StationaryInZone)" in module.read_text(encoding="utf-8")
    # Run the generated test against the generated module.
    pkg = tmp_path / "pkg"
    (pkg / "gridwatch_ext").mkdir(parents=True)
    code = test.read_text(encoding="utf-8").replace(
        "gridwatch.algorithms.bus_lane_parking", "gridwatch_ext.bus_lane_parking"
    )
    (pkg / "gridwatch_ext" / "bus_lane_parking.py").write_text(module.read_text(encoding="utf-8"))
    (pkg / "test_generated.py").write_text(code, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_generated.py"],
        capture_output=True, text=True, timeout=120, cwd=pkg,
        env={**os.environ, "PYTHONPATH": f"{pkg}:{ROOT / 'services'}"},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-2000:]
