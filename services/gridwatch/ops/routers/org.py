"""Reference data for filters and forms: units, grids, algorithms, event types, states."""

from __future__ import annotations

from fastapi import APIRouter

from gridwatch.config.schema import District
from gridwatch.domain.plans import Matcher
from gridwatch.domain.tasks import State
from gridwatch.ops import names
from gridwatch.ops.deps import Ctx, CurrentActor
from gridwatch.ops.schemas import GridRefOut, NamedOut, OrganisationOut

router = APIRouter(prefix="/api", tags=["organisation"])


def plan_event_types(district: District) -> list[str]:
    """Event types named by `event_type="…"` matchers anywhere in the routing tree."""
    found: list[str] = []
    stack = [district.plans.route]
    while stack:
        route = stack.pop()
        for text in route.matchers:
            m = Matcher.parse(text)
            if m.label == "event_type" and m.op == "=" and m.value not in found:
                found.append(m.value)
        stack.extend(route.routes)
    return found


def event_types(district: District) -> list[str]:
    """Every event type the district knows: its algorithms' and its plans'."""
    types = [a.id for a in district.algorithms]
    return types + [t for t in plan_event_types(district) if t not in types]


@router.get("/organisation", response_model=OrganisationOut)
def organisation(ctx: Ctx, _: CurrentActor) -> OrganisationOut:
    d = ctx.district
    o = d.organisation
    squads = [NamedOut(id=s.id, name=s.name) for s in o.squads]
    return OrganisationOut(
        district=o.district,
        brigade=NamedOut(id=o.brigade.id, name=o.brigade.name),
        squads=squads,
        communities=[NamedOut(id=c.id, name=c.name) for c in o.communities],
        grids=[GridRefOut(id=g.id, name=g.name, community=g.community) for g in o.grids],
        algorithms=[NamedOut(id=a.id, name=a.name) for a in d.algorithms],
        event_types=[NamedOut(id=t, name=names.event_type_name(d, t)) for t in event_types(d)],
        units=[NamedOut(id="brigade", name=o.brigade.name)]
        + [NamedOut(id=f"squad:{s.id}", name=s.name) for s in o.squads]
        + [NamedOut(id=f"grid_force:{c.id}", name=c.grid_force) for c in o.communities],
        states=[s.value for s in State],
    )
