"""Dispatch plans as a routing tree (Alertmanager semantics), with an explanation of every match.

A route matches when all its matchers match. Its children are tried in order; the first child
that matches handles the event unless it says `continue`, in which case later siblings are
tried too. A route handles the event itself only when none of its children matched. Children
inherit receiver, verifier, each deadline, grouping and the escalation policy from their
parent unless they set their own.

One deliberate difference from Alertmanager: a route outside its `active_time_intervals` does
not match at all (Alertmanager would match and then stay silent). A dispatch plan that is off
must hand the event on to its siblings or parent, never swallow it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property, lru_cache
from zoneinfo import ZoneInfo

from gridwatch.config.schema import MATCHER, Deadlines, PlansFile, Route
from gridwatch.domain.time_windows import active_intervals


@dataclass(frozen=True)
class Matcher:
    label: str
    op: str
    value: str

    @staticmethod
    @lru_cache(maxsize=4096)
    def parse(text: str) -> Matcher:
        m = MATCHER.match(text)
        if not m:
            raise ValueError(f"bad matcher {text!r}")
        label, op, value = m.groups()
        return Matcher(label, op, value)

    def matches(self, labels: Mapping[str, str]) -> bool:
        actual = labels.get(self.label, "")
        if self.op == "=":
            return actual == self.value
        if self.op == "!=":
            return actual != self.value
        hit = _regex(self.value).fullmatch(actual) is not None
        return hit if self.op == "=~" else not hit

    def __str__(self) -> str:
        return f'{self.label}{self.op}"{self.value}"'


@lru_cache(maxsize=1024)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


@dataclass(frozen=True)
class Grouping:
    """How events of one route become one case, and how often its assignee hears about it."""

    by: tuple[str, ...] = ()
    wait: timedelta = timedelta(0)
    interval: timedelta = timedelta(minutes=5)
    repeat: timedelta = timedelta(hours=4)


@dataclass(frozen=True)
class Settings:
    receiver: str
    verifier: str
    accept: timedelta | None
    handle: timedelta | None
    verify: timedelta | None
    grouping: Grouping = Grouping()
    escalation: str | None = None

    @staticmethod
    def of_root(root: Route) -> Settings:
        if root.receiver is None or root.verifier is None:
            raise ValueError("the root route needs a receiver and a verifier")
        d = root.deadlines or Deadlines()
        base = Settings(root.receiver, root.verifier, d.accept, d.handle, d.verify)
        return base.child(root)

    def child(self, route: Route) -> Settings:
        d = route.deadlines or Deadlines()
        g = self.grouping
        return Settings(
            receiver=route.receiver or self.receiver,
            verifier=route.verifier or self.verifier,
            accept=d.accept if d.accept is not None else self.accept,
            handle=d.handle if d.handle is not None else self.handle,
            verify=d.verify if d.verify is not None else self.verify,
            grouping=Grouping(
                by=tuple(route.group_by) if route.group_by is not None else g.by,
                wait=route.group_wait if route.group_wait is not None else g.wait,
                interval=route.group_interval if route.group_interval is not None else g.interval,
                repeat=route.repeat_interval if route.repeat_interval is not None else g.repeat,
            ),
            escalation=route.escalation or self.escalation,
        )


@dataclass(frozen=True)
class Consideration:
    route_id: str
    path: tuple[str, ...]
    matched: bool
    reason: str


@dataclass(frozen=True)
class Assignment:
    route_id: str
    route_name: str
    path: tuple[str, ...]
    assignee: str
    verifier: str
    accept_within: timedelta | None
    handle_within: timedelta | None
    verify_within: timedelta | None
    fallback: bool
    grouping: Grouping = Grouping()
    escalation: str | None = None

    def deadlines(self, dispatched_at: datetime) -> dict[str, datetime | None]:
        return {
            "accept_by": dispatched_at + self.accept_within if self.accept_within else None,
            "handle_by": dispatched_at + self.handle_within if self.handle_within else None,
        }


@dataclass(frozen=True)
class RoutingDecision:
    assignments: tuple[Assignment, ...]
    considered: tuple[Consideration, ...] = field(default=())

    @property
    def primary(self) -> Assignment:
        return self.assignments[0]

    @property
    def fallback(self) -> bool:
        """Only the root (or a route marked fallback) took it: manual dispatch by the brigade."""
        return self.primary.fallback


def _why(
    route: Route, labels: Mapping[str, str], active: frozenset[str] | None
) -> tuple[bool, str]:
    windows = route.active_time_intervals
    if windows and active is not None and not set(windows) & active:
        return False, "outside its time intervals " + ", ".join(windows)
    if not route.matchers:
        return True, "no matchers: matches everything"
    for text in route.matchers:
        m = Matcher.parse(text)
        if not m.matches(labels):
            return False, f"{m} failed: {m.label} is {labels.get(m.label, '')!r}"
    return True, "all of " + ", ".join(str(Matcher.parse(t)) for t in route.matchers) + " hold"


def matches_all(matchers: list[str] | tuple[str, ...], labels: Mapping[str, str]) -> bool:
    return all(Matcher.parse(t).matches(labels) for t in matchers)


def resolve_unit(template: str, labels: Mapping[str, str], grid_leaders: Mapping[str, str]) -> str:
    """Turn `grid_force:{community}` / `grid_leader` into concrete units for this event."""
    if template == "grid_leader":
        leader = grid_leaders.get(labels.get("grid", ""))
        return f"grid_leader:{leader}" if leader else "brigade"
    return template.replace("{community}", labels.get("community", ""))


def route_event(
    root: Route,
    labels: Mapping[str, str],
    grid_leaders: Mapping[str, str],
    *,
    active: frozenset[str] | None = None,
) -> RoutingDecision:
    """Match an event's labels against the tree. `grid_leaders` maps grid id -> leader id.

    `active` holds the ids of the time intervals in force at the event's time; None means
    "ignore time windows" (every route is on), which is what a what-if question usually wants.
    """
    base = Settings.of_root(root)
    considered: list[Consideration] = []
    found: list[Assignment] = []

    def walk(route: Route, parent: Settings, path: tuple[str, ...], is_root: bool) -> bool:
        ok, reason = (True, "root") if is_root else _why(route, labels, active)
        considered.append(Consideration(route.id, path, ok, reason))
        if not ok:
            return False
        settings = base if is_root else parent.child(route)
        child_matched = False
        for child in route.routes:
            if walk(child, settings, (*path, child.id), False):
                child_matched = True
                if not child.continue_:
                    break
        if not child_matched:
            found.append(
                Assignment(
                    route_id=route.id,
                    route_name=route.name or route.id,
                    path=path,
                    assignee=resolve_unit(settings.receiver, labels, grid_leaders),
                    verifier=resolve_unit(settings.verifier, labels, grid_leaders),
                    accept_within=settings.accept,
                    handle_within=settings.handle,
                    verify_within=settings.verify,
                    fallback=is_root or route.fallback,
                    grouping=settings.grouping,
                    escalation=settings.escalation,
                )
            )
        return True

    walk(root, base, (root.id,), True)
    return RoutingDecision(tuple(found), tuple(considered))


@dataclass(frozen=True)
class Router:
    """A district's plans ready to route: the tree, its time windows and the grid leaders."""

    plans: PlansFile
    grid_leaders: Mapping[str, str]

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.plans.timezone)

    def active_at(self, at: datetime) -> frozenset[str]:
        return active_intervals(self.plans.time_intervals, at, self.zone)

    def route(self, labels: Mapping[str, str], at: datetime | None) -> RoutingDecision:
        """Route at the event's time; `at=None` ignores time windows."""
        active = None if at is None else self.active_at(at)
        return route_event(self.plans.route, labels, self.grid_leaders, active=active)
