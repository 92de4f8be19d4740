"""Dispatch-plan coverage (有效智能分拨预案覆盖率): the share of (event type × grid) pairs
whose events are routed to a real unit by a plan rather than falling to the brigade's
catch-all route for manual dispatch.

A pair counts as covered only if *every* way such an event can arrive is covered: from each
source that reports the type (an algorithm's events come from `ai`; reported types from grid
leaders, citizens or the platform), with no scene and with each scene that has devices in the
grid, and with the time-windowed routes both on and off. One failing variant makes the pair a
gap, and the gap says which variant and why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from gridwatch.config.schema import District, Route
from gridwatch.domain.plans import route_event


@dataclass(frozen=True)
class EventKind:
    event_type: str
    severity: str
    sources: tuple[str, ...]
    algorithm: str | None = None


@dataclass(frozen=True)
class Gap:
    event_type: str
    grid: str
    community: str
    route_id: str
    assignee: str
    reason: str


@dataclass(frozen=True)
class Coverage:
    pairs: int
    covered: int
    gaps: tuple[Gap, ...]

    @property
    def ratio(self) -> float:
        return self.covered / self.pairs if self.pairs else 1.0


def _variants(
    kind: EventKind, grid: str, community: str, scenes: Iterable[str]
) -> Iterable[dict[str, str]]:
    for source in kind.sources:
        for scene in ("", *sorted(scenes)):
            yield {
                "event_type": kind.event_type,
                "algorithm": kind.algorithm or "",
                "scene": scene,
                "community": community,
                "grid": grid,
                "device": "",
                "severity": kind.severity,
                "source": source,
            }


def coverage(
    root: Route,
    kinds: Sequence[EventKind],
    grids: Sequence[tuple[str, str]],
    scenes_by_grid: Mapping[str, Iterable[str]],
    units: frozenset[str],
    grid_leaders: Mapping[str, str],
) -> Coverage:
    """`grids` are (grid, community) pairs; `units` the units that exist (brigade, squad:…,
    grid_force:…, grid_leader:…)."""
    gaps: list[Gap] = []
    pairs = 0
    # Time windows: None = every route on; an empty set = every time-windowed route off.
    windows: tuple[frozenset[str] | None, ...] = (None, frozenset())
    for kind in kinds:
        for grid, community in grids:
            pairs += 1
            gap = None
            for labels in _variants(kind, grid, community, scenes_by_grid.get(grid, ())):
                for active in windows:
                    a = route_event(root, labels, grid_leaders, active=active).primary
                    when = "" if active is None else " outside its time windows"
                    variant = f"from {labels['source']}" + (
                        f" in scene {labels['scene']}" if labels["scene"] else ""
                    )
                    if a.fallback:
                        reason = f"no plan matches ({variant}{when}): falls to {a.route_id}"
                    elif a.assignee not in units:
                        reason = f"{a.route_id} names {a.assignee}, which does not exist"
                    else:
                        continue
                    gap = Gap(kind.event_type, grid, community, a.route_id, a.assignee, reason)
                    break
                if gap:
                    break
            if gap:
                gaps.append(gap)
    return Coverage(pairs, pairs - len(gaps), tuple(gaps))


def event_kinds(district: District) -> list[EventKind]:
    """Every event type of the district: its algorithms' (reported by `ai`) and the plans'
    catalogue of reported types (grid leaders, citizens, the platform)."""
    kinds = [EventKind(a.id, a.severity, ("ai",), a.id) for a in district.algorithms]
    kinds += [EventKind(t.id, t.severity, tuple(t.sources)) for t in district.plans.event_types]
    return kinds


def real_units(district: District) -> frozenset[str]:
    o = district.organisation
    return frozenset(
        {"brigade"}
        | {f"squad:{s.id}" for s in o.squads}
        | {f"grid_force:{c.id}" for c in o.communities}
        | {f"grid_leader:{gl.id}" for gl in o.grid_leaders}
    )


def district_coverage(district: District, root: Route | None = None) -> Coverage:
    """Coverage of the district's plans (or of another routing tree for the same district)."""
    scenes: dict[str, set[str]] = {}
    for dev in district.devices:
        if dev.scene:
            scenes.setdefault(dev.grid, set()).add(dev.scene)
    return coverage(
        root or district.plans.route,
        event_kinds(district),
        [(g.id, g.community) for g in district.organisation.grids],
        scenes,
        real_units(district),
        district.grid_leader_of,
    )
