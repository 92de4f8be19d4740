"""What keeps an event from being dispatched: silences and inhibit rules (Alertmanager style).

A muted event is never dropped: the caller records it and its case as `suppressed`, with the
silence or rule that muted it, and the brigade desk can still file it by hand.

* A **silence** is set at run time (a camera under maintenance): matchers on the event's
  labels, a start, an end, an author and a comment. It mutes only while it is in force.
* An **inhibit rule** mutes events matching its target matchers while a *source* matching its
  source matchers is active and carries the same values for the `equal` labels. Sources are
  active real emergency activations, one label set per covered grid (drills never mute).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from gridwatch.config.schema import MATCH_LABELS, InhibitRule, check_matchers
from gridwatch.domain.events import stable_id
from gridwatch.domain.plans import matches_all


@dataclass(frozen=True)
class Silence:
    silence_id: str
    matchers: tuple[str, ...]
    starts_at: datetime
    ends_at: datetime
    author: str
    comment: str
    created_at: datetime

    def active(self, now: datetime) -> bool:
        return self.starts_at <= now < self.ends_at

    def matches(self, labels: Mapping[str, str]) -> bool:
        return matches_all(self.matchers, labels)


class SilenceError(ValueError):
    pass


def new_silence(
    matchers: Sequence[str],
    starts_at: datetime,
    ends_at: datetime,
    author: str,
    comment: str,
    now: datetime,
) -> Silence:
    """Validate and build a silence; the id derives from its content and creation time."""
    if not matchers:
        raise SilenceError("a silence needs at least one matcher (it would mute everything)")
    try:
        check_matchers(list(matchers), MATCH_LABELS)
    except ValueError as e:
        raise SilenceError(str(e)) from None
    if ends_at <= starts_at:
        raise SilenceError("a silence must end after it starts")
    if not author.strip():
        raise SilenceError("a silence needs an author")
    if not comment.strip():
        raise SilenceError("a silence needs a comment saying why")
    sid = stable_id("sil", *matchers, starts_at.isoformat(), author, now.isoformat())
    return Silence(sid, tuple(matchers), starts_at, ends_at, author, comment, now)


@dataclass(frozen=True)
class Muted:
    by: str  # silence:<id> | inhibit:<rule id>
    reason: str


def silenced(labels: Mapping[str, str], silences: Iterable[Silence], now: datetime) -> Muted | None:
    for s in silences:
        if s.active(now) and s.matches(labels):
            return Muted(
                f"silence:{s.silence_id}",
                f"silenced by {s.author} until {s.ends_at:%Y-%m-%d %H:%M} UTC: {s.comment}",
            )
    return None


def inhibited(
    labels: Mapping[str, str],
    rules: Iterable[InhibitRule],
    sources: Sequence[Mapping[str, str]],
) -> Muted | None:
    for rule in rules:
        if not matches_all(rule.target_matchers, labels):
            continue
        for src in sources:
            if not matches_all(rule.source_matchers, src):
                continue
            if all(src.get(label, "") == labels.get(label, "") for label in rule.equal):
                what = src.get("emergency") or ", ".join(f"{k}={v}" for k, v in src.items())
                return Muted(f"inhibit:{rule.id}", f"inhibited by {rule.id} while {what} is active")
    return None


def mute_reason(
    labels: Mapping[str, str],
    now: datetime,
    silences: Iterable[Silence],
    rules: Iterable[InhibitRule],
    sources: Sequence[Mapping[str, str]],
) -> Muted | None:
    """Silences first (someone decided it explicitly), then inhibition."""
    return silenced(labels, silences, now) or inhibited(labels, rules, sources)
