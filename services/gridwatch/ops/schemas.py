"""Request and response models: they are the REST contract published at /openapi.json."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from gridwatch.config.schema import ID_PATTERN
from gridwatch.domain.tasks import Action, AuditRecord, State, Task

IdStr = Annotated[str, Field(pattern=ID_PATTERN, min_length=1, max_length=64)]
UNIT_PATTERN = r"^(brigade|squad:[a-z0-9][a-z0-9_.-]*|grid_force:[a-z0-9][a-z0-9_.-]*)$"
UPLOAD_PATTERN = r"^uploads/[a-z0-9][a-z0-9_.-]*/\d{8}/[0-9a-f]{32}\.jpg$"


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


class RoutingOut(BaseModel):
    route_id: str
    route_name: str
    path: list[str]
    assignee: str
    verifier: str
    fallback: bool
    also: list[str] = []
    considered: list[dict[str, Any]]


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
        None, description="Why a reported task waits: 'review' or the silence id holding it."
    )


class TaskDetailOut(TaskCardOut):
    event: EventOut
    routing: RoutingOut | None
    audit: list[AuditOut]
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
    attachment: str | None = Field(
        None,
        pattern=UPLOAD_PATTERN,
        description="A photo key from POST /api/uploads, made by the same user.",
    )


class ConfirmIn(In):
    note: str = Field("", max_length=4000, description="Optional remark for the audit trail.")


class UploadOut(BaseModel):
    key: str
    url: str
    width: int
    height: int
    bytes: int


class ClueIn(In):
    event_type: IdStr = Field(description="What was seen, e.g. garbage_dumping, road_damage.")
    description: str = Field(min_length=1, max_length=4000)
    photo: str | None = Field(None, pattern=UPLOAD_PATTERN, description="Key from /api/uploads.")
    lon: float | None = Field(None, ge=-180, le=180, description="WGS-84; with lat.")
    lat: float | None = Field(None, ge=-90, le=90, description="WGS-84; with lon.")
    grid: IdStr | None = Field(
        None, description="The grid it is in; grid leaders may leave it out (their own grid)."
    )
    severity: Literal["minor", "major", "critical"] = "minor"


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


class UnitKpiOut(BaseModel):
    unit: str
    name: str
    tasks: int
    accepted_on_time_rate: float | None
    handled_on_time_rate: float | None
    rework_rate: float | None
    closed: int
    open_overdue: int
    score: float | None = Field(description="League score 0-100 (mean of the three rates).")
    rank: int | None


class AlgorithmKpiOut(BaseModel):
    algorithm: str
    name: str
    events: int
    confirmed: int
    rejected: int
    false_alarm_rate: float | None


class TrendPointOut(BaseModel):
    day: str
    events: int
    closed: int
    overdue: int


class KpisOut(BaseModel):
    since: datetime
    until: datetime
    events: int
    closed: int
    closure_rate: float | None
    on_time_rate: float | None
    squads: list[UnitKpiOut]
    communities: list[UnitKpiOut]
    algorithms: list[AlgorithmKpiOut]
    trend: list[TrendPointOut]


# --------------------------------------------------------------------------- plans


class CoverageGapOut(BaseModel):
    event_type: str
    event_type_name: str
    grid: str
    grid_name: str


class CoverageOut(BaseModel):
    event_types: int
    grids: int
    pairs: int
    covered: int
    coverage: float
    gaps: list[CoverageGapOut]
    by_event_type: dict[str, float]


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
    severity: Literal["minor", "major", "critical"] = "minor"
    source: Literal["ai", "grid_leader", "citizen", "system"] = "ai"


class ExplainOut(BaseModel):
    labels: dict[str, str]
    routing: RoutingOut
    assignee_name: str
    verifier_name: str
    deadlines: dict[str, str]
    silenced_by: str | None


class SilenceIn(In):
    matchers: list[str] = Field(
        min_length=1, max_length=10, description='e.g. ["event_type=\\"loitering\\"", …]'
    )
    duration_s: int = Field(gt=0, le=30 * 86400, description="How long from now.")
    comment: str = Field(min_length=1, max_length=1000, description="Why (audited).")


class SilenceOut(BaseModel):
    silence_id: str
    matchers: list[str]
    starts_at: datetime
    ends_at: datetime
    created_by: str
    comment: str
    expired_by: str | None
    active: bool


# --------------------------------------------------------------------------- emergency plans


class ChecklistStepOut(BaseModel):
    index: int
    step: str
    unit: str
    unit_name: str
    due_at: datetime
    done_at: datetime | None
    done_by: str | None
    note: str
    overdue: bool


class EmergencyRunOut(BaseModel):
    run_id: str
    plan_id: str
    plan_name: str
    drill: bool
    started_at: datetime
    started_by: str
    note: str
    ended_at: datetime | None
    ended_by: str | None
    done: int
    total: int
    steps: list[ChecklistStepOut]


class EmergencyPlanOut(BaseModel):
    id: str
    name: str
    hazard: str
    triggers: list[str]
    posts: list[str]
    communities: list[NamedOut]
    grids: int
    checklist: list[dict[str, str]]
    open_run: str | None
    runs: int
    drills: int


class RunStartIn(In):
    drill: bool = Field(description="true = an exercise; false = a real activation.")
    note: str = Field("", max_length=4000)


class StepDoneIn(In):
    note: str = Field("", max_length=4000)
