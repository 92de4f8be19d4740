"""`gridwatch bench`: performance measured side by side against a baseline, in one run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from gridwatch.cli.common import SAMPLE_CONFIG, district_or_exit, scales_or_exit

app = typer.Typer(help="Benchmarks: ours against a baseline and the limit, on the same input.")
out = Console()


@app.command("detect")
def detect(
    devices: Annotated[int, typer.Option(help="AI cameras of the district to feed.")] = 49,
    config: Annotated[Path, typer.Option(help="District config directory.")] = SAMPLE_CONFIG,
    phase_s: Annotated[float, typer.Option(help="Seconds per throughput phase.")] = 8.0,
    live_s: Annotated[int, typer.Option(help="Seconds of the paced 1 frame/s run.")] = 20,
    workers: Annotated[int, typer.Option(help="Detect worker threads.")] = 2,
    model: Annotated[
        str | None, typer.Option(help="Detector model (default: the district's detector).")
    ] = None,
    scales: Annotated[
        str | None,
        typer.Option(help="Detector scales, e.g. 1,0.5 (default: the district's detector_scales)."),
    ] = None,
    close_look_s: Annotated[
        float | None,
        typer.Option(
            min=0, help="Seconds between close looks per camera (default: the district's)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Bare ONNX Runtime vs a naive per-camera loop vs the gridwatch detect pipeline, on the
    district's cameras (video cameras play vtest.avi, still cameras a noisy static scene).
    About a minute: three throughput phases and a paced real-time run."""
    from gridwatch.detect import bench

    district = district_or_exit(config)
    chosen = scales_or_exit(scales)
    progress = (lambda _: None) if as_json else (lambda s: out.print(f"[dim]… {s}[/dim]"))
    report = bench.run(
        district,
        config,
        devices,
        phase_s=phase_s,
        live_s=live_s,
        workers=workers,
        model=model,
        scales=chosen,
        close_look_s=close_look_s,
        progress=progress,
    )
    summary = report.summary()
    if as_json:
        print(json.dumps(summary, indent=2))
        return
    title = (
        f"detection, {devices} cameras, {report.model} at scales {report.scales}, "
        f"close look every {report.close_look_s:g} s"
    )
    table = Table(title=f"{title} — {report.machine}")
    for col in ("run", "frames/s", "inferences/s", "gated", "p50 ms", "p95 ms", "CPU %"):
        table.add_column(col, justify="right" if col != "run" else "left")
    for r in report.results.values():
        p50, p95 = r.percentile(50), r.percentile(95)
        table.add_row(
            r.name,
            f"{r.frames_per_s:.1f}",
            f"{r.inferences_per_s:.1f}",
            f"{r.gated / max(1, r.frames):.0%}" if r.gated else "-",
            f"{p50:.0f}" if p50 is not None else "-",
            f"{p95:.0f}" if p95 is not None else "-",
            f"{r.cpu_percent:.0f}",
        )
    out.print(table)
    for key in ("ratio_vs_bare", "ratio_vs_naive", "realtime_49_at_1fps", "p95_latency_ms"):
        out.print(f"{key}: {summary[key]}")
