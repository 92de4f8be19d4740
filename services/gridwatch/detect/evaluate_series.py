"""`gridwatch algo eval` for sensor algorithms: replay labelled series of readings.

The set is a directory with `labels.yaml` listing `series:` entries, each a CSV of `t_s,value`
rows (seconds from the series' start, the reading; an empty or `nan` value is a reading the
device sent without a usable number) and the events a hydrologist or duty officer wants an
alert for. Readings go through the algorithm as the runtime's sensor stage feeds them: each is
validated first, and an invalid one is counted and skipped.
"""

from __future__ import annotations

import csv
import itertools
import math
import os
import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, RootModel

from gridwatch.algorithms.base import DeviceContext, SensorAlgorithm
from gridwatch.algorithms.registry import plugin
from gridwatch.config.schema import Strict
from gridwatch.detect.labelled_set import SplitFilter, load_labelled_set
from gridwatch.domain.readings import BadReading, Reading
from gridwatch.domain.scoring import Found, Label, Score, score, summary

T0 = datetime(2026, 6, 1, 0, 0, tzinfo=UTC)


class SeriesEvent(Strict):
    start_s: float = Field(ge=0, description="Seconds from the series start: condition begins.")
    end_s: float = Field(ge=0, description="Seconds: condition over, plus the reaction time.")
    note: str = ""


class Series(Strict):
    id: str
    source: str = Field(description="CSV with columns t_s,value, relative to the labels file.")
    split: Literal["dev", "test"] = Field(
        description="dev: rules and thresholds may be tuned on it; test: reported as it falls."
    )
    scene: str = Field(min_length=1, description="The place (gauge, probe) the series is of.")
    origin: Literal["real", "composited", "synthetic"] = Field(
        "real",
        description="real readings, real ones with composited events, or generated (seeded).",
    )
    quantity: str
    unit: str
    events: list[SeriesEvent] = Field(default_factory=list)
    # Situations that must not alert, listed for the reader; unscored (every finding outside
    # an event is a false alarm wherever it falls).
    negatives: list[SeriesEvent] = Field(default_factory=list)


class SeriesList(RootModel[list[Series]]):
    """A `series-*.yaml` file: more series of the set, in the same schema."""


class SeriesSet(Strict):
    algorithm: str
    params: dict[str, Any] = Field(default_factory=dict)
    series: list[Series]


@dataclass
class SeriesEvaluation:
    algorithm: str
    split: SplitFilter
    score: Score
    series: int
    scenes: int
    not_real_positives: int
    readings: int
    bad_readings: int
    algorithm_ms_per_reading: float
    findings: list[Found]
    load: tuple[float, float, float]

    def as_dict(self) -> dict[str, Any]:
        s = self.score
        return {
            "algorithm": self.algorithm,
            "split": self.split,
            "model": None,
            "clips": self.series,
            "series": self.series,
            "scenes": self.scenes,
            **summary(s, "series"),
            # Positives of series that are not real readings (synthetic or composited).
            "composited_positives": self.not_real_positives,
            "composited_share": (
                round(self.not_real_positives / s.positives, 3) if s.positives else None
            ),
            "frames": self.readings,
            "inferences": None,
            "detect_ms_per_frame": None,
            "readings": self.readings,
            "bad_readings": self.bad_readings,
            "algorithm_ms_per_reading": round(self.algorithm_ms_per_reading, 4),
            "load": [round(v, 2) for v in self.load],
        }


def load_series_set(directory: Path, split: SplitFilter = "all") -> SeriesSet:
    """labels.yaml and any series-*.yaml merged, the series of `split` kept."""
    path = directory / "labels.yaml"
    if path.exists():
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(doc, dict) and "clips" in doc and "series" not in doc:
            raise ValueError(f"{path}: holds camera clips; a sensor algorithm needs `series:`")
    return load_labelled_set(directory, SeriesSet, "series", SeriesList, split)


def read_series(path: Path) -> list[tuple[float, float]]:
    """(seconds from start, value) rows; a missing or unreadable value is NaN, so that it is
    counted as a bad reading the way the runtime counts a device's garbage."""
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    if rows and set(rows[0]) != {"t_s", "value"}:
        raise ValueError(f"{path}: expected the columns t_s,value")
    return [(float(r["t_s"]), _number(r["value"])) for r in rows]


def _number(text: str | None) -> float:
    try:
        return float(text or "nan")
    except ValueError:
        return math.nan


def duration_s(times: list[float]) -> float:
    """First to last reading plus one reading interval (the last reading covers one too)."""
    if not times:
        return 0.0
    steps = [b - a for a, b in itertools.pairwise(times) if b > a]
    return times[-1] - times[0] + (statistics.median(steps) if steps else 0.0)


def evaluate_series(name: str, directory: Path, *, split: SplitFilter = "all") -> SeriesEvaluation:
    """Replay the series of `split` through sensor algorithm `name`; series-hours are the sum of
    the series' durations."""
    labels = load_series_set(directory, split)
    cls = plugin(name)
    if not issubclass(cls, SensorAlgorithm):
        raise ValueError(f"{name} is a vision algorithm; this set holds sensor series")
    params = cls.Params.model_validate(labels.params if labels.algorithm == name else {})
    truth: list[Label] = []
    found: list[Found] = []
    readings = bad = not_real = 0
    seconds = algo_s = 0.0
    for series in labels.series:
        algo = cls(params, DeviceContext(series.id))
        rows = read_series(directory / series.source)
        for t_s, value in rows:
            reading = Reading(
                series.id, series.quantity, value, series.unit, T0 + timedelta(seconds=t_s)
            )
            try:
                reading = reading.validated()
            except BadReading:
                bad += 1
                continue
            readings += 1
            t0 = time.perf_counter()
            out = algo.process(reading)
            algo_s += time.perf_counter() - t0
            found += [Found(series.id, "", (f.observed_at - T0).total_seconds(), None) for f in out]
        seconds += duration_s([t for t, _ in rows])
        truth += [Label(series.id, "", ev.start_s, ev.end_s) for ev in series.events]
        if series.origin != "real":
            not_real += len(series.events)
    result = score(truth, found, seconds / 3600)
    return SeriesEvaluation(
        name,
        split,
        result,
        len(labels.series),
        len({s.scene for s in labels.series}),
        not_real,
        readings,
        bad,
        1000 * algo_s / max(1, readings),
        found,
        os.getloadavg(),
    )
