"""One model pass serves every rule: `evaluate` stores a clip's detections and a later run (of
any rule) scores from them, with the same figures as a run that analyses the frames again."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridwatch.detect.engine import shared_detector
from gridwatch.detect.evaluate import evaluate
from tests.conftest import MEDIA

pytestmark = pytest.mark.slow

SET = """\
algorithm: illegal_parking
params: {dwell_s: 60}
clips:
  - id: dog
    source: dog.jpg
    split: test
    scene: darknet-dog
    duration_s: 80
    zones:
      - {id: kerb, kind: no_parking, polygon: [[0.55, 0.1], [0.98, 0.1], [0.98, 0.4], [0.55, 0.4]]}
      - {id: lane, kind: lane, polygon: [[0.55, 0.1], [0.98, 0.1], [0.98, 0.4], [0.55, 0.4]]}
    events:
      - {zone: kerb, start_s: 0, end_s: 80, box: [0.6, 0.13, 0.92, 0.3], note: white pickup}
"""

FIGURES = ("positives", "tp", "fp", "fn", "precision", "recall", "frames", "inferences")


def test_a_second_rule_scores_from_the_stored_detections(tmp_path: Path) -> None:
    sets = tmp_path / "set"
    sets.mkdir()
    (sets / "dog.jpg").write_bytes((MEDIA / "dog.jpg").read_bytes())
    (sets / "labels.yaml").write_text(SET, encoding="utf-8")
    cache = tmp_path / "cache"
    detector = shared_detector("nanodet", 2)

    fresh = evaluate("illegal_parking", sets, detector, cache_dir=None).as_dict()
    stored = evaluate("illegal_parking", sets, detector, cache_dir=cache).as_dict()
    reused = evaluate("illegal_parking", sets, detector, cache_dir=cache).as_dict()
    assert (stored["cached_clips"], reused["cached_clips"]) == (0, 1)
    assert len(list(cache.glob("*.npz"))) == 1
    assert {k: reused[k] for k in FIGURES} == {k: fresh[k] for k in FIGURES}
    assert fresh["tp"] == 1

    # Another rule on the same clip reads the same entry; another transform is another entry.
    lane = evaluate("lane_occupation", sets, detector, cache_dir=cache).as_dict()
    assert lane["cached_clips"] == 1
    mirrored = evaluate(
        "illegal_parking", sets, detector, cache_dir=cache, transforms=["mirror"]
    ).as_dict()
    assert mirrored["cached_clips"] == 0
    assert len(list(cache.glob("*.npz"))) == 2
