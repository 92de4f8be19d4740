"""The responsibility list (权责清单): duty items (履职事项), business items (业务事项) and
enforcement matters (执法事项), and the links between them.

A business item is an event type the system produces or receives (an algorithm's finding, a
human-reported clue, a platform event). A duty item is a legal duty of some unit, grounded in a
provision, and names the business items it covers; an enforcement-type duty item also names the
enforcement matter (the sanctionable act, with its penalty basis) it is carried out under.

These are the file models the config loader validates; the link checks live in
`config/enforcement_loader.py`, the pure look-ups (`legal_basis_for`,
`business_items_without_duty`) here. No I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

# config/schema.py imports these models (District carries the catalogue), so they cannot build
# on its `Strict` base without an import cycle: the same two settings are spelt out here.
_STRICT = ConfigDict(extra="forbid", frozen=True)

DutyCode = Annotated[str, Field(pattern=r"^[A-Z]{2,6}-[A-Z]{2,4}-\d{4}$")]
MatterCode = Annotated[str, Field(pattern=r"^ZF-\d{4}$")]
EventType = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=64)]
UnitType = Literal["brigade", "squad", "grid_force", "department"]
Category = Literal[
    "道路交通",
    "市容环境",
    "规划建设",
    "生态环境",
    "河道水务",
    "消防安全",
    "应急管理",
    "市场监管",
    "社会治理",
    "基础设施",
]


class BusinessItem(BaseModel):
    model_config = _STRICT

    id: EventType = Field(title="Event type", description="The event type this business item is.")
    name: str = Field(title="Name", description="业务事项名称 (zh-CN).")
    source: Literal["ai", "human", "system"] = Field(
        title="Source", description="ai = an algorithm finds it; human = reported; system."
    )
    category: Category = Field(title="Category", description="领域.")


class DeadlineNorm(BaseModel):
    model_config = _STRICT

    respond_minutes: int = Field(
        gt=0, title="Respond within", description="Minutes from dispatch to first response."
    )
    handle_days: int = Field(
        gt=0, title="Handle within", description="Working days to finish handling."
    )
    rectify_days: int | None = Field(
        None, gt=0, title="Rectify within", description="Days given to rectify (责令改正期限)."
    )


class DutyItem(BaseModel):
    model_config = _STRICT

    code: DutyCode = Field(title="Code", description="履职事项编码, e.g. ZLS-JT-0001.")
    name: str = Field(title="Name", description="履职事项名称.")
    category: Category = Field(title="Category", description="领域.")
    duty_type: Literal[
        "巡查发现", "先期处置", "劝导制止", "立案查处", "责令改正", "协调联动", "信息报送"
    ] = Field(title="Duty type", description="履职方式.")
    role: Literal["lead", "support"] = Field(
        title="Role", description="lead = 主责 (the unit that must act), support = 配合."
    )
    unit_type: UnitType = Field(title="Unit type", description="Responsible unit type.")
    unit: str = Field(title="Unit", description="Responsible unit name (责任主体).")
    squad: str | None = Field(
        None, title="Squad", description="Squad id when unit_type is squad (must exist)."
    )
    legal_basis: str = Field(title="Legal basis", description="设定依据, e.g. 《…》第N条.")
    business_items: list[EventType] = Field(
        min_length=1, title="Business items", description="Event types this duty covers."
    )
    enforcement_matter: MatterCode | None = Field(
        None, title="Enforcement matter", description="执法事项 it is carried out under."
    )
    deadline: DeadlineNorm = Field(title="Deadline norms", description="时限要求.")


class EnforcementMatter(BaseModel):
    model_config = _STRICT

    code: MatterCode = Field(title="Code", description="执法事项编码, e.g. ZF-0001.")
    name: str = Field(title="Name", description="执法事项名称, e.g. 对擅自占用城市道路行为的处罚.")
    category: Category = Field(title="Category", description="领域.")
    violated: str = Field(title="Provision violated", description="违法依据.")
    penalty_basis: str = Field(title="Penalty basis", description="处罚依据.")
    penalty: str = Field(title="Penalty", description="处罚种类和幅度.")
    procedure: Literal["simple", "general"] = Field(
        title="Procedure", description="simple = 简易程序 (当场处罚), general = 普通程序."
    )
    fine_max_yuan: int = Field(
        ge=0, title="Highest fine", description="Upper limit of the fine in yuan (0 = none)."
    )


class BusinessItemsFile(BaseModel):
    model_config = _STRICT
    business_items: list[BusinessItem] = Field(title="Business items", description="业务事项.")


class DutyItemsFile(BaseModel):
    model_config = _STRICT
    duty_items: list[DutyItem] = Field(title="Duty items", description="履职事项.")


class EnforcementMattersFile(BaseModel):
    model_config = _STRICT
    enforcement_matters: list[EnforcementMatter] = Field(
        title="Enforcement matters", description="执法事项."
    )


class ResponsibilityList(BaseModel):
    """The whole catalogue, after the loader has checked every link."""

    model_config = _STRICT

    business_items: list[BusinessItem]
    duty_items: list[DutyItem]
    enforcement_matters: list[EnforcementMatter]

    @cached_property
    def duty(self) -> dict[str, DutyItem]:
        return {d.code: d for d in self.duty_items}

    @cached_property
    def matter(self) -> dict[str, EnforcementMatter]:
        return {m.code: m for m in self.enforcement_matters}

    @cached_property
    def business(self) -> dict[str, BusinessItem]:
        return {b.id: b for b in self.business_items}

    @cached_property
    def duties_of(self) -> dict[str, list[DutyItem]]:
        """event type -> its duty items, lead duties first, then by code."""
        out: dict[str, list[DutyItem]] = {}
        for d in sorted(self.duty_items, key=lambda d: (d.role != "lead", d.code)):
            for b in d.business_items:
                out.setdefault(b, []).append(d)
        return out


@dataclass(frozen=True)
class LegalDuty:
    """One line of a route explanation: the duty, its basis, and the matter it is enforced under."""

    duty: DutyItem
    matter: EnforcementMatter | None
    source: Literal["plan", "catalogue"]

    def __str__(self) -> str:
        text = f"{self.duty.code} {self.duty.name}（{self.duty.legal_basis}）"
        m = self.matter
        if m is not None:
            text += f"；执法事项 {m.code} {m.name}（{m.penalty_basis}）"
        return text


def legal_basis_for(
    catalogue: ResponsibilityList,
    event_type: str,
    plan_duty_items: Sequence[str] = (),
    *,
    limit: int = 3,
) -> list[LegalDuty]:
    """The legal duty behind handling an event: the duty items the matched plan names, or else
    the catalogue's lead duty items for the event type (enforcement duties first)."""
    if plan_duty_items:
        duties = [catalogue.duty[c] for c in plan_duty_items if c in catalogue.duty]
        return [LegalDuty(d, _matter(catalogue, d), "plan") for d in duties]
    leads = [d for d in catalogue.duties_of.get(event_type, []) if d.role == "lead"]
    leads.sort(key=lambda d: (d.enforcement_matter is None, d.code))
    return [LegalDuty(d, _matter(catalogue, d), "catalogue") for d in leads[:limit]]


