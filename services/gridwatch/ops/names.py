"""Display names for ids in the config (units, grids, devices, algorithms), for pages and API."""

from __future__ import annotations

from gridwatch.config.schema import District


def unit_name(district: District, unit: str) -> str:
    """`squad:sq-traffic` → 交通秩序小队, `grid_force:c01` → 华岩村网格力量, `brigade` → …"""
    if unit in TEMPLATES:
        return TEMPLATES[unit]
    kind, _, ref = unit.partition(":")
    try:
        if kind == "brigade":
            return district.organisation.brigade.name
        if kind == "squad":
            return district.squad(ref).name
        if kind == "grid_force":
            return district.community(ref).grid_force
        if kind == "grid_leader":
            gl = district.grid_leader(ref)
            return f"{gl.name}（{district.grid(gl.grid).name}）"
        if kind == "post":
            return ref  # a duty post of an emergency plan, named in words
    except KeyError:
        pass
    return unit


def grid_name(district: District, grid_id: str) -> str:
    try:
        return district.grid(grid_id).name
    except KeyError:
        return grid_id


def community_name(district: District, community_id: str) -> str:
    try:
        return district.community(community_id).name
    except KeyError:
        return community_id


def device_name(district: District, device_id: str | None) -> str | None:
    if device_id is None:
        return None
    try:
        return district.device(device_id).name
    except KeyError:
        return device_id


def event_type_name(district: District, event_type: str) -> str:
    """Algorithms name their event types; reported types (clues, citizens' requests,
    device_offline) are named in the plans' event-type catalogue."""
    try:
        return district.algorithm(event_type).name
    except KeyError:
        pass
    for t in district.plans.event_types:
        if t.id == event_type:
            return t.name
    return event_type


def unit_names(district: District) -> dict[str, str]:
    """Every concrete unit a task or a checklist step can name, with its display name."""
    o = district.organisation
    units = ["brigade"] + [f"squad:{s.id}" for s in o.squads]
    units += [f"grid_force:{c.id}" for c in o.communities]
    units += [f"grid_leader:{gl.id}" for gl in o.grid_leaders]
    return {u: unit_name(district, u) for u in units}


# Units in dispatch plans that are resolved per event.
TEMPLATES = {
    "grid_force:{community}": "事件所在社区的网格力量",
    "grid_leader": "事件所在网格的网格长",
}
