"""Digital emergency plans: the catalogue, activations and drills, checklist progress."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request

from gridwatch.config.schema import District, EmergencyPlan
from gridwatch.domain.access import Permission
from gridwatch.ops import names
from gridwatch.ops.deps import Ctx, Principal, client_of, require
from gridwatch.ops.params import IdPath
from gridwatch.ops.schemas import (
    ChecklistStepOut,
    EmergencyPlanOut,
    EmergencyRunOut,
    NamedOut,
    RunStartIn,
    StepDoneIn,
)
from gridwatch.store import activity
from gridwatch.store.emergency_runs import (
    Run,
    RunConflict,
    end_run,
    list_runs,
    start_run,
    tick_step,
)
from gridwatch.store.repository import NotFound

router = APIRouter(prefix="/api", tags=["emergency plans"])

Viewer = Annotated[Principal, Depends(require(Permission.VIEW_OPS))]
Runner = Annotated[Principal, Depends(require(Permission.RUN_EMERGENCY))]
RunIdPath = Annotated[str, Path(pattern=r"^run-[0-9a-f]{12}$")]


def plan_of(district: District, plan_id: str) -> EmergencyPlan:
    for p in district.emergency_plans:
        if p.id == plan_id:
            return p
    raise HTTPException(404, f"no emergency plan {plan_id}")


def run_out(district: District, r: Run, now: datetime) -> EmergencyRunOut:
    try:
        plan_name = plan_of(district, r.run.plan_id).name
    except HTTPException:
        plan_name = r.run.plan_id
    steps = [
        ChecklistStepOut(
            index=s.index,
            step=s.step,
            unit=s.unit,
            unit_name=names.unit_name(district, s.unit),
            due_at=s.due_at,
            done_at=s.done_at,
            done_by=s.done_by,
            note=s.note,
            overdue=s.done_at is None and r.run.ended_at is None and s.due_at < now,
        )
        for s in r.steps
    ]
    return EmergencyRunOut(
        run_id=r.run.run_id,
        plan_id=r.run.plan_id,
        plan_name=plan_name,
        drill=r.run.drill,
        started_at=r.run.started_at,
        started_by=r.run.started_by,
        note=r.run.note,
        ended_at=r.run.ended_at,
        ended_by=r.run.ended_by,
        done=sum(1 for s in steps if s.done_at is not None),
        total=len(steps),
        steps=steps,
    )


@router.get("/emergency-plans", response_model=list[EmergencyPlanOut])
def emergency_plans(ctx: Ctx, _: Viewer) -> list[EmergencyPlanOut]:
    d = ctx.district
    runs = list_runs(ctx.store, limit=1000)
    open_run = {r.run.plan_id: r.run.run_id for r in runs if r.run.ended_at is None}
    real = Counter(r.run.plan_id for r in runs if not r.run.drill)
    drills = Counter(r.run.plan_id for r in runs if r.run.drill)
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
            open_run=open_run.get(p.id),
            runs=real[p.id],
            drills=drills[p.id],
        )
        for p in d.emergency_plans
    ]


@router.get("/emergency-runs", response_model=list[EmergencyRunOut])
def emergency_runs(ctx: Ctx, _: Viewer) -> list[EmergencyRunOut]:
    now = ctx.clock()
    return [run_out(ctx.district, r, now) for r in list_runs(ctx.store)]


@router.post(
    "/emergency-plans/{plan_id}/runs",
    response_model=EmergencyRunOut,
    status_code=201,
    responses={409: {"description": "the plan already has an open run"}},
)
def start(
    ctx: Ctx, p: Runner, request: Request, plan_id: IdPath, body: RunStartIn
) -> EmergencyRunOut:
    """Activate the plan (or drill it): its checklist starts, each step due `within` from now."""
    plan = plan_of(ctx.district, plan_id)
    now = ctx.clock()
    try:
        run = start_run(
            ctx.store, plan, drill=body.drill, by=p.actor.user_id, now=now, note=body.note
        )
    except RunConflict as e:
        raise HTTPException(409, str(e)) from None
    activity.record(
        ctx.store,
        now,
        p.actor.user_id,
        p.actor.role,
        "emergency_drill" if body.drill else "emergency_activate",
        run.run.run_id,
        client=client_of(request),
        detail={"plan": plan_id},
    )
    return run_out(ctx.district, run, now)


@router.post(
    "/emergency-runs/{run_id}/steps/{index}/done",
    response_model=EmergencyRunOut,
    responses={409: {"description": "the step is done or the run has ended"}},
)
def step_done(
    ctx: Ctx,
    p: Runner,
    request: Request,
    run_id: RunIdPath,
    index: Annotated[int, Path(ge=0, le=1000)],
    body: StepDoneIn,
) -> EmergencyRunOut:
    now = ctx.clock()
    try:
        run = tick_step(ctx.store, run_id, index, p.actor.user_id, now, body.note)
    except NotFound:
        raise HTTPException(404, f"no step {index} in {run_id}") from None
    except RunConflict as e:
        raise HTTPException(409, str(e)) from None
    activity.record(
        ctx.store,
        now,
        p.actor.user_id,
        p.actor.role,
        "emergency_step",
        f"{run_id}#{index}",
        client=client_of(request),
    )
    return run_out(ctx.district, run, now)


@router.post(
    "/emergency-runs/{run_id}/end",
    response_model=EmergencyRunOut,
    responses={409: {"description": "already ended"}},
)
def end(ctx: Ctx, p: Runner, request: Request, run_id: RunIdPath) -> EmergencyRunOut:
    now = ctx.clock()
    try:
        run = end_run(ctx.store, run_id, p.actor.user_id, now)
    except NotFound:
        raise HTTPException(404, f"no run {run_id}") from None
    except RunConflict as e:
        raise HTTPException(409, str(e)) from None
    activity.record(
        ctx.store,
        now,
        p.actor.user_id,
        p.actor.role,
        "emergency_end",
        run_id,
        client=client_of(request),
    )
    return run_out(ctx.district, run, now)
