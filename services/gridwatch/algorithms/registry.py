"""Where algorithm plugins are found: built-ins plus the `gridwatch.algorithms` entry points."""

from __future__ import annotations

import logging
from functools import lru_cache
from importlib import import_module
from importlib.metadata import entry_points

from gridwatch.algorithms.base import Algorithm

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "gridwatch.algorithms"
BUILTIN_MODULES = (
    "lane_occupation",
    "illegal_parking",
    "fire_lane_occupation",
    "non_motor_disorder",
    "area_intrusion",
    "crowd_gathering",
    "loitering",
    "wrong_way_driving",
    "heavy_truck_restricted",
    "street_vending",
    "person_in_water",
    "abandoned_object",
    "water_level",
    "water_quality",
    "rainfall",
)


@lru_cache(maxsize=1)
def plugins() -> dict[str, type[Algorithm]]:  # type: ignore[type-arg]
    found: dict[str, type[Algorithm]] = {}  # type: ignore[type-arg]
    for mod in BUILTIN_MODULES:
        module = import_module(f"gridwatch.algorithms.{mod}")
        cls = module.PLUGIN
        found[cls.id] = cls
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            cls = ep.load()
        except Exception as e:  # a broken third-party plugin must not stop the district
            log.error("algorithm plugin %s failed to load: %s", ep.name, e)
            continue
        if ep.name in found and found[ep.name] is not cls:
            log.warning("plugin %s from %s overrides the built-in", ep.name, ep.value)
        found[ep.name] = cls
    return found


def plugin_or_none(algo_id: str) -> type[Algorithm] | None:  # type: ignore[type-arg]
    return plugins().get(algo_id)


def plugin(algo_id: str) -> type[Algorithm]:  # type: ignore[type-arg]
    cls = plugin_or_none(algo_id)
    if cls is None:
        raise KeyError(f"no algorithm plugin {algo_id!r} (known: {', '.join(sorted(plugins()))})")
    return cls
