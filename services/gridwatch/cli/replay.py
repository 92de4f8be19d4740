"""`gridwatch replay`: run a recorded day of events through edited plans."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import AwareDatetime, BaseModel, ConfigDict, ValidationError
from rich.console import Console
from rich.table import Table

from gridwatch.cli.common import SAMPLE_CONFIG, district_or_exit, err
from gridwatch.config.schema import District
from gridwatch.domain.coverage import district_coverage
from gridwatch.domain.events import Event, Severity, Source
from gridwatch.domain.plans import Router
from gridwatch.domain.replay import RecordedEvent, ReplayReport, replay


class EventLine(BaseModel):
    """One line of the events file (`gridwatch report events` writes them)."""

    model_config = ConfigDict(extra="ignore")

    event_id: str
    event_type: str
    source: Source
    occurred_at: AwareDatetime
    grid: str
    community: str
    severity: Severity
    title: str = ""
    scene: str | None = None
    device_id: str | None = None
    algorithm: str | None = None


def read_events(path: Path) -> list[RecordedEvent]:
    out, problems = [], []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            e = EventLine.model_validate_json(line)
        except ValidationError as x:
            for e_ in x.errors(include_url=False):
                where = ".".join(str(i) for i in e_["loc"]) or "(line)"
                problems.append(f"{path}:{n}: {where}: {e_['msg']}")
            continue
        labels = Event(**e.model_dump()).labels()  # exactly what the dispatch stage matches on
        out.append(RecordedEvent(e.event_id, e.occurred_at, labels))
    if problems:
        for problem in problems:
            err.print(problem, markup=False, highlight=False)
        raise typer.Exit(1)
    return out


def _report(r: ReplayReport, before: District, after: District, limit: int) -> dict[str, Any]:
    cov_before, cov_after = district_coverage(before), district_coverage(after)
    units = sorted(set(r.load_before) | set(r.load_after))
    return {
        "events": r.events,
        "changed": len(r.changes),
        "manual_queue": {"before": r.manual_before, "after": r.manual_after},
        "coverage": {
            "before": round(cov_before.ratio, 6),
            "after": round(cov_after.ratio, 6),
            "gaps_before": len(cov_before.gaps),
            "gaps_after": len(cov_after.gaps),
        },
        "load": [
            {
                "unit": u,
                "cases_before": r.load_before[u].cases if u in r.load_before else 0,
                "cases_after": r.load_after[u].cases if u in r.load_after else 0,
                "handle_hours_before": r.load_before[u].handle_hours if u in r.load_before else 0,
                "handle_hours_after": r.load_after[u].handle_hours if u in r.load_after else 0,
            }
            for u in units
        ],
        "routes": {"before": dict(r.routes_before), "after": dict(r.routes_after)},
        "changes": [c.__dict__ for c in r.changes[:limit]],
    }


def replay_cmd(
    events: Annotated[Path, typer.Argument(help="Events as JSON lines (gridwatch report events).")],
    plans: Annotated[Path, typer.Option("--plans", help="District directory with edited plans.")],
    config: Annotated[
        Path, typer.Option("--config", help="District directory with the plans in force.")
    ] = SAMPLE_CONFIG,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    limit: Annotated[int, typer.Option(help="Changed events to list.")] = 200,
) -> None:
    """What-if: replay recorded events through edited plans and compare.

    Routes every event by the plans in force (--config) and by the edited ones (--plans) and
    shows how assignments, coverage and the expected load per squad would change. Each event
    is routed at its own time, so time windows apply as they would have.
    """
    before, after = district_or_exit(config), district_or_exit(plans)
    recorded = read_events(events)
    r = replay(
        recorded,
        Router(before.plans, before.grid_leader_of).route,
        Router(after.plans, after.grid_leader_of).route,
    )
    out = _report(r, before, after, limit)
    if as_json:
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    console = Console()
    console.print(
        f"{out['events']} events: {out['changed']} would be routed differently; manual queue "
        f"{r.manual_before} -> {r.manual_after}; coverage {out['coverage']['before']:.2%} -> "
        f"{out['coverage']['after']:.2%}"
    )
    table = Table(title="expected load per unit")
    for col in ("unit", "cases before", "cases after", "change", "handle h after"):
        table.add_column(col, justify="right" if col != "unit" else "left")
    for row in out["load"]:
        delta = row["cases_after"] - row["cases_before"]
        table.add_row(
            row["unit"],
            str(row["cases_before"]),
            str(row["cases_after"]),
            f"{delta:+d}" if delta else "0",
            f"{row['handle_hours_after']:.1f}",
        )
    console.print(table)
    for c in r.changes[:20]:
        console.print(
            f"  {c.event_id} {c.event_type} @ {c.grid}: {c.before_route} ({c.before_assignee}) "
            f"-> {c.after_route} ({c.after_assignee})"
        )
