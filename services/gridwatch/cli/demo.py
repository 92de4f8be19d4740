from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from gridwatch.config.errors import ConfigError
from gridwatch.config.loader import load_district
from gridwatch.config.schema import District
from gridwatch.config.settings import Settings
from gridwatch.ops.users import create_demo_accounts, demo_accounts
from gridwatch.resources import sample_district
from gridwatch.runtime.clock import utc_now
from gridwatch.runtime.embedded import EmbeddedRuntime, forget_embedded_state, open_services

DEFAULT_CONFIG = sample_district()
DEMO_PASSWORD = "gridwatch"

console = Console(stderr=True)


def demo(
    config: Annotated[Path, typer.Option(help="District config directory.")] = DEFAULT_CONFIG,
    duration: Annotated[
        float | None, typer.Option(help="Stop after this many seconds (default: run until Ctrl-C).")
    ] = None,
    headless: Annotated[bool, typer.Option(help="Do not start the web server.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    host: Annotated[str, typer.Option(help="Web server address.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Web server port.")] = 8000,
    data_dir: Annotated[
        Path | None,
        typer.Option(help="Where evidence, the SQLite file and the embedded Valkey's data go."),
    ] = None,
    fresh: Annotated[
        bool,
        typer.Option(
            help="Start from an empty database and an empty embedded Valkey (incident memory, "
            "cooldowns); configured services are left alone."
        ),
    ] = True,
    verbose: Annotated[bool, typer.Option("-v", help="Log every event.")] = False,
) -> None:
    """Run the whole pipeline on the sample district in one process.

    Plays video through the AI cameras, runs the detector and the algorithms, routes events by
    the dispatch plans and opens tasks. With no GRIDWATCH_DB_URL / GRIDWATCH_REDIS_URL set it uses
    a SQLite file and an embedded Valkey server, so nothing has to be set up by hand.
    """
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    settings = Settings()
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir})
    if fresh:
        forget_embedded_state(settings)
    try:
        district = load_district(config)
    except ConfigError as e:
        console.print(str(e), markup=False)
        raise typer.Exit(1) from None
    services = open_services(settings)
    create_demo_accounts(services.store, district, DEMO_PASSWORD, utc_now)
    runtime = EmbeddedRuntime(config, services, settings, district=district)
    server = None
    try:
        runtime.start()
        if not headless:
            server = _start_web(runtime, host, port)
            console.print(f"[bold]gridwatch ops centre: http://{host}:{port}[/bold]")
            _print_accounts(district)
        console.print(
            f"analysing {len(district.ai_devices)} AI cameras and "
            f"{len(district.sensors)} sensors of {district.organisation.district}"
            + (f" for {duration:.0f} s" if duration else "; Ctrl-C stops")
        )
        _wait(duration)
    finally:
        runtime.stop()
        summary = runtime.summary()
        if server is not None:
            server.should_exit = True
        services.close()
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        _print_summary(summary)


def _print_accounts(district: District) -> None:
    """One sign-in per role (the field app is at /m/inbox on a phone)."""
    accounts = demo_accounts(district)
    table = Table(title=f"demo accounts (password {DEMO_PASSWORD})", title_justify="left")
    for col in ("user", "role", "name", "scope"):
        table.add_column(col)
    shown: set[str] = set()
    for a in accounts:
        if a.role.value in shown:
            continue
        shown.add(a.role.value)
        scope = a.grid or a.squad or district.organisation.district
        table.add_row(a.user_id, a.role.value, a.name, scope)
    squads = [a for a in accounts if a.squad]
    if squads:
        table.add_row("<squad id>-member", "squad_member", f"{len(squads)} squads", "their squad")
    leaders = [a for a in accounts if a.grid]
    if leaders:
        table.add_row(
            f"{leaders[0].user_id} … {leaders[-1].user_id}",
            "grid_leader",
            f"{len(leaders)} grid leaders",
            "their own grid",
        )
    console.print(table)


def _wait(duration: float | None) -> None:
    deadline = None if duration is None else time.monotonic() + duration
    try:
        while deadline is None or time.monotonic() < deadline:
            time.sleep(0.5)
    except KeyboardInterrupt:
        console.print("stopping…")


def _start_web(runtime: EmbeddedRuntime, host: str, port: int):  # type: ignore[no-untyped-def]
    import uvicorn

    from gridwatch.ops.app import create_app
    from gridwatch.ops.context import OpsContext
    from gridwatch.ops.serve import server_config

    s = runtime.services
    settings = runtime.settings
    ctx = OpsContext(
        runtime.district,
        s.store,
        s.evidence,
        s.hot,
        push_token=settings.push_token,
        max_body_bytes=settings.max_body_bytes,
        max_upload_bytes=settings.max_upload_bytes,
        max_image_pixels=settings.max_image_pixels,
        dead_letter_budget_bytes=settings.dead_letter_budget_bytes,
        trusted_proxies=tuple(str(n) for n in settings.trusted_proxies),
    )
    app = create_app(ctx)
    config = server_config(app, host, port, log_level="warning", timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, name="web", daemon=True).start()
    return server


def _print_summary(s: dict) -> None:  # type: ignore[type-arg]
    console.print(
        f"frames analysed {s['frames_analysed']} (received {s['frames_received']}, "
        f"bad {s['bad_frames']}, dropped stale {s['frames_dropped_stale']}), "
        f"findings {s['findings']}, events {s['events']}"
    )
    console.print(f"tasks by state: {s['tasks_by_state']}")
    for e in s["event_list"]:
        console.print(
            f"  {e['event_type']} on {e['device_id']} → {e['assignee']} by "
            f"{e['plan']} [{e['task_state']}] evidence {e['evidence_path']}"
        )
