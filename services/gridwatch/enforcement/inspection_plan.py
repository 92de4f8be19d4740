"""A month's inspection plan under credit-graded supervision (信用分级分类监管).

1. Draw targets ("double random" 双随机, part one): per credit grade, a seeded random share of
   the enterprises (grade A the smallest, grade D all of them); each drawn enterprise gets the
   number of visits its grade prescribes, in distinct weeks spread over the month.
2. Draft checks: every squad whose checks the enterprise is subject to picks its own working day
   in that week, as each department would plan alone.
3. Merge ("inspect once" 综合查一次): checks of one enterprise in one ISO week become one visit on
   the earliest drafted day, led by the enterprise's first squad; the others join it.
4. Assign officers (double random, part two): officers drawn at random from the squads' pools.

Pure: the caller passes the enterprises, policy, officers, month and seed; the same inputs give
the same plan.
"""

from __future__ import annotations

import calendar
import math
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from gridwatch.domain.events import stable_id
from gridwatch.enforcement.config import InspectionPolicy, Officer
from gridwatch.enforcement.enterprises import GRADES, CreditGrade, Enterprise


class PlanError(ValueError):
    """The month or the inputs cannot give a plan."""


def parse_month(text: str) -> tuple[int, int]:
    try:
        year, month = (int(p) for p in text.split("-"))
        date(year, month, 1)
    except ValueError:
        raise PlanError(f"month {text!r}: use YYYY-MM, e.g. 2026-03") from None
    if len(text) != 7:
        raise PlanError(f"month {text!r}: use YYYY-MM, e.g. 2026-03")
    return year, month


def iso_week(day: date) -> str:
    y, w, _ = day.isocalendar()
    return f"{y}-W{w:02d}"


def working_weeks(month: str) -> dict[str, list[date]]:
    """ISO week -> the month's working days (Mon-Fri) in it, in order."""
    year, m = parse_month(month)
    weeks: dict[str, list[date]] = {}
    for d in range(1, calendar.monthrange(year, m)[1] + 1):
        day = date(year, m, d)
        if day.weekday() < 5:
            weeks.setdefault(iso_week(day), []).append(day)
    return weeks


@dataclass(frozen=True)
class Target:
    enterprise_id: str
    grade: CreditGrade
    selected: bool
    prescribed_visits: int


@dataclass(frozen=True)
class Check:
    """One squad's check of one enterprise on one day, as the squad drafted it."""

    enterprise_id: str
    squad: str
    day: date


@dataclass(frozen=True)
class Visit:
    visit_id: str
    month: str
    enterprise_id: str
    day: date
    lead_squad: str
    squads: tuple[str, ...]
    checks_merged: int
    officers: tuple[str, ...] = ()

    @property
    def week(self) -> str:
        return iso_week(self.day)

    @property
    def joint(self) -> bool:
        """综合查一次: several squads' checks in one visit."""
        return len(self.squads) > 1


@dataclass(frozen=True)
class InspectionPlan:
    month: str
    seed: int
    targets: tuple[Target, ...]
    checks: tuple[Check, ...]
    visits: tuple[Visit, ...]
    quotas: dict[CreditGrade, int] = field(default_factory=dict)

    def by_squad(self) -> dict[str, list[Visit]]:
        """Each squad's visits, leading or joining, by day."""
        out: dict[str, list[Visit]] = defaultdict(list)
        for v in self.visits:
            for s in v.squads:
                out[s].append(v)
        return {s: sorted(vs, key=lambda v: (v.day, v.visit_id)) for s, vs in sorted(out.items())}

    @property
    def repeat_inspections_avoided(self) -> int:
        """Separate visits the squads would have made minus the visits actually planned."""
        return len(self.checks) - len(self.visits)


def _rng(month: str, seed: int, part: str) -> random.Random:
    # String seeds are hashed with SHA-512 by `random`: stable across runs and PYTHONHASHSEED.
    return random.Random(f"{month}/{seed}/{part}")


