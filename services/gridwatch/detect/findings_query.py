"""Read stored findings back (for shadow comparisons): the store's findings table, read only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from gridwatch.domain.events import Finding
from gridwatch.store.repository import Store
from gridwatch.store.tables import FindingRow


def findings_of(store: Store, algorithm: str, since: datetime, until: datetime) -> list[Finding]:
    with store.session() as s:
        rows = s.scalars(
            select(FindingRow).where(
                FindingRow.algorithm == algorithm,
                FindingRow.observed_at >= since,
                FindingRow.observed_at < until,
            )
        ).all()
        return [
            Finding(
                device_id=r.device_id,
                algorithm=r.algorithm,
                event_type=r.event_type,
                incident_key=r.incident_key,
                started_at=r.started_at,
                observed_at=r.observed_at,
                confidence=r.confidence,
                mode="shadow" if r.mode == "shadow" else "live",
                box=tuple(r.box) if r.box else None,  # type: ignore[arg-type]
                zone_id=r.zone_id,
                class_name=r.class_name,
                value=r.value,
                model_version=r.model_version,
                evidence_path=r.evidence_path,
                summary=r.summary,
            )
            for r in rows
        ]
