"""`gridwatch algo`: the algorithm engineer's kit — list, card, evaluate, scaffold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer
from rich.console import Console
from rich.table import Table

from gridwatch.algorithms.registry import plugin, plugins
from gridwatch.cli.algo_models import compare_models
from gridwatch.cli.common import SAMPLE_CONFIG, err, scales_or_exit
from gridwatch.config.errors import ConfigError

if TYPE_CHECKING:
    from gridwatch.detect.engine import Detector
    from gridwatch.detect.evaluate import OriginFilter

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
    out.print(f"[bold]notes on its sets[/bold]: {cls.quality}")
    _print_measured(name)


def _print_measured(name: str) -> None:
    """The card's figures: the recorded test-split row, with its targets (vision rules)."""
    from gridwatch.cli.algo_eval import proportion, rate
    from gridwatch.detect.quality_record import load_record
    from gridwatch.domain.quality_targets import verdicts

    record = load_record()
    row = (record or {}).get("rules", {}).get(name)
    if record is None or row is None:
        out.print("[bold]measured quality[/bold]: not measured (no recorded test-split run)")
        return
    out.print(
        f"[bold]measured quality[/bold] (test split, recorded {record['recorded_at']} at "
        f"{record.get('commit') or '?'}, {row.get('model') or 'no model'}, load "
        f"{row.get('load')} on {record.get('cpu_count')} CPUs; "
        "`gridwatch algo eval --all --split test --record`):"
    )
    share = row.get("composited_share")
    out.print(
        f"  {row['positives']} positives in {row['clips']} clips of {row['scenes']} scenes, "
        f"{row['camera_hours']:.2f} {row.get('hours_of', 'camera')}-hours; "
        f"tp {row['tp']}, fp {row['fp']}, fn {row['fn']}; composited share of positives "
        f"{'—' if share is None else f'{share:.0%}'}"
    )
    out.print(
        f"  precision {proportion(row['precision'], row['precision_ci'])}, recall "
        f"{proportion(row['recall'], row['recall_ci'])}, false alarms per "
        f"{row.get('hours_of', 'camera')}-hour "
        f"{rate(row['false_alarms_per_camera_hour'], row['false_alarms_ci'])}"
    )
    if plugin(name).kind == "vision":
        for v in verdicts(row):
            mark = "not measured" if v.met is None else ("met" if v.met else "MISSED")
            out.print(f"  target {v.target}: {v.figure} — {mark}")


