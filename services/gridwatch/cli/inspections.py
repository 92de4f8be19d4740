"""`gridwatch inspections`: credit-graded inspection plans, scan-to-enter records, KPIs."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from gridwatch.config.errors import ConfigError
from gridwatch.config.loader import load_district
from gridwatch.config.schema import District
from gridwatch.config.settings import Settings
from gridwatch.enforcement.enterprises import GRADES
from gridwatch.enforcement.inspection_kpis import inspection_kpis
from gridwatch.enforcement.inspection_plan import InspectionPlan, PlanError, plan_month
from gridwatch.resources import sample_district
from gridwatch.runtime.clock import utc_now
from gridwatch.store.enforcement_repository import EnforcementStore, PlanConflict
from gridwatch.store.repository import Store, sqlite_url

DEFAULT_CONFIG = sample_district()

app = typer.Typer(
    help="Credit-graded supervision (信用分级分类监管): monthly inspection plans with joint "
    "'inspect once' operations, scan-to-enter records, and inspection KPIs.",
    no_args_is_help=True,
)
err = Console(stderr=True, soft_wrap=True)

ConfigOpt = Annotated[Path, typer.Option("--config", help="District config directory.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
MonthOpt = Annotated[str, typer.Option("--month", help="Month as YYYY-MM, e.g. 2026-03.")]


def district_or_exit(config: Path) -> District:
    try:
        district = load_district(config)
    except ConfigError as e:
        for issue in e.issues:
            err.print(str(issue), markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    if not district.enforcement.enterprises:
        err.print(f"{config} has no enterprises.yaml: nothing to inspect")
        raise typer.Exit(1)
    return district


def open_store() -> Store:
    """The SQL store the rest of gridwatch uses (GRIDWATCH_DB_URL, else the data dir's SQLite)."""
    settings = Settings()
    data = settings.data_dir.resolve()
    data.mkdir(parents=True, exist_ok=True)
    store = Store(settings.db_url or sqlite_url(data / "gridwatch.db"))
    store.migrate()
    return store


def plan_json(plan: InspectionPlan, district: District) -> dict[str, Any]:
    ents = {e.id: e for e in district.enforcement.enterprises}
    policy = district.enforcement.settings.inspections
    visits_of: dict[str, list[str]] = {}
    for v in plan.visits:
        visits_of.setdefault(v.enterprise_id, []).append(v.visit_id)
    by_grade = Counter(t.grade for t in plan.targets)
    return {
        "month": plan.month,
        "seed": plan.seed,
        "policy": {
            g: {
                **policy.grades[g].model_dump(),
                "enterprises": by_grade[g],
                "drawn": plan.quotas[g],
            }
            for g in GRADES
        },
        "summary": {
            "enterprises": len(plan.targets),
            "drawn": sum(t.selected for t in plan.targets),
            "checks": len(plan.checks),
            "visits": len(plan.visits),
            "joint_operations": sum(v.joint for v in plan.visits),
            "joint_share": round(sum(v.joint for v in plan.visits) / len(plan.visits), 4)
            if plan.visits
            else 0.0,
            "repeat_inspections_avoided": plan.repeat_inspections_avoided,
        },
        "squads": {
            squad: {
                "lead": sum(v.lead_squad == squad for v in vs),
                "joined": sum(v.lead_squad != squad for v in vs),
                "visits": [v.visit_id for v in vs],
            }
            for squad, vs in plan.by_squad().items()
        },
        "visits": [
            {
                "id": v.visit_id,
                "date": v.day.isoformat(),
                "week": v.week,
                "enterprise": v.enterprise_id,
                "enterprise_name": ents[v.enterprise_id].name,
                "grade": ents[v.enterprise_id].credit_grade,
                "grid": ents[v.enterprise_id].grid,
                "lead_squad": v.lead_squad,
                "squads": list(v.squads),
                "joint": v.joint,
                "checks_merged": v.checks_merged,
                "officers": list(v.officers),
            }
            for v in plan.visits
        ],
        "enterprises": [
            {
                "id": t.enterprise_id,
                "grade": t.grade,
                "drawn": t.selected,
                "prescribed_visits": t.prescribed_visits,
                "visits": visits_of.get(t.enterprise_id, []),
            }
            for t in plan.targets
        ],
    }


@app.command("plan")
def plan_cmd(
    month: MonthOpt,
    seed: Annotated[int, typer.Option(help="Seed of the random draws; same seed, same plan.")] = 0,
    config: ConfigOpt = DEFAULT_CONFIG,
    as_json: JsonOpt = False,
    save: Annotated[
        bool, typer.Option("--save", help="Store the plan so visits can be entered against it.")
    ] = False,
) -> None:
    """Plan a month's inspections per squad.

    Per credit grade a random share of the enterprises is drawn (grade A least, grade D all) and
    gets the visits its grade prescribes, in different weeks; checks of several squads on one
    enterprise in one week are merged into one joint operation (综合查一次) led by its first
    squad; officers are drawn at random. The same --seed gives the same plan.
    """
    district = district_or_exit(config)
    e = district.enforcement
    try:
        plan = plan_month(e.enterprises, e.settings.inspections, e.settings.officers, month, seed)
    except PlanError as x:
        err.print(str(x))
        raise typer.Exit(2) from None
    if save:
        store = open_store()
        try:
            EnforcementStore(store).save_plan(plan, utc_now())
        except PlanConflict as x:
            err.print(str(x))
            raise typer.Exit(1) from None
        finally:
            store.engine.dispose()
    data = plan_json(plan, district)
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    s = data["summary"]
    table = Table(title=f"{district.organisation.district} inspection plan {month} (seed {seed})")
    weeks = sorted({v.week for v in plan.visits})
    for col in ("squad", "led", "joined", *(w.split("-")[1] for w in weeks)):
        table.add_column(col, justify="left" if col == "squad" else "right")
    for squad, vs in plan.by_squad().items():
        per_week = Counter(v.week for v in vs)
        table.add_row(
            squad,
            str(data["squads"][squad]["lead"]),
            str(data["squads"][squad]["joined"]),
            *(str(per_week[w]) for w in weeks),
        )
    Console().print(table)
    Console().print(
        f"{s['drawn']} of {s['enterprises']} enterprises drawn; {s['checks']} squad checks → "
        f"{s['visits']} visits, {s['joint_operations']} joint operations, "
        f"{s['repeat_inspections_avoided']} repeat inspections avoided"
        + ("; saved" if save else "")
    )


@app.command("record")
def record_cmd(
    enterprise: Annotated[str, typer.Option(help="Enterprise id (from its QR code), ent-0001.")],
    officer: Annotated[str, typer.Option(help="Officer id scanning in, e.g. market-1.")],
    at: Annotated[
        datetime | None, typer.Option(help="When (ISO time, default now); naive = UTC.")
    ] = None,
    finding: Annotated[
        str | None,
        typer.Option(help="Event type of a problem found (a business item); opens a case."),
    ] = None,
    note: Annotated[str, typer.Option(help="What was checked or found.")] = "",
    config: ConfigOpt = DEFAULT_CONFIG,
    as_json: JsonOpt = False,
) -> None:
    """Record a scan-to-enter (扫码入企): who entered which enterprise, when, what was found.

    The scan is matched to the enterprise's planned visit of that week; a finding becomes an
    event routed by the dispatch plans, like any AI or grid-leader event.
    """
    from datetime import UTC

    from gridwatch.dispatch.stage import DispatchStage
    from gridwatch.enforcement.visits import VisitError, record_visit

    district = district_or_exit(config)
    when = at or utc_now()
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    store = open_store()
    try:
        record = record_visit(
            district,
            EnforcementStore(store),
            DispatchStage(district, store, None, utc_now),
            enterprise_id=enterprise,
            officer_id=officer,
            at=when,
            finding=finding,
            note=note,
        )
    except VisitError as x:
        err.print(str(x))
        raise typer.Exit(1) from None
    finally:
        store.engine.dispose()
    out = {**record.__dict__, "entered_at": record.entered_at.isoformat()}
    if as_json:
        typer.echo(json.dumps(out, ensure_ascii=False))
    else:
        typer.echo(
            f"recorded {record.entry_id}: {officer} entered {enterprise} at {when:%Y-%m-%d %H:%M}"
            + (f" (planned visit {record.visit_id})" if record.visit_id else " (unplanned)")
            + (f"; case {record.task_id} opened" if record.task_id else "")
        )


@app.command("kpis")
def kpis_cmd(month: MonthOpt, config: ConfigOpt = DEFAULT_CONFIG, as_json: JsonOpt = False) -> None:
    """Inspections done vs planned, joint-operation share and repeat inspections avoided for a
    saved month's plan, from the scan-to-enter records."""
    district = district_or_exit(config)
    store = open_store()
    try:
        es = EnforcementStore(store)
        tz = district.enforcement.settings.documents.timezone
        kpis = inspection_kpis(es.planned_visits(month), es.entries(month, tz))
    finally:
        store.engine.dispose()
    data = {"month": month, **kpis.as_dict()}
    if as_json:
        typer.echo(json.dumps(data))
        return
    table = Table(title=f"inspection KPIs {month}")
    table.add_column("KPI")
    table.add_column("value", justify="right")
    for k, v in data.items():
        table.add_row(k, str(v))
    Console().print(table)
