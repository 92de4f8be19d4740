"""`gridwatch report`: KPIs and league tables, the overdue list for supervision, and the
event log of a period (the input of `gridwatch replay`)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from gridwatch.cli.common import SAMPLE_CONFIG, district_or_exit, fmt_duration, open_store, period
from gridwatch.runtime.clock import utc_now
from gridwatch.store.kpi_queries import KpiQueries
from gridwatch.store.tables import EventRow

app = typer.Typer(help="KPIs, league tables (赛马比拼), supervision lists and event exports.")

ConfigOpt = Annotated[
    Path, typer.Option("--config", help="District config directory (its time zone).")
]
SinceOpt = Annotated[
    str | None,
    typer.Option(help="Start (ISO date or time, local if no zone); default: a day before until."),
]
UntilOpt = Annotated[str | None, typer.Option(help="End, exclusive; default: now.")]
DataOpt = Annotated[
    Path | None, typer.Option(help="Data directory of the SQLite store (no GRIDWATCH_DB_URL).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _pct(v: Any) -> str:
    return "—" if v is None else f"{v:.1%}"


@app.command("kpis")
def kpis(
    since: SinceOpt = None,
    until: UntilOpt = None,
    config: ConfigOpt = SAMPLE_CONFIG,
    data_dir: DataOpt = None,
    as_json: JsonOpt = False,
    save: Annotated[
        bool, typer.Option(help="Keep this report as a snapshot in the store.")
    ] = False,
) -> None:
    """Rates per grid, community, unit (squad / grid force), algorithm, source and event type,
    computed from the audit log for the cases reported in [since, until), and the league table.

    Filing, dispatch, acceptance, closure, on-time closure, rework, extension and escalation
    rates; mean time to dispatch and to close; false-alarm rate from verifiers' verdicts.
    Emergency activations are counted with drills apart from real incidents.
    """
    zone = ZoneInfo(district_or_exit(config).plans.timezone)
    start, end = period(since, until, zone)
    store = open_store(data_dir)
    queries = KpiQueries(store)
    report = queries.report(start, end, utc_now(), zone)
    if save:
        queries.save_snapshot(report, start, end, utc_now())
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    console = Console()
    o = report["overall"]
    console.print(
        f"[bold]KPIs[/bold] {start.isoformat()} – {end.isoformat()}: {o['reported']} cases"
    )
    table = Table()
    for col in ("filing", "dispatch", "acceptance", "closure", "on time", "rework", "extension"):
        table.add_column(col, justify="right")
    table.add_column("false alarm", justify="right")
    table.add_row(
        *(
            _pct(o[k])
            for k in (
                "filing_rate",
                "dispatch_rate",
                "acceptance_rate",
                "closure_rate",
                "on_time_closure_rate",
                "rework_rate",
                "extension_rate",
                "false_alarm_rate",
            )
        )
    )
    console.print(table)
    league = Table(title="league table (赛马比拼)")
    for col in ("#", "unit", "score", "cases", "closure", "on time", "rework", "accepted"):
        league.add_column(col)
    for r in report["league"]:
        league.add_row(
            str(r["rank"]),
            r["unit"],
            f"{r['score']:.3f}",
            str(r["cases"]),
            _pct(r["closure_rate"]),
            _pct(r["on_time_closure_rate"]),
            _pct(r["rework_rate"]),
            _pct(r["acceptance_rate"]),
        )
    console.print(league)
    for kind, e in report["emergencies"].items():
        console.print(
            f"emergencies ({kind}): {e['activations']} activations, "
            f"{e['done']}/{e['checklist_tasks']} checklist tasks done, {e['overdue']} overdue"
        )


@app.command("overdue")
def overdue_list(
    data_dir: DataOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Open tasks past a deadline (督查): which step is late, by how long, who has it."""
    rows = KpiQueries(open_store(data_dir)).overdue(utc_now())
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{len(rows)} overdue task(s)")
    for col in ("task", "state", "assignee", "grid", "late on", "overdue by"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            r["task_id"],
            r["state"],
            r["assignee"],
            r["grid"],
            r["late_on"],
            fmt_duration(timedelta(seconds=r["overdue_s"])),
        )
    Console().print(table)


EXPORTED = (
    "event_id",
    "event_type",
    "source",
    "grid",
    "community",
    "scene",
    "device_id",
    "algorithm",
    "severity",
    "title",
)


@app.command("events")
def events(
    since: SinceOpt = None,
    until: UntilOpt = None,
    config: ConfigOpt = SAMPLE_CONFIG,
    data_dir: DataOpt = None,
) -> None:
    """Print the events received in [since, until) as JSON lines: a recorded day to feed
    `gridwatch replay`."""
    zone = ZoneInfo(district_or_exit(config).plans.timezone)
    start, end = period(since, until, zone)
    store = open_store(data_dir)
    q = (
        select(EventRow)
        .where(EventRow.received_at >= start, EventRow.received_at < end)
        .order_by(EventRow.received_at, EventRow.event_id)
    )
    with store.session() as db:
        for row in db.scalars(q):
            record = {k: getattr(row, k) for k in EXPORTED}
            record["occurred_at"] = row.occurred_at.isoformat()
            record["route_id"] = (row.routing or {}).get("route_id")
            typer.echo(json.dumps(record, ensure_ascii=False))
