"""Incident identity: the same object in the same place is one incident, however often the
detector loses and finds it again (motion gaps, occlusion, a worker restart).

An incident is remembered per device, algorithm and zone with the box where it was first seen.
A later finding whose box overlaps a remembered one takes over its id and start time, so the
finding id (a hash of both) is the same again and nothing downstream sees a new incident; it is
passed on as an alert only when the cooldown since the last alert has run out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import numpy as np

from gridwatch.domain.detections import box_iou
from gridwatch.domain.events import Box, Finding, stable_id


@dataclass(frozen=True)
class Incident:
    incident_id: str
    box: Box | None
    started_at: datetime
    last_seen: datetime
    last_alert: datetime


@dataclass(frozen=True)
class Resolution:
    incident: Incident  # to be stored back
    finding: Finding  # carrying the incident's key and start
    alert: bool  # False: the incident alerted within the cooldown


def scope_of(f: Finding) -> str:
    return f"{f.device_id}:{f.algorithm}:{f.zone_id or '-'}"


def _same_place(a: Box | None, b: Box | None, min_iou: float) -> bool:
    if a is None or b is None:
        return a is None and b is None
    iou = box_iou(np.array([a], np.float32), np.array([b], np.float32))
    return bool(iou[0, 0] >= min_iou)


def resolve(
    finding: Finding,
    known: Sequence[Incident],
    now: datetime,
    cooldown: timedelta,
    min_iou: float = 0.3,
    forget_after: timedelta = timedelta(hours=1),
) -> Resolution:
    """Match a finding to a remembered incident of its scope (or start one) and decide whether
    it alerts. `known` are the scope's incidents; ones unseen for `forget_after` are ignored."""
    live = [i for i in known if now - i.last_seen <= forget_after]
    match = next((i for i in live if _same_place(i.box, finding.box, min_iou)), None)
    if match is None:
        inc = Incident(
            incident_id=stable_id(
                "inc", scope_of(finding), finding.incident_key, finding.started_at, finding.box
            ),
            box=finding.box,
            started_at=finding.started_at,
            last_seen=now,
            last_alert=now,
        )
        return Resolution(inc, _tagged(finding, inc), True)
    alert = now - match.last_alert >= cooldown
    inc = replace(match, last_seen=now, last_alert=now if alert else match.last_alert)
    return Resolution(inc, _tagged(finding, inc), alert)


def _tagged(f: Finding, inc: Incident) -> Finding:
    return replace(f, incident_key=inc.incident_id, started_at=inc.started_at)
