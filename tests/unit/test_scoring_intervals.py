"""Honest figures: proportions with Wilson intervals, rates with exact Poisson intervals, and
"not measured" where nothing stands behind a figure."""

from __future__ import annotations

import pytest

from gridwatch.domain.confidence import garwood, rate_interval, wilson
from gridwatch.domain.scoring import Found, Label, Score, score, summary


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        (5, 5, 0.5655, 1.0),  # five of five found: the interval still reaches down to 0.57
        (5, 10, 0.2366, 0.7634),
        (0, 10, 0.0, 0.2775),
        (81, 263, 0.2553, 0.3662),
    ],
)
def test_wilson_interval_matches_published_values(successes: int, n: int, low: float, high: float):
    got = wilson(successes, n)
    assert got is not None
    assert got == pytest.approx((low, high), abs=1e-4)


def test_wilson_of_nothing_is_not_measured():
    assert wilson(0, 0) is None
    with pytest.raises(ValueError):
        wilson(3, 2)


@pytest.mark.parametrize(
    ("count", "low", "high"),
    [
        # Garwood (1936) / chi-square table: [chi2(0.025, 2k)/2, chi2(0.975, 2k+2)/2].
        (0, 0.0, 3.6889),
        (1, 0.0253, 5.5716),
        (5, 1.6235, 11.6683),
        (10, 4.7954, 18.3904),
        (100, 81.3640, 121.6268),
    ],
)
def test_garwood_interval_matches_the_chi_square_table(count: int, low: float, high: float):
    assert garwood(count) == pytest.approx((low, high), abs=1e-4)


def test_a_rate_interval_divides_by_the_hours_and_needs_some():
    assert rate_interval(0, 2.0) == pytest.approx((0.0, 3.6889 / 2), abs=1e-4)
    assert rate_interval(3, 0.0) is None


def test_a_set_without_positives_or_findings_is_not_measured_never_one():
    s = Score(true_positives=0, false_positives=0, false_negatives=0, hours=0.5)
    assert s.precision is None and s.recall is None and s.f1 is None
    d = summary(s)
    assert d["precision"] is None and d["precision_ci"] is None and d["precision_n"] == 0
    assert d["recall"] is None and d["recall_ci"] is None and d["f1"] is None
    # No false alarm in half an hour: 0 per camera-hour, but up to 7.4 is consistent with it.
    assert d["false_alarms_per_camera_hour"] == 0.0
    assert d["false_alarms_ci"] == [0.0, 7.378]
    assert d["camera_hours"] == 0.5


def test_false_alarms_without_positives_measure_precision_but_not_recall():
    s = score([], [Found("c", "z", 3.0, None), Found("c", "z", 9.0, None)], hours=1.0)
    assert (s.precision, s.recall, s.f1) == (0.0, None, None)
    assert s.precision_ci == pytest.approx((0.0, 0.6576), abs=1e-4)
    assert s.false_alarms_per_hour == 2.0


def test_without_hours_there_is_no_false_alarm_rate():
    s = Score(0, 2, 0, hours=0.0)
    assert s.false_alarms_per_hour is None and s.false_alarms_ci is None


def test_every_figure_carries_its_sample_size():
    labels = [Label("c", "z", 0, 60), Label("c", "y", 0, 60), Label("d", "z", 0, 60)]
    found = [Found("c", "z", 20, None), Found("d", "z", 5, None), Found("d", "x", 5, None)]
    d = summary(score(labels, found, hours=2.0))
    assert (d["positives"], d["tp"], d["fp"], d["fn"]) == (3, 2, 1, 1)
    assert (d["precision_n"], d["recall_n"]) == (3, 3)
    assert d["precision"] == d["recall"] == d["f1"] == 0.667
    assert d["precision_ci"] == [0.208, 0.939]
    assert d["false_alarms_per_camera_hour"] == 0.5
