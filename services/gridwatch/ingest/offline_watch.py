"""Devices silent past their grace period become `device_offline` events in the dispatch
chain (a broken camera is a task for someone too), and come back online by themselves.

Silence is read from the hot state's `last_seen` (written by whichever process ingests the
device), so one watcher serves any number of ingest workers. The event id derives from the
device and the time it was last heard from: a watcher restarted mid-outage finds the same
event and opens no second task.

When the device recovers, its task is left open for the brigade: a camera that came back may
still be misaimed or rebooting in a loop, and the squad closes the task after checking. The
recovery is written to the live feed (kind `device_online`, with the task id) so the desk
sees it at once, and the device page shows it online.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable
from datetime import datetime

from gridwatch.config.schema import District
from gridwatch.dispatch.stage import DispatchStage
from gridwatch.domain.device_liveness import LivenessTracker
from gridwatch.domain.events import Event, stable_id
from gridwatch.ingest.health import ONLINE
from gridwatch.store.hot_state import HotState

log = logging.getLogger(__name__)

EVENT_TYPE = "device_offline"


def offline_event(district: District, device_id: str, silent_since: datetime) -> Event:
    device = district.device(device_id)
    grid = district.grid(device.grid)
    types = {t.id: t for t in district.plans.event_types}
    known = types.get(EVENT_TYPE)
    grace = int(device.offline_grace.total_seconds())
    return Event(
        event_id=stable_id("evt", EVENT_TYPE, device_id, silent_since.isoformat()),
        event_type=EVENT_TYPE,
        source="system",
        occurred_at=silent_since + device.offline_grace,
        grid=grid.id,
        community=grid.community,
        scene=device.scene,
        severity=known.severity if known else "minor",
        title=f"{known.name if known else '设备离线'}: {device.name}",
        device_id=device_id,
        description=(
            f"{device.name} ({device_id}, {device.make or device.kind}) has sent nothing since "
            f"{silent_since.isoformat()} (grace {grace} s)."
        ),
    )


class OfflineWatch:
    def __init__(
        self,
        district: District,
        dispatch: DispatchStage,
        hot: HotState,
        device_ids: Iterable[str],
        started_at: datetime,
    ) -> None:
        self.district, self.dispatch, self.hot = district, dispatch, hot
        ids = list(device_ids)
        self.tracker = LivenessTracker({d: district.device(d).offline_grace for d in ids})
        self.started_at = started_at
        self.tasks: dict[str, str] = {}  # device -> task opened for its current outage

    def tick(self, now: datetime) -> list[tuple[str, str]]:
        """Read heartbeats, raise offline events, note recoveries: [(device, new state)]."""
        beats = self.hot.devices(list(self.tracker.grace))
        for device_id, beat in beats.items():
            raw = beat.get("last_seen")
            if raw:
                with contextlib.suppress(ValueError):  # a garbled time counts as unseen
                    self.tracker.seen(device_id, datetime.fromisoformat(raw))
        out: list[tuple[str, str]] = []
        for device_id, state, since in self.tracker.changes(now, self.started_at):
            ONLINE.labels(device_id).set(1 if state == "online" else 0)
            if state == "offline":
                task = self.dispatch.handle_event(offline_event(self.district, device_id, since))
                self.tasks[device_id] = task.task_id
                self.hot.heartbeat(device_id, since, state="offline")
                log.warning("device %s offline since %s: task %s", device_id, since, task.task_id)
            else:
                task_id = self.tasks.pop(device_id, None)
                self.hot.publish(
                    "device_online",
                    {"device_id": device_id, "at": since.isoformat(), "task_id": task_id},
                )
                log.info("device %s back online (task %s left for the brigade)", device_id, task_id)
            out.append((device_id, state))
        return out
