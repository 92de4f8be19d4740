"""`enforcement.yaml`: how documents are numbered and issued, the credit-graded inspection policy,
and the enforcement officers; plus the bundle the district carries (with the responsibility list
and the enterprises). Every part is optional: a district without it gets the defaults."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from gridwatch.enforcement.catalogue import ResponsibilityList
from gridwatch.enforcement.enterprises import GRADES, CreditGrade, Enterprise

_STRICT = ConfigDict(extra="forbid", frozen=True)

DocumentKind = Literal["inspection_record", "rectify_notice", "penalty_decision"]
DOCUMENT_KINDS: tuple[DocumentKind, ...] = (
    "inspection_record",
    "rectify_notice",
    "penalty_decision",
)


class Numbering(BaseModel):
    model_config = _STRICT

    pattern: str = Field(
        "{prefix}{abbr}〔{year}〕第{seq:04d}号",
        title="Pattern",
        description="Python format string over prefix, abbr, year and seq.",
    )
    prefix: str = Field("综执", title="Prefix", description="Issuing body's short name.")
    abbr: dict[DocumentKind, str] = Field(
        default_factory=lambda: {  # type: ignore[arg-type]
            "inspection_record": "检",
            "rectify_notice": "责改",
            "penalty_decision": "简罚",
        },
        title="Abbreviations",
        description="文书简称 per document kind.",
    )

    @field_validator("pattern")
    @classmethod
    def _formats(cls, v: str) -> str:
        try:
            v.format(prefix="P", abbr="A", year=2026, seq=1)
        except (KeyError, IndexError, ValueError) as e:
            raise ValueError(f"pattern {v!r} does not format: {e}") from e
        if "{seq" not in v:
            raise ValueError("pattern needs {seq} so numbers differ")
        return v

    @model_validator(mode="after")
    def _every_kind(self) -> Numbering:
        missing = [k for k in DOCUMENT_KINDS if k not in self.abbr]
        if missing:
            raise ValueError(f"abbr misses {', '.join(missing)}")
        return self


class DocumentSettings(BaseModel):
    model_config = _STRICT

    issuer: str = Field(
        "综合行政执法机关", title="Issuer", description="Administrative body named on documents."
    )
    timezone: str = Field(
        "Asia/Shanghai", title="Time zone", description="Dates and times on documents."
    )
    numbering: Numbering = Field(
        default_factory=Numbering,
        title="Numbering",
        description="How document numbers (文书编号) are written, per kind and year.",
    )
    review_body: str = Field(
        "上一级人民政府", title="Review body", description="行政复议机关 named on decisions."
    )
    court: str = Field("人民法院", title="Court", description="行政诉讼 court named on decisions.")


class GradeRule(BaseModel):
    model_config = _STRICT

    share: float = Field(
        gt=0, le=1, title="Share", description="Fraction of the grade drawn each month (1 = all)."
    )
    visits: int = Field(
        ge=1, le=4, title="Visits", description="Visits a drawn enterprise gets that month."
    )


class InspectionPolicy(BaseModel):
    model_config = _STRICT

    grades: dict[CreditGrade, GradeRule] = Field(
        default_factory=lambda: {  # type: ignore[arg-type]
            "A": GradeRule(share=0.05, visits=1),
            "B": GradeRule(share=0.1, visits=1),
            "C": GradeRule(share=0.3, visits=1),
            "D": GradeRule(share=1.0, visits=2),
        },
        title="By credit grade",
        description="Monthly draw and visits per grade; grade A is inspected least.",
    )
    officers_per_visit: int = Field(
        2, ge=1, title="Officers", description="Officers of the leading squad on each visit."
    )

    @model_validator(mode="after")
    def _all_grades_a_least(self) -> InspectionPolicy:
        missing = [g for g in GRADES if g not in self.grades]
        if missing:
            raise ValueError(f"grades misses {', '.join(missing)}")
        load = [self.grades[g].share * self.grades[g].visits for g in GRADES]
        if load != sorted(load):
            raise ValueError("grades must not inspect a better grade more than a worse one")
        return self


class Officer(BaseModel):
    model_config = _STRICT

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", title="Id", description="Officer id.")
    name: str = Field(title="Name", description="Person's name.")
    squad: str = Field(title="Squad", description="Squad the officer belongs to.")
    certificate: str = Field(title="Certificate", description="执法证号.")


class EnforcementFile(BaseModel):
    model_config = _STRICT

    documents: DocumentSettings = Field(
        default_factory=DocumentSettings,
        title="Documents",
        description="Enforcement documents: issuer, time zone, numbering, review body, court.",
    )
    inspections: InspectionPolicy = Field(
        default_factory=InspectionPolicy,
        title="Inspections",
        description="Credit-graded inspection policy (双随机、一公开): draws and visits per grade.",
    )
    officers: list[Officer] = Field(
        default_factory=list, title="Officers", description="Enforcement officers (执法人员)."
    )


class EnforcementConfig(BaseModel):
    """What a district carries for the enforcement side; empty when it has none of the files."""

    model_config = _STRICT

    responsibility: ResponsibilityList | None = None
    enterprises: list[Enterprise] = Field(default_factory=list)
    settings: EnforcementFile = Field(default_factory=EnforcementFile)
