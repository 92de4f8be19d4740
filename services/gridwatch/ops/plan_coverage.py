"""Dispatch-plan coverage: for every event type × grid, does a plan (not the fallback) take it?

Thin on purpose (the chain's coverage report is the reference); it routes a sample event per
pair through the same routing tree the dispatch stage uses, so the answer cannot drift from
what dispatch does.
"""

from __future__ import annotations

from collections import Counter

from gridwatch.config.schema import District, Route
from gridwatch.domain.plans import route_event
from gridwatch.ops import names
from gridwatch.ops.schemas import CoverageGapOut, CoverageOut


def sample_labels(district: District, event_type: str, grid: str) -> dict[str, str]:
    try:
        algo = district.algorithm(event_type)
        source, severity, algorithm = "ai", algo.severity, algo.id
    except KeyError:
        source, severity, algorithm = "grid_leader", "minor", ""
    return {
        "event_type": event_type,
        "algorithm": algorithm,
        "scene": "",
        "community": district.grid(grid).community,
        "grid": grid,
        "device": "",
        "severity": severity,
        "source": source,
    }


def coverage(district: District, event_types: list[str]) -> CoverageOut:
    grids = district.organisation.grids
    covered_by_type: Counter[str] = Counter()
    gaps = []
    for et in event_types:
        for g in grids:
            labels = sample_labels(district, et, g.id)
            decision = route_event(district.plans.route, labels, district.grid_leader_of)
            if decision.fallback:
                gaps.append(
                    CoverageGapOut(
                        event_type=et,
                        event_type_name=names.event_type_name(district, et),
                        grid=g.id,
                        grid_name=g.name,
                    )
                )
            else:
                covered_by_type[et] += 1
    pairs = len(event_types) * len(grids)
    covered = pairs - len(gaps)
    return CoverageOut(
        event_types=len(event_types),
        grids=len(grids),
        pairs=pairs,
        covered=covered,
        coverage=round(covered / pairs, 4) if pairs else 1.0,
        gaps=gaps,
        by_event_type={et: round(covered_by_type[et] / len(grids), 4) for et in event_types},
    )


def flatten(route: Route, depth: int = 0) -> list[tuple[Route, int]]:
    """The routing tree in reading order with each route's depth."""
    out = [(route, depth)]
    for child in route.routes:
        out += flatten(child, depth + 1)
    return out
