"""`gridwatch intake`: citizens' requests (民呼我为) from a platform export, and grid leaders'
clues from the command line. Both enter the chain like AI events."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from gridwatch.cli.common import SAMPLE_CONFIG, actor_or_exit, district_or_exit, err, open_store
from gridwatch.config.settings import Settings
from gridwatch.dispatch.intake import ClueIn, Intake, IntakeError, IntakeFileError, store_photo
from gridwatch.dispatch.stage import DispatchStage
from gridwatch.runtime.clock import utc_now
from gridwatch.store.evidence import EvidenceStore

app = typer.Typer(help="Human intake: citizens' requests and grid leaders' clues.")

ConfigOpt = Annotated[Path, typer.Option("--config", help="District config directory.")]
DataOpt = Annotated[
    Path | None, typer.Option(help="Data directory (SQLite store, evidence pictures).")
]


def _intake(config: Path, data_dir: Path | None) -> Intake:
    district = district_or_exit(config)
    return Intake(district, DispatchStage(district, open_store(data_dir), None, utc_now))


@app.command("citizens")
def citizens(
    file: Annotated[Path, typer.Argument(help="CSV with a header row, JSON list or JSON lines.")],
    config: ConfigOpt = SAMPLE_CONFIG,
    data_dir: DataOpt = None,
    check: Annotated[bool, typer.Option(help="Only validate; import nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Import citizens' requests. Fields: request_id, event_type, grid, description,
    occurred_at (local time if no zone), optional address and scene.

    The file is checked whole first: any bad row rejects it with `file:line: field: message`
    and nothing is imported. Importing a file again opens nothing twice.
    """
    intake = _intake(config, data_dir)
    try:
        requests = intake.check_file(file)
    except IntakeFileError as e:
        for issue in e.issues:
            err.print(str(issue), markup=False, highlight=False)
        err.print(f"[red]{len(e.issues)} problem(s); nothing imported[/red]")
        raise typer.Exit(1) from None
    if check:
        typer.echo(f"{len(requests)} request(s) valid")
        return
    states: Counter[str] = Counter()
    before = intake.stage.counts["duplicates"]
    for req in requests:
        states[intake.citizen(req).state.value] += 1
    new = len(requests) - (intake.stage.counts["duplicates"] - before)
    result = {"requests": len(requests), "new": new, "states": dict(states)}
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
    else:
        Console().print(
            f"{len(requests)} request(s): {new} new, {len(requests) - new} already there; "
            f"cases by state {dict(states)}"
        )


@app.command("clue")
def clue(
    by: Annotated[str, typer.Option("--by", help="Reporting user (a grid leader, e.g. gl001).")],
    event_type: Annotated[str, typer.Option("--type", help="Reported event type.")],
    description: Annotated[str, typer.Option(help="What was seen.")],
    grid: Annotated[str | None, typer.Option(help="Grid (default: the leader's own).")] = None,
    photo: Annotated[Path | None, typer.Option(help="Picture taken on site.")] = None,
    scene: Annotated[str | None, typer.Option(help="Smart scene, if any.")] = None,
    ref: Annotated[str | None, typer.Option(help="Client reference: resubmitting is safe.")] = None,
    config: ConfigOpt = SAMPLE_CONFIG,
    data_dir: DataOpt = None,
) -> None:
    """Report a clue (线索上报) as a grid leader, with an optional photo."""
    intake = _intake(config, data_dir)
    actor = actor_or_exit(intake.stage.store, by)
    try:
        key = None
        if photo is not None:
            settings = Settings()
            root = (data_dir or settings.data_dir) / "evidence"
            key = store_photo(EvidenceStore(root), photo.read_bytes(), utc_now(), by).key
        task = intake.clue(
            ClueIn(
                event_type=event_type,
                description=description,
                grid=grid,
                scene=scene,
                client_ref=ref,
            ),
            actor,
            key,
        )
    except IntakeError as e:
        err.print(str(e), style="red", markup=False, highlight=False)
        raise typer.Exit(1) from None
    typer.echo(
        json.dumps(
            {"task_id": task.task_id, "state": task.state.value, "assignee": task.assignee},
            ensure_ascii=False,
        )
    )
