"""The cards' measured quality: targets judged from a row, and a record that goes stale when the
labels or the default model it was measured on change."""

from __future__ import annotations

from pathlib import Path

from gridwatch.detect.engine import model_version
from gridwatch.detect.model_cards import model_path
from gridwatch.detect.quality_record import RECORD, load_record, set_digest, stale, write_record
from gridwatch.domain.quality_targets import verdicts
from tests.conftest import ROOT

ROW = {
    "algorithm": "loitering", "status": "ok", "model": "nanodet@abc", "positives": 24,
    "scenes": 3, "camera_hours": 2.5, "recall": 0.875, "false_alarms_per_camera_hour": 0.4,
    "robustness": [{"transform": "mirror", "recall_drop": 0.04},
                   {"transform": "dusk", "recall_drop": None}],
}  # fmt: skip


def test_targets_are_met_missed_or_not_measured() -> None:
    by_target = {v.target: v.met for v in verdicts(ROW)}
    assert by_target["≥ 20 positives"] is True
    assert by_target["recall ≥ 0.9"] is False
    assert by_target["≤ 1 false alarm per camera-hour"] is True
    assert by_target["recall drop ≤ 0.1 under mirror"] is True
    assert by_target["recall drop ≤ 0.1 under dusk"] is None


def test_a_row_without_positives_meets_no_recall_target() -> None:
    row = {**ROW, "positives": 0, "recall": None, "robustness": []}
    by_target = {v.target: (v.figure, v.met) for v in verdicts(row)}
    assert by_target["recall ≥ 0.9"] == ("not measured", None)
    assert by_target["≥ 20 positives"] == ("0", False)


def test_record_goes_stale_when_labels_or_model_change(tmp_path: Path) -> None:
    sets = tmp_path / "datasets"
    (sets / "loitering").mkdir(parents=True)
    labels = sets / "loitering" / "labels.yaml"
    labels.write_text("algorithm: loitering\nclips: []\n", encoding="utf-8")
    (sets / "loitering" / "README.md").write_text("notes", encoding="utf-8")
    path = write_record([ROW], ["mirror"], sets, tmp_path / "record.json")
    record = load_record(path)
    assert record is not None
    assert stale(record, sets, "nanodet@abc") == []
    (sets / "loitering" / "README.md").write_text("other notes", encoding="utf-8")
    assert stale(record, sets, "nanodet@abc") == []  # notes are not labels
    assert stale(record, sets, "nanodet@def") != []
    labels.write_text("algorithm: loitering\nclips: []\n# edited\n", encoding="utf-8")
    assert "labels" in stale(record, sets, "nanodet@abc")[0]


def test_the_shipped_record_describes_the_current_sets_and_model() -> None:
    record = load_record(RECORD)
    assert record is not None, "the cards' measured quality comes from this record"
    problems = stale(record, ROOT / "datasets", model_version(model_path("nanodet")))
    assert problems == [], (
        "rerun `gridwatch algo eval --all --split test --transforms mirror,dusk,jpeg:15,"
        "scale:0.5 --record` (after `make corpus`): " + "; ".join(problems)
    )
    assert set_digest(ROOT / "datasets" / "loitering")
