"""Reference data for filters and forms: units, grids, algorithms, event types, states."""

from __future__ import annotations

from fastapi import APIRouter

from gridwatch.config.schema import District
from gridwatch.domain.tasks import State
from gridwatch.ops import names
from gridwatch.ops.deps import Ctx, CurrentActor
from gridwatch.ops.schemas import GridRefOut, NamedOut, OrganisationOut

router = APIRouter(prefix="/api", tags=["organisation"])


def event_types(district: District) -> list[str]:
    """Every event type the district knows: its algorithms' and the plans' catalogue of
    reported types (config.loader.event_types, in config order)."""
    return [a.id for a in district.algorithms] + [t.id for t in district.plans.event_types]


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
        clue_types=[
            NamedOut(id=t.id, name=t.name)
            for t in d.plans.event_types
            if "grid_leader" in t.sources
        ],
        units=[NamedOut(id="brigade", name=o.brigade.name)]
        + [NamedOut(id=f"squad:{s.id}", name=s.name) for s in o.squads]
        + [NamedOut(id=f"grid_force:{c.id}", name=c.grid_force) for c in o.communities],
        states=[s.value for s in State],
    )
