"""How many misses of `algo eval` are findings the incident memory merged into an earlier
incident at the same place: each rule scored twice over the same detections (the detection cache
of `algo eval`, so after one `algo eval` of the split this costs seconds), once as shipped and
once with every finding alerting. A diagnostic, not a setting: without the memory a rule would
re-alert a parked car after every track break.

    python benchmarks/incident_memory.py [--split dev|test] [RULE ...]
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

import gridwatch.detect.evaluate as evaluate_module
from gridwatch.algorithms.registry import plugins
from gridwatch.cli.algo_eval import default_cache_dir
from gridwatch.detect.engine import shared_detector
from gridwatch.detect.incident_memory import LocalIncidentMemory
from gridwatch.domain.events import Finding
from gridwatch.domain.incidents import Resolution

DATASETS = Path(__file__).resolve().parents[1] / "datasets"


class EveryFindingAlerts(LocalIncidentMemory):
    def resolve(self, finding: Finding, now: datetime) -> Resolution:
        res = super().resolve(finding, now)
        return Resolution(res.incident, res.finding, True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rules", nargs="*", help="vision rules (default: every one)")
    parser.add_argument("--split", default="test", choices=("dev", "test", "all"))
    args = parser.parse_args()
    rules = args.rules or [n for n, cls in plugins().items() if cls.kind == "vision"]
    detector = shared_detector("nanodet", 2)
    print("rule | positives | tp, fp as shipped | tp, fp with every finding alerting")
    for rule in rules:
        row = []
        for memory in (LocalIncidentMemory, EveryFindingAlerts):
            evaluate_module.LocalIncidentMemory = memory  # type: ignore[misc]
            e = evaluate_module.evaluate(
                rule,
                DATASETS / rule,
                detector,
                split=args.split,
                cache_dir=default_cache_dir(),
            )
            row.append(e.as_dict())
        shipped, every = row
        print(
            f"{rule} | {shipped['positives']} | {shipped['tp']}, {shipped['fp']} | "
            f"{every['tp']}, {every['fp']}",
            flush=True,
        )


if __name__ == "__main__":
    main()
