"""Supervised enterprises (市场主体) with their credit grade (信用等级) and the squads whose checks
they are subject to. File models for `enterprises.yaml`; no I/O."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

# Built on pydantic directly for the same reason as catalogue.py (config/schema.py imports it).
_STRICT = ConfigDict(extra="forbid", frozen=True)

CreditGrade = Literal["A", "B", "C", "D"]
GRADES: tuple[CreditGrade, ...] = ("A", "B", "C", "D")

# GB 32100-2015: 统一社会信用代码 alphabet (no I, O, Z, S, V) and the check-digit weights.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_char(first17: str) -> str:
    """The 18th character of a unified social credit code, from its first 17."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """Why `code` is not a valid unified social credit code, or None."""
    if len(code) != 18:
        return f"must have 18 characters, has {len(code)}"
    bad = sorted({c for c in code if c not in USCC_ALPHABET})
    if bad:
        return f"characters {''.join(bad)!r} are not allowed"
    want = uscc_check_char(code[:17])
    if code[17] != want:
        return f"check character is {code[17]!r}, should be {want!r}"
    return None


class Enterprise(BaseModel):
    model_config = _STRICT

    id: str = Field(pattern=r"^ent-\d{4}$", title="Id", description="e.g. ent-0001.")
    name: str = Field(title="Name", description="Registered name (企业名称).")
    credit_code: str = Field(
        title="Unified social credit code", description="统一社会信用代码, 18 characters."
    )
    kind: str = Field(title="Trade", description="行业, e.g. 餐饮服务.")
    address: str = Field(title="Address", description="Business address.")
    grid: str = Field(title="Grid", description="Grid the premises lie in.")
    credit_grade: CreditGrade = Field(
        title="Credit grade", description="A (trustworthy) … D (untrustworthy): sets frequency."
    )
    checks: list[str] = Field(
        min_length=1,
        title="Checks",
        description="Squads whose checks it is subject to; the first leads joint operations.",
    )
    legal_representative: str = Field("", title="Legal representative", description="法定代表人.")
    phone: str = Field("", title="Phone", description="Contact number.")

    @field_validator("credit_code")
    @classmethod
    def _valid_code(cls, v: str) -> str:
        problem = uscc_problem(v)
        if problem:
            raise ValueError(f"unified social credit code {v!r}: {problem}")
        return v

    @field_validator("checks")
    @classmethod
    def _distinct_checks(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError("a squad is listed twice")
        return v


class EnterprisesFile(BaseModel):
    model_config = _STRICT
    enterprises: list[Enterprise] = Field(title="Enterprises", description="Supervised entities.")
