"""`gridwatch algo compare-models`: every model on every chosen rule's set, one run, one table."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import MEDIA, ROOT

pytestmark = pytest.mark.slow

PICKUP_SET = f"""
algorithm: illegal_parking
params: {{dwell_s: 20}}
clips:
  - id: porch
    source: {MEDIA / "dog.jpg"}
    split: test
    scene: darknet-dog
    duration_s: 30
    zones:
      - id: kerb
        kind: no_parking
        polygon: [[0.55, 0.10], [0.98, 0.10], [0.98, 0.38], [0.55, 0.38]]
      - id: street
        kind: no_parking
        polygon: [[0.20, 0.18], [0.50, 0.18], [0.50, 0.38], [0.20, 0.38]]
    events:
      - {{zone: kerb, start_s: 0, end_s: 30, box: [0.61, 0.13, 0.89, 0.30], note: white pickup}}
"""


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gridwatch.cli.main", *args],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip


def value(figure: Any) -> Any:
    return figure.get("value") if isinstance(figure, dict) else figure


def test_two_models_on_one_rule_give_one_row_each_with_quality_and_cost(tmp_path: Path):
    (tmp_path / "illegal_parking").mkdir()
    (tmp_path / "illegal_parking" / "labels.yaml").write_text(PICKUP_SET)
    proc = cli(
        "algo", "compare-models", "--datasets", str(tmp_path), "--rules", "illegal_parking",
        "--models", "nanodet,yolox_nano", "--json",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["cpu_count"] >= 1 and set(report["load_before"]) == {"1m", "5m", "15m"}
    rows = {r["model"]: r for r in report["results"]}
    assert set(rows) == {"nanodet", "yolox_nano"}
    for r in rows.values():
        assert r["rule"] == "illegal_parking" and r["detect_ms_per_frame"] > 0
        assert value(r["recall"]) == 1.0 and value(r["precision"]) == 1.0  # the pickup, alone
    table = cli(
        "algo", "compare-models", "--datasets", str(tmp_path), "--models", "nanodet",
    )  # fmt: skip
    assert table.returncode == 0, table.stderr
    assert "illegal_parking" in table.stdout and "nanodet" in table.stdout


def test_an_unknown_model_is_a_usage_error():
    proc = cli("algo", "compare-models", "--models", "yolov9", "--rules", "illegal_parking")
    assert proc.returncode == 2 and "unknown models: yolov9" in proc.stderr
