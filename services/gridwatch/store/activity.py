"""The activity log: every action outside the case loop, with who, when, from where and outcome.
It also answers the login rate limiter (failed sign-ins per account and per client)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select

from gridwatch.store.ops_tables import ActivityRow
from gridwatch.store.repository import Store


def record(
    store: Store,
    at: datetime,
    actor: str,
    role: str,
    action: str,
    subject: str = "",
    *,
    client: str = "",
    outcome: str = "ok",
    detail: Mapping[str, Any] | None = None,
) -> None:
    with store.session() as s:
        s.add(
            ActivityRow(
                at=at,
                actor=actor[:64],
                role=role,
                action=action,
                subject=subject[:128],
                client=client[:64],
                outcome=outcome,
                detail=dict(detail or {}),
            )
        )


def times_since(
    store: Store,
    action: str,
    since: datetime,
    *,
    subject: str | None = None,
    client: str | None = None,
    limit: int = 100,
) -> list[datetime]:
    """Times of matching entries since `since`, newest first."""
    q = (
        select(ActivityRow.at)
        .where(ActivityRow.action == action, ActivityRow.at >= since)
        .order_by(ActivityRow.at.desc())
        .limit(limit)
    )
    if subject is not None:
        q = q.where(ActivityRow.subject == subject[:128])
    if client is not None:
        q = q.where(ActivityRow.client == client[:64])
    with store.session() as s:
        return list(s.scalars(q))


def recent(
    store: Store, *, limit: int = 200, actor: str | None = None, action: str | None = None
) -> list[ActivityRow]:
    q = select(ActivityRow).order_by(ActivityRow.id.desc()).limit(limit)
    if actor:
        q = q.where(ActivityRow.actor == actor)
    if action:
        q = q.where(ActivityRow.action == action)
    with store.session() as s:
        rows = list(s.scalars(q))
        s.expunge_all()
        return rows
