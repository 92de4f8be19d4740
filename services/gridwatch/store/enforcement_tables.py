"""SQL tables of the enforcement side: planned inspection visits, scan-to-enter records, and the
enforcement documents issued for cases (with their numbers)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gridwatch.store.tables import Base


class InspectionVisitRow(Base):
    __tablename__ = "inspection_visits"
    visit_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    seed: Mapped[int] = mapped_column(Integer)
    enterprise_id: Mapped[str] = mapped_column(String(32), index=True)
    day: Mapped[date] = mapped_column(Date)
    lead_squad: Mapped[str] = mapped_column(String(64), index=True)
    squads: Mapped[list[str]] = mapped_column(JSON)
    officers: Mapped[list[str]] = mapped_column(JSON)
    checks_merged: Mapped[int] = mapped_column(Integer)
    joint: Mapped[bool] = mapped_column(Boolean)
    saved_at: Mapped[datetime]


class InspectionEntryRow(Base):
    """A scan-to-enter record (扫码入企): who entered which enterprise, when, and the outcome."""

    __tablename__ = "inspection_entries"
    entry_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    visit_id: Mapped[str | None] = mapped_column(
        ForeignKey("inspection_visits.visit_id"), index=True
    )
    enterprise_id: Mapped[str] = mapped_column(String(32), index=True)
    officer: Mapped[str] = mapped_column(String(64))
    squad: Mapped[str] = mapped_column(String(64))
    entered_at: Mapped[datetime] = mapped_column(index=True)
    finding: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    task_id: Mapped[str | None] = mapped_column(ForeignKey("tasks.task_id"))


class EnforcementDocumentRow(Base):
    """An issued document. Its number is unique per kind and year; a case gets one of each kind."""

    __tablename__ = "enforcement_documents"
    __table_args__ = (
        UniqueConstraint("kind", "year", "seq", name="uq_enforcement_documents_number"),
        UniqueConstraint("task_id", "kind", name="uq_enforcement_documents_task_kind"),
    )
    doc_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.task_id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(128))
    storage_key: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime]
    issued_by: Mapped[str] = mapped_column(String(64))
