"""What the command groups share: loading a district or failing with its problems, opening
the store the runtime uses, reading times on the district's clock, signing in as a user."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import typer
from rich.console import Console

from gridwatch.config.errors import ConfigError
from gridwatch.config.loader import load_district
from gridwatch.config.schema import District
from gridwatch.config.settings import Settings
from gridwatch.domain.detections import check_scales
from gridwatch.domain.tasks import Actor
from gridwatch.ops.users import actor_of
from gridwatch.resources import sample_district
from gridwatch.runtime.clock import utc_now
from gridwatch.store.repository import Store, sqlite_url

# Soft wrap: a `file:line: field: message` line must stay one line, whatever the terminal width.
err = Console(stderr=True, soft_wrap=True)
SAMPLE_CONFIG = sample_district()


def district_or_exit(directory: Path) -> District:
    try:
        return load_district(directory)
    except ConfigError as e:
        for issue in e.issues:
            err.print(str(issue), markup=False, highlight=False)
        err.print(f"[red]{len(e.issues)} problem(s) in {directory}[/red]")
        raise typer.Exit(1) from None


def scales_or_exit(text: str | None) -> tuple[float, ...] | None:
    """`--scales 1,0.5` → (1.0, 0.5); None when not given."""
    if text is None:
        return None
    try:
        return check_scales(tuple(float(part) for part in text.split(",") if part.strip()))
    except ValueError:
        err.print(f"[red]--scales {text!r}: give shares between 0.1 and 1.0, e.g. 1,0.5[/red]")
        raise typer.Exit(2) from None


def open_store(data_dir: Path | None = None) -> Store:
    """The store of the runtime: GRIDWATCH_DB_URL, else the SQLite file in the data dir."""
    settings = Settings()
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir})
    if settings.db_url is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(settings.db_url or sqlite_url(settings.data_dir.resolve() / "gridwatch.db"))
    store.migrate()
    return store


def parse_time(text: str, zone: ZoneInfo) -> datetime:
    """ISO date or date-time; without a zone it is read on the district's clock."""
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r}: use e.g. 2026-03-01 or 2026-03-01T08:00") from None
    if len(text) == 10:  # a bare date: its local midnight
        at = datetime.combine(at.date(), time(0))
    return at.replace(tzinfo=zone) if at.tzinfo is None else at


def period(
    since: str | None, until: str | None, zone: ZoneInfo, default_days: int = 1
) -> tuple[datetime, datetime]:
    end = parse_time(until, zone) if until else utc_now()
    start = parse_time(since, zone) if since else end - timedelta(days=default_days)
    if start >= end:
        raise typer.BadParameter(f"--since {start.isoformat()} is not before --until")
    return start, end


def actor_or_exit(store: Store, user_id: str) -> Actor:
    row = store.get_user(user_id)
    if row is None:
        err.print(f"[red]no user {user_id!r}[/red] (demo accounts come with `gridwatch demo`)")
        raise typer.Exit(1)
    return actor_of(row)


def fmt_duration(d: timedelta | None) -> str | None:
    if d is None:
        return None
    s = int(d.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if s and s % size == 0:
            return f"{s // size}{unit}"
    return f"{s}s"
