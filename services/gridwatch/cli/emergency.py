"""`gridwatch emergency`: digital emergency plans (应急预案) — activate for real or as a drill,
follow the checklist, mark tasks done, stand down."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from gridwatch.cli.common import SAMPLE_CONFIG, actor_or_exit, district_or_exit, err, open_store
from gridwatch.dispatch.emergencies import EmergencyService, UnknownPlan
from gridwatch.dispatch.notifications import Notifier
from gridwatch.domain.emergency import progress
from gridwatch.domain.tasks import TransitionError
from gridwatch.runtime.clock import utc_now
from gridwatch.store.repository import NotFound

app = typer.Typer(help="Emergency plans: activation, drills, checklists.")

ConfigOpt = Annotated[Path, typer.Option("--config", help="District config directory.")]
DataOpt = Annotated[Path | None, typer.Option(help="Data directory of the SQLite store.")]
ByOpt = Annotated[str, typer.Option("--by", help="Acting user, e.g. duty.")]


def _service(config: Path, data_dir: Path | None) -> EmergencyService:
    district = district_or_exit(config)
    store = open_store(data_dir)
    return EmergencyService(district, store, Notifier(district, store, None), utc_now)


def _fail(e: Exception) -> typer.Exit:
    err.print(str(e), style="red", markup=False, highlight=False)
    return typer.Exit(1)


@app.command("plans")
def plans(config: ConfigOpt = SAMPLE_CONFIG) -> None:
    """List the district's emergency plans."""
    d = district_or_exit(config)
    table = Table(title=f"{len(d.emergency_plans)} emergency plans")
    for col in ("id", "name", "hazard", "triggers", "grids", "checklist"):
        table.add_column(col)
    for p in d.emergency_plans:
        table.add_row(
            p.id, p.name, p.hazard, ",".join(p.triggers), str(len(p.grids)), str(len(p.checklist))
        )
    Console().print(table)


@app.command("activate")
def activate(
    plan: Annotated[str, typer.Argument(help="Plan id, e.g. ep-08.")],
    by: ByOpt,
    drill: Annotated[
        bool, typer.Option(help="A drill (演练): counted apart, mutes nothing.")
    ] = False,
    note: Annotated[str, typer.Option(help="Why.")] = "",
    config: ConfigOpt = SAMPLE_CONFIG,
    data_dir: DataOpt = None,
) -> None:
    """Activate a plan by hand: its checklist goes out to every post, unit and grid."""
    svc = _service(config, data_dir)
    try:
        a, items, _ = svc.activate(
            plan, actor_or_exit(svc.emergencies.store, by), drill=drill, note=note
        )
    except (UnknownPlan, TransitionError) as e:
        raise _fail(e) from None
    typer.echo(
        json.dumps(
            {"activation_id": a.activation_id, "drill": a.drill, "checklist_tasks": len(items)}
        )
    )


@app.command("show")
def show(
    activation: Annotated[str, typer.Argument(help="Activation id.")],
    config: ConfigOpt = SAMPLE_CONFIG,
    data_dir: DataOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """An activation's checklist and how far it got."""
    svc = _service(config, data_dir)
    try:
        a = svc.emergencies.get(activation)
    except NotFound as e:
        raise _fail(e) from None
    items = svc.emergencies.items(activation)
    p = progress(items, utc_now())
    if as_json:
        out = {
            "activation": {**a.__dict__, "state": a.state.value},
            "progress": p.__dict__,
            "items": [i.__dict__ for i in items],
        }
        typer.echo(json.dumps(out, ensure_ascii=False, default=str, indent=2))
        return
    tag = " [drill]" if a.drill else ""
    Console().print(f"{a.plan_name}{tag}: {a.state.value}, {p.done}/{p.total} done")
    table = Table()
    for col in ("item", "step", "unit", "due", "done"):
        table.add_column(col)
    for i in items:
        done = f"{i.done_at:%H:%M} {i.done_by}" if i.done_at else "—"
        table.add_row(i.item_id, i.step, i.unit, f"{i.due_at:%H:%M}", done)
    Console().print(table)


@app.command("done")
def done(
    item: Annotated[str, typer.Argument(help="Checklist task id.")],
    by: ByOpt,
    note: Annotated[str, typer.Option(help="What was done.")] = "",
    config: ConfigOpt = SAMPLE_CONFIG,
    data_dir: DataOpt = None,
) -> None:
    """Report a checklist task done (by its unit, or the desk for it)."""
    svc = _service(config, data_dir)
    try:
        i, a = svc.complete_item(item, actor_or_exit(svc.emergencies.store, by), note)
    except (NotFound, TransitionError) as e:
        raise _fail(e) from None
    typer.echo(json.dumps({"item_id": i.item_id, "activation_state": a.state.value}))


@app.command("stand-down")
def stand_down(
    activation: Annotated[str, typer.Argument(help="Activation id.")],
    by: ByOpt,
    note: Annotated[str, typer.Option(help="Why it ends.")],
    config: ConfigOpt = SAMPLE_CONFIG,
    data_dir: DataOpt = None,
) -> None:
    """End an activation before its checklist is done (the desk only)."""
    svc = _service(config, data_dir)
    try:
        a = svc.stand_down(activation, actor_or_exit(svc.emergencies.store, by), note)
    except (NotFound, TransitionError) as e:
        raise _fail(e) from None
    typer.echo(json.dumps({"activation_id": a.activation_id, "state": a.state.value}))
