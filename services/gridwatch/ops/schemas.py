"""Request and response models: they are the REST contract published at /openapi.json."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from gridwatch.config.schema import ID_PATTERN
from gridwatch.domain.tasks import Action, AuditRecord, State, Task, Verdict

IdStr = Annotated[str, Field(pattern=ID_PATTERN, min_length=1, max_length=64)]
UNIT_PATTERN = r"^(brigade|squad:[a-z0-9][a-z0-9_.-]*|grid_force:[a-z0-9][a-z0-9_.-]*)$"
PHOTO_PATTERN = r"^photos/[a-z0-9][a-z0-9_.-]*/\d{8}/[0-9a-f]{32}\.jpg$"


class In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --------------------------------------------------------------------------- auth and accounts


class LoginIn(In):
    user_id: str = Field(min_length=1, max_length=64, description="Login name, e.g. duty.")
    password: str = Field(min_length=1, max_length=256)


class MeOut(BaseModel):
    user_id: str
    name: str
    role: str
    grid: str | None
    community: str | None
    squad: str | None
    scope: str = Field(description="What the account covers, in words (grid, squad, district).")
    permissions: list[str]
    home: str = Field(description="The page this role starts on.")


class LoginOut(BaseModel):
    me: MeOut
    token: str = Field(description="Bearer token for scripts (Authorization: Bearer …).")
    csrf_token: str = Field(description="Send as X-CSRF-Token with cookie-authenticated writes.")
    expires_at: datetime


class UserIn(In):
    user_id: IdStr = Field(description="Login name: lower-case letters, digits, . _ -")
    name: str = Field(min_length=1, max_length=128)
    role: Literal[
        "admin", "duty_officer", "dispatcher", "squad_member", "grid_leader", "algo_engineer"
    ]
    password: str = Field(min_length=8, max_length=256)
    grid: IdStr | None = Field(None, description="grid_leader: the grid they lead.")
    squad: IdStr | None = Field(None, description="squad_member: their squad.")


class UserOut(Out):
    user_id: str
    name: str
    role: str
    grid: str | None
    community: str | None
    squad: str | None
    created_at: datetime


class ActivityOut(Out):
    at: datetime
    actor: str
    role: str
    action: str
    subject: str
    client: str
    outcome: str
    detail: dict[str, Any]


# --------------------------------------------------------------------------- events and tasks


class EventOut(Out):
    event_id: str
    event_type: str
    event_type_name: str = ""
    source: str
    title: str
    description: str
    occurred_at: datetime
    received_at: datetime
    grid: str
    grid_name: str = ""
    community: str
    community_name: str = ""
    scene: str | None
    severity: str
    device_id: str | None
    device_name: str | None = None
    algorithm: str | None
    confidence: float | None
    model_version: str | None
    evidence_url: str | None = None
    box: list[float] | None
    zone_id: str | None
    reporter: str | None = None
    lon: float | None = None
    lat: float | None = None


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
    attachment_url: str | None = None
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
            attachment_url=f"/evidence/{a.attachment}" if a.attachment else None,
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
    verdict: Verdict | None = None

    @classmethod
    def of(cls, t: Task) -> TaskOut:
        return cls(**{k: getattr(t, k) for k in TaskOut.model_fields})


class DeadlineOut(BaseModel):
    kind: Literal["accept", "handle", "verify"] = Field(description="Which step is due.")
    due_at: datetime
    seconds_left: int = Field(description="Negative when overdue.")
    overdue: bool


class TaskCardOut(TaskOut):
    """A task with what a board card or an inbox row shows."""

    event_type: str
    event_type_name: str
    title: str
    source: str
    algorithm: str | None
    device_id: str | None
    device_name: str | None
    grid_name: str
    community_name: str
    assignee_name: str
    verifier_name: str
    occurred_at: datetime
    evidence_url: str | None
    deadline: DeadlineOut | None
    allowed_actions: list[Action]
    held: str | None = Field(
        None,
        description="Why the case waits for the desk: review (reported, its algorithm's events "
        "are confirmed by a person) or what muted it (silence:<id>, inhibit:<rule>).",
    )


class NoticeOut(BaseModel):
    """A notice or escalation sent about the task (the dispatch chain's outbox)."""

    kind: str = Field(description="notice | escalation")
    recipient: str
    recipient_name: str
    message: str
    created_at: datetime

    @classmethod
    def of(cls, n: Any) -> NoticeOut:
        return cls(**{k: getattr(n, k) for k in cls.model_fields})


class TaskDetailOut(TaskCardOut):
    event: EventOut
    routing: RoutingOut | None
    audit: list[AuditOut]
    notices: list[NoticeOut] = Field(description="Who was told about it, and escalations.")
    extension_requested_s: int | None


class WallItemOut(BaseModel):
    """One card of the live alert wall: the event and the task it opened."""

    event: EventOut
    task: TaskCardOut


class TaskActionIn(In):
    action: Action = Field(description="What to do, e.g. accept, feedback, verify, close.")
    note: str = Field("", max_length=4000, description="Reason or handling note.")
    assignee: str | None = Field(
        None, pattern=UNIT_PATTERN, description="dispatch only: the unit to send the task to."
    )
    extension_s: int | None = Field(
        None, gt=0, le=30 * 86400, description="request_extension only: seconds to add."
    )
    merged_into: str | None = Field(
        None, pattern=r"^tsk-[A-Za-z0-9_.-]{1,60}$", description="merge only: the task that stays."
    )
    verdict: Verdict | None = Field(
        None,
        description="reject: false_alarm | invalid | duplicate; verify: confirmed | false_alarm.",
    )
    attachment: str | None = Field(
        None,
        pattern=PHOTO_PATTERN,
        description="A photo key from POST /api/photos, uploaded by the same user.",
    )


class SummaryOut(BaseModel):
    events_by_type: dict[str, int]
    tasks_by_state: dict[str, int]
    findings: int


class ProblemOut(BaseModel):
    detail: str


# --------------------------------------------------------------------------- reference data


class NamedOut(BaseModel):
    id: str
    name: str


class GridRefOut(NamedOut):
    community: str


class OrganisationOut(BaseModel):
    district: str
    brigade: NamedOut
    squads: list[NamedOut]
    communities: list[NamedOut]
    grids: list[GridRefOut]
    algorithms: list[NamedOut]
    event_types: list[NamedOut]
    clue_types: list[NamedOut] = Field(description="Event types grid leaders report as clues.")
    units: list[NamedOut] = Field(description="Units a task can be dispatched to.")
    states: list[str]


# --------------------------------------------------------------------------- map and devices


class DeviceHealthOut(BaseModel):
    device_id: str
    name: str
    kind: Literal["camera", "sensor"]
    grid: str
    grid_name: str
    community: str
    ai: bool = Field(description="Runs AI algorithms.")
    algorithms: list[str]
    status: Literal["online", "offline", "error", "never_seen"]
    last_seen: datetime | None
    seconds_since: int | None
    fps: float | None = None
    lag_ms: float | None = None
    last_value: str | None = None
    error: str | None = None
    thumbnail_url: str | None = None
    wanted_fps: float | None = Field(None, description="Frames/s its algorithms need.")
    decode_errors: int | None = Field(None, description="Pictures that could not be decoded.")
    stale_frames: int | None = Field(None, description="Frames dropped as too old.")
    reconnects: int | None = Field(None, description="Stream failures since ingest started.")
    x: float
    y: float


class DeviceSummaryOut(BaseModel):
    total: int
    by_status: dict[str, int]
    devices: list[DeviceHealthOut]


class MapGridOut(BaseModel):
    id: str
    name: str
    community: str
    community_name: str
    leader: str
    leader_name: str
    polygon: list[tuple[float, float]]
    open_tasks: int
    overdue_tasks: int
    devices: int
    devices_down: int


class MapDeviceOut(BaseModel):
    id: str
    name: str
    kind: str
    ai: bool
    x: float
    y: float
    grid: str
    status: str


class MapClueOut(BaseModel):
    event_id: str
    task_id: str
    title: str
    x: float
    y: float
    state: State


class MapOut(BaseModel):
    bbox: dict[str, float]
    aspect: float = Field(description="Width/height of the box on the ground.")
    grids: list[MapGridOut]
    devices: list[MapDeviceOut]
    clues: list[MapClueOut]


class GridDetailOut(BaseModel):
    bbox: dict[str, float]
    grid: MapGridOut
    devices: list[DeviceHealthOut]
    tasks: list[TaskCardOut]


# --------------------------------------------------------------------------- KPIs
# The numbers are the dispatch chain's (domain/kpis.py over the audit log, store/kpi_queries.py):
# the same as `gridwatch report kpis --json`, typed.


class KpiValuesOut(BaseModel):
    """KPIs of one cohort of cases (domain.kpis.Kpis): counts, rates (None when the
    denominator is zero) and mean times in seconds."""

    reported: int
    filed: int
    rejected: int
    dispatched: int
    accepted: int
    closed: int
    due: int
    closed_on_time: int
    reworked: int
    extended: int
    escalated: int
    false_alarms: int
    verdicts: int
    filing_rate: float | None
    dispatch_rate: float | None
    acceptance_rate: float | None
    closure_rate: float | None
    on_time_closure_rate: float | None
    rework_rate: float | None
    extension_rate: float | None
    escalation_rate: float | None
    false_alarm_rate: float | None
    mean_time_to_dispatch_s: float | None
    mean_time_to_close_s: float | None


class LeagueRowOut(BaseModel):
    rank: int
    unit: str = Field(
        description="A unit (squad:…, grid_force:…); a community in community_league."
    )
    score: float = Field(description="0-1: on-time closure, closure, first time right, acceptance.")
    cases: int
    closure_rate: float | None
    on_time_closure_rate: float | None
    rework_rate: float | None
    acceptance_rate: float | None


class EmergencyCountsOut(BaseModel):
    activations: int
    active: int
    completed: int
    stood_down: int
    checklist_tasks: int
    done: int
    done_on_time: int
    overdue: int


class KpiPeriodOut(BaseModel):
    since: datetime
    until: datetime


class TrendPointOut(BaseModel):
    day: str = Field(description="Local date (the district's time zone) the cases were reported.")
    kpis: KpiValuesOut


class KpiReportOut(BaseModel):
    period: KpiPeriodOut
    overall: KpiValuesOut
    by: dict[str, dict[str, KpiValuesOut]] = Field(
        description="Per unit, grid, community, algorithm, source and event type."
    )
    league: list[LeagueRowOut] = Field(description="Units ranked (赛马比拼).")
    community_league: list[LeagueRowOut] = Field(description="Communities ranked the same way.")
    emergencies: dict[str, EmergencyCountsOut] = Field(description="real and drill, apart.")
    trend: list[TrendPointOut] = Field(description="One cohort per local day of the period.")
    names: dict[str, str] = Field(
        description="Display names of the units, grids, communities and algorithms used as keys."
    )


class OverdueOut(BaseModel):
    """An open task past a deadline (督查), as `gridwatch report overdue` lists it."""

    task_id: str
    state: State
    route: str | None
    assignee: str
    grid: str
    late_on: Literal["accept", "handle", "verify"]
    deadline: datetime
    overdue_s: int


# --------------------------------------------------------------------------- plans


class CoverageGapOut(BaseModel):
    event_type: str
    event_type_name: str
    grid: str
    grid_name: str
    community: str
    route: str = Field(description="The route such an event falls to.")
    assignee: str
    reason: str


class DutyGapOut(BaseModel):
    """An event type no duty item of the responsibility list covers: no one is obliged to act."""

    event_type: str
    name: str
    reason: str


class CoverageOut(BaseModel):
    """Effective dispatch-plan coverage, as `gridwatch plans coverage --json` reports it."""

    coverage: float
    pairs: int
    covered: int
    event_types: int
    grids: int
    gaps: list[CoverageGapOut]
    duty_gaps: list[DutyGapOut]
    by_event_type: dict[str, float] = Field(description="Share of grids covered per event type.")


class PlanRouteOut(BaseModel):
    id: str
    name: str
    depth: int
    matchers: list[str]
    receiver: str
    receiver_name: str
    verifier: str
    deadlines: dict[str, str]
    fallback: bool
    silenced_by: list[str]


class ExplainIn(In):
    event_type: IdStr
    grid: IdStr
    scene: IdStr | None = None
    severity: Literal["minor", "major", "critical"] | None = Field(
        None, description="Default: the algorithm's or the reported type's."
    )
    source: Literal["ai", "grid_leader", "citizen", "system"] | None = Field(
        None, description="Default: ai for an algorithm, else the type's first source."
    )
    at: datetime | None = Field(None, description="Event time for the time windows; default now.")


class ExplainOut(BaseModel):
    labels: dict[str, str]
    routing: RoutingOut
    assignee_name: str
    verifier_name: str
    deadlines: dict[str, str]
    muted_by: str | None = Field(
        None, description="A silence or inhibit rule that would mute it now (silence:…/inhibit:…)."
    )


# --------------------------------------------------------------------------- emergency plans


class EmergencyPlanOut(BaseModel):
    """A plan of the catalogue with its activations so far (the chain's store)."""

    id: str
    name: str
    hazard: str
    triggers: list[str]
    posts: list[str]
    communities: list[NamedOut]
    grids: int
    checklist: list[dict[str, str]]
    active: str | None = Field(None, description="Id of its activation in progress, if any.")
    activations: int
    drills: int
