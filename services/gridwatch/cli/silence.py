"""`gridwatch silence`: mute matching events for a while (a camera under maintenance)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.table import Table

from gridwatch.cli.common import SAMPLE_CONFIG, district_or_exit, err, open_store, parse_time
from gridwatch.config.schema import parse_duration
from gridwatch.domain.muting import SilenceError, new_silence
from gridwatch.runtime.clock import utc_now
from gridwatch.store.repository import NotFound
from gridwatch.store.silences import Silences

app = typer.Typer(help="Silences: muted events are recorded as suppressed, never dispatched.")
DataOpt = Annotated[Path | None, typer.Option(help="Data directory of the SQLite store.")]


@app.command("add")
def add(
    matcher: Annotated[
        list[str], typer.Option("--matcher", "-m", help='e.g. device="cam-0042"; repeatable.')
    ],
    author: Annotated[str, typer.Option(help="Who sets it.")],
    comment: Annotated[str, typer.Option(help="Why.")],
    duration: Annotated[str, typer.Option(help="How long, e.g. 2h.")] = "2h",
    starts: Annotated[str | None, typer.Option(help="Start (default now), local time.")] = None,
    config: Annotated[Path, typer.Option("--config", help="District (its time zone).")] = (
        SAMPLE_CONFIG
    ),
    data_dir: DataOpt = None,
) -> None:
    """Set a silence. Events matching all matchers are muted while it is in force."""
    zone = ZoneInfo(district_or_exit(config).plans.timezone)
    now = utc_now()
    start = parse_time(starts, zone) if starts else now
    try:
        s = new_silence(matcher, start, start + parse_duration(duration), author, comment, now)
    except (SilenceError, ValueError) as e:
        err.print(str(e), style="red", markup=False, highlight=False)
        raise typer.Exit(1) from None
    Silences(open_store(data_dir)).add(s)
    typer.echo(json.dumps({"silence_id": s.silence_id, "ends_at": s.ends_at.isoformat()}))


@app.command("list")
def list_(
    expired: Annotated[bool, typer.Option(help="Include expired silences.")] = False,
    data_dir: DataOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Silences in force (or all)."""
    silences = Silences(open_store(data_dir)).all(include_expired=expired, now=utc_now())
    if as_json:
        typer.echo(json.dumps([s.__dict__ for s in silences], default=str, ensure_ascii=False))
        return
    table = Table(title=f"{len(silences)} silence(s)")
    for col in ("id", "matchers", "from", "until", "author", "comment"):
        table.add_column(col)
    for s in silences:
        table.add_row(
            s.silence_id,
            ", ".join(s.matchers),
            f"{s.starts_at:%m-%d %H:%M}",
            f"{s.ends_at:%m-%d %H:%M}",
            s.author,
            s.comment,
        )
    Console().print(table)


@app.command("expire")
def expire(
    silence_id: Annotated[str, typer.Argument(help="Silence id.")],
    data_dir: DataOpt = None,
) -> None:
    """End a silence now."""
    try:
        s = Silences(open_store(data_dir)).expire(silence_id, utc_now())
    except NotFound:
        err.print(f"[red]no silence {silence_id}[/red]")
        raise typer.Exit(1) from None
    typer.echo(json.dumps({"silence_id": s.silence_id, "ends_at": s.ends_at.isoformat()}))
