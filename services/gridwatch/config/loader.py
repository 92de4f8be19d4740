"""The one config loader: reads a district directory, validates it whole, or says what is wrong.

A district directory holds organisation.yaml, devices.yaml, algorithms.yaml, plans.yaml and
emergency_plans.yaml. Every problem is reported as `file:line: path.to.field: message`; a
directory with any problem is rejected whole.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from gridwatch.config.errors import ConfigError, ConfigIssue
from gridwatch.config.schema import (
    MATCHER,
    AlgorithmsFile,
    Camera,
    DevicesFile,
    District,
    EmergencyPlansFile,
    Organisation,
    PlansFile,
    Route,
)
from gridwatch.config.yaml_lines import (
    PathKey,
    YamlSyntaxError,
    data_path,
    format_path,
    line_of,
    load_yaml,
)

FILES: dict[str, tuple[str, type[BaseModel]]] = {
    "organisation": ("organisation.yaml", Organisation),
    "devices": ("devices.yaml", DevicesFile),
    "algorithms": ("algorithms.yaml", AlgorithmsFile),
    "plans": ("plans.yaml", PlansFile),
    "emergency_plans": ("emergency_plans.yaml", EmergencyPlansFile),
}

M = TypeVar("M", bound=BaseModel)


class _Doc:
    """One parsed file: its data, line map and display name, for error reporting."""

    def __init__(self, display: str, data: Any, lines: dict[PathKey, int]) -> None:
        self.display, self.data, self.lines = display, data, lines

    def issue(self, path: PathKey, message: str) -> ConfigIssue:
        return ConfigIssue(self.display, line_of(self.lines, path), format_path(path), message)


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def _validate(doc: _Doc, model: type[M], issues: list[ConfigIssue]) -> M | None:
    try:
        return model.model_validate(doc.data if doc.data is not None else {})
    except ValidationError as e:
        for err in e.errors(include_url=False):
            path = data_path(doc.data, tuple(err["loc"]))
            msg = err["msg"].removeprefix("Value error, ")
            issues.append(doc.issue(path, msg))
        return None


def load_file(path: Path, model: type[M]) -> M:
    """One YAML file validated by `model`, or ConfigError naming each problem's line."""
    return load_file_with_lines(path, model)[0]


def load_file_with_lines(path: Path, model: type[M]) -> tuple[M, dict[PathKey, int], str]:
    """`load_file`, with the file's line map and display name, for checks that come after
    validation and must name a line too."""
    display = _display(path)
    if not path.exists():
        raise ConfigError([ConfigIssue(display, 1, "(file)", "missing file")])
    try:
        data, lines = load_yaml(path, display)
    except YamlSyntaxError as e:
        raise ConfigError([ConfigIssue(e.file, e.line, "(document)", e.message)]) from None
    issues: list[ConfigIssue] = []
    result = _validate(_Doc(display, data, lines), model, issues)
    if result is None:
        raise ConfigError(issues)
    return result, lines, display


def load_district(directory: str | Path) -> District:
    """Load and validate a district config directory, or raise ConfigError listing every issue."""
    root = Path(directory)
    issues: list[ConfigIssue] = []
    if not root.is_dir():
        raise ConfigError([ConfigIssue(str(root), 1, "(directory)", "not a directory")])
    docs: dict[str, _Doc] = {}
    models: dict[str, Any] = {}
    for key, (name, model) in FILES.items():
        path = root / name
        display = _display(path)
        if not path.exists():
            issues.append(ConfigIssue(display, 1, "(file)", "missing file"))
            continue
        try:
            data, lines = load_yaml(path, display)
        except YamlSyntaxError as e:
            issues.append(ConfigIssue(e.file, e.line, "(document)", e.message))
            continue
        docs[key] = _Doc(display, data, lines)
        models[key] = _validate(docs[key], model, issues)
    from gridwatch.config.enforcement_loader import check_enforcement, load_enforcement

    enforcement, enforcement_docs = load_enforcement(root, issues)
    if issues or any(m is None for m in models.values()):
        raise ConfigError(issues)

    district = District(
        organisation=models["organisation"],
        devices=models["devices"].devices,
        detector=models["algorithms"].detector,
        detector_scales=models["algorithms"].detector_scales,
        detector_close_look_s=models["algorithms"].detector_close_look_s,
        algorithms=models["algorithms"].algorithms,
        plans=models["plans"],
        emergency_plans=models["emergency_plans"].emergency_plans,
        enforcement=enforcement,
    )
    issues.extend(cross_check(district, docs))
    issues.extend(check_enforcement(district, enforcement_docs, docs["plans"]))
    if issues:
        raise ConfigError(issues)
    return district


