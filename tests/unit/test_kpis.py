"""KPI arithmetic from audit trails: every rate on a small, hand-countable set of cases."""

from datetime import UTC, datetime, timedelta

import pytest

from gridwatch.domain.kpis import CaseFacts, Kpis, facts_of, kpis, kpis_by, league_table, score
from gridwatch.domain.tasks import (
    SYSTEM,
    Action,
    Actor,
    AuditRecord,
    Role,
    State,
    Task,
    Within,
    transition,
)

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)
TRAFFIC = Actor("t1", Role.SQUAD_MEMBER, squad="sq-traffic")
RIVER = Actor("r1", Role.SQUAD_MEMBER, squad="sq-river")
LEADER = Actor("gl001", Role.GRID_LEADER, grid="g001", community="c01")
DUTY = Actor("duty", Role.DUTY_OFFICER)
WITHIN = Within(accept=15 * MIN, handle=120 * MIN)


class Case:
    """Drive one task through the state machine, keeping its audit trail."""

    def __init__(self, n: int, squad: str, at: datetime = T0) -> None:
        self.task = Task(
            task_id=f"tsk-{n}",
            event_id=f"evt-{n}",
            state=State.REPORTED,
            grid="g001",
            community="c01",
            assignee=f"squad:{squad}",
            verifier="grid_leader:gl001",
            created_at=at,
            verify_within=60 * MIN,
        )
        self.trail: list[AuditRecord] = []
        self.now = at

    def do(self, action: Action, actor: Actor, minutes: int = 1, note: str = "n", **kw) -> "Case":
        self.now += minutes * MIN
        self.task, rec = transition(self.task, action, actor, self.now, note, **kw)
        self.trail.append(rec)
        return self

    def opened(self) -> "Case":
        return self.do(Action.FILE, SYSTEM, 0).do(Action.DISPATCH, SYSTEM, 2, within=WITHIN)

    def facts(self, until: datetime, source: str = "ai", algorithm: str | None = "lane"):
        return facts_of(
            self.task,
            source=source,
            algorithm=algorithm,
            event_type="lane_occupation",
            trail=self.trail,
            until=until,
        )


def closed(case: Case, actor: Actor, handle_minutes: int = 30, **verify) -> Case:
    case.do(Action.ACCEPT, actor, 5).do(Action.FEEDBACK, actor, handle_minutes, "已处置")
    return case.do(Action.VERIFY, LEADER, 10, **verify).do(Action.CLOSE, DUTY, 5)


def scenario() -> list[Case]:
    on_time = closed(Case(1, "sq-traffic").opened(), TRAFFIC)
    reworked = Case(2, "sq-traffic").opened()
    reworked.do(Action.ACCEPT, TRAFFIC, 5).do(Action.FEEDBACK, TRAFFIC, 20, "已劝离")
    reworked.do(Action.REWORK, LEADER, 10, "车辆仍在").do(Action.FEEDBACK, TRAFFIC, 200, "已拖离")
    reworked.do(Action.VERIFY, LEADER, 5).do(Action.CLOSE, DUTY, 5)  # closed late
    false_alarm = Case(3, "sq-river").opened()
    false_alarm.do(Action.REJECT, DUTY, 3, "画面为行人", verdict="false_alarm")
    extended = Case(4, "sq-river").opened().do(Action.ACCEPT, RIVER, 20)  # accepted late
    extended.do(Action.ESCALATE, SYSTEM, 0, "未按时接收")
    extended.do(Action.REQUEST_EXTENSION, RIVER, 10, "等待水位回落", extension=480 * MIN)
    extended.do(Action.APPROVE_EXTENSION, DUTY, 5)  # still open at the end
    unaccepted = Case(5, "sq-river").opened()  # never accepted: overdue at the end
    merged = Case(6, "sq-traffic").do(Action.MERGE, SYSTEM, 0, "同组", merged_into="tsk-1")
    citizen = Case(7, "sq-traffic").opened()
    closed(citizen, TRAFFIC, verdict="false_alarm")
    return [on_time, reworked, false_alarm, extended, unaccepted, merged, citizen]


UNTIL = T0 + timedelta(hours=8)


def all_facts() -> list[CaseFacts]:
    out = []
    for c in scenario():
        f = c.facts(UNTIL, source="citizen" if c.task.task_id == "tsk-7" else "ai")
        if f is not None:
            out.append(f)
    return out


