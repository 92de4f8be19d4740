"""`gridwatch users`: accounts for a real deployment (the demo creates its own)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from gridwatch.cli.demo import DEFAULT_CONFIG
from gridwatch.config.errors import ConfigError
from gridwatch.config.loader import load_district
from gridwatch.config.settings import Settings
from gridwatch.domain.tasks import Role
from gridwatch.ops.users import (
    PEOPLE,
    AccountError,
    account,
    add_user,
    check_password_strength,
    hasher,
    list_users,
)
from gridwatch.runtime.clock import utc_now
from gridwatch.store import activity
from gridwatch.store.repository import Store, sqlite_url
from gridwatch.store.sessions import close_sessions_of

app = typer.Typer(help="Create and list accounts (stored in GRIDWATCH_DB_URL's database).")
err = Console(stderr=True)

ROLE_HELP = "One of: " + ", ".join(r.value for r in PEOPLE) + "."


def open_store() -> Store:
    settings = Settings()
    data = settings.data_dir.resolve()
    data.mkdir(parents=True, exist_ok=True)
    store = Store(settings.db_url or sqlite_url(data / "gridwatch.db"))
    store.migrate()
    return store


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt("password", hide_input=True, confirmation_prompt=True))


@app.command("add")
def add(
    user_id: Annotated[str, typer.Argument(help="Login name (lower-case letters, digits, . _ -).")],
    role: Annotated[str, typer.Option(help=ROLE_HELP)],
    name: Annotated[str, typer.Option(help="The person's name as shown in the ops centre.")],
    grid: Annotated[str | None, typer.Option(help="grid_leader: the grid they lead.")] = None,
    squad: Annotated[str | None, typer.Option(help="squad_member: their squad.")] = None,
    config: Annotated[
        Path, typer.Option(help="District config the grid or squad must exist in.")
    ] = DEFAULT_CONFIG,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    replace: Annotated[
        bool, typer.Option(help="Replace an existing account (new role, scope and password).")
    ] = False,
) -> None:
    """Create an account. Grid leaders act on their own grid only, squad members on their squad's
    tasks only; the other roles cover the district.

    Example: `gridwatch users add gl200 --role grid_leader --grid g012 --name 王芳`
    """
    try:
        district = load_district(config)
    except ConfigError as e:
        err.print(str(e), markup=False)
        raise typer.Exit(1) from None
    try:
        acc = account(district, user_id, role, name, grid=grid, squad=squad)
    except AccountError as e:
        err.print(f"[red]{e}[/red]")
        raise typer.Exit(2) from None
    store = open_store()
    if store.get_user(acc.user_id) is not None and not replace:
        err.print(f"[red]user {acc.user_id} exists; --replace to change it[/red]")
        raise typer.Exit(1)
    password = read_password(password_stdin)
    try:
        check_password_strength(password, user_inputs=(acc.user_id, acc.name))
    except AccountError as e:
        err.print(f"[red]{e}[/red]")
        raise typer.Exit(2) from None
    now = utc_now()
    add_user(store, acc, hasher.hash(password), utc_now)
    signed_out = close_sessions_of(store, acc.user_id, now)
    activity.record(
        store,
        now,
        "cli",
        Role.ADMIN.value,
        "user_add",
        acc.user_id,
        client="cli",
        detail={"role": acc.role.value, "grid": acc.grid, "squad": acc.squad, "replaced": replace},
    )
    err.print(
        f"account [bold]{acc.user_id}[/bold] ({acc.role.value}"
        + (f", grid {acc.grid}" if acc.grid else "")
        + (f", squad {acc.squad}" if acc.squad else "")
        + ")"
        + (f"; {signed_out} session(s) signed out" if signed_out else "")
    )


@app.command("list")
def list_(
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """List accounts with role and scope."""
    rows = list_users(open_store())
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {
                        "user_id": u.user_id,
                        "name": u.name,
                        "role": u.role,
                        "grid": u.grid,
                        "squad": u.squad,
                    }
                    for u in rows
                ],
                ensure_ascii=False,
            )
        )
        return
    table = Table(title=f"{len(rows)} accounts")
    for col in ("user", "name", "role", "grid", "squad"):
        table.add_column(col)
    for u in rows:
        table.add_row(u.user_id, u.name, u.role, u.grid or "", u.squad or "")
    Console().print(table)
