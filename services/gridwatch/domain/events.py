"""Findings (what an algorithm or a person reports) and events (what enters the chain)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Literal

Source = Literal["ai", "grid_leader", "citizen", "system", "inspection"]
Severity = Literal["minor", "major", "critical"]
Box = tuple[float, float, float, float]


def stable_id(prefix: str, *parts: object) -> str:
    """Deterministic id: the same inputs after a redelivery give the same id."""
    digest = hashlib.sha1("|".join(str(p) for p in parts).encode()).hexdigest()[:16]
    return f"{prefix}-{digest}"


@dataclass(frozen=True)
class Finding:
    device_id: str
    algorithm: str
    event_type: str
    incident_key: str
    started_at: datetime
    observed_at: datetime
    confidence: float
    mode: Literal["live", "shadow"] = "live"
    box: Box | None = None
    zone_id: str | None = None
    class_name: str | None = None
    value: float | None = None
    model_version: str | None = None
    evidence_path: str | None = None
    summary: str = ""

    @property
    def finding_id(self) -> str:
        return stable_id("fnd", self.device_id, self.algorithm, self.incident_key, self.started_at)

    def with_evidence(self, path: str) -> Finding:
        return replace(self, evidence_path=path)


@dataclass(frozen=True)
class Event:
    event_id: str
    event_type: str
    source: Source
    occurred_at: datetime
    grid: str
    community: str
    severity: Severity
    title: str
    scene: str | None = None
    device_id: str | None = None
    algorithm: str | None = None
    confidence: float | None = None
    description: str = ""
    evidence_path: str | None = None
    model_version: str | None = None
    finding_id: str | None = None
    box: Box | None = None
    zone_id: str | None = None
    reporter: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def labels(self) -> dict[str, str]:
        """What dispatch-plan matchers can look at."""
        return {
            "event_type": self.event_type,
            "algorithm": self.algorithm or "",
            "scene": self.scene or "",
            "community": self.community,
            "grid": self.grid,
            "device": self.device_id or "",
            "severity": self.severity,
            "source": self.source,
        }


@dataclass(frozen=True)
class Place:
    """Where a device sits in the organisation, resolved from config by the caller."""

    grid: str
    community: str
    scene: str | None


def event_from_finding(finding: Finding, place: Place, severity: Severity, title: str) -> Event:
    # The event id derives from the finding id: a redelivered finding maps to the same event.
    return Event(
        event_id=stable_id("evt", finding.finding_id),
        event_type=finding.event_type,
        source="ai",
        occurred_at=finding.started_at,
        grid=place.grid,
        community=place.community,
        scene=place.scene,
        severity=severity,
        title=title,
        device_id=finding.device_id,
        algorithm=finding.algorithm,
        confidence=finding.confidence,
        description=finding.summary,
        evidence_path=finding.evidence_path,
        model_version=finding.model_version,
        finding_id=finding.finding_id,
        box=finding.box,
        zone_id=finding.zone_id,
    )


@dataclass
class Cooldown:
    """Suppress repeat events of one incident for a period. Explicit state, time passed in."""

    period: timedelta
    last_seen: dict[str, datetime] = field(default_factory=dict)

    def admit(self, key: str, now: datetime) -> bool:
        last = self.last_seen.get(key)
        if last is not None and now - last < self.period:
            return False
        self.last_seen[key] = now
        return True
