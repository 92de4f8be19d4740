from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from gridwatch.config.errors import ConfigError
from gridwatch.config.loader import counts, load_district

err = Console(stderr=True)


def check_config(
    directory: Annotated[Path, typer.Argument(help="District config directory.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print counts as JSON.")] = False,
) -> None:
    """Validate a district config directory and print what it holds.

    Exits 1 and lists every problem as `file:line: field: message` when anything is wrong.
    """
    try:
        district = load_district(directory)
    except ConfigError as e:
        for issue in e.issues:
            err.print(str(issue), markup=False, highlight=False, soft_wrap=True)  # one line each
        err.print(f"[red]{len(e.issues)} problem(s) in {directory}[/red]")
        raise typer.Exit(1) from None
    c = counts(district)
    if as_json:
        typer.echo(json.dumps(c))
        return
    table = Table(title=f"{district.organisation.district} ({directory})")
    table.add_column("what")
    table.add_column("count", justify="right")
    for k, v in c.items():
        table.add_row(k, str(v))
    Console().print(table)
