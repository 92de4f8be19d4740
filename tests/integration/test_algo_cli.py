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
    proc = cli(
        "algo", "eval", "lane_occupation", "--dataset", "datasets/lane_occupation",
        "--origin", "real", "--json",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    r = json.loads(proc.stdout)
    assert r["positives"] == r["tp"] + r["fn"] == 5  # the five labelled incidents
    assert r["precision"] >= 0.9 and r["recall"] >= 0.9 and r["fp"] == 0
    assert r["detector_scales"] == [1.0, 0.5]


def test_without_close_looks_nanodet_misses_the_car_that_fills_the_frame():
    proc = cli(
        "algo", "eval", "lane_occupation", "--dataset", "datasets/lane_occupation",
        "--scales", "1", "--origin", "real", "--json",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    r = json.loads(proc.stdout)
    assert (r["tp"], r["fn"], r["fp"]) == (4, 1, 0)


def test_a_broken_label_file_is_named_with_its_line(tmp_path: Path):
    labels = (ROOT / "datasets/lane_occupation/labels.yaml").read_text(encoding="utf-8")
    (tmp_path / "labels.yaml").write_text(labels.replace("sample_fps: 1", "sample_fps: -1"))
    proc = cli("algo", "eval", "lane_occupation", "--dataset", str(tmp_path), "--json")
    assert proc.returncode == 1 and proc.stdout == ""
    assert "labels.yaml:10: clips[0].sample_fps: Input should be greater than 0" in proc.stderr
    proc = cli("algo", "eval", "no_such_rule", "--dataset", str(tmp_path))
    assert proc.returncode == 2 and "no algorithm plugin 'no_such_rule'" in proc.stderr


def test_eval_with_another_model_scores_the_same_labels():
    proc = cli(
        "algo", "eval", "lane_occupation", "--dataset", "datasets/lane_occupation",
        "--model", "centernet", "--origin", "real", "--json",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    r = json.loads(proc.stdout)
    assert r["model"].startswith("centernet@")
    assert r["positives"] == 5
    assert r["fp"] == 0


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


ROW_KEYS = {
    "algorithm", "split", "model", "clips", "scenes", "camera_hours", "positives", "tp", "fp",
    "fn", "precision", "precision_ci", "recall", "recall_ci", "f1",
    "false_alarms_per_camera_hour", "false_alarms_ci", "composited_positives", "frames",
    "inferences", "detect_ms_per_frame", "load", "status",
}  # fmt: skip
STILL_SET = """\
algorithm: illegal_parking
params: {dwell_s: 20}
clips:
  - id: dog
    source: dog.jpg
    split: dev
    scene: darknet-dog
    duration_s: 30
    zones:
      - {id: kerb, kind: no_parking, polygon: [[.55, .1], [.98, .1], [.98, .38], [.55, .38]]}
      - {id: porch, kind: no_parking, polygon: [[0.05, 0.55], [0.95, 0.55], [0.95, 1], [0.05, 1]]}
    events:
      - {zone: kerb, start_s: 0, end_s: 30, box: [0.61, 0.13, 0.89, 0.30]}
  - id: dog-held-out
    source: dog.jpg
    split: test
    scene: darknet-dog
    zones:
      - {id: porch, kind: no_parking, polygon: [[0.05, 0.55], [0.95, 0.55], [0.95, 1], [0.05, 1]]}
"""


def test_eval_all_prints_one_row_per_algorithm_and_not_measured_where_nothing_is(tmp_path: Path):
    # A small root: one still for illegal_parking, one with only a negative for
    # abandoned_object, the shipped rainfall series; every other algorithm has no set.
    for name, text in (
        ("illegal_parking", STILL_SET),
        ("abandoned_object", STILL_SET.replace("illegal_parking", "abandoned_object")),
    ):
        (tmp_path / name).mkdir()
        (tmp_path / name / "labels.yaml").write_text(text, encoding="utf-8")
        (tmp_path / name / "dog.jpg").symlink_to(ROOT / "media" / "dog.jpg")
    (tmp_path / "rainfall").symlink_to(ROOT / "datasets" / "rainfall")
    proc = cli("algo", "eval", "--all", "--datasets", str(tmp_path), "--split", "test", "--json")
    assert proc.returncode == 0, proc.stderr
    rows = {r["algorithm"]: r for r in json.loads(proc.stdout)}
    assert len(rows) == 15 and all(set(r) >= ROW_KEYS for r in rows.values())
    assert {n for n, r in rows.items() if r["status"] == "ok"} == {
        "illegal_parking", "abandoned_object", "rainfall",
    }  # fmt: skip
    assert rows["lane_occupation"]["status"] == "no set" and rows["lane_occupation"]["tp"] is None
    # The held-out still holds no incident: recall is not measured, and nothing was found, so
    # precision is not measured either; the 30 s still gives the hours the rate stands on.
    parking = rows["illegal_parking"]
    assert (parking["split"], parking["clips"], parking["scenes"]) == ("test", 1, 1)
    assert (parking["positives"], parking["tp"], parking["fp"], parking["fn"]) == (0, 0, 0, 0)
    assert parking["precision"] is parking["recall"] is parking["f1"] is None
    assert parking["precision_ci"] is parking["recall_ci"] is None
    assert parking["camera_hours"] == round(30 / 3600, 4)
    assert parking["false_alarms_per_camera_hour"] == 0.0
    assert parking["false_alarms_ci"][1] > 400  # 0 in 30 s bounds little
    assert parking["model"].startswith("nanodet@") and len(parking["load"]) == 3
    rain = rows["rainfall"]
    assert (rain["split"], rain["hours_of"], rain["model"]) == ("test", "series", None)
    assert rain["positives"] >= 10 and rain["recall_ci"][0] < rain["recall"] <= 1
    # The table says the same in words.
    proc = cli("algo", "eval", "--all", "--datasets", str(tmp_path), "--split", "test")
    assert proc.returncode == 0, proc.stderr
    parking_line = next(line for line in proc.stdout.splitlines() if "illegal_parking" in line)
    assert parking_line.count("not measured") == 2
    assert "no set" in next(line for line in proc.stdout.splitlines() if "lane_occupation" in line)
    assert "load" in proc.stdout and "nanodet@" in proc.stdout


def test_eval_of_the_dev_split_scores_the_tuned_clips_only(tmp_path: Path):
    (tmp_path / "labels.yaml").write_text(STILL_SET, encoding="utf-8")
    (tmp_path / "dog.jpg").symlink_to(ROOT / "media" / "dog.jpg")
    proc = cli("algo", "eval", "illegal_parking", "--dataset", str(tmp_path), "--split", "dev",
               "--transforms", "mirror", "--json")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    r = json.loads(proc.stdout)
    assert (r["split"], r["clips"], r["positives"], r["tp"]) == ("dev", 1, 1, 1)
    assert r["recall_ci"] == [0.207, 1.0]
    [mirror] = r["robustness"]
    # The mirrored box is still found where the flipped label says.
    assert (mirror["transform"], mirror["tp"], mirror["recall_drop"]) == ("mirror", 1, 0.0)