@app.command("eval")
def eval_cmd(
    name: Annotated[
        str | None, typer.Argument(help="Algorithm to evaluate (or --all for every one).")
    ] = None,
    every: Annotated[
        bool, typer.Option("--all", help="Every registered algorithm on datasets/<name>.")
    ] = False,
    dataset: Annotated[
        Path | None,
        typer.Option(help="Set directory (labels.yaml, clips-*.yaml); default datasets/NAME."),
    ] = None,
    datasets: Annotated[
        Path | None,
        typer.Option(
            help="With --all: the folder holding one set per algorithm (default: the "
            "checkout's datasets/)."
        ),
    ] = None,
    split: Annotated[
        str, typer.Option(help="dev (tuned on), test (held out) or all clips of the set.")
    ] = "all",
    transform: Annotated[
        list[str] | None,
        typer.Option(
            "--transform",
            help="Apply to every clip's frames and labels (repeatable): mirror, dusk, "
            "rain:SEED, jpeg:Q, scale:F.",
        ),
    ] = None,
    transforms: Annotated[
        str | None,
        typer.Option(
            "--transforms",
            help="Robustness: also run the split with each of these (comma-separated, e.g. "
            "mirror,dusk,jpeg:15,scale:0.5) and print recall per transform and its drop.",
        ),
    ] = None,
    model: Annotated[
        str, typer.Option(help="Detector model under models/ (nanodet, centernet).")
    ] = "nanodet",
    threads: Annotated[int, typer.Option(help="ONNX Runtime threads.")] = 2,
    scales: Annotated[
        str | None,
        typer.Option(help="Detector scales, e.g. 1,0.5 (default: the district default 1,0.5)."),
    ] = None,
    origin: Annotated[
        str,
        typer.Option(
            help="real (footage as filmed, no corpus build needed), composited (the corpus) "
            "or all clips."
        ),
    ] = "all",
    copies: Annotated[
        bool,
        typer.Option(
            "--copies",
            help="Also score the clips that are transformed copies of other clips (each "
            "incident then counts once per copy: for tuning, not for reporting).",
        ),
    ] = False,
    cache: Annotated[
        bool,
        typer.Option(
            help="Keep each clip's detections in build/eval-cache/ and reuse them: one model "
            "pass serves every rule and later runs (the key covers clip, transforms, model, "
            "settings and code)."
        ),
    ] = True,
    record: Annotated[
        bool,
        typer.Option(
            "--record",
            help="With --all --split test: store the rows as the cards' measured quality "
            "(services/gridwatch/algorithms/measured_quality.json).",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Run NAME with the real detector over its labelled set (format: datasets/README.md):
    positives, tp, fp, fn, precision and recall with Wilson 95 % intervals, false alarms per
    camera-hour with an exact Poisson interval and the hours measured, and cost per frame. A
    figure with nothing behind it (no positive, no finding) reads "not measured". A sensor
    algorithm replays the set's labelled series of readings instead (no detector; hours are
    series-hours). Run it once per `--model` to compare detectors on the same labels."""
    from gridwatch.cli.algo_eval import (
        EvalRequest,
        datasets_root,
        default_cache_dir,
        print_table,
        run_many,
        run_one,
    )
    from gridwatch.detect.labelled_set import SPLITS
    from gridwatch.domain.clip_transforms import parse_transform

    if every == (name is not None) or (every and dataset) or (datasets and not every):
        err.print("[red]give an algorithm NAME (and --dataset) or --all (and --datasets)[/red]")
        raise typer.Exit(2)
    if split not in SPLITS:
        err.print(f"[red]--split {split!r}: use dev, test or all[/red]")
        raise typer.Exit(2)
    if origin not in ("real", "composited", "all"):
        err.print(f"[red]--origin {origin!r}: use real, composited or all[/red]")
        raise typer.Exit(2)
    held_out = tuple(t.strip() for t in (transforms or "").split(",") if t.strip())
    try:
        for spec in (*(transform or []), *held_out):
            parse_transform(spec)
    except ValueError as e:
        err.print(str(e), markup=False, highlight=False)
        raise typer.Exit(2) from None
    req = EvalRequest(
        split=split,
        transforms=tuple(transform or ()),
        held_out=held_out,
        detector=lambda: _detector(model, threads, scales),
        cache_dir=default_cache_dir() if cache else None,
        origin=cast("OriginFilter", origin),
        copies=copies,
    )
    if record and not (
        every
        and split == "test"
        and origin == "all"
        and not (transform or copies)
        and datasets is None
    ):
        err.print("[red]--record takes --all --split test over the checkout's datasets/[/red]")
        raise typer.Exit(2)
    if every:
        failed: list[str] = []

        def report(algo: str, message: str) -> None:
            failed.append(algo)
            err.print(f"{algo}: {message}", markup=False, highlight=False)

        rows = run_many(sorted(plugins()), req, report, datasets)
        if record and not failed:
            from gridwatch.detect.quality_record import write_record

            path = write_record(rows, held_out, datasets_root())
            err.print(f"recorded in {path}")
        if as_json:
            print(json.dumps(rows, indent=2, ensure_ascii=False))
        else:
            print_table(rows, out)
        if failed:
            raise typer.Exit(1)
        return
    assert name is not None
    try:
        row = run_one(name, req, dataset or datasets_root() / name)
    except ConfigError as e:
        for issue in e.issues:
            err.print(str(issue), markup=False, highlight=False)
        raise typer.Exit(1) from None
    except (KeyError, ValueError, OSError) as e:
        # An unknown algorithm or model, a set of the other kind, an unreadable clip or series.
        err.print(str(e).strip('"'), markup=False, highlight=False)
        raise typer.Exit(2) from None
    if as_json:
        print(json.dumps(row, indent=2, ensure_ascii=False))
        return
    print_table([row], out)


def _detector(model: str, threads: int, scales: str | None) -> Detector:
    from gridwatch.detect.engine import DEFAULT_SCALES, shared_detector

    return shared_detector(model, threads, scales_or_exit(scales) or DEFAULT_SCALES)


@app.command("harvest")
def harvest_cmd(
    to: Annotated[Path, typer.Option(help="Dataset root: one set directory per algorithm.")],
    since: Annotated[
        str | None,
        typer.Option(
            help="Cases reported from (ISO date or time, local if no zone); default: "
            "a day before until."
        ),
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Reported before (exclusive); default: now.")
    ] = None,
    algorithm: Annotated[str | None, typer.Option(help="Only this algorithm's cases.")] = None,
    split: Annotated[str, typer.Option(help="Split of the harvested clips: dev or test.")] = "dev",
    config: Annotated[
        Path, typer.Option("--config", help="District config (cameras' zones, time zone).")
    ] = SAMPLE_CONFIG,
    data_dir: Annotated[
        Path | None, typer.Option(help="Runtime data directory (store, evidence pictures).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Export every AI case a verifier confirmed or rejected as a false alarm, reported in
    [since, until), as labelled clips (format: datasets/README.md) under TO/<algorithm>/: the
    frame the finding came from, its zone, and its box as an incident when confirmed (a false
    alarm leaves the zone a negative). A new set gets a labels.yaml with the district's
    parameters; an existing one a clips-harvested.yaml. Cases are those of the false-alarm KPI
    (`gridwatch report kpis`), so the two count alike."""
    from zoneinfo import ZoneInfo

    from gridwatch.cli.common import district_or_exit, open_store, period
    from gridwatch.config.settings import Settings
    from gridwatch.detect.harvest import harvest
    from gridwatch.store.evidence import EvidenceStore

    if split not in ("dev", "test"):
        err.print(f"[red]--split {split!r}: use dev or test[/red]")
        raise typer.Exit(2)
    district = district_or_exit(config)
    start, end = period(since, until, ZoneInfo(district.plans.timezone))
    store = open_store(data_dir)
    evidence = EvidenceStore((data_dir or Settings().data_dir) / "evidence")
    report = harvest(store, evidence, district, start, end, to, algorithm=algorithm, split=split)
    if as_json:
        print(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
        return
    out.print(
        f"{sum(report.written.values())} clips written ({report.positives} confirmed, "
        f"{report.negatives} false alarms), {report.already_there} already there"
    )
    for path in report.files:
        out.print(f"  {path}")
    for reason, n in report.skipped.items():
        out.print(f"  skipped {n}: {reason}")


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
