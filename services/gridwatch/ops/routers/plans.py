"""Dispatch plans: the routing tree, coverage and gaps, and "who would get this". The answers
are the dispatch chain's (dispatch/plan_questions.py, domain/plans.py), the same as
`gridwatch plans coverage|route`. Silences are at /api/silences."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException

from gridwatch.config.schema import Deadlines, Route
from gridwatch.dispatch.emergencies import EmergencyService
from gridwatch.dispatch.notifications import Notifier
from gridwatch.dispatch.plan_questions import EventQuery, coverage_report, labels_of
from gridwatch.domain.access import Permission
from gridwatch.domain.muting import mute_reason
from gridwatch.domain.plans import Matcher, Router
from gridwatch.ops import names
from gridwatch.ops.deps import Ctx, Principal, require
from gridwatch.ops.schemas import (
    CoverageGapOut,
    CoverageOut,
    DutyGapOut,
    ExplainIn,
    ExplainOut,
    PlanRouteOut,
    RoutingOut,
)
from gridwatch.store.repository import routing_json
from gridwatch.store.silences import Silences

router = APIRouter(prefix="/api", tags=["plans"])

Viewer = Annotated[Principal, Depends(require(Permission.VIEW_OPS))]


def _minutes(pairs: tuple[tuple[str, timedelta | None], ...]) -> dict[str, str]:
    return {k: f"{int(v.total_seconds() // 60)}m" for k, v in pairs if v is not None}


def _deadlines(d: Deadlines | None) -> dict[str, str]:
    if d is None:
        return {}
    return _minutes((("accept", d.accept), ("handle", d.handle), ("verify", d.verify)))


def flatten(route: Route, depth: int = 0) -> list[tuple[Route, int]]:
    """The routing tree in reading order with each route's depth."""
    out = [(route, depth)]
    for child in route.routes:
        out += flatten(child, depth + 1)
    return out


@router.get("/plans", response_model=list[PlanRouteOut])
def plans(ctx: Ctx, _: Viewer) -> list[PlanRouteOut]:
    """The routing tree in reading order; children inherit what they leave out. A route is
    marked with the silences in force that mute its event type."""
    d = ctx.district
    in_force = Silences(ctx.store).in_force(ctx.clock())
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
                    for s in in_force
                    if event_type is not None and s.matches({"event_type": event_type})
                ],
            )
        )
    return out


@router.get("/plans/coverage", response_model=CoverageOut)
def plan_coverage(ctx: Ctx, _: Viewer) -> CoverageOut:
    """Effective dispatch-plan coverage (有效智能分拨预案覆盖率): the share of event type ×
    grid pairs a plan routes to a real unit from every source, scene and time window; every
    gap with its reason; and the event types no duty item of the responsibility list covers."""
    d = ctx.district
    report = coverage_report(d)
    c = report.plans
    grids = len(d.organisation.grids)
    missing: dict[str, int] = {}
    for g in c.gaps:
        missing[g.event_type] = missing.get(g.event_type, 0) + 1
    kinds = [a.id for a in d.algorithms] + [t.id for t in d.plans.event_types]
    return CoverageOut(
        coverage=round(c.ratio, 6),
        pairs=c.pairs,
        covered=c.covered,
        event_types=report.event_types,
        grids=report.grids,
        gaps=[
            CoverageGapOut(
                event_type=g.event_type,
                event_type_name=names.event_type_name(d, g.event_type),
                grid=g.grid,
                grid_name=names.grid_name(d, g.grid),
                community=g.community,
                route=g.route_id,
                assignee=g.assignee,
                reason=g.reason,
            )
            for g in c.gaps
        ],
        duty_gaps=[
            DutyGapOut(event_type=g.event_type, name=g.name, reason=g.reason)
            for g in report.duty_gaps
        ],
        by_event_type={k: round(1 - missing.get(k, 0) / grids, 4) if grids else 1.0 for k in kinds},
    )


@router.post("/plans/explain", response_model=ExplainOut)
def explain(ctx: Ctx, _: Viewer, body: ExplainIn) -> ExplainOut:
    """Who would get this event now (or at `at`), by which plan, with which deadlines, why; and
    whether a silence or an inhibit rule in force would mute it."""
    d = ctx.district
    now = ctx.clock()
    at = body.at or now
    if at.tzinfo is None:
        raise HTTPException(422, "at: needs a time zone")
    query = EventQuery(
        event_type=body.event_type,
        grid=body.grid,
        scene=body.scene,
        severity=body.severity,
        source=body.source,
        at=at,
    )
    try:
        labels = labels_of(query, d)
    except ValueError as e:
        raise HTTPException(422, str(e)) from None
    decision = Router(d.plans, d.grid_leader_of).route(labels, at)
    a = decision.primary
    services = EmergencyService(d, ctx.store, Notifier(d, ctx.store, None), ctx.clock)
    muted = mute_reason(
        labels,
        now,
        Silences(ctx.store).in_force(now),
        d.plans.inhibit_rules,
        services.inhibit_sources(),
    )
    return ExplainOut(
        labels=labels,
        routing=RoutingOut.explained(routing_json(decision), d, body.event_type),
        assignee_name=names.unit_name(d, a.assignee),
        verifier_name=names.unit_name(d, a.verifier),
        deadlines=_minutes(
            (
                ("accept", a.accept_within),
                ("handle", a.handle_within),
                ("verify", a.verify_within),
            )
        ),
        muted_by=muted.by if muted else None,
    )
