"""`gridwatch config schema`: the JSON Schema of a district directory's files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from gridwatch.config.json_schema import district_files, file_schema

app = typer.Typer(
    help="District config files: their JSON Schema, for editors and for the reference docs.",
    no_args_is_help=True,
)


@app.command("schema")
def schema(
    file: Annotated[
        str | None,
        typer.Option(
            "--file",
            help="One file by key: " + ", ".join(district_files()) + ". Default: all of them.",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write one KEY.schema.json per file into this folder instead of printing.",
            file_okay=False,
        ),
    ] = None,
) -> None:
    """Print the JSON Schema (draft 2020-12) of the district files: every field with its title,
    description, type, default and limits, exactly as `check-config` validates them.

    Without --file, one JSON object maps each file's path in the directory
    (`devices.yaml`, `responsibility/duty_items.yaml` …) to its schema.
    """
    files = district_files()
    if file is not None and file not in files:
        raise typer.BadParameter(f"{file!r}: use one of {', '.join(files)}", param_hint="--file")
    keys = [file] if file is not None else list(files)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for key in keys:
            target = out / f"{key}.schema.json"
            target.write_text(json.dumps(file_schema(key), ensure_ascii=False, indent=2) + "\n")
            typer.echo(str(target))
        return
    document = (
        file_schema(keys[0]) if file is not None else {files[k][0]: file_schema(k) for k in keys}
    )
    typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
