"""Request and response models: they are the REST contract published at /openapi.json."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from gridwatch.domain.tasks import Action, AuditRecord, State, Task, Verdict


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class EventOut(Out):
    event_id: str
    event_type: str
    source: str
    title: str
    description: str
    occurred_at: datetime
    received_at: datetime
    grid: str
    community: str
    scene: str | None
    severity: str
    device_id: str | None
    algorithm: str | None
    confidence: float | None
    model_version: str | None
    evidence_url: str | None = None
    box: list[float] | None
    zone_id: str | None

    @classmethod
    def of(cls, row: Any) -> EventOut:
        out = cls.model_validate(row)
        if row.evidence_path:
            out.evidence_url = f"/evidence/{row.evidence_path}"
        return out


class LegalDutyOut(BaseModel):
    """A duty item (履职事项) behind the plan, with its legal basis and enforcement matter."""

    code: str
    name: str
    unit: str
    legal_basis: str
    source: str = Field(description="plan: named by the matched plan; catalogue: lead duty.")
    matter_code: str | None = None
    matter_name: str | None = None
    penalty_basis: str | None = None


class RoutingOut(BaseModel):
    route_id: str
    route_name: str
    path: list[str]
    assignee: str
    verifier: str
    fallback: bool
    also: list[str] = []
    considered: list[dict[str, Any]]
    legal_duties: list[LegalDutyOut] = []

    @classmethod
    def explained(cls, routing: Any, district: Any, event_type: str) -> RoutingOut:
        """The stored routing decision plus the legal duty and basis of the matched plan."""
        from gridwatch.enforcement.legal_duty import route_legal_duties

        out = cls.model_validate(routing)
        out.legal_duties = [
            LegalDutyOut(
                code=d.duty.code,
                name=d.duty.name,
                unit=d.duty.unit,
                legal_basis=d.duty.legal_basis,
                source=d.source,
                matter_code=d.matter.code if d.matter else None,
                matter_name=d.matter.name if d.matter else None,
                penalty_basis=d.matter.penalty_basis if d.matter else None,
            )
            for d in route_legal_duties(district, event_type, out.route_id)
        ]
        return out


class AuditOut(BaseModel):
    action: Action
    actor: str
    role: str
    at: datetime
    from_state: State
    to_state: State
    note: str
    attachment: str | None
    verdict: Verdict | None = None

    @classmethod
    def of(cls, a: AuditRecord) -> AuditOut:
        return cls(
            action=a.action,
            actor=a.actor,
            role=a.role.value,
            at=a.at,
            from_state=a.from_state,
            to_state=a.to_state,
            note=a.note,
            attachment=a.attachment,
            verdict=a.verdict,
        )


class TaskOut(BaseModel):
    task_id: str
    event_id: str
    state: State
    grid: str
    community: str
    assignee: str
    verifier: str
    route_id: str | None
    route_name: str | None
    created_at: datetime
    accept_by: datetime | None
    handle_by: datetime | None
    verify_by: datetime | None
    rework_count: int
    extension_count: int

    @classmethod
    def of(cls, t: Task) -> TaskOut:
        return cls(**{k: getattr(t, k) for k in cls.model_fields})


class TaskDetailOut(TaskOut):
    event: EventOut
    routing: RoutingOut | None
    audit: list[AuditOut]
    allowed_actions: list[Action]


class ActionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Action = Field(description="What to do, e.g. accept, feedback, verify, close.")
    note: str = Field("", max_length=4000, description="Reason or handling note.")
    assignee: str | None = Field(
        None,
        pattern=r"^(brigade|squad:[\w.-]+|grid_force:[\w.-]+)$",
        description="dispatch only: the unit to send the task to.",
    )
    extension_s: int | None = Field(
        None, gt=0, le=30 * 86400, description="request_extension only: seconds to add."
    )
    merged_into: str | None = Field(None, description="merge only: the task that stays.")
    verdict: Verdict | None = Field(
        None,
        description="reject: false_alarm | invalid | duplicate; verify: confirmed | false_alarm.",
    )
    attachment: str | None = Field(
        None,
        pattern=r"^[A-Za-z0-9._/-]+$",
        description="feedback: the key of a photo uploaded to /api/photos.",
    )


class SummaryOut(BaseModel):
    events_by_type: dict[str, int]
    tasks_by_state: dict[str, int]
    findings: int


class ProblemOut(BaseModel):
    detail: str
