"""The people and track sets under datasets/ scored with the real detector: each algorithm's card
states the numbers these runs give, so a changed detector, tracker, rule or label shows here
instead of leaving the cards to drift from the data."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridwatch.algorithms.registry import plugin
from gridwatch.detect.engine import shared_detector
from gridwatch.detect.evaluate import Evaluation, evaluate, load_labels
from tests.card_figures import expected, flat, stated
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

SETS = ("area_intrusion", "loitering", "crowd_gathering", "person_in_water", "wrong_way_driving")


@pytest.fixture(scope="module")
def results() -> dict[str, Evaluation]:
    detector = shared_detector("nanodet", 2)
    # The cards describe the dev split (the clips the rules were tuned on).
    return {
        name: evaluate(name, ROOT / "datasets" / name, detector, split="dev", origin="real")
        for name in SETS
    }


def card(name: str) -> str:
    return flat(plugin(name).quality)


@pytest.mark.parametrize("name", SETS)
def test_card_states_the_measured_numbers(results: dict[str, Evaluation], name: str):
    # The card's figures, as its `algo eval NAME --origin real --split dev` prints them.
    assert stated(card(name)) == expected(results[name].as_dict())


@pytest.mark.parametrize("name", SETS)
def test_every_label_is_scored_and_sets_without_incidents_say_so(
    results: dict[str, Evaluation], name: str
):
    labels = load_labels(Path(ROOT / "datasets" / name), "dev", origin="real")
    labelled = sum(len(c.events) for c in labels.clips)
    s = results[name].score
    assert s.true_positives + s.false_negatives == labelled
    # A negatives-only set cannot measure recall; its card must not pretend otherwise.
    assert ("recall not measured here" in card(name)) == (labelled == 0)


def test_people_standing_and_crossing_are_found(results: dict[str, Evaluation]):
    # The couple on the lawn and the man in the pasture; the two men talking by the sign; the
    # child wading in the wash: losing any of them is a regression, not noise.
    assert results["area_intrusion"].score.false_negatives == 0
    assert results["loitering"].score.true_positives >= 2
    assert results["person_in_water"].score.true_positives >= 1
    # No vehicle moves and nobody crowds: any alarm here is a false one.
    assert results["wrong_way_driving"].score.false_positives == 0
    assert results["crowd_gathering"].score.false_positives == 0
