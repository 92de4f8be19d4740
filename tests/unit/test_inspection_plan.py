"""Credit-graded inspection planning: grade frequencies, merging into joint operations, seeds,
and the KPIs computed from scan-to-enter records."""

from __future__ import annotations

import math
from collections import Counter
from datetime import UTC, date, datetime

import pytest

from gridwatch.config.schema import District
from gridwatch.enforcement.config import InspectionPolicy
from gridwatch.enforcement.enterprises import Enterprise, uscc_check_char
from gridwatch.enforcement.inspection_kpis import VisitRecord, inspection_kpis
from gridwatch.enforcement.inspection_plan import (
    Check,
    PlanError,
    Visit,
    merge_checks,
    plan_month,
    working_weeks,
)


def sample_plan(district: District, month: str = "2026-03", seed: int = 0):
    e = district.enforcement
    return plan_month(e.enterprises, e.settings.inspections, e.settings.officers, month, seed)


def enterprise(ent_id: str, checks: list[str], grade: str = "B") -> Enterprise:
    body = "92500107" + "A" * 9
    return Enterprise(
        id=ent_id,
        name=f"企业{ent_id}",
        credit_code=body + uscc_check_char(body),
        kind="餐饮服务",
        address="华福路1号",
        grid="g001",
        credit_grade=grade,  # type: ignore[arg-type]
        checks=checks,
    )


def test_every_drawn_enterprise_gets_its_grades_visits_and_the_rest_none(
    sample_district: District,
):
    plan = sample_plan(sample_district)
    policy = sample_district.enforcement.settings.inspections
    grades = {e.id: e.credit_grade for e in sample_district.enforcement.enterprises}
    visits = Counter(v.enterprise_id for v in plan.visits)
    per_grade = Counter(grades.values())
    for grade, n in per_grade.items():
        drawn = [t for t in plan.targets if t.grade == grade and t.selected]
        assert len(drawn) == math.ceil(policy.grades[grade].share * n)
    for t in plan.targets:
        want = policy.grades[t.grade].visits if t.selected else 0
        assert t.prescribed_visits == want
        assert visits[t.enterprise_id] == want, t
    # Grade D (untrustworthy) is visited twice a month, every one of them.
    assert all(t.selected and visits[t.enterprise_id] == 2 for t in plan.targets if t.grade == "D")


def test_grade_a_is_inspected_least(sample_district: District):
    plan = sample_plan(sample_district)
    grades = {e.id: e.credit_grade for e in sample_district.enforcement.enterprises}
    per_grade = Counter(grades.values())
    visits = Counter(grades[v.enterprise_id] for v in plan.visits)
    rate = {g: visits[g] / per_grade[g] for g in "ABCD"}
    assert rate["A"] < rate["B"] < rate["C"] < rate["D"]


def test_no_enterprise_is_visited_by_two_squads_separately_in_one_week(
    sample_district: District,
):
    plan = sample_plan(sample_district)
    per_week = Counter((v.enterprise_id, v.week) for v in plan.visits)
    assert max(per_week.values()) == 1
    # Every squad check of the draft is carried by exactly one visit.
    assert sum(v.checks_merged for v in plan.visits) == len(plan.checks)
    joint = [v for v in plan.visits if v.joint]
    assert joint, "the sample district has enterprises under several squads"
    assert plan.repeat_inspections_avoided == sum(v.checks_merged - 1 for v in plan.visits) > 0
    ents = {e.id: e for e in sample_district.enforcement.enterprises}
    for v in joint:
        assert v.lead_squad == ents[v.enterprise_id].checks[0]
        assert set(v.squads) == set(ents[v.enterprise_id].checks)


def test_visits_fall_on_working_days_of_the_month_with_officers_of_their_squads(
    sample_district: District,
):
    plan = sample_plan(sample_district)
    officers = {o.id: o.squad for o in sample_district.enforcement.settings.officers}
    for v in plan.visits:
        assert v.day.month == 3 and v.day.weekday() < 5
        lead = [o for o in v.officers if officers[o] == v.lead_squad]
        assert len(lead) == 2
        assert {officers[o] for o in v.officers} == set(v.squads)


def test_the_same_seed_gives_the_same_plan_and_another_seed_another_draw(
    sample_district: District,
):
    a, b = sample_plan(sample_district, seed=7), sample_plan(sample_district, seed=7)
    assert a == b
    c = sample_plan(sample_district, seed=8)
    assert {t.enterprise_id for t in a.targets if t.selected} != {
        t.enterprise_id for t in c.targets if t.selected
    }


def test_checks_of_one_enterprise_in_one_week_merge_on_the_earliest_day():
    ents = {"ent-0001": enterprise("ent-0001", ["sq-market", "sq-fire", "sq-environment"])}
    checks = [
        Check("ent-0001", "sq-fire", date(2026, 3, 4)),
        Check("ent-0001", "sq-environment", date(2026, 3, 5)),
        Check("ent-0001", "sq-market", date(2026, 3, 6)),
        Check("ent-0001", "sq-fire", date(2026, 3, 17)),  # another week: a visit of its own
    ]
    visits = merge_checks(checks, ents, "2026-03")
    assert [(v.day, v.squads, v.lead_squad, v.joint) for v in visits] == [
        (date(2026, 3, 4), ("sq-market", "sq-fire", "sq-environment"), "sq-market", True),
        (date(2026, 3, 17), ("sq-fire",), "sq-fire", False),
    ]


def test_weeks_are_iso_weeks_with_working_days_in_the_month():
    weeks = working_weeks("2026-03")
    assert list(weeks) == ["2026-W10", "2026-W11", "2026-W12", "2026-W13", "2026-W14"]
    assert weeks["2026-W14"] == [date(2026, 3, 30), date(2026, 3, 31)]


@pytest.mark.parametrize("month", ["2026-3", "2026-13", "March"])
def test_a_bad_month_is_refused(month: str):
    with pytest.raises(PlanError, match="YYYY-MM"):
        plan_month([], InspectionPolicy(), [], month)


def test_kpis_count_done_joint_and_avoided_trips():
    t = datetime(2026, 3, 4, 2, tzinfo=UTC)
    planned = [
        Visit("v1", "2026-03", "ent-0001", date(2026, 3, 4), "sq-market", ("sq-market",), 1),
        Visit("v2", "2026-03", "ent-0002", date(2026, 3, 4), "sq-fire", ("sq-fire", "sq-x"), 3),
        Visit("v3", "2026-03", "ent-0003", date(2026, 3, 5), "sq-fire", ("sq-fire", "sq-y"), 2),
    ]
    records = [
        VisitRecord("s1", "ent-0001", "m-1", "sq-market", t, "v1"),
        VisitRecord("s2", "ent-0002", "f-1", "sq-fire", t, "v2", "fire_lane_occupation", "tsk-1"),
        VisitRecord("s3", "ent-0002", "x-1", "sq-x", t, "v2"),  # second officer of the same visit
        VisitRecord("s4", "ent-0009", "f-2", "sq-fire", t, None),  # outside the plan
    ]
    k = inspection_kpis(planned, records)
    assert (k.planned, k.done, k.unplanned) == (3, 2, 1)
    assert k.done_ratio == round(2 / 3, 4)
    assert (k.joint_planned, k.joint_done, k.joint_share) == (2, 1, 0.5)
    assert (k.checks_done, k.repeat_inspections_avoided) == (4, 2)
    assert (k.findings, k.cases_opened) == (1, 1)
