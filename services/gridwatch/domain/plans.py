"""Dispatch plans as a routing tree (Alertmanager semantics), with an explanation of every match.

A route matches when all its matchers match. Its children are tried in order; the first child
that matches handles the event unless it says `continue`, in which case later siblings are
tried too. A route handles the event itself only when none of its children matched. Children
inherit receiver, verifier and each deadline from their parent unless they set their own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from gridwatch.config.schema import MATCHER, Deadlines, Route


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
class Settings:
    receiver: str
    verifier: str
    accept: timedelta | None
    handle: timedelta | None
    verify: timedelta | None

    def child(self, route: Route) -> Settings:
        d = route.deadlines or Deadlines()
        return Settings(
            receiver=route.receiver or self.receiver,
            verifier=route.verifier or self.verifier,
            accept=d.accept if d.accept is not None else self.accept,
            handle=d.handle if d.handle is not None else self.handle,
            verify=d.verify if d.verify is not None else self.verify,
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


def _why(route: Route, labels: Mapping[str, str]) -> tuple[bool, str]:
    if not route.matchers:
        return True, "no matchers: matches everything"
    for text in route.matchers:
        m = Matcher.parse(text)
        if not m.matches(labels):
            return False, f"{m} failed: {m.label} is {labels.get(m.label, '')!r}"
    return True, "all of " + ", ".join(str(Matcher.parse(t)) for t in route.matchers) + " hold"


def resolve_unit(template: str, labels: Mapping[str, str], grid_leaders: Mapping[str, str]) -> str:
    """Turn `grid_force:{community}` / `grid_leader` into concrete units for this event."""
    if template == "grid_leader":
        leader = grid_leaders.get(labels.get("grid", ""))
        return f"grid_leader:{leader}" if leader else "brigade"
    return template.replace("{community}", labels.get("community", ""))


def route_event(
    root: Route, labels: Mapping[str, str], grid_leaders: Mapping[str, str]
) -> RoutingDecision:
    """Match an event's labels against the tree. `grid_leaders` maps grid id -> leader id."""
    if root.receiver is None or root.verifier is None:
        raise ValueError("the root route needs a receiver and a verifier")
    d = root.deadlines or Deadlines()
    base = Settings(root.receiver, root.verifier, d.accept, d.handle, d.verify)
    considered: list[Consideration] = []
    found: list[Assignment] = []

    def walk(route: Route, parent: Settings, path: tuple[str, ...], is_root: bool) -> bool:
        ok, reason = (True, "root") if is_root else _why(route, labels)
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
                )
            )
        return True

    walk(root, base, (root.id,), True)
    return RoutingDecision(tuple(found), tuple(considered))