def enforcement_duty_for(catalogue: ResponsibilityList, event_type: str) -> LegalDuty | None:
    """The lead duty item under which a case of this event type is enforced, if any."""
    for duty in legal_basis_for(catalogue, event_type, limit=len(catalogue.duty_items)):
        if duty.matter is not None:
            return duty
    return None


def _matter(catalogue: ResponsibilityList, duty: DutyItem) -> EnforcementMatter | None:
    return catalogue.matter.get(duty.enforcement_matter) if duty.enforcement_matter else None


@dataclass(frozen=True)
class DutyGap:
    event_type: str
    name: str
    reason: str


def business_items_without_duty(
    catalogue: ResponsibilityList | None, event_types: Iterable[tuple[str, str]] = ()
) -> list[DutyGap]:
    """Event types the system handles that no duty item covers: plan-coverage gaps.

    `event_types` are (event type, display name) pairs the district produces or receives
    (algorithms, plan matchers); catalogue business items are always checked too.
    """
    gaps: dict[str, DutyGap] = {}
    if catalogue is not None:
        for b in catalogue.business_items:
            if not catalogue.duties_of.get(b.id):
                gaps[b.id] = DutyGap(b.id, b.name, "business item has no duty item")
    for event_type, name in event_types:
        if event_type in gaps:
            continue
        if catalogue is None:
            gaps[event_type] = DutyGap(event_type, name, "the district has no responsibility list")
        elif event_type not in catalogue.business:
            gaps[event_type] = DutyGap(event_type, name, "not in the responsibility list")
        elif not catalogue.duties_of.get(event_type):
            gaps[event_type] = DutyGap(event_type, name, "business item has no duty item")
    return sorted(gaps.values(), key=lambda g: g.event_type)


