"""`gridwatch ingest`: what ingest could not use (dead letters; with `--kafka`, what the
scale-out workers refused) and the loopback camera server."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import cv2
import typer
from rich.console import Console
from rich.table import Table

from gridwatch.config.settings import Settings
from gridwatch.ingest.dead_letters import DeadLetters
from gridwatch.ingest.loopback import LoopbackCameras
from gridwatch.resources import resource
from gridwatch.store.hot_state import HotState
from gridwatch.streams.topics import DEAD_LETTERS

app = typer.Typer(help="Ingest: dead letters and a loopback camera server for trials.")


def _hot() -> HotState:
    url = Settings().redis_url
    if url is None:
        raise typer.BadParameter("set GRIDWATCH_REDIS_URL to the Redis ingest writes to")
    return HotState(url)


@app.command("dead-letters")
def dead_letters(
    limit: Annotated[int, typer.Option(help="How many, newest first.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (payloads as text).")] = False,
    kafka: Annotated[
        bool,
        typer.Option(
            "--kafka",
            help="Records the scale-out workers refused: the <prefix>.dead-letters topic "
            "(GRIDWATCH_KAFKA_URL, GRIDWATCH_TOPIC_PREFIX) instead of ingest's Redis stream.",
        ),
    ] = False,
) -> None:
    """Readings and pictures that could not be used, with the reason, and the totals."""
    if kafka:
        _kafka_dead_letters(limit, as_json)
        return
    dl = DeadLetters(_hot())
    rows = dl.latest(limit)
    if as_json:
        for r in rows:
            r["payload"] = r["payload"][:512].decode("utf-8", "replace")
        typer.echo(json.dumps({"counts": dl.counts(), "latest": rows}, ensure_ascii=False))
        return
    table = Table("received", "kind", "source", "device", "reason", "bytes")
    for r in rows:
        table.add_row(
            r["received_at"], r["kind"], r["source"], r["device_id"], r["reason"],
            r["payload_bytes"],
        )  # fmt: skip
    console = Console()
    console.print(table)
    console.print(f"totals: {dl.counts()}")


def _kafka_dead_letters(limit: int, as_json: bool) -> None:
    from gridwatch.streams.dead_letters import latest_dead_letters

    settings = Settings()
    if settings.kafka_url is None:
        raise typer.BadParameter("set GRIDWATCH_KAFKA_URL to the broker the workers use")
    total, refused = latest_dead_letters(settings.kafka_url, settings.topic_prefix, limit)
    rows = [r.row() for r in refused]
    if as_json:
        typer.echo(json.dumps({"counts": {"total": total}, "latest": rows}, ensure_ascii=False))
        return
    fields = ("refused_at", "source_topic", "source_partition", "source_offset", "worker")
    table = Table("refused", "topic", "partition", "offset", "worker", "reason", "bytes")
    for r in rows:
        table.add_row(*(str(r.get(f, "")) for f in fields), r["reason"], str(r["value_bytes"]))
    console = Console()
    console.print(table)
    console.print(f"total on {DEAD_LETTERS.name(settings.topic_prefix)}: {total}")


@app.command("loopback")
def loopback(
    video: Annotated[Path, typer.Option(help="Video whose frames are served.")] = Path(
        resource("media", "vtest.avi")
    ),
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8090,
    fps: Annotated[float, typer.Option(help="MJPEG frames/s.")] = 5.0,
) -> None:
    """Serve MJPEG (/mjpeg/<name>) and snapshots (/snapshot/<name>.jpg) on 127.0.0.1."""
    cap = cv2.VideoCapture(str(video))
    pictures = []
    for i in range(100):
        ok, img = cap.read()
        if not ok:
            break
        if i % 10 == 0:
            pictures.append(cv2.imencode(".jpg", img)[1].tobytes())
    if not pictures:
        raise typer.BadParameter(f"no frames in {video}")
    server = LoopbackCameras(pictures, port=port, default_fps=fps).start()
    typer.echo(f"serving {server.url('mjpeg', 'cam1')} and {server.url('snapshot', 'cam1')}")
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        server.stop()
