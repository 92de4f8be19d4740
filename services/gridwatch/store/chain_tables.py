"""SQL tables of the discover -> dispatch -> handle chain beyond tasks and audit: runtime
silences, case groups (grouping and notice schedule), the notification outbox, emergency
activations with their checklist tasks, and KPI snapshots."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gridwatch.store.tables import Base


class SilenceRow(Base):
    __tablename__ = "silences"
    silence_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    matchers: Mapped[list[str]] = mapped_column(JSON)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime] = mapped_column(index=True)
    author: Mapped[str] = mapped_column(String(64))
    comment: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class CaseGroupRow(Base):
    """One row per group key: the case its events merge into and its notice schedule."""

    __tablename__ = "case_groups"
    group_key: Mapped[str] = mapped_column(String(512), primary_key=True)
    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.task_id"), index=True)
    open: Mapped[bool] = mapped_column(Boolean, index=True)
    first_at: Mapped[datetime]
    last_event_at: Mapped[datetime]
    events: Mapped[int] = mapped_column(Integer)
    notified_events: Mapped[int] = mapped_column(Integer, default=0)
    last_notified_at: Mapped[datetime | None]
    wait_s: Mapped[int] = mapped_column(Integer)
    interval_s: Mapped[int] = mapped_column(Integer)
    repeat_s: Mapped[int] = mapped_column(Integer)


class NotificationRow(Base):
    """The outbox: every notice, escalation and emergency call, once (unique key)."""

    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(512), unique=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    task_id: Mapped[str | None] = mapped_column(String(64), index=True)
    activation_id: Mapped[str | None] = mapped_column(String(64), index=True)
    recipient: Mapped[str] = mapped_column(String(128))
    recipient_name: Mapped[str] = mapped_column(String(256))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(index=True)


class EmergencyActivationRow(Base):
    __tablename__ = "emergency_activations"
    activation_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    plan_id: Mapped[str] = mapped_column(String(64), index=True)
    plan_name: Mapped[str] = mapped_column(String(256))
    hazard: Mapped[str] = mapped_column(String(32))
    drill: Mapped[bool] = mapped_column(Boolean, index=True)
    trigger: Mapped[str] = mapped_column(String(96))
    activated_at: Mapped[datetime] = mapped_column(index=True)
    activated_by: Mapped[str] = mapped_column(String(64))
    grids: Mapped[list[str]] = mapped_column(JSON)
    communities: Mapped[list[str]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16), index=True)
    ended_at: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(Text, default="")


class EmergencyItemRow(Base):
    __tablename__ = "emergency_items"
    item_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    activation_id: Mapped[str] = mapped_column(
        ForeignKey("emergency_activations.activation_id"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    step: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(128), index=True)
    community: Mapped[str | None] = mapped_column(String(64))
    grid: Mapped[str | None] = mapped_column(String(64))
    due_at: Mapped[datetime]
    done_at: Mapped[datetime | None]
    done_by: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")


class KpiSnapshotRow(Base):
    """KPIs of one period as computed and published (league tables are kept, not recomputed
    after audit records of later periods arrive)."""

    __tablename__ = "kpi_snapshots"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    computed_at: Mapped[datetime]
    since: Mapped[datetime] = mapped_column(index=True)
    until: Mapped[datetime]
    report: Mapped[dict[str, Any]] = mapped_column(JSON)


Index("ix_emergency_items_activation_seq", EmergencyItemRow.activation_id, EmergencyItemRow.seq)
