"""Emergency plans over HTTP: the catalogue, activation (or drill), the checklist, standing
down. Same service and store as `gridwatch emergency` (dispatch/emergencies.py).

The desk sees and runs every activation. A unit's people (a squad member, a grid leader) see
the activations that give them checklist steps, only their own steps, and tick them off."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from gridwatch.config.schema import District
from gridwatch.dispatch.emergencies import EmergencyService, UnknownPlan
from gridwatch.dispatch.notifications import Notifier
from gridwatch.domain.access import Permission, can
from gridwatch.domain.emergency import (
    Activation,
    ActivationState,
    ChecklistTask,
    may_complete,
    progress,
)
from gridwatch.domain.tasks import Actor, TransitionError, acts_for
from gridwatch.ops import names
from gridwatch.ops.deps import Ctx, CurrentActor, Principal, client_of, require
from gridwatch.ops.schemas import EmergencyPlanOut, NamedOut
from gridwatch.store import activity
from gridwatch.store.repository import NotFound

router = APIRouter(tags=["emergencies"])

Viewer = Annotated[Principal, Depends(require(Permission.VIEW_OPS))]
Runner = Annotated[Principal, Depends(require(Permission.RUN_EMERGENCY))]
ActivationId = Annotated[str, Path(pattern=r"^ema-[0-9a-f]{16}$")]
ItemId = Annotated[str, Path(pattern=r"^emi-[0-9a-f]{16}$")]


class ActivateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    plan_id: str = Field(max_length=64, description="Emergency plan id, e.g. ep-08.")
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
    unit_name: str
    community: str | None
    grid: str | None
    due_at: datetime
    done_at: datetime | None
    done_by: str | None
    note: str
    overdue: bool = Field(description="Not done and past due while the activation runs.")
    mine: bool = Field(description="The caller may report this step done (their unit's step).")

    @classmethod
    def of(
        cls, i: ChecklistTask, d: District, now: datetime, running: bool, actor: Actor
    ) -> ItemOut:
        return cls(
            item_id=i.item_id,
            seq=i.seq,
            step=i.step,
            unit=i.unit,
            unit_name=names.unit_name(d, i.unit),
            community=i.community,
            grid=i.grid,
            due_at=i.due_at,
            done_at=i.done_at,
            done_by=i.done_by,
            note=i.note,
            overdue=running and not i.done and now > i.due_at,
            mine=may_complete(actor, i),
        )


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
    note: str
    done: int
    total: int
    overdue: int
    items: list[ItemOut] = Field(
        [], description="The checklist (one activation); only the caller's steps for a unit."
    )

    @classmethod
    def of(
        cls,
        a: Activation,
        items: list[ChecklistTask],
        d: District,
        now: datetime,
        full: bool,
        actor: Actor,
    ) -> ActivationOut:
        p = progress(items, now)
        running = a.state is ActivationState.ACTIVE
        return cls(
            activation_id=a.activation_id,
            plan_id=a.plan_id,
            plan_name=a.plan_name,
            hazard=a.hazard,
            drill=a.drill,
            trigger=a.trigger,
            state=a.state.value,
            activated_at=a.activated_at,
            activated_by=a.activated_by,
            ended_at=a.ended_at,
            note=a.note,
            done=p.done,
            total=p.total,
            overdue=p.overdue if running else 0,
            items=[ItemOut.of(i, d, now, running, actor) for i in items] if full else [],
        )


def service(ctx: Ctx) -> EmergencyService:
    return EmergencyService(
        ctx.district, ctx.store, Notifier(ctx.district, ctx.store, ctx.hot), ctx.clock
    )


def _problem(e: Exception) -> HTTPException:
    if isinstance(e, TransitionError):
        return HTTPException(403 if e.forbidden else 409, str(e))
    return HTTPException(404, str(e))


def _mine(actor: Actor, items: list[ChecklistTask]) -> list[ChecklistTask]:
    """The desk sees every step; anyone else the steps of the units they act for."""
    if can(actor, Permission.VIEW_OPS):
        return items
    return [i for i in items if acts_for(actor, i.unit)]


def _record(ctx: Ctx, actor: Actor, request: Request, action: str, subject: str) -> None:
    activity.record(
        ctx.store,
        ctx.clock(),
        actor.user_id,
        actor.role,
        action,
        subject,
        client=client_of(request),
    )


@router.get("/api/emergency-plans", response_model=list[EmergencyPlanOut])
def emergency_plans(ctx: Ctx, _: Viewer) -> list[EmergencyPlanOut]:
    """The digital emergency plans of the district with their activations and drills so far."""
    d = ctx.district
    activations = service(ctx).emergencies.list()
    active = {a.plan_id: a.activation_id for a in activations if a.state is ActivationState.ACTIVE}
    real = Counter(a.plan_id for a in activations if not a.drill)
    drills = Counter(a.plan_id for a in activations if a.drill)
    return [
        EmergencyPlanOut(
            id=p.id,
            name=p.name,
            hazard=p.hazard,
            triggers=list(p.triggers),
            posts=list(p.posts),
            communities=[NamedOut(id=c, name=names.community_name(d, c)) for c in p.communities],
            grids=len(p.grids),
            checklist=[
                {
                    "step": i.step,
                    "unit": i.unit,
                    "unit_name": names.unit_name(d, i.unit),
                    "within": f"{int(i.within.total_seconds() // 60)}m",
                }
                for i in p.checklist
            ],
            active=active.get(p.id),
            activations=real[p.id],
            drills=drills[p.id],
        )
        for p in d.emergency_plans
    ]


@router.get("/api/emergencies", response_model=list[ActivationOut])
def list_activations(
    ctx: Ctx,
    actor: CurrentActor,
    drill: bool | None = None,
    state: ActivationState | None = None,
) -> list[ActivationOut]:
    """Activations, newest first: all for the desk; for a unit's people, those that give their
    unit checklist steps. `state=active` gives the running ones (the field app's list)."""
    svc = service(ctx)
    now = ctx.clock()
    out = []
    for a in reversed(svc.emergencies.list(drill=drill)):
        if state is not None and a.state is not state:
            continue
        items = svc.emergencies.items(a.activation_id)
        if _mine(actor, items):
            out.append(ActivationOut.of(a, items, ctx.district, now, full=False, actor=actor))
    return out


@router.post("/api/emergencies", response_model=ActivationOut, status_code=201)
def activate(ctx: Ctx, p: Runner, request: Request, body: ActivateIn) -> ActivationOut:
    """Activate a plan (or drill it): its checklist goes out to every unit at once."""
    svc = service(ctx)
    try:
        a, items, _ = svc.activate(body.plan_id, p.actor, drill=body.drill, note=body.note)
    except (UnknownPlan, TransitionError) as e:
        raise _problem(e) from None
    _record(
        ctx,
        p.actor,
        request,
        "emergency_drill" if a.drill else "emergency_activate",
        a.activation_id,
    )
    return ActivationOut.of(a, items, ctx.district, ctx.clock(), full=True, actor=p.actor)


@router.get("/api/emergencies/{activation_id}", response_model=ActivationOut)
def get_activation(ctx: Ctx, actor: CurrentActor, activation_id: ActivationId) -> ActivationOut:
    svc = service(ctx)
    try:
        a = svc.emergencies.get(activation_id)
    except NotFound as e:
        raise _problem(e) from None
    items = _mine(actor, svc.emergencies.items(activation_id))
    if not items and not can(actor, Permission.VIEW_OPS):
        raise HTTPException(403, "no checklist step of this activation is yours")
    return ActivationOut.of(a, items, ctx.district, ctx.clock(), full=True, actor=actor)


@router.post("/api/emergencies/items/{item_id}/done", response_model=ItemOut)
def item_done(
    ctx: Ctx, actor: CurrentActor, request: Request, item_id: ItemId, body: NoteIn
) -> ItemOut:
    """Report a checklist step done: by the unit it names, or by the desk."""
    svc = service(ctx)
    try:
        item, a = svc.complete_item(item_id, actor, body.note)
    except (NotFound, TransitionError) as e:
        raise _problem(e) from None
    _record(ctx, actor, request, "emergency_step", item_id)
    running = a.state is ActivationState.ACTIVE
    return ItemOut.of(item, ctx.district, ctx.clock(), running, actor)


@router.post("/api/emergencies/{activation_id}/stand-down", response_model=ActivationOut)
def stand_down(
    ctx: Ctx, p: Runner, request: Request, activation_id: ActivationId, body: NoteIn
) -> ActivationOut:
    """End an activation before its checklist is done (needs a note saying why)."""
    if not body.note.strip():
        raise HTTPException(422, "note: say why the emergency is stood down")
    svc = service(ctx)
    try:
        a = svc.stand_down(activation_id, p.actor, body.note)
    except (NotFound, TransitionError) as e:
        raise _problem(e) from None
    _record(ctx, p.actor, request, "emergency_stand_down", activation_id)
    items = svc.emergencies.items(activation_id)
    return ActivationOut.of(a, items, ctx.district, ctx.clock(), full=False, actor=p.actor)