def draw_targets(
    enterprises: Sequence[Enterprise], policy: InspectionPolicy, rng: random.Random
) -> tuple[list[Target], dict[CreditGrade, int]]:
    """Per grade, ceil(share x count) enterprises drawn at random; the rest are not visited."""
    targets: list[Target] = []
    quotas: dict[CreditGrade, int] = {}
    for grade in GRADES:
        rule = policy.grades[grade]
        pool = sorted((e for e in enterprises if e.credit_grade == grade), key=lambda e: e.id)
        quota = min(len(pool), math.ceil(rule.share * len(pool) - 1e-9))
        quotas[grade] = quota
        drawn = {e.id for e in rng.sample(pool, quota)}
        targets += [
            Target(e.id, grade, e.id in drawn, rule.visits if e.id in drawn else 0) for e in pool
        ]
    return sorted(targets, key=lambda t: t.enterprise_id), quotas


def spread_weeks(weeks: Sequence[str], visits: int, rng: random.Random) -> list[str]:
    """`visits` distinct weeks, one from each of `visits` consecutive runs of the month's weeks,
    so two visits of one enterprise never bunch at one end of the month."""
    if visits > len(weeks):
        raise PlanError(f"{visits} visits do not fit in {len(weeks)} weeks")
    bounds = [round(i * len(weeks) / visits) for i in range(visits + 1)]
    return [rng.choice(weeks[bounds[i] : bounds[i + 1]]) for i in range(visits)]


def draft_checks(
    targets: Iterable[Target],
    enterprises: dict[str, Enterprise],
    month: str,
    rng: random.Random,
) -> list[Check]:
    weeks = working_weeks(month)
    order = list(weeks)
    checks = []
    for t in targets:
        if not t.selected:
            continue
        for week in spread_weeks(order, t.prescribed_visits, rng):
            for squad in enterprises[t.enterprise_id].checks:
                checks.append(Check(t.enterprise_id, squad, rng.choice(weeks[week])))
    return checks


def merge_checks(
    checks: Iterable[Check], enterprises: dict[str, Enterprise], month: str
) -> list[Visit]:
    """One visit per enterprise and ISO week: every squad's check that week goes along."""
    groups: dict[tuple[str, str], list[Check]] = defaultdict(list)
    for c in checks:
        groups[(c.enterprise_id, iso_week(c.day))].append(c)
    visits = []
    for (ent_id, week), group in sorted(groups.items()):
        order = enterprises[ent_id].checks
        squads = tuple(
            sorted({c.squad for c in group}, key=lambda s: order.index(s) if s in order else 99)
        )
        visits.append(
            Visit(
                visit_id=stable_id("vis", month, ent_id, week),
                month=month,
                enterprise_id=ent_id,
                day=min(c.day for c in group),
                lead_squad=squads[0],
                squads=squads,
                checks_merged=len(group),
            )
        )
    return sorted(visits, key=lambda v: (v.day, v.enterprise_id))


def assign_officers(
    visits: Iterable[Visit], officers: Sequence[Officer], per_visit: int, rng: random.Random
) -> list[Visit]:
    """`per_visit` officers of the leading squad and one of each joining squad, drawn at random."""
    pools: dict[str, list[str]] = defaultdict(list)
    for o in sorted(officers, key=lambda o: o.id):
        pools[o.squad].append(o.id)
    out = []
    for v in visits:
        chosen: list[str] = []
        for squad in v.squads:
            pool = pools.get(squad, [])
            want = per_visit if squad == v.lead_squad else 1
            chosen += rng.sample(pool, min(want, len(pool)))
        out.append(
            Visit(
                v.visit_id,
                v.month,
                v.enterprise_id,
                v.day,
                v.lead_squad,
                v.squads,
                v.checks_merged,
                tuple(chosen),
            )
        )
    return out


def plan_month(
    enterprises: Sequence[Enterprise],
    policy: InspectionPolicy,
    officers: Sequence[Officer],
    month: str,
    seed: int = 0,
) -> InspectionPlan:
    """The month's plan; the same inputs and seed always give the same plan."""
    parse_month(month)
    by_id = {e.id: e for e in enterprises}
    targets, quotas = draw_targets(enterprises, policy, _rng(month, seed, "targets"))
    checks = draft_checks(targets, by_id, month, _rng(month, seed, "days"))
    visits = merge_checks(checks, by_id, month)
    visits = assign_officers(
        visits, officers, policy.officers_per_visit, _rng(month, seed, "staff")
    )
    return InspectionPlan(month, seed, tuple(targets), tuple(checks), tuple(visits), quotas)