@dataclass(frozen=True)
class LinkProblem:
    """A broken link in the catalogue, located by file and key path for the config loader."""

    file: Literal["business_items", "duty_items", "enforcement_matters"]
    path: tuple[str | int, ...]
    message: str


def _duplicates(
    file: Literal["business_items", "duty_items", "enforcement_matters"],
    section: str,
    keys: Sequence[str],
    field: str,
) -> list[LinkProblem]:
    seen: set[str] = set()
    out = []
    for i, key in enumerate(keys):
        if key in seen:
            out.append(LinkProblem(file, (section, i, field), f"duplicate {field} {key!r}"))
        seen.add(key)
    return out


def link_problems(c: ResponsibilityList, squads: Iterable[str]) -> list[LinkProblem]:
    """Every dangling reference, duplicate key and unlinked item of the catalogue: duty items
    naming unknown business items, enforcement matters or squads; business items no duty item
    covers; enforcement matters no duty item is carried out under."""
    known_squads = set(squads)
    out = _duplicates("business_items", "business_items", [b.id for b in c.business_items], "id")
    out += _duplicates("duty_items", "duty_items", [d.code for d in c.duty_items], "code")
    matter_codes = [m.code for m in c.enforcement_matters]
    out += _duplicates("enforcement_matters", "enforcement_matters", matter_codes, "code")
    for i, d in enumerate(c.duty_items):
        for j, event_type in enumerate(d.business_items):
            if event_type not in c.business:
                out.append(
                    LinkProblem(
                        "duty_items",
                        ("duty_items", i, "business_items", j),
                        f"unknown business item {event_type!r}",
                    )
                )
        if d.enforcement_matter is not None and d.enforcement_matter not in c.matter:
            out.append(
                LinkProblem(
                    "duty_items",
                    ("duty_items", i, "enforcement_matter"),
                    f"unknown enforcement matter {d.enforcement_matter!r}",
                )
            )
        if d.unit_type == "squad" and d.squad not in known_squads:
            what = f"unknown squad {d.squad!r}" if d.squad else "a squad duty needs squad: <id>"
            out.append(LinkProblem("duty_items", ("duty_items", i, "squad"), what))
        elif d.unit_type != "squad" and d.squad is not None:
            out.append(
                LinkProblem(
                    "duty_items", ("duty_items", i, "squad"), f"a {d.unit_type} duty names no squad"
                )
            )
    for i, b in enumerate(c.business_items):
        if not c.duties_of.get(b.id):
            out.append(
                LinkProblem(
                    "business_items", ("business_items", i, "id"), f"no duty item covers {b.id!r}"
                )
            )
    used = {d.enforcement_matter for d in c.duty_items}
    for i, m in enumerate(c.enforcement_matters):
        if m.code not in used:
            out.append(
                LinkProblem(
                    "enforcement_matters",
                    ("enforcement_matters", i, "code"),
                    f"no duty item is carried out under {m.code!r}",
                )
            )
    return out


def link_count(c: ResponsibilityList) -> int:
    """Links from duty items to business items and enforcement matters."""
    return sum(len(d.business_items) + (d.enforcement_matter is not None) for d in c.duty_items)
