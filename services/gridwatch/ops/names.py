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
    """Algorithms name their event types; other types (clues, device_offline) keep their id."""
    try:
        return district.algorithm(event_type).name
    except KeyError:
        return EVENT_TYPE_NAMES.get(event_type, event_type)


# Units in dispatch plans that are resolved per event.
TEMPLATES = {
    "grid_force:{community}": "事件所在社区的网格力量",
    "grid_leader": "事件所在网格的网格长",
}

# Event types raised by people or by the platform (algorithms carry their own names).
EVENT_TYPE_NAMES = {
    "garbage_dumping": "乱倒垃圾",
    "illegal_construction": "违法建设",
    "road_damage": "道路破损",
    "noise": "噪声扰民",
    "river_garbage": "河道漂浮物",
    "device_offline": "设备离线",
    "other": "其他事项",
}
