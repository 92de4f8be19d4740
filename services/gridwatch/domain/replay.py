"""What-if replay: the same recorded events routed by the current plans and by edited ones,
and what would change — per event, per route and in the load on each unit."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from gridwatch.domain.plans import Assignment, RoutingDecision


@dataclass(frozen=True)
class RecordedEvent:
    event_id: str
    at: datetime
    labels: Mapping[str, str]


@dataclass(frozen=True)
class Change:
    event_id: str
    event_type: str
    grid: str
    before_route: str
    after_route: str
    before_assignee: str
    after_assignee: str


@dataclass(frozen=True)
class Load:
    """Cases a unit would get, and the handling time the plans give it for them."""

    cases: int = 0
    handle_hours: float = 0.0


@dataclass(frozen=True)
class ReplayReport:
    events: int
    changes: tuple[Change, ...]
    manual_before: int  # fell to the catch-all route: dispatched by hand
    manual_after: int
    load_before: dict[str, Load] = field(default_factory=dict)
    load_after: dict[str, Load] = field(default_factory=dict)
    routes_before: Counter[str] = field(default_factory=Counter)
    routes_after: Counter[str] = field(default_factory=Counter)


Route = Callable[[Mapping[str, str], datetime], RoutingDecision]


def _unit(a: Assignment) -> str:
    return "brigade (manual queue)" if a.fallback else a.assignee


def _add(load: dict[str, Load], a: Assignment) -> None:
    held = load.get(_unit(a), Load())
    hours = (a.handle_within or timedelta(0)).total_seconds() / 3600
    load[_unit(a)] = Load(held.cases + 1, round(held.handle_hours + hours, 2))


def replay(events: Iterable[RecordedEvent], before: Route, after: Route) -> ReplayReport:
    changes: list[Change] = []
    load_before: dict[str, Load] = {}
    load_after: dict[str, Load] = {}
    routes_before: Counter[str] = Counter()
    routes_after: Counter[str] = Counter()
    n = manual_before = manual_after = 0
    for ev in events:
        n += 1
        a = before(ev.labels, ev.at).primary
        b = after(ev.labels, ev.at).primary
        routes_before[a.route_id] += 1
        routes_after[b.route_id] += 1
        manual_before += a.fallback
        manual_after += b.fallback
        _add(load_before, a)
        _add(load_after, b)
        if (a.route_id, _unit(a)) != (b.route_id, _unit(b)):
            changes.append(
                Change(
                    ev.event_id,
                    ev.labels.get("event_type", ""),
                    ev.labels.get("grid", ""),
                    a.route_id,
                    b.route_id,
                    _unit(a),
                    _unit(b),
                )
            )
    return ReplayReport(
        n,
        tuple(changes),
        manual_before,
        manual_after,
        load_before,
        load_after,
        routes_before,
        routes_after,
    )
