from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer

from gridwatch.cli.common import SAMPLE_CONFIG, district_or_exit
from gridwatch.config.settings import Settings
from gridwatch.streams.app import WorkerOptions, WorkerRole


def worker(
    role: Annotated[
        str, typer.Option(help="ingest | detect | dispatch | all (every stage in one process).")
    ] = "all",
    config: Annotated[Path, typer.Option(help="District config directory.")] = SAMPLE_CONFIG,
    metrics_port: Annotated[
        int | None, typer.Option(help="Serve Prometheus metrics on this port.")
    ] = None,
    max_frame_age: Annotated[
        float, typer.Option(help="Detect: skip frames older than this many seconds (counted).")
    ] = 10.0,
    flat_out: Annotated[
        bool,
        typer.Option(help="Ingest: play video files as fast as they decode, then exit."),
    ] = False,
) -> None:
    """Run a scale-out worker: the pipeline's stages as Faust agents on a Kafka broker.

    The broker, Redis and the SQL database come from GRIDWATCH_KAFKA_URL, GRIDWATCH_REDIS_URL and
    GRIDWATCH_DB_URL; GRIDWATCH_TOPIC_PREFIX names the deployment's topics and consumer groups.
    Start as many workers of a role as there are partitions to share; a worker that dies hands
    its partitions to the others within seconds, and nothing it had not finished is lost.
    """
    if role not in ("ingest", "detect", "dispatch", "all"):
        raise typer.BadParameter(f"unknown role {role!r}", param_hint="--role")
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    district_or_exit(config)  # every config problem, before anything connects
    from gridwatch.streams.worker import run_worker

    options = WorkerOptions(max_frame_age=timedelta(seconds=max_frame_age))
    chosen: WorkerRole = role  # type: ignore[assignment]
    try:
        run_worker(
            Settings(),
            config,
            chosen,
            options=options,
            metrics_port=metrics_port,
            flat_out=flat_out,
        )
    except ValueError as e:
        typer.echo(f"gridwatch worker: {e}", err=True)
        raise typer.Exit(2) from None
