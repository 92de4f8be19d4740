"""The `quality` text of every built-in card keeps the project's rule for figures: a count with
its sample size and Wilson 95 % interval, or "not measured"; never a bare rate or an F1. The
counts themselves are checked against `algo eval` by tests/integration/test_eval_*_sets.py."""

from __future__ import annotations

import re

import pytest

from gridwatch.algorithms.base import QUALITY_OPENING
from gridwatch.algorithms.registry import BUILTIN_MODULES, plugin
from gridwatch.domain.confidence import wilson
from tests.card_figures import FALSE_ALARMS, FIGURE, flat, stated

WORD = re.compile(r"\b(precision|recall)\b")


def quality(name: str) -> str:
    return flat(plugin(name).quality)


def test_every_built_in_module_is_checked() -> None:
    assert len(BUILTIN_MODULES) == 15


@pytest.mark.parametrize("name", BUILTIN_MODULES)
def test_the_card_says_it_is_not_the_headline_figure(name: str) -> None:
    assert quality(name).startswith(QUALITY_OPENING)


@pytest.mark.parametrize("name", BUILTIN_MODULES)
def test_the_card_names_the_command_that_reproduces_it(name: str) -> None:
    assert f"`gridwatch algo eval {name} --origin real --split dev`" in quality(name)


@pytest.mark.parametrize("name", BUILTIN_MODULES)
def test_every_precision_and_recall_is_a_count_with_its_interval(name: str) -> None:
    text = quality(name)
    assert "F1" not in text
    words = [m.start() for m in WORD.finditer(text)]
    figures = list(FIGURE.finditer(text))
    assert words, f"{name}: the card states no precision or recall"
    # A word not followed by a figure is a bare number ("recall 1.0") or a rate in disguise.
    assert [m.start() for m in figures] == words, f"{name}: {text}"
    for m in figures:
        if m[2] is None:
            continue
        k, n, low, high = int(m[2]), int(m[3]), float(m[4]), float(m[5])
        assert 0 <= k <= n > 0, m[0]
        lo, hi = wilson(k, n) or (0.0, 0.0)
        # As `algo eval` prints it: the interval rounded to 3 places, then shown to 2.
        assert (low, high) == (float(f"{round(lo, 3):.2f}"), float(f"{round(hi, 3):.2f}")), m[0]


@pytest.mark.parametrize("name", BUILTIN_MODULES)
def test_false_alarms_are_a_count_over_the_hours_watched(name: str) -> None:
    text = quality(name)
    assert not re.search(r"alarms?/h|per (camera-|series-)?hour", text), text
    of = "series" if plugin(name).kind == "sensor" else "camera"
    assert all(m[3] == of for m in FALSE_ALARMS.finditer(text)), text
    figures = stated(text)
    assert figures.hours_of == of
    # A rule without a positive incident in its clips cannot claim a recall.
    if figures.recall is None:
        assert "recall not measured here (no positive incident in the real clips)" in text