def _duplicates(doc: _Doc, items: Iterable[Any], section: str, what: str) -> Iterable[ConfigIssue]:
    counts = Counter(item.id for item in items)
    seen: set[str] = set()
    for i, item in enumerate(items):
        if counts[item.id] > 1 and item.id in seen:
            yield doc.issue((section, i, "id"), f"duplicate {what} id {item.id!r}")
        seen.add(item.id)


def _walk_routes(route: Route, path: PathKey) -> Iterable[tuple[Route, PathKey]]:
    yield route, path
    for i, child in enumerate(route.routes):
        yield from _walk_routes(child, (*path, "routes", i))


def cross_check(d: District, docs: dict[str, _Doc]) -> list[ConfigIssue]:
    """References between files: every id named somewhere must exist, ids must be unique."""
    org, devs, algs = docs["organisation"], docs["devices"], docs["algorithms"]
    plans, emer = docs["plans"], docs["emergency_plans"]
    o = d.organisation
    issues: list[ConfigIssue] = []
    issues += _duplicates(org, o.squads, "squads", "squad")
    issues += _duplicates(org, o.communities, "communities", "community")
    issues += _duplicates(org, o.grids, "grids", "grid")
    issues += _duplicates(org, o.grid_leaders, "grid_leaders", "grid leader")
    issues += _duplicates(org, o.scenes, "scenes", "scene")
    issues += _duplicates(devs, d.devices, "devices", "device")
    issues += _duplicates(algs, d.algorithms, "algorithms", "algorithm")
    issues += _duplicates(emer, d.emergency_plans, "emergency_plans", "emergency plan")

    communities = {c.id for c in o.communities}
    grids = {g.id for g in o.grids}
    leaders = {gl.id: gl for gl in o.grid_leaders}
    scenes = {s.id for s in o.scenes}
    squads = {s.id for s in o.squads}
    algorithms = {a.id: a for a in d.algorithms}

    def known(ok: bool, doc: _Doc, path: PathKey, what: str, value: str, choices: set[str]) -> None:
        if not ok:
            hint = ", ".join(sorted(choices)[:5]) + (" …" if len(choices) > 5 else "")
            issues.append(doc.issue(path, f"unknown {what} {value!r} (known: {hint})"))

    for i, s in enumerate(o.squads):
        for j, c in enumerate(s.communities):
            known(
                c in communities, org, ("squads", i, "communities", j), "community", c, communities
            )
    for i, g in enumerate(o.grids):
        known(
            g.community in communities,
            org,
            ("grids", i, "community"),
            "community",
            g.community,
            communities,
        )
        known(
            g.leader in leaders, org, ("grids", i, "leader"), "grid leader", g.leader, set(leaders)
        )
        if g.leader in leaders and leaders[g.leader].grid != g.id:
            issues.append(
                org.issue(
                    ("grids", i, "leader"),
                    f"grid leader {g.leader!r} leads grid {leaders[g.leader].grid!r}, not {g.id!r}",
                )
            )
    for i, gl in enumerate(o.grid_leaders):
        known(gl.grid in grids, org, ("grid_leaders", i, "grid"), "grid", gl.grid, grids)

    for i, dev in enumerate(d.devices):
        known(dev.grid in grids, devs, ("devices", i, "grid"), "grid", dev.grid, grids)
        if dev.scene is not None:
            known(dev.scene in scenes, devs, ("devices", i, "scene"), "scene", dev.scene, scenes)
        if isinstance(dev, Camera):
            issues += _check_camera_algorithms(dev, i, algorithms, devs)

    issues += _check_algorithm_params(d, algs)

    for route, path in _walk_routes(d.plans.route, ("route",)):
        for field, value in (("receiver", route.receiver), ("verifier", route.verifier)):
            if value is None:
                continue
            kind, _, ref = value.partition(":")
            if kind == "squad":
                known(ref in squads, plans, (*path, field), "squad", ref, squads)
            elif kind == "grid_force" and ref != "{community}":
                known(ref in communities, plans, (*path, field), "community", ref, communities)
            elif kind not in ("squad", "grid_force", "brigade", "grid_leader"):
                issues.append(plans.issue((*path, field), f"unknown unit kind {kind!r}"))
    route_ids = Counter(r.id for r, _ in _walk_routes(d.plans.route, ("route",)))
    for route, path in _walk_routes(d.plans.route, ("route",)):
        if route_ids[route.id] > 1:
            issues.append(plans.issue((*path, "id"), f"duplicate route id {route.id!r}"))
            route_ids[route.id] = 1
    issues += _check_plan_references(d, plans)

    for i, ep in enumerate(d.emergency_plans):
        for j, c in enumerate(ep.communities):
            known(
                c in communities,
                emer,
                ("emergency_plans", i, "communities", j),
                "community",
                c,
                communities,
            )
        for j, grid_id in enumerate(ep.grids):
            known(
                grid_id in grids, emer, ("emergency_plans", i, "grids", j), "grid", grid_id, grids
            )
        for j, item in enumerate(ep.checklist):
            kind, _, ref = item.unit.partition(":")
            path = ("emergency_plans", i, "checklist", j, "unit")
            if kind == "squad":
                known(ref in squads, emer, path, "squad", ref, squads)
            elif kind == "grid_force" and ref != "{community}":
                known(ref in communities, emer, path, "community", ref, communities)
            elif kind not in ("squad", "grid_force", "brigade", "grid_leader"):
                issues.append(emer.issue(path, f"unknown unit {item.unit!r}"))
        types = event_types(d)
        for j, trigger in enumerate(ep.triggers):
            path = ("emergency_plans", i, "triggers", j)
            known(trigger in types, emer, path, "event type", trigger, types)
    return issues


