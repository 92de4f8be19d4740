"""Dispatch plans: the routing tree, coverage and gaps, "who would get this", and silences."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request

from gridwatch.config.schema import MATCH_LABELS, MATCHER, Deadlines
from gridwatch.domain.access import Permission
from gridwatch.domain.plans import Matcher, route_event
from gridwatch.domain.silences import Silence, silencing
from gridwatch.ops import names
from gridwatch.ops.deps import Ctx, Principal, client_of, require
from gridwatch.ops.params import IdPath
from gridwatch.ops.plan_coverage import coverage, flatten
from gridwatch.ops.routers.org import event_types
from gridwatch.ops.schemas import (
    CoverageOut,
    ExplainIn,
    ExplainOut,
    PlanRouteOut,
    RoutingOut,
    SilenceIn,
    SilenceOut,
)
from gridwatch.store import activity
from gridwatch.store import silences as silence_store
from gridwatch.store.repository import NotFound, routing_json

router = APIRouter(prefix="/api", tags=["plans"])

Viewer = Annotated[Principal, Depends(require(Permission.VIEW_OPS))]
Silencer = Annotated[Principal, Depends(require(Permission.MANAGE_SILENCES))]


def _deadlines(d: Deadlines | None) -> dict[str, str]:
    if d is None:
        return {}
    return {
        k: f"{int(v.total_seconds() // 60)}m"
        for k, v in (("accept", d.accept), ("handle", d.handle), ("verify", d.verify))
        if v is not None
    }


def silence_out(s: Silence, now_active: bool) -> SilenceOut:
    return SilenceOut(
        silence_id=s.silence_id,
        matchers=list(s.matchers),
        starts_at=s.starts_at,
        ends_at=s.ends_at,
        created_by=s.created_by,
        comment=s.comment,
        expired_by=s.expired_by,
        active=now_active,
    )


@router.get("/plans", response_model=list[PlanRouteOut])
def plans(ctx: Ctx, _: Viewer) -> list[PlanRouteOut]:
    """The routing tree in reading order; children inherit what they leave out."""
    d = ctx.district
    active = silence_store.active_silences(ctx.store, ctx.clock())
    out = []
    inherited: dict[int, tuple[str, str]] = {}
    for route, depth in flatten(d.plans.route):
        parent = inherited.get(depth - 1, ("brigade", "grid_leader"))
        receiver = route.receiver or parent[0]
        verifier = route.verifier or parent[1]
        inherited[depth] = (receiver, verifier)
        event_type = next(
            (
                Matcher.parse(m).value
                for m in route.matchers
                if Matcher.parse(m).label == "event_type"
            ),
            None,
        )
        out.append(
            PlanRouteOut(
                id=route.id,
                name=route.name or route.id,
                depth=depth,
                matchers=list(route.matchers),
                receiver=receiver,
                receiver_name=names.unit_name(d, receiver),
                verifier=verifier,
                deadlines=_deadlines(route.deadlines),
                fallback=depth == 0 or route.fallback,
                silenced_by=[
                    s.silence_id
                    for s in active
                    if event_type is not None and s.matches({"event_type": event_type})
                ],
            )
        )
    return out


@router.get("/plans/coverage", response_model=CoverageOut)
def plan_coverage(ctx: Ctx, _: Viewer) -> CoverageOut:
    """Share of event type × grid pairs a plan takes (the rest fall to the brigade's manual
    queue: the gaps)."""
    return coverage(ctx.district, event_types(ctx.district))


@router.post("/plans/explain", response_model=ExplainOut)
def explain(ctx: Ctx, _: Viewer, body: ExplainIn) -> ExplainOut:
    """Who would get this event, by which plan, with which deadlines, and why."""
    d = ctx.district
    if body.grid not in {g.id for g in d.organisation.grids}:
        raise HTTPException(422, f"grid: no grid {body.grid}")
    labels = {
        "event_type": body.event_type,
        "algorithm": body.event_type if body.source == "ai" else "",
        "scene": body.scene or "",
        "community": d.grid(body.grid).community,
        "grid": body.grid,
        "device": "",
        "severity": body.severity,
        "source": body.source,
    }
    decision = route_event(d.plans.route, labels, d.grid_leader_of)
    a = decision.primary
    now = ctx.clock()
    s = silencing(silence_store.active_silences(ctx.store, now), labels, now)
    return ExplainOut(
        labels=labels,
        routing=RoutingOut.model_validate(routing_json(decision)),
        assignee_name=names.unit_name(d, a.assignee),
        verifier_name=names.unit_name(d, a.verifier),
        deadlines={
            k: f"{int(v.total_seconds() // 60)}m"
            for k, v in (
                ("accept", a.accept_within),
                ("handle", a.handle_within),
                ("verify", a.verify_within),
            )
            if v is not None
        },
        silenced_by=s.silence_id if s else None,
    )


@router.get("/silences", response_model=list[SilenceOut])
def list_silences(ctx: Ctx, _: Viewer) -> list[SilenceOut]:
    now = ctx.clock()
    return [silence_out(s, s.active(now)) for s in silence_store.list_silences(ctx.store)]


@router.post("/silences", response_model=SilenceOut, status_code=201)
def create_silence(ctx: Ctx, p: Silencer, request: Request, body: SilenceIn) -> SilenceOut:
    """Hold matching events on the alert wall (no automatic dispatch) for a while."""
    for m in body.matchers:
        parsed = MATCHER.match(m)
        if not parsed or parsed.group(1) not in MATCH_LABELS:
            raise HTTPException(
                422,
                f'matchers: {m!r} must look like label="value" with a label of '
                + ", ".join(MATCH_LABELS),
            )
        try:
            Matcher.parse(m).matches({})
        except Exception as e:  # a bad regular expression
            raise HTTPException(422, f"matchers: {m!r}: {e}") from None
    now = ctx.clock()
    s = silence_store.create(
        ctx.store,
        body.matchers,
        now,
        now + timedelta(seconds=body.duration_s),
        p.actor.user_id,
        body.comment,
    )
    activity.record(
        ctx.store,
        now,
        p.actor.user_id,
        p.actor.role,
        "silence_create",
        s.silence_id,
        client=client_of(request),
        detail={"matchers": body.matchers, "comment": body.comment},
    )
    return silence_out(s, True)


@router.post("/silences/{silence_id}/expire", response_model=SilenceOut)
def expire_silence(ctx: Ctx, p: Silencer, request: Request, silence_id: IdPath) -> SilenceOut:
    now = ctx.clock()
    try:
        s = silence_store.expire(ctx.store, silence_id, p.actor.user_id, now)
    except NotFound:
        raise HTTPException(404, f"no silence {silence_id}") from None
    activity.record(
        ctx.store,
        now,
        p.actor.user_id,
        p.actor.role,
        "silence_expire",
        silence_id,
        client=client_of(request),
    )
    return silence_out(s, s.active(now))
