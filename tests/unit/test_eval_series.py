"""`algo eval` on labelled sensor series: readings replayed as the sensor stage feeds them."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridwatch.detect.evaluate_series import duration_s, evaluate_series

LABELS = """\
algorithm: water_level
params: {warning_m: 3.0, rise_m_per_h: 0.5, window_s: 900, release_s: 600}
series:
  - id: river
    source: river.csv
    split: dev
    scene: river-gauge
    quantity: water_level
    unit: m
    events:
      - {start_s: 3600, end_s: 7200, note: flood over the warning mark}
    negatives:
      - {start_s: 600, end_s: 780, note: debris on the gauge}
"""


def write_set(tmp_path: Path, values: list[str], labels: str = LABELS) -> Path:
    (tmp_path / "labels.yaml").write_text(labels, encoding="utf-8")
    rows = "".join(f"{60 * i},{v}\n" for i, v in enumerate(values))
    (tmp_path / "river.csv").write_text("t_s,value\n" + rows, encoding="utf-8")
    return tmp_path


def test_a_glitch_is_a_false_alarm_and_nan_readings_are_counted_not_fed(tmp_path: Path) -> None:
    calm = ["2.000"] * 60
    calm[10:13] = ["3.500"] * 3  # debris on the gauge for 3 min, 50 min before the flood
    calm[20], calm[21], calm[22] = "nan", "", "ERR"  # NaN, no value, garbage
    flood = ["3.200"] * 60
    result = evaluate_series("water_level", write_set(tmp_path, calm + flood))
    s = result.score
    assert (s.true_positives, s.false_positives, s.false_negatives) == (1, 1, 0)
    # The level is the median of the last 3 readings: each alert comes on the 2nd one over.
    assert [f.at_s for f in result.findings] == [660, 3660]
    assert (result.readings, result.bad_readings) == (117, 3)
    assert s.hours == 2.0 and s.false_alarms_per_hour == 0.5
    d = result.as_dict()
    assert d["precision"] == 0.5 and d["recall"] == 1.0 and d["f1"] == 0.667


def test_a_second_finding_of_one_event_is_a_false_alarm(tmp_path: Path) -> None:
    # Over the mark, back to normal for longer than release_s, over again: two episodes
    # inside the one labelled event.
    values = ["2.000"] * 60 + ["3.200"] * 10 + ["2.000"] * 15 + ["3.200"] * 35
    s = evaluate_series("water_level", write_set(tmp_path, values)).score
    assert (s.true_positives, s.false_positives, s.false_negatives) == (1, 1, 0)


def test_an_event_without_a_finding_is_a_miss(tmp_path: Path) -> None:
    result = evaluate_series("water_level", write_set(tmp_path, ["2.000"] * 120))
    s = result.score
    assert (s.true_positives, s.false_positives, s.false_negatives) == (0, 0, 1)
    # No finding: precision is not measured (never 1.0), and F1 with it.
    assert s.precision is None and s.recall == 0.0 and s.f1 is None
    d = result.as_dict()
    assert (d["precision"], d["precision_ci"], d["f1"]) == (None, None, None)
    assert d["recall_ci"] == [0.0, 0.793] and d["false_alarms_ci"] == [0.0, 1.844]


def test_a_vision_algorithm_or_a_bad_csv_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="vision algorithm"):
        evaluate_series("lane_occupation", write_set(tmp_path, ["2.0"]))
    (tmp_path / "labels.yaml").write_text("algorithm: water_level\nclips: []\n", encoding="utf-8")
    with pytest.raises(ValueError, match="camera clips"):
        evaluate_series("water_level", tmp_path)
    write_set(tmp_path, ["2.0"])
    (tmp_path / "river.csv").write_text("time,level\n0,2.0\n", encoding="utf-8")
    with pytest.raises(ValueError, match="t_s,value"):
        evaluate_series("water_level", tmp_path)


def test_a_series_lasts_from_its_first_reading_to_one_interval_after_its_last() -> None:
    assert duration_s([0, 30, 60, 3600]) == 3630
    assert duration_s([]) == 0.0
