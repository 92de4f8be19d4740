"""Write the labelled sensor series of datasets/water_level, water_quality and rainfall.

    python datasets/generate_sensor_sets.py

Seeded: running it again rewrites the CSVs and labels.yaml files byte for byte. Each set holds
`dev` series (the scenario tables below) and `test` series (other seeded draws of the same
scenarios: `test_draw`). Every series
is built from a scenario table (below): a clean signal (base level, daily cycle, the scenario's
hydrograph, discharge or storm) plus the sensor's noise and faults. The labels are the
scenarios a duty officer wants an alert for, with spans taken from the clean signal of the
table; the algorithms are never run here.

All sensors of the sample district (configs/zhongliangshan/devices.yaml) report every 30 s:
water levels in m (VEGAPULS C 21 radar, Keller PR-36XW pressure), turbidity in NTU (Hach
Solitax sc, YSI EXO2), rainfall intensity in mm/h (Campbell TE525MM 0.1 mm and Davis 7852M
0.2 mm tipping buckets).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
INTERVAL_S = 30
DAY_S = 86400
# A late alert is still worth dispatching when it comes within 15 minutes of the condition's
# end: the time a duty officer needs to send a patrol to a river bank. Fixed for every set,
# whatever any algorithm's window.
REACTION_S = 900
WARNING_M = 3.0  # the district's warning level (algorithms.yaml keeps the default)
FAST_RISE_M_H = 0.5  # 急涨: rising this fast for 15 minutes or more wants an alert on its own
TURBIDITY_LIMIT = 50.0  # NTU; the district's absolute limit (the algorithm's default)
HEAVY_RAIN_MM_H = 20.0  # 短时强降水, sustained for 30 minutes or more


@dataclass
class Span:
    start_s: float
    end_s: float
    note: str


@dataclass
class Built:
    id: str
    quantity: str
    unit: str
    rows: list[tuple[int, str]]
    events: list[Span] = field(default_factory=list)
    negatives: list[Span] = field(default_factory=list)
    split: str = "dev"


def _h(hours: float) -> int:
    return round(hours * 3600 / INTERVAL_S)


def _last_at_or_above(clean: list[float], start: int, level: float) -> int:
    """Index of the last sample of the run at/above `level` that starts at or after `start`."""
    i = start
    while i < len(clean) and clean[i] < level:
        i += 1
    while i + 1 < len(clean) and clean[i + 1] >= level:
        i += 1
    return i


def _cos_rise(x: float) -> float:
    return 0.0 if x <= 0 else 1.0 if x >= 1 else (1 - math.cos(math.pi * x)) / 2


# ---------------------------------------------------------------------------- water level
# (kind, start hour, parameters, note). Flood: rise of `amp` m over `rise_h`, recession with
# time constant `tau_h`. Positive when it crosses the warning level or rises ≥ 0.5 m/h.
WL_SERIES: list[dict] = [
    {
        "id": "wl-001-storm-day", "days": 1, "base": 2.0, "seed": 1101,
        "parts": [
            ("flood", 3.0, {"amp": 1.5, "rise_h": 1.5, "tau_h": 3.0}, "flash flood after a night cloudburst, peak 3.5 m"),  # noqa: E501
            ("glitch", 10.0, {"value": 2.9}, "single radar echo from a floating branch"),
            ("flood", 14.5, {"amp": 1.2, "rise_h": 1.0, "tau_h": 2.0}, "second flood of the day, peak 3.2 m"),  # noqa: E501
            ("nan", 21.0, {"n": 5}, "logger sends NaN for five readings"),
        ],
    },
    {
        "id": "wl-002-gauge-service", "days": 1, "base": 1.8, "seed": 1102,
        "parts": [
            ("flood", 6.0, {"amp": 0.7, "rise_h": 0.67, "tau_h": 4.0}, "fast rise to 2.5 m, stays below warning"),  # noqa: E501
            ("flood", 11.0, {"amp": 0.25, "rise_h": 2.0, "tau_h": 5.0}, "slow drizzle-fed rise of 0.25 m in 2 h"),  # noqa: E501
            ("glitch", 13.0, {"value": 0.0}, "radar loses its echo and reads 0 once"),
            ("offset", 15.0, {"step": 0.12, "gap_h": 0.67}, "gauge serviced: 40 min without readings, then +0.12 m offset"),  # noqa: E501
            ("flood", 20.0, {"amp": 1.4, "rise_h": 1.0, "tau_h": 2.0}, "flash flood, peak 3.3 m"),
        ],
    },
    {
        "id": "wl-003-wet-season", "days": 2, "base": 2.2, "seed": 1103,
        "parts": [
            ("season", 0.0, {"rise": 0.55, "over_h": 40.0}, "slow seasonal rise of 0.55 m over 40 h, stays below warning"),  # noqa: E501
            ("flood", 10.0, {"amp": 0.5, "rise_h": 0.5, "tau_h": 3.0}, "fast rise of 0.5 m in 30 min, below warning"),  # noqa: E501
            ("glitch", 16.0, {"value": 2.95}, "single spike: bird over the radar"),
            ("nan", 20.0, {"n": 20}, "NaN for ten minutes (logger fault)"),
            ("gap", 26.0, {"hours": 2.0}, "two-hour dropout (mobile network down)"),
            ("glitch", 33.0, {"value": 3.3}, "single spike above warning: boat under the bridge"),
            ("flood", 38.0, {"amp": 0.8, "rise_h": 1.0, "tau_h": 2.5}, "flood on a high river, peak 3.5 m"),  # noqa: E501
        ],
    },
    {
        "id": "wl-004-busy-day", "days": 1, "base": 2.1, "seed": 1104,
        "parts": [
            ("flood", 4.0, {"amp": 0.6, "rise_h": 0.5, "tau_h": 2.0}, "fast rise to 2.7 m in 30 min"),  # noqa: E501
            ("flood", 9.0, {"amp": 1.1, "rise_h": 0.83, "tau_h": 1.5}, "flash flood, peak 3.2 m"),
            ("offset", 13.0, {"step": 0.2, "gap_h": 0.0}, "gauge re-zeroed remotely: +0.2 m step"),
            ("flood", 18.0, {"amp": 0.55, "rise_h": 0.58, "tau_h": 3.0}, "fast rise of 0.55 m in 35 min"),  # noqa: E501
            ("flood", 21.5, {"amp": 0.08, "rise_h": 0.33, "tau_h": 2.0}, "upstream sluice opened: +8 cm in 20 min"),  # noqa: E501
        ],
    },
    {
        "id": "wl-005-drizzle-day", "days": 1, "base": 1.9, "seed": 1105,
        "parts": [
            ("flood", 1.0, {"amp": 0.15, "rise_h": 5.0, "tau_h": 8.0}, "drizzle: 0.15 m over 5 h"),
            ("flood", 7.0, {"amp": 1.3, "rise_h": 1.2, "tau_h": 2.5}, "flash flood, peak 3.2 m"),
            ("glitch", 12.0, {"value": 3.1}, "single spike above warning: radar echo from a boat"),
            ("flood", 16.0, {"amp": 0.65, "rise_h": 0.75, "tau_h": 3.0}, "fast rise of 0.65 m in 45 min"),  # noqa: E501
            ("nan", 19.0, {"n": 1}, "one NaN reading"),
            ("nan", 19.5, {"n": 1}, "one NaN reading"),
            ("nan", 22.0, {"n": 3}, "three NaN readings"),
        ],
    },
]  # fmt: skip


def build_water_level(spec: dict) -> Built:
    rng = random.Random(spec["seed"])
    n = spec["days"] * DAY_S // INTERVAL_S
    clean = []
    for i in range(n):
        t = i * INTERVAL_S
        # Treated effluent upstream lifts the level a few cm in the late morning.
        clean.append(spec["base"] + 0.03 * math.sin(2 * math.pi * (t / DAY_S - 0.2)))
    offset = [0.0] * n
    glitches: dict[int, float] = {}
    nans: set[int] = set()
    gaps: set[int] = set()
    out = Built(spec["id"], "water_level", "m", [], split=spec.get("split", "dev"))
    floods = []
    for kind, at_h, p, note in spec["parts"]:
        i0 = _h(at_h)
        if kind == "flood":
            rise, tau = _h(p["rise_h"]), p["tau_h"] * 3600 / INTERVAL_S
            for i in range(i0, n):
                x = (i - i0) / rise
                clean[i] += p["amp"] * (_cos_rise(x) if x < 1 else math.exp(-(i - i0 - rise) / tau))
            floods.append((i0, rise, note))
        elif kind == "season":
            for i in range(n):
                clean[i] += p["rise"] * min(1.0, i / _h(p["over_h"]))
            out.negatives.append(Span(0, n * INTERVAL_S, note))
        elif kind == "offset":
            gap = _h(p["gap_h"])
            gaps.update(range(i0, i0 + gap))
            for i in range(i0 + gap, n):
                offset[i] += p["step"]
            out.negatives.append(Span(i0 * INTERVAL_S, (i0 + gap + 60) * INTERVAL_S, note))
        elif kind == "glitch":
            glitches[i0] = p["value"]
            out.negatives.append(Span(i0 * INTERVAL_S, (i0 + 1) * INTERVAL_S, note))
        elif kind == "nan":
            nans.update(range(i0, i0 + p["n"]))
            out.negatives.append(Span(i0 * INTERVAL_S, (i0 + p["n"]) * INTERVAL_S, note))
        elif kind == "gap":
            gaps.update(range(i0, i0 + _h(p["hours"])))
            out.negatives.append(Span(i0 * INTERVAL_S, (i0 + _h(p["hours"])) * INTERVAL_S, note))
    quarter = _h(0.25)
    for i0, rise, note in floods:
        peak = i0 + rise
        # The district's 急涨 rule on the true river: ≥ 0.5 m/h over some 15 minutes of the rise.
        fast = any(
            (clean[i] - clean[i - quarter]) * 4 >= FAST_RISE_M_H
            for i in range(max(quarter, i0), peak + 1)
        )
        if clean[peak] >= WARNING_M:
            end = _last_at_or_above(clean, i0, WARNING_M)
        elif fast:
            end = peak
        else:
            out.negatives.append(Span(i0 * INTERVAL_S, peak * INTERVAL_S, note))
            continue
        out.events.append(Span(i0 * INTERVAL_S, end * INTERVAL_S + REACTION_S, note))
    for i in range(n):
        if i in gaps:
            continue
        if i in nans:
            out.rows.append((i * INTERVAL_S, "nan"))
            continue
        v = glitches.get(i, clean[i] + offset[i] + rng.gauss(0, 0.006))
        out.rows.append((i * INTERVAL_S, f"{v:.3f}"))
    return out


# -------------------------------------------------------------------------- water quality
# Turbidity in NTU. Discharge: `excess` NTU above the river for `min` minutes (ramp 3 min,
# plume clears with a 2 min time constant). Boat: sediment stirred up, decays with `tau_s`.
WQ_SERIES: list[dict] = [
    {
        "id": "wq-001-night-discharge", "days": 1, "base": 8.0, "seed": 2101,
        "parts": [
            ("discharge", 2.17, {"excess": 70, "min": 45}, "night discharge, ~78 NTU for 45 min"),
            ("boat", 10.08, {"excess": 60, "tau_s": 30}, "patrol boat passes"),
            ("boat", 11.67, {"excess": 90, "tau_s": 40}, "cleaning boat passes"),
            ("discharge", 13.5, {"excess": 40, "min": 25}, "discharge below the limit: ~48 NTU, 6x the river, 25 min"),  # noqa: E501
            ("boat", 16.33, {"excess": 50, "tau_s": 30}, "patrol boat passes"),
            ("glitch", 18.0, {"value": 210.0}, "air bubble on the optics: one reading"),
        ],
    },
    {
        "id": "wq-002-after-rain", "days": 1, "base": 7.0, "seed": 2102,
        "parts": [
            ("runoff", 5.0, {"excess": 28, "rise_h": 2.0, "tau_h": 5.0}, "rain runoff: turbidity up to ~35 NTU over 2 h (lawful)"),  # noqa: E501
            ("boat", 9.5, {"excess": 120, "tau_s": 120}, "dredging boat stirs the bed for minutes"),
            ("discharge", 15.0, {"excess": 90, "min": 35}, "discharge on a river still turbid from the rain"),  # noqa: E501
            ("boat", 18.2, {"excess": 70, "tau_s": 40}, "patrol boat passes"),
            ("leak", 22.0, {"excess": 60, "ramp_min": 60, "min": 80}, "leaking sewer: rises over an hour to ~67 NTU"),  # noqa: E501
        ],
    },
    {
        "id": "wq-003-fouling", "days": 2, "base": 7.0, "seed": 2103,
        "parts": [
            ("fouling", 0.0, {"drift": 6.0, "clean_h": 30.0}, "probe fouls: reads up to 6 NTU high, cleaned at 30 h"),  # noqa: E501
            ("discharge", 3.0, {"excess": 150, "min": 20}, "heavy discharge, ~160 NTU for 20 min"),
            ("glitch", 7.0, {"value": 180.0}, "air bubble: one reading"),
            ("boat", 12.0, {"excess": 80, "tau_s": 45}, "patrol boat passes"),
            ("discharge", 23.67, {"excess": 35, "min": 50}, "late-evening discharge, ~45 NTU for 50 min"),  # noqa: E501
            ("discharge", 33.0, {"excess": 60, "min": 30}, "discharge after the probe was cleaned"),
            ("glitch", 36.0, {"value": 95.0}, "wiper stuck in front of the optics: one reading"),
            ("boat", 40.0, {"excess": 60, "tau_s": 30}, "patrol boat passes"),
            ("discharge", 44.0, {"excess": 18, "min": 40}, "weak discharge: ~25 NTU (3.5x the river) for 40 min"),  # noqa: E501
        ],
    },
    {
        "id": "wq-004-boats", "days": 1, "base": 8.0, "seed": 2104,
        "parts": [
            ("discharge", 1.5, {"excess": 30, "min": 30}, "night discharge, ~38 NTU for 30 min"),
            ("boat", 7.5, {"excess": 70, "tau_s": 35}, "patrol boat passes"),
            ("discharge", 8.0, {"excess": 100, "min": 15}, "short heavy discharge, 15 min"),
            ("runoff", 12.0, {"excess": 15, "rise_h": 1.0, "tau_h": 3.0}, "shower runoff: +15 NTU (lawful)"),  # noqa: E501
            ("boat", 14.25, {"excess": 100, "tau_s": 40}, "cleaning boat passes"),
            ("boat", 16.75, {"excess": 55, "tau_s": 30}, "patrol boat passes"),
            ("discharge", 19.0, {"excess": 50, "min": 60}, "hour-long discharge, ~58 NTU"),
            ("nan", 21.0, {"n": 12}, "probe cleaning: six minutes of NaN"),
        ],
    },
]  # fmt: skip


def build_water_quality(spec: dict) -> Built:
    rng = random.Random(spec["seed"])
    n = spec["days"] * DAY_S // INTERVAL_S
    base = []
    for i in range(n):
        t = i * INTERVAL_S
        # Afternoon activity on the banks stirs the water a little.
        base.append(spec["base"] * (1 + 0.12 * math.sin(2 * math.pi * (t / DAY_S - 0.35))))
    excess = [0.0] * n
    glitches: dict[int, float] = {}
    nans: set[int] = set()
    out = Built(spec["id"], "water_quality", "NTU", [], split=spec.get("split", "dev"))
    for kind, at_h, p, note in spec["parts"]:
        i0 = _h(at_h)
        if kind in ("discharge", "leak"):
            ramp = 6 if kind == "discharge" else p["ramp_min"] * 2
            dur = p["min"] * 2
            for i in range(i0, n):
                k = i - i0
                # After the discharge stops the plume clears with a 2 min time constant.
                level = min(1.0, (k + 1) / ramp) if k < dur else math.exp(-(k - dur) / 4)
                # A discharge comes in pulses: ±15 % from one reading to the next.
                excess[i] += p["excess"] * level * (1 + rng.uniform(-0.15, 0.15))
            # Over when the plume is below a tenth of its level: 2 min × ln 10 ≈ 5 min.
            end = (i0 + dur) * INTERVAL_S + 300 + REACTION_S
            out.events.append(Span(i0 * INTERVAL_S, end, note))
        elif kind == "boat":
            for i in range(i0, min(n, i0 + 40)):
                excess[i] += p["excess"] * math.exp(-(i - i0) * INTERVAL_S / p["tau_s"])
            out.negatives.append(Span(i0 * INTERVAL_S, (i0 + 10) * INTERVAL_S, note))
        elif kind == "runoff":
            rise, tau = _h(p["rise_h"]), p["tau_h"] * 3600 / INTERVAL_S
            for i in range(i0, n):
                x = (i - i0) / rise
                excess[i] += p["excess"] * (
                    _cos_rise(x) if x < 1 else math.exp(-(i - i0 - rise) / tau)
                )
            out.negatives.append(Span(i0 * INTERVAL_S, (i0 + rise * 4) * INTERVAL_S, note))
        elif kind == "fouling":
            cleaned = _h(p["clean_h"])
            for i in range(n):
                excess[i] += p["drift"] * (i / cleaned if i < cleaned else 0.0)
            nans.update(range(cleaned - 20, cleaned))
            out.negatives.append(Span(0, cleaned * INTERVAL_S, note))
        elif kind == "glitch":
            glitches[i0] = p["value"]
            out.negatives.append(Span(i0 * INTERVAL_S, (i0 + 1) * INTERVAL_S, note))
        elif kind == "nan":
            nans.update(range(i0, i0 + p["n"]))
            out.negatives.append(Span(i0 * INTERVAL_S, (i0 + p["n"]) * INTERVAL_S, note))
    for i in range(n):
        if i in nans:
            out.rows.append((i * INTERVAL_S, "nan"))
            continue
        v = (base[i] + excess[i]) * (1 + rng.gauss(0, 0.04)) + rng.gauss(0, 0.1)
        v = glitches.get(i, max(0.0, v))
        out.rows.append((i * INTERVAL_S, f"{v:.2f}"))
    return out


# ------------------------------------------------------------------------------- rainfall
# Intensity in mm/h as the logger reports it: bucket tips in the last 30 s × tip size × 120.
# Cell: convective cloudburst, sine-shaped, `peak` mm/h over `hours`. Band: steady rain of
# `rate` mm/h with 30 min ramps. Gust: `rate` for `min` minutes.
RG_SERIES: list[dict] = [
    {
        "id": "rg-001-convective", "days": 1, "tip_mm": 0.1, "seed": 3101,
        "parts": [
            ("cell", 5.0, {"peak": 32, "hours": 1.5}, "modest cloudburst, peak 32 mm/h"),
            ("glitch", 9.0, {"value": 480.0}, "reed switch bounce: one reading of 40 tips"),
            ("gust", 11.0, {"rate": 60, "min": 5}, "five-minute downpour, 5 mm"),
            ("cell", 15.0, {"peak": 60, "hours": 1.5}, "cloudburst, peak 60 mm/h"),
            ("cell", 19.5, {"peak": 45, "hours": 1.0}, "evening cloudburst, peak 45 mm/h"),
        ],
    },
    {
        "id": "rg-002-drizzle-day", "days": 1, "tip_mm": 0.2, "seed": 3102,
        "parts": [
            ("drizzle", 0.0, {"rate": 2.0}, "drizzle all day, 1-3 mm/h"),
            ("service", 10.0, {"tips": [4, 6, 5, 3]}, "gauge cleaned: bucket tipped by hand for 2 min"),  # noqa: E501
            ("nan", 13.0, {"n": 8}, "logger sends NaN for four minutes"),
            ("gust", 16.0, {"rate": 50, "min": 4}, "four-minute shower in the drizzle"),
            ("gap", 20.0, {"hours": 1.0}, "one-hour dropout"),
        ],
    },
    {
        "id": "rg-003-front", "days": 1, "tip_mm": 0.1, "seed": 3103,
        "parts": [
            ("band", 2.0, {"rate": 28, "hours": 2.0}, "frontal rain band, 28 mm/h for 2 h"),
            ("cell", 7.5, {"peak": 40, "hours": 1.2}, "cloudburst behind the front, peak 40 mm/h"),
            ("band", 12.0, {"rate": 10, "hours": 4.0}, "steady moderate rain, 10 mm/h for 4 h (40 mm)"),  # noqa: E501
            ("cell", 20.0, {"peak": 70, "hours": 1.0}, "night cloudburst, peak 70 mm/h"),
        ],
    },
    {
        "id": "rg-004-afternoon-storms", "days": 1, "tip_mm": 0.2, "seed": 3104,
        "parts": [
            ("band", 5.5, {"rate": 17, "hours": 2.0}, "steady rain just under the line: 17 mm/h for 2 h"),  # noqa: E501
            ("gust", 10.0, {"rate": 70, "min": 6}, "six-minute downpour, 7 mm"),
            ("cell", 13.0, {"peak": 50, "hours": 1.2}, "cloudburst, peak 50 mm/h"),
            ("glitch", 15.5, {"value": 240.0}, "reed switch bounce: one reading of 10 tips"),
            ("cell", 17.5, {"peak": 35, "hours": 1.5}, "cloudburst, peak 35 mm/h"),
            ("cell", 22.0, {"peak": 80, "hours": 0.8}, "violent cloudburst, peak 80 mm/h"),
        ],
    },
    {
        "id": "rg-005-typhoon-remnant", "days": 1, "tip_mm": 0.1, "seed": 3105,
        "parts": [
            ("band", 0.0, {"rate": 8, "hours": 10.0}, "remnant rain, 8 mm/h for 10 h"),
            ("band", 4.0, {"rate": 28, "hours": 2.0}, "heavy band inside the remnant rain, 36 mm/h in all"),  # noqa: E501
            ("service", 15.0, {"tips": [10, 12, 8]}, "gauge cleaned: bucket tipped by hand"),
            ("cell", 21.0, {"peak": 55, "hours": 1.0}, "evening cloudburst, peak 55 mm/h"),
        ],
    },
]  # fmt: skip


def build_rainfall(spec: dict) -> Built:
    rng = random.Random(spec["seed"])
    n = spec["days"] * DAY_S // INTERVAL_S
    rate = [0.0] * n
    extra_tips: dict[int, int] = {}
    glitches: dict[int, float] = {}
    nans: set[int] = set()
    gaps: set[int] = set()
    heavy: list[tuple[int, int, str]] = []  # parts that should alert, checked on the sum
    out = Built(spec["id"], "rainfall", "mm/h", [], split=spec.get("split", "dev"))
    for kind, at_h, p, note in spec["parts"]:
        i0 = _h(at_h)
        if kind == "cell":
            span = _h(p["hours"])
            for i in range(i0, min(n, i0 + span)):
                rate[i] += p["peak"] * math.sin(math.pi * (i - i0) / span)
            heavy.append((i0, i0 + span, note))
        elif kind in ("band", "gust"):
            span = _h(p["hours"]) if kind == "band" else p["min"] * 2
            ramp = _h(0.5) if kind == "band" else 1
            for i in range(i0, min(n, i0 + span)):
                k = i - i0
                rate[i] += p["rate"] * min(1.0, (k + 1) / ramp, (span - k) / ramp)
            if kind == "band" and p["rate"] >= HEAVY_RAIN_MM_H:
                heavy.append((i0, i0 + span, note))
            else:
                out.negatives.append(Span(i0 * INTERVAL_S, (i0 + span) * INTERVAL_S, note))
        elif kind == "drizzle":
            for i in range(n):
                rate[i] += p["rate"] * (1 + 0.5 * math.sin(2 * math.pi * i * INTERVAL_S / 14400))
            out.negatives.append(Span(0, n * INTERVAL_S, note))
        elif kind == "service":
            for k, tips in enumerate(p["tips"]):
                extra_tips[i0 + k] = tips
            out.negatives.append(Span(i0 * INTERVAL_S, (i0 + len(p["tips"])) * INTERVAL_S, note))
        elif kind == "glitch":
            glitches[i0] = p["value"]
            out.negatives.append(Span(i0 * INTERVAL_S, (i0 + 1) * INTERVAL_S, note))
        elif kind == "nan":
            nans.update(range(i0, i0 + p["n"]))
            out.negatives.append(Span(i0 * INTERVAL_S, (i0 + p["n"]) * INTERVAL_S, note))
        elif kind == "gap":
            gaps.update(range(i0, i0 + _h(p["hours"])))
            out.negatives.append(Span(i0 * INTERVAL_S, (i0 + _h(p["hours"])) * INTERVAL_S, note))
    for i0, i1, note in heavy:
        above = [i for i in range(i0, i1) if rate[i] >= HEAVY_RAIN_MM_H]
        start, end = above[0], above[-1]
        assert (end - start) * INTERVAL_S >= 1800, f"{note}: not 30 min of heavy rain"
        out.events.append(Span(start * INTERVAL_S, end * INTERVAL_S + REACTION_S, note))
    bucket = 0.0
    gust = 1.0
    for i in range(n):
        if i % 2 == 0:  # rain falls in gusts: the rate wanders ±30 % minute by minute
            gust = max(0.2, rng.gauss(1.0, 0.3))
        bucket += rate[i] * gust * INTERVAL_S / 3600
        tips = int(bucket / spec["tip_mm"])
        bucket -= tips * spec["tip_mm"]
        tips += extra_tips.get(i, 0)
        if i in gaps:
            continue
        if i in nans:
            out.rows.append((i * INTERVAL_S, "nan"))
            continue
        v = glitches.get(i, tips * spec["tip_mm"] * 3600 / INTERVAL_S)
        out.rows.append((i * INTERVAL_S, f"{v:.1f}"))
    return out


# ------------------------------------------------------------------------------ test split
# The held-out `test` series: the same scenario kinds as the `dev` series above, drawn again from
# other seeds: every part moves by up to 45 minutes and its size and duration change by up to
# ±15 %, and the noise is new. Labels follow the clean signal as for `dev`, so a drawn flood that
# no longer reaches the warning level is a negative. Rules are tuned on `dev` only.
TEST_SEED_OFFSET = 5000
SIZES = ("amp", "excess", "peak", "rate", "rise_h", "tau_h", "hours")
WHOLE_SERIES = ("season", "drizzle", "fouling")


def test_draw(spec: dict) -> dict:
    rng = random.Random(spec["seed"] + TEST_SEED_OFFSET)
    last_h = spec["days"] * 24 - 3.0
    parts = []
    for kind, at_h, p, note in spec["parts"]:
        if kind not in WHOLE_SERIES:
            at_h = round(min(last_h, max(0.0, at_h + rng.uniform(-0.75, 0.75))), 2)
        drawn = dict(p)
        for key in SIZES:
            if key in drawn:
                drawn[key] = round(drawn[key] * rng.uniform(0.85, 1.15), 3)
        if "min" in drawn:
            drawn["min"] = max(2, round(drawn["min"] * rng.uniform(0.85, 1.15)))
        parts.append((kind, at_h, drawn, f"{note} (test draw)"))
    prefix, number, rest = spec["id"].split("-", 2)
    return {
        **spec,
        "id": f"{prefix}-t{number[1:]}-{rest}",
        "seed": spec["seed"] + TEST_SEED_OFFSET,
        "parts": parts,
        "split": "test",
    }


# ---------------------------------------------------------------------------------- write
HEADER = """\
# Labelled synthetic series for {algorithm} ({title}). Written by datasets/generate_sensor_sets.py
# from its scenario table (never by running the algorithm); see README.md for the scenarios.
#
# Format: `series:` entries, each a CSV `source` (relative to this file) with columns t_s,value
# (seconds from the series start; `nan` is a reading sent without a usable number, a missing
# row is a dropout), its `quantity` and `unit`, and `events`: what a duty officer wants one
# alert for, from `start_s` (the condition begins) to `end_s` (it is over, plus {reaction} s to
# react). `negatives` list the situations that must not alert, for the reader: unscored, every
# finding outside an event is a false alarm. `params` are the algorithm's for the run.
# `split`: dev series may be used to tune the rule; test series (other draws of the same
# scenario kinds) are reported as they fall. `scene`: the gauge or probe.
"""


def _span(s: Span) -> str:
    return f"{{start_s: {s.start_s:g}, end_s: {s.end_s:g}, note: {s.note!r}}}"


def write_set(root: Path, name: str, title: str, params: str, series: list[Built]) -> None:
    directory = root / name
    (directory / "series").mkdir(parents=True, exist_ok=True)
    lines = [HEADER.format(algorithm=name, title=title, reaction=REACTION_S)]
    lines.append(f"algorithm: {name}\nparams: {params}\nseries:\n")
    for b in series:
        path = directory / "series" / f"{b.id}.csv"
        with path.open("w", encoding="utf-8", newline="\n") as f:
            f.write("t_s,value\n")
            f.writelines(f"{t},{v}\n" for t, v in b.rows)
        lines.append(f"  - id: {b.id}\n    source: series/{b.id}.csv\n")
        scene = "-".join(b.id.split("-", 2)[:2])  # the gauge or probe: wl-001, wl-t01
        lines.append(f"    split: {b.split}\n    scene: {scene}\n    origin: synthetic\n")
        lines.append(f"    quantity: {b.quantity}\n    unit: {b.unit}\n")
        lines.append("    events:" + ("\n" if b.events else " []\n"))
        lines += [f"      - {_span(s)}\n" for s in b.events]
        lines.append("    negatives:" + ("\n" if b.negatives else " []\n"))
        lines += [f"      - {_span(s)}\n" for s in b.negatives]
    (directory / "labels.yaml").write_text("".join(lines), encoding="utf-8")


SETS: list[tuple[str, str, str, Callable[[dict], Built], list[dict]]] = [
    ("water_level", "河道水位超警", "{}", build_water_level, WL_SERIES),
    ("water_quality", "水质异常", "{}", build_water_quality, WQ_SERIES),
    ("rainfall", "强降雨预警", "{}", build_rainfall, RG_SERIES),
]


def main(root: Path = HERE) -> None:
    for name, title, params, build, specs in SETS:
        drawn = [build(s) for s in specs] + [build(test_draw(s)) for s in specs]
        write_set(root, name, title, params, drawn)


if __name__ == "__main__":
    main()