def event_types(d: District) -> set[str]:
    """Every event type the district knows: its algorithms' and the plans' reported types."""
    return {a.id for a in d.algorithms} | {t.id for t in d.plans.event_types}


def _check_plan_references(d: District, plans: _Doc) -> list[ConfigIssue]:
    """Grouping, time windows, escalation and the event-type catalogue refer to real things."""
    p = d.plans
    issues: list[ConfigIssue] = []
    issues += _duplicates(plans, p.time_intervals, "time_intervals", "time interval")
    issues += _duplicates(plans, p.inhibit_rules, "inhibit_rules", "inhibit rule")
    issues += _duplicates(plans, p.escalation_policies, "escalation_policies", "escalation policy")
    issues += _duplicates(plans, p.event_types, "event_types", "event type")
    algorithm_ids = {a.id for a in d.algorithms}
    for i, t in enumerate(p.event_types):
        if t.id in algorithm_ids:
            issues.append(
                plans.issue(("event_types", i, "id"), f"{t.id!r} is already an algorithm's type")
            )
    intervals = {t.id for t in p.time_intervals}
    policies = {e.id for e in p.escalation_policies}
    types = event_types(d)
    for route, path in _walk_routes(p.route, ("route",)):
        for j, ref in enumerate(route.active_time_intervals):
            if ref not in intervals:
                issues.append(
                    plans.issue(
                        (*path, "active_time_intervals", j), f"unknown time interval {ref!r}"
                    )
                )
        if route.escalation is not None and route.escalation not in policies:
            issues.append(
                plans.issue(
                    (*path, "escalation"), f"unknown escalation policy {route.escalation!r}"
                )
            )
        for j, text in enumerate(route.matchers):
            m = MATCHER.match(text)
            if m and m.group(1) == "event_type" and m.group(2) == "=" and m.group(3) not in types:
                issues.append(
                    plans.issue((*path, "matchers", j), f"unknown event type {m.group(3)!r}")
                )
    return issues


