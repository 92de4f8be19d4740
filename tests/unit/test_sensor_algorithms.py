from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gridwatch.algorithms.base import DeviceContext, SensorAlgorithm
from gridwatch.algorithms.rainfall import Rainfall, RainfallParams
from gridwatch.algorithms.water_level import WaterLevel, WaterLevelParams
from gridwatch.algorithms.water_quality import WaterQuality, WaterQualityParams
from gridwatch.domain.events import Finding
from gridwatch.domain.readings import Reading

T0 = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


def feed(algo: SensorAlgorithm, quantity: str, unit: str, values: list[float]) -> list[Finding]:
    out = []
    for i, v in enumerate(values):
        out += algo.process(Reading("s-1", quantity, v, unit, T0 + timedelta(minutes=i)))
    return out


def test_water_level_over_the_warning_mark_alerts_once():
    algo = WaterLevel(WaterLevelParams(warning_m=3.0), DeviceContext("s-1"))
    out = feed(algo, "water_level", "m", [2.0] * 5 + [3.1] * 30)
    assert len(out) == 1 and out[0].value == 3.1


def test_water_level_rising_fast_alerts_before_the_mark():
    algo = WaterLevel(
        WaterLevelParams(warning_m=5.0, rise_m_per_h=0.5, window_s=900), DeviceContext("s-1")
    )
    rising = [2.0 + 0.02 * i for i in range(30)]  # 1.2 m/h, stays below 5 m
    (f,) = feed(algo, "water_level", "m", rising)
    assert "rising" in f.summary


def test_steady_river_stays_quiet():
    algo = WaterLevel(WaterLevelParams(), DeviceContext("s-1"))
    assert feed(algo, "water_level", "m", [2.0, 2.01, 1.99] * 20) == []


def test_water_quality_spike_against_its_own_baseline():
    algo = WaterQuality(WaterQualityParams(limit=500, hold_s=60), DeviceContext("s-1"))
    values = [8.0] * 30 + [45.0] * 5 + [8.0] * 10
    assert len(feed(algo, "water_quality", "NTU", values)) == 1


def test_a_one_reading_splash_is_not_pollution():
    algo = WaterQuality(WaterQualityParams(hold_s=120), DeviceContext("s-1"))
    assert feed(algo, "water_quality", "NTU", [8.0] * 30 + [120.0] + [8.0] * 10) == []


def test_rainfall_alerts_once_per_storm_on_the_window_mean():
    algo = Rainfall(RainfallParams(intensity_mm_h=20, window_s=600), DeviceContext("s-1"))
    storm = [0.0] * 10 + [40.0] * 20 + [0.0] * 10
    assert len(feed(algo, "rainfall", "mm/h", storm)) == 1


def test_one_gusty_reading_is_not_a_storm():
    algo = Rainfall(RainfallParams(intensity_mm_h=20, window_s=600), DeviceContext("s-1"))
    assert feed(algo, "rainfall", "mm/h", [0.0] * 10 + [60.0] + [0.0] * 10) == []


def test_one_bad_gauge_reading_neither_alerts_on_level_nor_on_rate():
    algo = WaterLevel(WaterLevelParams(warning_m=3.0), DeviceContext("s-1"))
    steady = [2.0, 2.01, 1.99] * 10
    assert feed(algo, "water_level", "m", [*steady, 3.4, *steady]) == []  # echo off debris
    assert feed(algo, "water_level", "m", [*steady, 0.0, *steady]) == []  # lost echo read as 0
    assert feed(algo, "water_level", "m", [*steady, 2.8, *steady]) == []  # below the mark


def test_a_level_held_over_the_mark_for_three_readings_alerts():
    algo = WaterLevel(WaterLevelParams(warning_m=3.0), DeviceContext("s-1"))
    (f,) = feed(algo, "water_level", "m", [2.0] * 30 + [3.2] * 3)
    assert f.value == 3.2
