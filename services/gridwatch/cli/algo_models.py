"""`gridwatch algo compare-models`: every shipped detector model on every vision rule's labelled
set, in one run and one table, so models are compared on the same frames under the same load."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from gridwatch.cli.common import err, scales_or_exit

out = Console()

# `evaluate(...).as_dict()` keys read for the table; a rate may come as a number, as None
# ("not measured") or as a mapping holding the value with its interval.
PRECISION, RECALL, MS = "precision", "recall", "detect_ms_per_frame"
FALSE_ALARMS = ("false_alarms_per_camera_hour", "false_alarms_per_hour")


def _pick(result: dict[str, Any], *keys: str) -> Any:
    return next((result[k] for k in keys if k in result), None)


def _shown(value: Any) -> str:
    if value is None:
        return "not measured"
    if isinstance(value, dict):
        inner = _pick(value, "value", "estimate", "point")
        low, high = _pick(value, "low", "lower"), _pick(value, "high", "upper")
        if inner is None:
            return "not measured"
        return f"{inner} [{low}, {high}]" if low is not None else str(inner)
    return str(value)


def _load() -> dict[str, float]:
    one, five, fifteen = os.getloadavg()
    return {"1m": round(one, 2), "5m": round(five, 2), "15m": round(fifteen, 2)}


def _names(text: str | None, known: list[str], what: str) -> list[str]:
    if text is None:
        return known
    wanted = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in wanted if n not in known]
    if unknown:
        err.print(f"[red]unknown {what}: {', '.join(unknown)} (known: {', '.join(known)})[/red]")
        raise typer.Exit(2)
    return wanted


def compare_models(
    models: Annotated[
        str | None,
        typer.Option(help="Comma-separated models under models/ (default: every one with a card)."),
    ] = None,
    rules: Annotated[
        str | None,
        typer.Option(help="Comma-separated vision rules (default: every one with a set)."),
    ] = None,
    datasets: Annotated[
        Path, typer.Option(help="Folder holding one labelled set per rule, named after it.")
    ] = Path("datasets"),
    split: Annotated[
        str, typer.Option(help="dev (tuned on), test (held out) or all clips of each set.")
    ] = "test",
    origin: Annotated[
        str, typer.Option(help="real, composited (the corpus; needs `make corpus`) or all.")
    ] = "all",
    cache: Annotated[
        bool, typer.Option(help="Keep and reuse each clip's detections (build/eval-cache/).")
    ] = True,
    threads: Annotated[int, typer.Option(help="ONNX Runtime threads per model.")] = 2,
    scales: Annotated[
        str | None, typer.Option(help="Detector scales, e.g. 1,0.5 (default: 1,0.5).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Each shipped detector model on each vision rule's set (DATASETS/RULE/labels.yaml):
    precision, recall, false alarms per camera-hour and detector ms per frame, one row per
    model and rule, with the machine's load before and after. Timings from one run compare;
    timings from different runs or machines do not."""
    from rich.progress import Progress

    from gridwatch.algorithms.registry import plugins
    from gridwatch.cli.algo_eval import default_cache_dir
    from gridwatch.config.errors import ConfigError
    from gridwatch.detect.engine import DEFAULT_SCALES, DetectorSettings, load_detector
    from gridwatch.detect.evaluate import evaluate
    from gridwatch.detect.model_cards import model_names, model_path

    if split not in ("dev", "test", "all") or origin not in ("real", "composited", "all"):
        err.print("[red]--split: dev, test or all; --origin: real, composited or all[/red]")
        raise typer.Exit(2)
    cache_dir = default_cache_dir() if cache else None
    vision = [i for i, cls in plugins().items() if cls.kind == "vision"]
    chosen_rules = _names(rules, vision, "rules")
    chosen_rules = [r for r in chosen_rules if (datasets / r / "labels.yaml").exists()]
    chosen_models = _names(models, model_names(), "models")
    if not chosen_rules or not chosen_models:
        err.print(f"[red]nothing to compare: no labelled set under {datasets} or no model[/red]")
        raise typer.Exit(2)
    settings = DetectorSettings(
        intra_threads=threads, scales=scales_or_exit(scales) or DEFAULT_SCALES
    )
    rows: list[dict[str, Any]] = []
    load_before = _load()
    with Progress(console=err, transient=True) as progress:
        task = progress.add_task("evaluating", total=len(chosen_models) * len(chosen_rules))
        for model in chosen_models:
            detector = load_detector(model_path(model), settings)
            for rule in chosen_rules:
                progress.update(task, description=f"{model} × {rule}")
                try:
                    result = evaluate(
                        rule,
                        datasets / rule,
                        detector,
                        split=split,  # type: ignore[arg-type]
                        origin=origin,  # type: ignore[arg-type]
                        cache_dir=cache_dir,
                    ).as_dict()
                except (ConfigError, ValueError, OSError) as e:
                    err.print(f"{model} × {rule}: {e}", markup=False, highlight=False)
                    raise typer.Exit(1) from None
                rows.append({**result, "model": model, "version": detector.version, "rule": rule})
                progress.advance(task)
    load_after = _load()
    report: dict[str, Any] = {
        "cpu_count": os.cpu_count(),
        "load_before": load_before,
        "load_after": load_after,
        "threads": threads,
        "detector_scales": list(settings.scales),
        "split": split,
        "origin": origin,
        "results": rows,
    }
    if as_json:
        print(json.dumps(report, indent=2, default=str))
        return
    table = Table(
        title=f"{len(chosen_models)} models × {len(chosen_rules)} rules on {datasets} "
        f"({report['cpu_count']} cores, load {load_before['1m']} → {load_after['1m']})"
    )
    for col in ("rule", "model", "precision", "recall", "false alarms / camera-h", "ms / frame"):
        table.add_column(col, justify="left" if col in ("rule", "model") else "right")
    for r in sorted(rows, key=lambda r: (r["rule"], r["model"])):
        table.add_row(
            r["rule"],
            r["model"],
            _shown(r.get(PRECISION)),
            _shown(r.get(RECALL)),
            _shown(_pick(r, *FALSE_ALARMS)),
            _shown(r.get(MS)),
        )
    out.print(table)
