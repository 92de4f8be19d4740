"""`gridwatch`: the command line. One module per command group, imported only when used.

The command modules pull in ONNX Runtime, OpenCV, SQLAlchemy, FastAPI or Faust. Importing them
all for `gridwatch --help` cost ~3 s, so the top level lists each command from the table below
and imports its module only when that command runs (or its own --help is asked for). A unit
test holds every line of the table to the command it names.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

import typer
from typer import _click as click  # typer vendors click; its group API is typed on this copy
from typer.core import TyperCommand, TyperGroup


@dataclass(frozen=True)
class Entry:
    module: str  # under gridwatch.cli
    attr: str  # a typer.Typer (a group) or a function (a single command)
    help: str  # the one line shown by `gridwatch --help`


COMMANDS: dict[str, Entry] = {
    "demo": Entry("demo", "demo", "Run the whole pipeline on the sample district in one process."),
    "check-config": Entry(
        "config_cmd",
        "check_config",
        "Validate a district config directory and print what it holds.",
    ),
    "config": Entry(
        "config_schema",
        "app",
        "District config files: their JSON Schema, for editors and for the reference docs.",
    ),
    "plans": Entry("plans", "app", "Dispatch plans (分拨预案): routing questions and coverage."),
    "report": Entry(
        "report", "app", "KPIs, league tables (赛马比拼), supervision lists and event exports."
    ),
    "replay": Entry(
        "replay", "replay_cmd", "What-if: replay recorded events through edited plans and compare."
    ),
    "intake": Entry("intake", "app", "Human intake: citizens' requests and grid leaders' clues."),
    "emergency": Entry("emergency", "app", "Emergency plans: activation, drills, checklists."),
    "silence": Entry(
        "silence", "app", "Silences: muted events are recorded as suppressed, never dispatched."
    ),
    "users": Entry(
        "users", "app", "Create and list accounts (stored in GRIDWATCH_DB_URL's database)."
    ),
    "inspections": Entry(
        "inspections",
        "app",
        "Credit-graded supervision (信用分级分类监管): monthly inspection plans with joint "
        "'inspect once' operations, scan-to-enter records, and inspection KPIs.",
    ),
    "documents": Entry(
        "documents",
        "app",
        "Enforcement documents of the simple procedure: 现场检查笔录 (inspection_record), "
        "责令改正通知书 (rectify_notice), 当场行政处罚决定书 (penalty_decision).",
    ),
    "ingest": Entry(
        "ingest_cmd", "app", "Ingest: dead letters and a loopback camera server for trials."
    ),
    "algo": Entry(
        "algo", "app", "Detection algorithms: list them, read their cards, evaluate, scaffold."
    ),
    "bench": Entry(
        "bench", "app", "Benchmarks: ours against a baseline and the limit, on the same input."
    ),
    "worker": Entry(
        "worker",
        "worker",
        "Run a scale-out worker: the pipeline's stages as Faust agents on a Kafka broker.",
    ),
}


def load_command(name: str) -> click.Command:
    """Import a command's module and build its click command, as typer would have."""
    entry = COMMANDS[name]
    target: Any = getattr(importlib.import_module(f"gridwatch.cli.{entry.module}"), entry.attr)
    command: click.Command
    if isinstance(target, typer.Typer):
        command = typer.main.get_group(target)
    else:
        single = typer.Typer()
        single.command(name)(target)
        command = typer.main.get_command(single)
    command.name = name
    return command


class LazyGroup(TyperGroup):
    """A group whose subcommands are imported on first use; the listing needs none of them."""

    _listing = False

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        if self._listing:
            return TyperCommand(cmd_name, help=COMMANDS[cmd_name].help)
        if cmd_name not in self.commands:
            self.commands[cmd_name] = load_command(cmd_name)
        return self.commands[cmd_name]

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


app = typer.Typer(
    name="gridwatch",
    cls=LazyGroup,
    help="Event-driven governance pipeline for city districts: AI detectors on camera frames and "
    "sensor readings, dispatch plans, and closed-loop tasks for grid leaders and squads.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def main() -> None:
    """Event-driven governance pipeline for city districts: AI detectors on camera frames and
    sensor readings, dispatch plans, and closed-loop tasks for grid leaders and squads."""


if __name__ == "__main__":
    app()
