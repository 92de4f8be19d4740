"""The enforcement side of a district directory, loaded by `load_district` when present:

    responsibility/business_items.yaml       业务事项 (the event types)
    responsibility/duty_items.yaml           履职事项, linked to business items and matters
    responsibility/enforcement_matters.yaml  执法事项
    enterprises.yaml                         supervised enterprises with credit grade
    enforcement.yaml                         document numbering, inspection policy, officers

All optional (a district without them has no responsibility list); the three responsibility
files go together. Problems are reported like every other config problem: `file:line: field:
message`, and reject the directory.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from gridwatch.config.errors import ConfigIssue
from gridwatch.config.loader import _display, _Doc, _validate, _walk_routes
from gridwatch.config.schema import District
from gridwatch.config.yaml_lines import YamlSyntaxError, load_yaml
from gridwatch.enforcement.catalogue import (
    BusinessItemsFile,
    DutyItemsFile,
    EnforcementMattersFile,
    ResponsibilityList,
    link_problems,
)
from gridwatch.enforcement.config import EnforcementConfig, EnforcementFile
from gridwatch.enforcement.enterprises import EnterprisesFile

RESPONSIBILITY_FILES: dict[str, tuple[str, type[BaseModel]]] = {
    "business_items": ("responsibility/business_items.yaml", BusinessItemsFile),
    "duty_items": ("responsibility/duty_items.yaml", DutyItemsFile),
    "enforcement_matters": ("responsibility/enforcement_matters.yaml", EnforcementMattersFile),
}
OTHER_FILES: dict[str, tuple[str, type[BaseModel]]] = {
    "enterprises": ("enterprises.yaml", EnterprisesFile),
    "enforcement": ("enforcement.yaml", EnforcementFile),
}


def _read(
    root: Path, name: str, model: type[BaseModel], issues: list[ConfigIssue]
) -> tuple[_Doc | None, Any]:
    path = root / name
    display = _display(path)
    try:
        data, lines = load_yaml(path, display)
    except YamlSyntaxError as e:
        issues.append(ConfigIssue(e.file, e.line, "(document)", e.message))
        return None, None
    doc = _Doc(display, data, lines)
    return doc, _validate(doc, model, issues)


def load_enforcement(
    root: Path, issues: list[ConfigIssue]
) -> tuple[EnforcementConfig, dict[str, _Doc]]:
    """Parse and validate the files that exist; problems go to `issues`."""
    docs: dict[str, _Doc] = {}
    models: dict[str, Any] = {}
    present = [k for k, (name, _) in RESPONSIBILITY_FILES.items() if (root / name).exists()]
    if present and len(present) < len(RESPONSIBILITY_FILES):
        for key, (name, _) in RESPONSIBILITY_FILES.items():
            if key not in present:
                issues.append(
                    ConfigIssue(
                        _display(root / name),
                        1,
                        "(file)",
                        "missing file: the responsibility list needs all three files",
                    )
                )
    for key, (name, model) in {**RESPONSIBILITY_FILES, **OTHER_FILES}.items():
        if (root / name).exists():
            doc, models[key] = _read(root, name, model, issues)
            if doc is not None:
                docs[key] = doc
    responsibility = None
    if len(present) == len(RESPONSIBILITY_FILES) and all(
        models.get(k) is not None for k in RESPONSIBILITY_FILES
    ):
        responsibility = ResponsibilityList(
            business_items=models["business_items"].business_items,
            duty_items=models["duty_items"].duty_items,
            enforcement_matters=models["enforcement_matters"].enforcement_matters,
        )
    enterprises = models.get("enterprises")
    settings = models.get("enforcement")
    config = EnforcementConfig(
        responsibility=responsibility,
        enterprises=enterprises.enterprises if enterprises is not None else [],
        settings=settings if settings is not None else EnforcementFile(),
    )
    return config, docs


def check_enforcement(d: District, docs: dict[str, _Doc], plans: _Doc) -> list[ConfigIssue]:
    """Links into the rest of the district: squads, grids, the plans' duty items."""
    issues: list[ConfigIssue] = []
    e = d.enforcement
    squads = {s.id for s in d.organisation.squads}
    grids = {g.id for g in d.organisation.grids}
    if e.responsibility is not None:
        for p in link_problems(e.responsibility, squads):
            issues.append(docs[p.file].issue(p.path, p.message))
    duty_codes = set(e.responsibility.duty) if e.responsibility is not None else set()
    for route, path in _walk_routes(d.plans.route, ("route",)):
        for j, code in enumerate(route.duty_items):
            if e.responsibility is None:
                issues.append(
                    plans.issue(
                        (*path, "duty_items", j),
                        "names a duty item but the district has no responsibility list",
                    )
                )
            elif code not in duty_codes:
                issues.append(plans.issue((*path, "duty_items", j), f"unknown duty item {code!r}"))
    if "enterprises" in docs:
        issues += _check_enterprises(d, docs["enterprises"], squads, grids)
    if "enforcement" in docs:
        issues += _check_officers(d, docs["enforcement"], squads)
    return issues


def _check_enterprises(
    d: District, doc: _Doc, squads: set[str], grids: set[str]
) -> Iterable[ConfigIssue]:
    ents = d.enforcement.enterprises
    for field in ("id", "credit_code"):
        counts = Counter(getattr(x, field) for x in ents)
        seen: set[str] = set()
        for i, x in enumerate(ents):
            value = getattr(x, field)
            if counts[value] > 1 and value in seen:
                yield doc.issue(("enterprises", i, field), f"duplicate {field} {value!r}")
            seen.add(value)
    for i, x in enumerate(ents):
        if x.grid not in grids:
            yield doc.issue(("enterprises", i, "grid"), f"unknown grid {x.grid!r}")
        for j, squad in enumerate(x.checks):
            if squad not in squads:
                yield doc.issue(("enterprises", i, "checks", j), f"unknown squad {squad!r}")


def _check_officers(d: District, doc: _Doc, squads: set[str]) -> Iterable[ConfigIssue]:
    settings = d.enforcement.settings
    officers = settings.officers
    seen: set[str] = set()
    for i, o in enumerate(officers):
        if o.id in seen:
            yield doc.issue(("officers", i, "id"), f"duplicate officer id {o.id!r}")
        seen.add(o.id)
        if o.squad not in squads:
            yield doc.issue(("officers", i, "squad"), f"unknown squad {o.squad!r}")
    if not officers:
        return  # plans then name squads only
    per_squad = Counter(o.squad for o in officers)
    need = settings.inspections.officers_per_visit
    leads = sorted({x.checks[0] for x in d.enforcement.enterprises})
    for squad in leads:
        if per_squad[squad] < need:
            yield doc.issue(
                ("officers",),
                f"squad {squad!r} leads inspections but has {per_squad[squad]} officer(s); "
                f"each visit needs {need}",
            )
