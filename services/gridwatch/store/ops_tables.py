"""SQL tables of the ops centre: sign-in sessions, the activity log (every action that is not a
task transition) and where reported clues were seen. Silences, emergency activations and KPI
snapshots are the dispatch chain's (store/chain_tables.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from gridwatch.store.tables import Base


class SessionRow(Base):
    """A signed-in browser or script. Only a hash of the token is kept: a leaked table row
    cannot be replayed."""

    __tablename__ = "sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.user_id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
    revoked_at: Mapped[datetime | None]
    client: Mapped[str] = mapped_column(String(64), default="")


class ActivityRow(Base):
    """Audit log of actions outside the case loop (sign-in, uploads, users, silences, plans).
    Task transitions are audited in `audit`; together they record every action."""

    __tablename__ = "activity"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(128), default="")
    client: Mapped[str] = mapped_column(String(64), default="")
    outcome: Mapped[str] = mapped_column(String(16), default="ok")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


Index("ix_activity_action_subject_at", ActivityRow.action, ActivityRow.subject, ActivityRow.at)
Index("ix_activity_action_client_at", ActivityRow.action, ActivityRow.client, ActivityRow.at)


class EventLocationRow(Base):
    """Where a reported clue was seen (phone GPS or a point picked on the map)."""

    __tablename__ = "event_locations"
    event_id: Mapped[str] = mapped_column(ForeignKey("events.event_id"), primary_key=True)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
