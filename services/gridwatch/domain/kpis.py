"""KPIs and league tables (赛马比拼), computed from the audit log only.

A period is a cohort: the cases *reported* in [since, until), with their outcomes as the audit
log stands at `until`. Merged duplicates and muted (suppressed) events are not cases.

* filing rate (立案率): cases filed and not rejected / cases reported
* dispatch rate (派遣率): cases dispatched (not rejected) / cases filed (not rejected)
* acceptance rate (接收率): cases the assignee accepted / cases dispatched
* closure rate (结案率): cases closed / cases filed (not rejected)
* on-time closure rate (按期结案率): cases closed by their closing deadline / cases due
  (closed, or past their closing deadline)
* rework rate (返工率): cases sent back for rework at least once / cases with feedback
* extension rate (延期率): cases with an approved extension / cases dispatched
* escalation rate: cases escalated at least once / cases dispatched
* false-alarm rate (误报率): verdicts "false_alarm" (at rejection or verification) / cases
  with a verdict of confirmed or false_alarm

The closing deadline is the handle deadline plus the plan's verify time. Mean time to dispatch
and to close count from the report. A rate whose denominator is zero is None, not 0 or 1.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from gridwatch.domain.tasks import Action, AuditRecord, State, Task, Verdict

NOT_CASES = frozenset({State.MERGED, State.SUPPRESSED})


@dataclass(frozen=True)
class CaseFacts:
    """One case as the audit log tells it at the end of a period."""

    task_id: str
    source: str
    algorithm: str | None
    event_type: str
    grid: str
    community: str
    unit: str  # the handling unit (assignee) at the end of the period
    reported_at: datetime
    filed: bool = False
    rejected: bool = False
    dispatched_at: datetime | None = None
    accepted: bool = False
    handled: bool = False
    reworks: int = 0
    extensions: int = 0
    escalations: int = 0
    closed_at: datetime | None = None
    close_by: datetime | None = None
    verdict: Verdict | None = None


def facts_of(
    task: Task,
    *,
    source: str,
    algorithm: str | None,
    event_type: str,
    trail: Sequence[AuditRecord],
    until: datetime,
) -> CaseFacts | None:
    """Replay the task's audit trail up to `until`; None if it is not a case (merged, muted)."""
    state = State.REPORTED
    filed = rejected = accepted = handled = False
    reworks = extensions = escalations = 0
    dispatched_at = closed_at = None
    verdict: Verdict | None = None
    for rec in trail:
        if rec.at >= until:
            break
        state = rec.to_state
        a = rec.action
        if a is Action.FILE:
            filed = True
        elif a is Action.REJECT:
            rejected = True
        elif a is Action.DISPATCH and dispatched_at is None:
            dispatched_at = rec.at
        elif a is Action.ACCEPT:
            accepted = True
        elif a is Action.FEEDBACK:
            handled = True
        elif a is Action.REWORK:
            reworks += 1
        elif a is Action.APPROVE_EXTENSION:
            extensions += 1
        elif a is Action.ESCALATE:
            escalations += 1
        elif a is Action.CLOSE:
            closed_at = rec.at
        if rec.verdict is not None:
            verdict = rec.verdict
    if state in NOT_CASES:
        return None
    close_by = None
    if task.handle_by is not None:
        close_by = task.handle_by + (task.verify_within or timedelta(0))
    return CaseFacts(
        task_id=task.task_id,
        source=source,
        algorithm=algorithm,
        event_type=event_type,
        grid=task.grid,
        community=task.community,
        unit=task.assignee,
        reported_at=task.created_at,
        filed=filed,
        rejected=rejected,
        dispatched_at=dispatched_at,
        accepted=accepted,
        handled=handled,
        reworks=reworks,
        extensions=extensions,
        escalations=escalations,
        closed_at=closed_at,
        close_by=close_by,
        verdict=verdict,
    )


