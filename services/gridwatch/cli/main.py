"""`gridwatch`: the command line. One module per command group."""

from __future__ import annotations

import typer

from gridwatch.cli import (
    algo,
    bench,
    config_cmd,
    demo,
    documents,
    emergency,
    ingest_cmd,
    inspections,
    intake,
    plans,
    replay,
    report,
    silence,
    users,
    worker,
)

app = typer.Typer(
    name="gridwatch",
    help="Event-driven governance pipeline for city districts: AI detectors on camera frames and "
    "sensor readings, dispatch plans, and closed-loop tasks for grid leaders and squads.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command("demo")(demo.demo)
app.command("check-config")(config_cmd.check_config)
app.add_typer(inspections.app, name="inspections")
app.add_typer(documents.app, name="documents")
app.add_typer(plans.app, name="plans")
app.add_typer(report.app, name="report")
app.command("replay")(replay.replay_cmd)
app.add_typer(intake.app, name="intake")
app.add_typer(emergency.app, name="emergency")
app.add_typer(silence.app, name="silence")
app.add_typer(users.app, name="users")
app.add_typer(ingest_cmd.app, name="ingest")
app.add_typer(bench.app, name="bench")
app.add_typer(algo.app, name="algo")
app.command("worker")(worker.worker)

if __name__ == "__main__":
    app()
