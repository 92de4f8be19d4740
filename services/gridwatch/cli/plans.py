"""`gridwatch plans`: ask the dispatch plans who would get an event, and how well they cover
the district."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from gridwatch.cli.common import SAMPLE_CONFIG, district_or_exit, err, fmt_duration
from gridwatch.config.schema import District
from gridwatch.dispatch.notifications import Directory
from gridwatch.dispatch.plan_questions import EventQuery, coverage_report, labels_of
from gridwatch.domain.plans import Router

app = typer.Typer(help="Dispatch plans (分拨预案): routing questions and coverage.")

ConfigOpt = Annotated[Path, typer.Option("--config", help="District config directory.")]


def _read_event(path: str) -> EventQuery:
    text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    try:
        return EventQuery.model_validate_json(text)
    except ValidationError as e:
        for x in e.errors(include_url=False):
            where = ".".join(str(p) for p in x["loc"]) or "(event)"
            err.print(f"{path}:1: {where}: {x['msg']}", markup=False, highlight=False)
        raise typer.Exit(1) from None


def explain(d: District, labels: dict[str, str], at: datetime | None) -> dict[str, Any]:
    router = Router(d.plans, d.grid_leader_of)
    decision = router.route(labels, at)
    a = decision.primary
    names = Directory(d)
    policy = next((p for p in d.plans.escalation_policies if p.id == a.escalation), None)
    out: dict[str, Any] = {
        "event": labels | ({"at": at.isoformat()} if at else {}),
        "time_intervals_active": sorted(router.active_at(at)) if at else None,
        "matched": {
            "route_id": a.route_id,
            "route_name": a.route_name,
            "path": list(a.path),
            "fallback": a.fallback,
        },
        "assignee": a.assignee,
        "assignee_name": names.unit(a.assignee).name,
        "manual_dispatch": a.fallback,
        "verifier": a.verifier,
        "verifier_name": names.unit(a.verifier).name,
        "deadlines": {
            "accept_within": fmt_duration(a.accept_within),
            "handle_within": fmt_duration(a.handle_within),
            "verify_within": fmt_duration(a.verify_within),
            **({k: v.isoformat() if v else None for k, v in a.deadlines(at).items()} if at else {}),
        },
        "grouping": {
            "group_by": list(a.grouping.by),
            "group_wait": fmt_duration(a.grouping.wait),
            "group_interval": fmt_duration(a.grouping.interval),
            "repeat_interval": fmt_duration(a.grouping.repeat),
        },
        "escalation": policy.model_dump(mode="json") if policy else None,
        "also": [
            {"route_id": x.route_id, "assignee": x.assignee} for x in decision.assignments[1:]
        ],
        "considered": [
            {"route": c.route_id, "path": list(c.path), "matched": c.matched, "reason": c.reason}
            for c in decision.considered
        ],
    }
    return out


@app.command("route")
def route(
    event: Annotated[
        str, typer.Option("--event", help="Event JSON file, or - for stdin.", show_default=False)
    ],
    config: ConfigOpt = SAMPLE_CONFIG,
) -> None:
    """Who would get this event? Prints JSON: the matched route and its path, the assignee and
    verifier, deadlines, grouping, the escalation policy, and every route considered with why
    it did or did not match.

    The event needs `event_type` and a `grid` or `device`; `scene`, `severity`, `source` and
    `community` default to what the config says, `at` (ISO time) switches time windows on.
    Example: echo '{"event_type":"street_vending","grid":"g015","at":"2026-03-02T07:00+08:00"}'
    | gridwatch plans route --event -
    """
    d = district_or_exit(config)
    q = _read_event(event)
    try:
        labels = labels_of(q, d)
    except ValueError as e:
        err.print(f"{event}:1: {e}", markup=False, highlight=False)
        raise typer.Exit(1) from None
    typer.echo(json.dumps(explain(d, labels, q.at), ensure_ascii=False, indent=2))


@app.command("coverage")
def coverage(
    config: ConfigOpt = SAMPLE_CONFIG,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Effective intelligent dispatch-plan coverage (有效智能分拨预案覆盖率).

    The share of (event type x grid) pairs whose events a plan routes to a real unit, rather
    than the catch-all route leaving them to manual dispatch. Event types are the algorithms'
    and the plans' reported types; a pair is covered only if every source, scene and time
    window is. Every gap is listed with the reason.
    """
    d = district_or_exit(config)
    report = coverage_report(d)
    c = report.plans
    gaps = [
        {
            "event_type": g.event_type,
            "grid": g.grid,
            "community": g.community,
            "route": g.route_id,
            "assignee": g.assignee,
            "reason": g.reason,
        }
        for g in c.gaps
    ]
    duty_gaps = [
        {"event_type": g.event_type, "name": g.name, "reason": g.reason} for g in report.duty_gaps
    ]
    if as_json:
        out = {
            "coverage": round(c.ratio, 6),
            "pairs": c.pairs,
            "covered": c.covered,
            "event_types": report.event_types,
            "grids": report.grids,
            "gaps": gaps,
            "duty_gaps": duty_gaps,
        }
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    console = Console()
    console.print(
        f"dispatch-plan coverage of {d.organisation.district}: [bold]{c.ratio:.2%}[/bold] "
        f"({c.covered} of {c.pairs} event type x grid pairs)"
    )
    if gaps:
        table = Table(title=f"{len(gaps)} gap(s)")
        for col in ("event type", "grid", "community", "falls to", "why"):
            table.add_column(col)
        for g in gaps:
            table.add_row(g["event_type"], g["grid"], g["community"], g["route"], g["reason"])
        console.print(table)
    for dg in duty_gaps:
        console.print(f"no legal duty: {dg['event_type']} ({dg['name']}): {dg['reason']}")
    if not duty_gaps and d.enforcement.responsibility is not None:
        console.print("every event type is linked to a duty item (权责清单)")