def _rate(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def _mean_s(values: list[timedelta]) -> float | None:
    if not values:
        return None
    return round(sum(v.total_seconds() for v in values) / len(values), 1)


@dataclass(frozen=True)
class Kpis:
    reported: int = 0
    filed: int = 0
    rejected: int = 0
    dispatched: int = 0
    accepted: int = 0
    closed: int = 0
    due: int = 0
    closed_on_time: int = 0
    handled: int = 0
    reworked: int = 0
    extended: int = 0
    escalated: int = 0
    verdicts: int = 0
    false_alarms: int = 0
    dispatch_times: list[timedelta] = field(default_factory=list, repr=False)
    close_times: list[timedelta] = field(default_factory=list, repr=False)

    @property
    def filing_rate(self) -> float | None:
        return _rate(self.filed, self.reported)

    @property
    def dispatch_rate(self) -> float | None:
        return _rate(self.dispatched, self.filed)

    @property
    def acceptance_rate(self) -> float | None:
        return _rate(self.accepted, self.dispatched)

    @property
    def closure_rate(self) -> float | None:
        return _rate(self.closed, self.filed)

    @property
    def on_time_closure_rate(self) -> float | None:
        return _rate(self.closed_on_time, self.due)

    @property
    def rework_rate(self) -> float | None:
        return _rate(self.reworked, self.handled)

    @property
    def extension_rate(self) -> float | None:
        return _rate(self.extended, self.dispatched)

    @property
    def escalation_rate(self) -> float | None:
        return _rate(self.escalated, self.dispatched)

    @property
    def false_alarm_rate(self) -> float | None:
        return _rate(self.false_alarms, self.verdicts)

    @property
    def mean_time_to_dispatch_s(self) -> float | None:
        return _mean_s(self.dispatch_times)

    @property
    def mean_time_to_close_s(self) -> float | None:
        return _mean_s(self.close_times)

    def as_dict(self) -> dict[str, float | int | None]:
        return {
            "reported": self.reported,
            "filed": self.filed,
            "rejected": self.rejected,
            "dispatched": self.dispatched,
            "accepted": self.accepted,
            "closed": self.closed,
            "due": self.due,
            "closed_on_time": self.closed_on_time,
            "reworked": self.reworked,
            "extended": self.extended,
            "escalated": self.escalated,
            "false_alarms": self.false_alarms,
            "verdicts": self.verdicts,
            "filing_rate": self.filing_rate,
            "dispatch_rate": self.dispatch_rate,
            "acceptance_rate": self.acceptance_rate,
            "closure_rate": self.closure_rate,
            "on_time_closure_rate": self.on_time_closure_rate,
            "rework_rate": self.rework_rate,
            "extension_rate": self.extension_rate,
            "escalation_rate": self.escalation_rate,
            "false_alarm_rate": self.false_alarm_rate,
            "mean_time_to_dispatch_s": self.mean_time_to_dispatch_s,
            "mean_time_to_close_s": self.mean_time_to_close_s,
        }


def kpis(facts: Iterable[CaseFacts], until: datetime) -> Kpis:
    n: dict[str, int] = defaultdict(int)
    dispatch_times: list[timedelta] = []
    close_times: list[timedelta] = []
    for c in facts:
        n["reported"] += 1
        if c.rejected:
            n["rejected"] += 1
        live = c.filed and not c.rejected
        n["filed"] += live
        if c.verdict in (Verdict.CONFIRMED, Verdict.FALSE_ALARM):
            n["verdicts"] += 1
            n["false_alarms"] += c.verdict is Verdict.FALSE_ALARM
        if not live:
            continue
        if c.dispatched_at is not None:
            n["dispatched"] += 1
            dispatch_times.append(c.dispatched_at - c.reported_at)
            n["accepted"] += c.accepted
            n["extended"] += c.extensions > 0
            n["escalated"] += c.escalations > 0
        if c.handled:
            n["handled"] += 1
            n["reworked"] += c.reworks > 0
        if c.closed_at is not None:
            n["closed"] += 1
            close_times.append(c.closed_at - c.reported_at)
        past_due = c.close_by is not None and c.close_by <= until
        if c.closed_at is not None or past_due:
            n["due"] += 1
            on_time = c.closed_at is not None and (c.close_by is None or c.closed_at <= c.close_by)
            n["closed_on_time"] += on_time
    return Kpis(**n, dispatch_times=dispatch_times, close_times=close_times)


DIMENSIONS: dict[str, Callable[[CaseFacts], str | None]] = {
    "unit": lambda c: c.unit,
    "grid": lambda c: c.grid,
    "community": lambda c: c.community,
    "algorithm": lambda c: c.algorithm,
    "source": lambda c: c.source,
    "event_type": lambda c: c.event_type,
}


def kpis_by(facts: Iterable[CaseFacts], dimension: str, until: datetime) -> dict[str, Kpis]:
    """KPIs per value of a dimension (cases without a value, e.g. no algorithm, are left out)."""
    key = DIMENSIONS[dimension]
    groups: dict[str, list[CaseFacts]] = defaultdict(list)
    for c in facts:
        k = key(c)
        if k:
            groups[k].append(c)
    return {k: kpis(v, until) for k, v in sorted(groups.items())}


# The league table's score: the share of work done, done on time, done right first time, and
# taken on when sent. Weights put timeliness first, as the district's supervision does.
SCORE_WEIGHTS = {
    "on_time_closure_rate": 0.4,
    "closure_rate": 0.3,
    "first_time_right": 0.2,
    "acceptance_rate": 0.1,
}


@dataclass(frozen=True)
class LeagueRow:
    rank: int
    unit: str
    score: float
    cases: int
    closure_rate: float | None
    on_time_closure_rate: float | None
    rework_rate: float | None
    acceptance_rate: float | None


def score(k: Kpis) -> float:
    """Weighted mean of the parts that are defined (a unit with no closures due yet is scored
    on what it has done so far, not punished for the missing part)."""
    parts = {
        "on_time_closure_rate": k.on_time_closure_rate,
        "closure_rate": k.closure_rate,
        "first_time_right": None if k.rework_rate is None else 1 - k.rework_rate,
        "acceptance_rate": k.acceptance_rate,
    }
    defined = {name: v for name, v in parts.items() if v is not None}
    if not defined:
        return 0.0
    weight = sum(SCORE_WEIGHTS[name] for name in defined)
    return round(sum(SCORE_WEIGHTS[name] * v for name, v in defined.items()) / weight, 4)


def league_table(by_unit: Mapping[str, Kpis], min_cases: int = 1) -> list[LeagueRow]:
    """Units with at least `min_cases` dispatched cases, best score first (ties: more cases,
    then name)."""
    rows = [(score(k), k, unit) for unit, k in by_unit.items() if k.dispatched >= min_cases]
    rows.sort(key=lambda r: (-r[0], -r[1].dispatched, r[2]))
    return [
        LeagueRow(
            rank=i,
            unit=unit,
            score=s,
            cases=k.dispatched,
            closure_rate=k.closure_rate,
            on_time_closure_rate=k.on_time_closure_rate,
            rework_rate=k.rework_rate,
            acceptance_rate=k.acceptance_rate,
        )
        for i, (s, k, unit) in enumerate(rows, start=1)
    ]


def daily(
    facts: Iterable[CaseFacts], since: datetime, until: datetime, zone: tzinfo
) -> list[tuple[date, Kpis]]:
    """The trend: one cohort per local day of [since, until), the cases reported that day with
    their outcomes at `until` (days without cases are there, with zero counts)."""
    groups: dict[date, list[CaseFacts]] = defaultdict(list)
    for c in facts:
        groups[c.reported_at.astimezone(zone).date()].append(c)
    first = since.astimezone(zone).date()
    last = (until - timedelta(microseconds=1)).astimezone(zone).date()
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return [(d, kpis(groups.get(d, ()), until)) for d in days]


def kpi_report(
    facts: Sequence[CaseFacts],
    until: datetime,
    dimensions: Sequence[str],
    *,
    since: datetime | None = None,
    zone: tzinfo | None = None,
) -> dict[str, object]:
    """Everything `report kpis` and the ops centre show: overall, per dimension, the league
    tables of units and of communities, and (given `since` and the district's `zone`) the
    daily trend."""
    by_unit = kpis_by(facts, "unit", until)
    by_community = kpis_by(facts, "community", until)
    trend = []
    if since is not None and zone is not None:
        trend = [
            {"day": d.isoformat(), "kpis": k.as_dict()} for d, k in daily(facts, since, until, zone)
        ]
    return {
        "overall": kpis(facts, until).as_dict(),
        "by": {
            d: {k: v.as_dict() for k, v in kpis_by(facts, d, until).items()} for d in dimensions
        },
        "league": [row.__dict__ for row in league_table(by_unit)],
        "community_league": [row.__dict__ for row in league_table(by_community)],
        "trend": trend,
    }