def test_merged_duplicates_are_not_cases():
    assert [f.task_id for f in all_facts()] == [
        "tsk-1",
        "tsk-2",
        "tsk-3",
        "tsk-4",
        "tsk-5",
        "tsk-7",
    ]


def test_rates_from_the_audit_log():
    k = kpis(all_facts(), UNTIL)
    assert (k.reported, k.filed, k.rejected, k.dispatched) == (6, 5, 1, 5)
    assert k.filing_rate == pytest.approx(5 / 6, abs=1e-4)
    assert k.dispatch_rate == 1.0
    assert k.acceptance_rate == 4 / 5  # tsk-5 never accepted
    assert k.closure_rate == 3 / 5  # tsk-1, 2, 7 closed
    # due: the 3 closed + tsk-5 (deadline long past); tsk-4 was extended and is not due yet
    assert (k.due, k.closed_on_time) == (4, 2)
    assert k.on_time_closure_rate == 0.5
    assert k.rework_rate == pytest.approx(1 / 3, abs=1e-4)  # 3 with feedback, 1 reworked
    assert k.extension_rate == 1 / 5
    assert k.escalation_rate == 1 / 5
    # verdicts: tsk-1, tsk-2 confirmed, tsk-3 false alarm (rejected), tsk-7 false alarm
    assert (k.verdicts, k.false_alarms, k.false_alarm_rate) == (4, 2, 0.5)
    assert k.mean_time_to_dispatch_s == 120.0


def test_mean_time_to_close_counts_from_the_report():
    k = kpis(all_facts(), UNTIL)
    # tsk-1 and tsk-7: 2 + 5 + 30 + 10 + 5 = 52 min; tsk-2: 2 + 5 + 20 + 10 + 200 + 5 + 5
    assert k.mean_time_to_close_s == pytest.approx((52 + 52 + 247) * 60 / 3, abs=0.1)


def test_outcomes_after_the_period_end_are_not_counted():
    k = kpis([c.facts(T0 + 30 * MIN) for c in scenario()[:2]], T0 + 30 * MIN)
    assert (k.closed, k.accepted, k.due) == (0, 2, 0)


def test_false_alarm_rate_per_algorithm_and_per_source():
    by_source = kpis_by(all_facts(), "source", UNTIL)
    assert by_source["citizen"].false_alarm_rate == 1.0
    assert by_source["ai"].false_alarm_rate == pytest.approx(1 / 3, abs=1e-4)


def test_rates_with_nothing_to_count_are_none():
    k = Kpis()
    assert k.closure_rate is None and k.on_time_closure_rate is None
    assert k.mean_time_to_close_s is None


def test_league_table_ranks_units_by_weighted_score():
    by_unit = kpis_by(all_facts(), "unit", UNTIL)
    table = league_table(by_unit)
    assert [r.unit for r in table] == ["squad:sq-traffic", "squad:sq-river"]
    traffic = by_unit["squad:sq-traffic"]
    # on time 2/3, closed 3/3, first time right 2/3, accepted 3/3
    assert score(traffic) == pytest.approx(0.4 * 2 / 3 + 0.3 + 0.2 * 2 / 3 + 0.1, abs=1e-4)
    river = by_unit["squad:sq-river"]
    assert (river.dispatched, river.closed) == (2, 0)  # the rejected one is not counted
    assert table[1].rank == 2 and table[1].score == score(river)


def test_the_trend_has_one_cohort_per_local_day_of_the_period():
    from zoneinfo import ZoneInfo

    from gridwatch.domain.kpis import daily

    # 17:30 UTC on 1 March is 01:30 on 2 March in Chongqing.
    late_evening = Case(1, "sq-traffic", at=datetime(2026, 3, 1, 17, 30, tzinfo=UTC)).opened()
    morning = Case(2, "sq-traffic", at=T0).opened()
    until = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)  # midnight after 2 March, local
    days = daily(
        [morning.facts(until), late_evening.facts(until)],
        datetime(2026, 2, 28, 16, 0, tzinfo=UTC),  # midnight before 1 March, local
        until,
        ZoneInfo("Asia/Shanghai"),
    )
    assert [(d.isoformat(), k.reported, k.dispatched) for d, k in days] == [
        ("2026-03-01", 1, 1),
        ("2026-03-02", 1, 1),
    ]
