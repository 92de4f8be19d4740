"""KPIs and league tables (赛马比拼) computed from task histories (the audit trail).

Thin on purpose: the definitions are stated here once so the page can switch to the chain's
KPI functions without changing its API.
- accepted on time: first `accept` at or before accept_by (tasks with that deadline);
- handled on time: first `feedback` at or before handle_by (extensions included);
- rework rate: tasks sent back at least once among tasks with feedback;
- league score: mean of the available rates (rework counted as 1 − rate), 0-100;
- false-alarm rate of an algorithm: rejected / (confirmed by a person + rejected).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from gridwatch.domain.tasks import Action, State
from gridwatch.ops.cards import current_deadline
from gridwatch.ops.schemas import AlgorithmKpiOut, KpisOut, TrendPointOut, UnitKpiOut
from gridwatch.store.kpi_reads import TaskHistory

CLOSED = (State.CLOSED, State.EVALUATED)


def _first(h: TaskHistory, action: Action) -> datetime | None:
    return next((a.at for a in h.audit if a.action is action), None)


def _rate(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def unit_kpi(unit: str, name: str, hs: list[TaskHistory], now: datetime) -> UnitKpiOut:
    acc_total = acc_hits = hand_total = hand_hits = reworked = 0
    for h in hs:
        accepted = _first(h, Action.ACCEPT)
        if accepted is not None and h.task.accept_by is not None:
            acc_total += 1
            acc_hits += accepted <= h.task.accept_by
        fed_back = _first(h, Action.FEEDBACK)
        if fed_back is not None:
            reworked += h.task.rework_count > 0
            if h.task.handle_by is not None:
                hand_total += 1
                hand_hits += fed_back <= h.task.handle_by
    fed = sum(1 for h in hs if _first(h, Action.FEEDBACK) is not None)
    rates = [_rate(acc_hits, acc_total), _rate(hand_hits, hand_total)]
    rework = _rate(reworked, fed)
    parts = [r for r in rates if r is not None] + ([1 - rework] if rework is not None else [])
    overdue = 0
    for h in hs:
        dl = current_deadline(h.task, now)
        overdue += bool(dl and dl.overdue)
    return UnitKpiOut(
        unit=unit,
        name=name,
        tasks=len(hs),
        accepted_on_time_rate=rates[0],
        handled_on_time_rate=rates[1],
        rework_rate=rework,
        closed=sum(1 for h in hs if h.task.state in CLOSED),
        open_overdue=overdue,
        score=round(100 * sum(parts) / len(parts), 1) if parts else None,
        rank=None,
    )


def league(rows: list[UnitKpiOut]) -> list[UnitKpiOut]:
    """Ranked by score (then by tasks handled); units without a score are listed unranked."""
    scored = sorted((r for r in rows if r.score is not None), key=lambda r: (-r.score, -r.tasks))  # type: ignore[operator]
    ranked = [r.model_copy(update={"rank": i}) for i, r in enumerate(scored, start=1)]
    return ranked + sorted((r for r in rows if r.score is None), key=lambda r: r.unit)


def algorithm_kpis(hs: Iterable[TaskHistory], names: dict[str, str]) -> list[AlgorithmKpiOut]:
    counts: dict[str, list[int]] = {a: [0, 0, 0] for a in names}
    for h in hs:
        if h.source != "ai" or h.algorithm is None:
            continue
        c = counts.setdefault(h.algorithm, [0, 0, 0])
        c[0] += 1
        c[1] += any(a.action is Action.FILE and a.actor != "system" for a in h.audit)
        c[2] += any(a.action is Action.REJECT for a in h.audit)
    return [
        AlgorithmKpiOut(
            algorithm=a,
            name=names.get(a, a),
            events=n,
            confirmed=ok,
            rejected=bad,
            false_alarm_rate=_rate(bad, ok + bad),
        )
        for a, (n, ok, bad) in counts.items()
    ]


def trend(
    hs: list[TaskHistory], since: datetime, until: datetime, tz: ZoneInfo
) -> list[TrendPointOut]:
    day0 = since.astimezone(tz).date()
    days = (until.astimezone(tz).date() - day0).days + 1
    events: dict[int, int] = defaultdict(int)
    closed: dict[int, int] = defaultdict(int)
    overdue: dict[int, int] = defaultdict(int)

    def index(t: datetime) -> int:
        return (t.astimezone(tz).date() - day0).days

    for h in hs:
        events[index(h.task.created_at)] += 1
        for a in h.audit:
            if a.action is Action.CLOSE:
                closed[index(a.at)] += 1
        due = h.task.handle_by
        if due is not None and due < until:
            fed_back = _first(h, Action.FEEDBACK)
            if fed_back is None or fed_back > due:
                overdue[index(due)] += 1
    return [
        TrendPointOut(
            day=(day0 + timedelta(days=i)).isoformat(),
            events=events[i],
            closed=closed[i],
            overdue=overdue[i],
        )
        for i in range(days)
    ]


def kpis(
    hs: list[TaskHistory],
    since: datetime,
    until: datetime,
    now: datetime,
    *,
    squads: dict[str, str],
    communities: dict[str, str],
    algorithms: dict[str, str],
    tz: ZoneInfo,
) -> KpisOut:
    by_squad: dict[str, list[TaskHistory]] = {f"squad:{s}": [] for s in squads}
    by_community: dict[str, list[TaskHistory]] = {c: [] for c in communities}
    for h in hs:
        if h.task.assignee.startswith("squad:"):
            by_squad.setdefault(h.task.assignee, []).append(h)
        by_community.setdefault(h.task.community, []).append(h)
    squad_rows = [
        unit_kpi(u, squads.get(u.partition(":")[2], u), v, now) for u, v in by_squad.items()
    ]
    community_rows = [unit_kpi(c, communities.get(c, c), v, now) for c, v in by_community.items()]
    whole = unit_kpi("district", "", hs, now)
    closed = sum(1 for h in hs if h.task.state in CLOSED)
    return KpisOut(
        since=since,
        until=until,
        events=len(hs),
        closed=closed,
        closure_rate=_rate(closed, len(hs)),
        on_time_rate=whole.handled_on_time_rate,
        squads=league(squad_rows),
        communities=league(community_rows),
        algorithms=algorithm_kpis(hs, algorithms),
        trend=trend(hs, since, until, tz),
    )
