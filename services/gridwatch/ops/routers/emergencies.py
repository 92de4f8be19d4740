"""Emergency plans over HTTP: activate (or drill), follow the checklist, stand down."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, ConfigDict, Field

from gridwatch.dispatch.emergencies import EmergencyService, UnknownPlan
from gridwatch.dispatch.notifications import Notifier
from gridwatch.domain.emergency import Activation, ChecklistTask, progress
from gridwatch.domain.tasks import TransitionError
from gridwatch.ops.deps import Ctx, CurrentActor
from gridwatch.store.repository import NotFound

router = APIRouter(prefix="/api/emergencies", tags=["emergencies"])


class ActivateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    plan_id: str = Field(description="Emergency plan id, e.g. ep-08.")
    drill: bool = Field(False, description="A drill (演练): counted apart, mutes nothing.")
    note: str = Field("", max_length=2000)


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str = Field("", max_length=2000)


class ItemOut(BaseModel):
    item_id: str
    seq: int
    step: str
    unit: str
    community: str | None
    grid: str | None
    due_at: datetime
    done_at: datetime | None
    done_by: str | None
    note: str

    @classmethod
    def of(cls, i: ChecklistTask) -> ItemOut:
        return cls(**{k: getattr(i, k) for k in cls.model_fields})


class ActivationOut(BaseModel):
    activation_id: str
    plan_id: str
    plan_name: str
    hazard: str
    drill: bool
    trigger: str
    state: str
    activated_at: datetime
    activated_by: str
    ended_at: datetime | None
    done: int
    total: int
    overdue: int
    items: list[ItemOut] = []

    @classmethod
    def of(
        cls, a: Activation, items: list[ChecklistTask], now: datetime, full: bool
    ) -> ActivationOut:
        p = progress(items, now)
        return cls(
            **{k: getattr(a, k) for k in cls.model_fields if hasattr(a, k) and k != "state"},
            state=a.state.value,
            done=p.done,
            total=p.total,
            overdue=p.overdue,
            items=[ItemOut.of(i) for i in items] if full else [],
        )


def service(ctx: Ctx) -> EmergencyService:
    return EmergencyService(
        ctx.district, ctx.store, Notifier(ctx.district, ctx.store, ctx.hot), ctx.clock
    )


def _problem(e: Exception) -> HTTPException:
    if isinstance(e, TransitionError):
        return HTTPException(403 if e.forbidden else 409, str(e))
    return HTTPException(404, str(e))


@router.get("", response_model=list[ActivationOut])
def list_activations(
    ctx: Ctx, actor: CurrentActor, drill: bool | None = None
) -> list[ActivationOut]:
    svc = service(ctx)
    now = ctx.clock()
    return [
        ActivationOut.of(a, svc.emergencies.items(a.activation_id), now, full=False)
        for a in svc.emergencies.list(drill=drill)
    ]


@router.post("", response_model=ActivationOut, status_code=201)
def activate(ctx: Ctx, actor: CurrentActor, body: ActivateIn) -> ActivationOut:
    svc = service(ctx)
    try:
        a, items, _ = svc.activate(body.plan_id, actor, drill=body.drill, note=body.note)
    except (UnknownPlan, TransitionError) as e:
        raise _problem(e) from None
    return ActivationOut.of(a, items, ctx.clock(), full=True)


@router.get("/{activation_id}", response_model=ActivationOut)
def get_activation(ctx: Ctx, actor: CurrentActor, activation_id: str) -> ActivationOut:
    svc = service(ctx)
    try:
        a = svc.emergencies.get(activation_id)
    except NotFound as e:
        raise _problem(e) from None
    return ActivationOut.of(a, svc.emergencies.items(activation_id), ctx.clock(), full=True)


@router.post("/items/{item_id}/done", response_model=ItemOut)
def item_done(ctx: Ctx, actor: CurrentActor, item_id: str, body: NoteIn) -> ItemOut:
    try:
        item, _ = service(ctx).complete_item(item_id, actor, body.note)
    except (NotFound, TransitionError) as e:
        raise _problem(e) from None
    return ItemOut.of(item)


@router.post("/{activation_id}/stand-down", response_model=ActivationOut)
def stand_down(ctx: Ctx, actor: CurrentActor, activation_id: str, body: NoteIn) -> ActivationOut:
    svc = service(ctx)
    try:
        a = svc.stand_down(activation_id, actor, body.note)
    except (NotFound, TransitionError) as e:
        raise _problem(e) from None
    return ActivationOut.of(a, svc.emergencies.items(activation_id), ctx.clock(), full=False)
