"""`gridwatch algo`: the algorithm engineer's kit — list, card, evaluate, scaffold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from gridwatch.algorithms.registry import plugin, plugins
from gridwatch.cli.algo_models import compare_models
from gridwatch.cli.common import err, scales_or_exit
from gridwatch.config.errors import ConfigError

app = typer.Typer(help="Detection algorithms: list them, read their cards, evaluate, scaffold.")
app.command("compare-models")(compare_models)
out = Console()


def _flat(doc: str | None) -> str:
    return " ".join((doc or "").split())


@app.command("list")
def list_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Every registered algorithm (built-in and from `gridwatch.algorithms` entry points)."""
    rows: list[dict[str, Any]] = [
        {
            "id": cls.id,
            "title": cls.title,
            "kind": cls.kind,
            "zones": list(cls.zone_kinds),
            "detects": _flat(cls.__doc__),
        }
        for cls in plugins().values()
    ]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{len(rows)} algorithms")
    for col in ("id", "title", "kind", "zones"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["id"], r["title"], r["kind"], ", ".join(r["zones"]))
    out.print(table)


@app.command("show")
def show(name: str) -> None:
    """The card of one algorithm: what it detects, inputs, parameters, limits, quality."""
    cls = plugin(name)
    out.print(f"[bold]{cls.id}[/bold] — {cls.title} ({cls.kind})")
    out.print((cls.__doc__ or "").strip())
    out.print(f"[bold]inputs[/bold]: {cls.inputs}")
    if cls.zone_kinds:
        out.print(f"[bold]zones[/bold]: {', '.join(cls.zone_kinds)}")
    out.print("[bold]parameters[/bold]:")
    for field, info in cls.Params.model_fields.items():
        out.print(f"  {field} = {info.default!r}: {info.description or ''}")
    out.print(f"[bold]known limits[/bold]: {cls.limits}")
    out.print(f"[bold]measured quality[/bold]: {cls.quality}")


@app.command("eval")
def eval_cmd(
    name: str,
    dataset: Annotated[Path, typer.Option(help="Directory holding labels.yaml.")],
    model: Annotated[
        str, typer.Option(help="Detector model under models/ (nanodet, centernet).")
    ] = "nanodet",
    threads: Annotated[int, typer.Option(help="ONNX Runtime threads.")] = 2,
    scales: Annotated[
        str | None,
        typer.Option(help="Detector scales, e.g. 1,0.5 (default: the district default 1,0.5)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Run NAME with the real detector over a labelled set: precision, recall, F1, false
    alarms per hour and cost per frame (format: datasets/README.md). Run it once per
    `--model` to compare detectors on the same labels. A sensor algorithm replays the set's
    labelled series of readings instead (no detector)."""
    result: dict[str, Any]
    try:
        if plugin(name).kind == "sensor":
            from gridwatch.detect.evaluate_series import evaluate_series

            result, title = evaluate_series(name, dataset).as_dict(), f"{name} on {dataset}"
        else:
            from gridwatch.detect.engine import DEFAULT_SCALES, shared_detector
            from gridwatch.detect.evaluate import evaluate

            detector = shared_detector(model, threads, scales_or_exit(scales) or DEFAULT_SCALES)
            result = evaluate(name, dataset, detector).as_dict()
            title = f"{name} on {dataset} with {model}"
    except ConfigError as e:
        for issue in e.issues:
            err.print(str(issue), markup=False, highlight=False)
        raise typer.Exit(1) from None
    except (KeyError, ValueError, OSError) as e:
        # An unknown algorithm or model, a set of the other kind, an unreadable clip or series.
        err.print(str(e).strip('"'), markup=False, highlight=False)
        raise typer.Exit(2) from None
    if as_json:
        print(json.dumps(result, indent=2))
        return
    table = Table(title=title)
    table.add_column("measure")
    table.add_column("value", justify="right")
    for k, v in result.items():
        table.add_row(k, str(v))
    out.print(table)


@app.command("new")
def new(
    name: str,
    title: Annotated[str, typer.Option(help="Display name (zh-CN).")] = "",
    root: Annotated[
        Path, typer.Option(help="Checkout of gridwatch to write into (default: this directory).")
    ] = Path("."),
) -> None:
    """Scaffold a new algorithm: module (config schema + card) and a unit test. Register it in
    algorithms/registry.py, or from another package under the `gridwatch.algorithms` entry
    point group."""
    from gridwatch.algorithms.scaffold import scaffold

    if not (root / "services/gridwatch/algorithms").is_dir():
        err.print(
            f"[red]{root.resolve()} is not a gridwatch checkout "
            "(no services/gridwatch/algorithms)[/red]"
        )
        raise typer.Exit(2)
    for path in scaffold(name, root, title):
        out.print(f"wrote {path}")


@app.command("compare")
def compare_cmd(
    shadow: Annotated[str, typer.Argument(help="Algorithm deployed with mode: shadow.")],
    live: Annotated[str, typer.Argument(help="The live algorithm it may replace.")],
    since: Annotated[str, typer.Option(help="Start (ISO date/time, UTC unless given).")],
    until: Annotated[str, typer.Option(help="End (ISO date/time), exclusive.")],
    data_dir: Annotated[Path | None, typer.Option(help="Runtime data directory.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Stored findings of a shadow algorithm against the live one over a period: incidents
    both found, and those only one of them found."""
    from datetime import UTC, datetime

    from gridwatch.cli.common import open_store
    from gridwatch.detect.findings_query import findings_of
    from gridwatch.domain.shadow import compare

    def when(text: str) -> datetime:
        at = datetime.fromisoformat(text)
        return at if at.tzinfo else at.replace(tzinfo=UTC)

    store = open_store(data_dir)
    start, end = when(since), when(until)
    result = compare(findings_of(store, shadow, start, end), findings_of(store, live, start, end))
    summary = {
        "shadow": shadow,
        "live": live,
        "both": len(result.both),
        "shadow_only": len(result.shadow_only),
        "live_only": len(result.live_only),
        "agreement": round(result.agreement, 3),
    }
    if as_json:
        print(json.dumps(summary, indent=2))
        return
    for k, v in summary.items():
        out.print(f"{k}: {v}")
    for f in result.shadow_only:
        out.print(f"  only {shadow}: {f.device_id} {f.zone_id or ''} {f.observed_at:%F %T}")
    for f in result.live_only:
        out.print(f"  only {live}: {f.device_id} {f.zone_id or ''} {f.observed_at:%F %T}")