def _check_camera_algorithms(
    cam: Camera, i: int, algorithms: dict[str, Any], devs: _Doc
) -> list[ConfigIssue]:
    from gridwatch.algorithms.registry import plugin_or_none

    issues = []
    zone_kinds = {z.kind for z in cam.zones}
    for j, algo_id in enumerate(cam.algorithms):
        path = ("devices", i, "algorithms", j)
        algo = algorithms.get(algo_id)
        if algo is None:
            issues.append(devs.issue(path, f"unknown algorithm {algo_id!r}"))
            continue
        if algo.kind != "vision":
            issues.append(devs.issue(path, f"{algo_id!r} is a {algo.kind} algorithm"))
            continue
        plugin = plugin_or_none(algo_id)
        if plugin is not None and plugin.zone_kinds and not zone_kinds & set(plugin.zone_kinds):
            need = " or ".join(plugin.zone_kinds)
            issues.append(devs.issue(path, f"{algo_id!r} needs a zone of kind {need}"))
    return issues


def _check_algorithm_params(d: District, algs: _Doc) -> list[ConfigIssue]:
    from gridwatch.algorithms.registry import plugin_or_none

    issues = []
    for i, algo in enumerate(d.algorithms):
        plugin = plugin_or_none(algo.id)
        if plugin is None:
            continue
        if plugin.kind != algo.kind:
            issues.append(algs.issue(("algorithms", i, "kind"), f"plugin is {plugin.kind}"))
        try:
            plugin.Params.model_validate(algo.params)
        except ValidationError as e:
            for err in e.errors(include_url=False):
                path = data_path(algs.data["algorithms"][i].get("params", {}), tuple(err["loc"]))
                msg = err["msg"].removeprefix("Value error, ")
                issues.append(algs.issue(("algorithms", i, "params", *path), msg))
    return issues


def counts(d: District) -> dict[str, int]:
    o = d.organisation
    return {
        "devices": len(d.devices),
        "cameras": len(d.cameras),
        "sensors": len(d.sensors),
        "ai_devices": len(d.ai_devices),
        "algorithms": len(d.algorithms),
        "grids": len(o.grids),
        "communities": len(o.communities),
        "squads": len(o.squads),
        "grid_leaders": len(o.grid_leaders),
        "scenes": len(o.scenes),
        "emergency_plans": len(d.emergency_plans),
        "dispatch_plans": sum(1 for r, _ in _walk_routes(d.plans.route, ()) if r.matchers),
        **enforcement_counts(d),
    }


def enforcement_counts(d: District) -> dict[str, int]:
    """The responsibility list and enterprises, when the district has them."""
    from gridwatch.enforcement.catalogue import link_count, link_problems

    out: dict[str, int] = {}
    r = d.enforcement.responsibility
    if r is not None:
        out |= {
            "business_items": len(r.business_items),
            "duty_items": len(r.duty_items),
            "enforcement_matters": len(r.enforcement_matters),
            "duty_links": link_count(r),
            "dangling_links": len(link_problems(r, (s.id for s in d.organisation.squads))),
        }
    if d.enforcement.enterprises:
        out["enterprises"] = len(d.enforcement.enterprises)
    return out


def resolve_path(config_dir: str | Path, path: str) -> Path:
    """Paths in config files are relative to the config directory."""
    p = Path(path)
    return p if p.is_absolute() else (Path(config_dir) / p).resolve()
