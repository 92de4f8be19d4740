"""Silences (Alertmanager sense): for a time window, events whose labels match all of a silence's
matchers are not dispatched automatically; they wait on the alert wall for a person instead.
Nothing is dropped: a silenced event is stored and shown like any other."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from gridwatch.domain.plans import Matcher


@dataclass(frozen=True)
class Silence:
    silence_id: str
    matchers: tuple[str, ...]
    starts_at: datetime
    ends_at: datetime
    created_by: str = ""
    comment: str = ""
    expired_by: str | None = None

    def active(self, now: datetime) -> bool:
        return self.starts_at <= now < self.ends_at

    def matches(self, labels: Mapping[str, str]) -> bool:
        return all(Matcher.parse(m).matches(labels) for m in self.matchers)


def silencing(
    silences: Iterable[Silence], labels: Mapping[str, str], now: datetime
) -> Silence | None:
    """The first active silence that matches the labels, if any."""
    for s in silences:
        if s.active(now) and s.matches(labels):
            return s
    return None
