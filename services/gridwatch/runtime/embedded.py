"""The embedded single-process runtime: the same stages as the Faust workers, joined by
in-process queues, with embedded Redis and a SQLite file when no services are configured.

Threads: one reader per analysed camera (decode + sampling), one detect worker on
`detect/pipeline.py` (the queues `gridwatch bench detect` measures; the detector is shared),
one dispatch worker, one thread per simulated sensor. A camera keeps at most 2 frames waiting:
when the detector falls behind, the oldest frame is dropped and counted. Findings and events
are never dropped (unbounded queue to dispatch).
"""

from __future__ import annotations

import logging
import queue
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gridwatch.config.loader import load_district
from gridwatch.config.schema import District
from gridwatch.config.settings import Settings
from gridwatch.detect.engine import shared_detector
from gridwatch.detect.health import publish_health
from gridwatch.detect.incident_memory import RedisIncidentMemory
from gridwatch.detect.motion import MotionGate
from gridwatch.detect.pipeline import DetectPipeline
from gridwatch.detect.stage import DetectStage, SensorStage
from gridwatch.dispatch.escalation import EscalationRunner
from gridwatch.dispatch.plan_reload import PlanBook
from gridwatch.dispatch.stage import DispatchStage
from gridwatch.domain.events import Finding
from gridwatch.domain.readings import Reading
from gridwatch.ingest.frames import Frame
from gridwatch.ingest.offline_watch import OfflineWatch
from gridwatch.ingest.runner import DeviceIntake, watched_devices
from gridwatch.runtime.clock import Clock, utc_now
from gridwatch.runtime.embedded_redis import EmbeddedRedis
from gridwatch.store.evidence import EvidenceStore
from gridwatch.store.hot_state import HotState
from gridwatch.store.repository import Store, sqlite_url

log = logging.getLogger(__name__)


@dataclass
class Services:
    store: Store
    hot: HotState
    evidence: EvidenceStore
    embedded_redis: EmbeddedRedis | None = None

    def close(self) -> None:
        if self.embedded_redis is not None:
            self.embedded_redis.stop()
        self.store.engine.dispose()


# Under the data directory: the SQLite file and the embedded Valkey's append-only file.
SQLITE_FILE = "gridwatch.db"
VALKEY_DIR = "redis"


def forget_embedded_state(settings: Settings) -> None:
    """Empty what the embedded services keep on disk; configured services are left alone.

    SQL and Redis go together: a Valkey that still remembers an incident would keep its
    finding out of an emptied database."""
    data = settings.data_dir.resolve()
    if settings.db_url is None:
        (data / SQLITE_FILE).unlink(missing_ok=True)
    if settings.redis_url is None:
        shutil.rmtree(data / VALKEY_DIR, ignore_errors=True)


def open_services(settings: Settings) -> Services:
    """Use configured services; start embedded ones for whatever is not configured."""
    data = settings.data_dir.resolve()
    data.mkdir(parents=True, exist_ok=True)
    store = Store(settings.db_url or sqlite_url(data / SQLITE_FILE))
    store.migrate()
    embedded = None
    redis_url = settings.redis_url
    if redis_url is None:
        embedded = EmbeddedRedis(data / VALKEY_DIR, persistent=True).start()
        redis_url = embedded.url
        log.info("started embedded Valkey at %s", redis_url)
    return Services(store, HotState(redis_url), EvidenceStore(data / "evidence"), embedded)


class EmbeddedRuntime:
    def __init__(
        self,
        config_dir: Path,
        services: Services,
        settings: Settings,
        *,
        district: District | None = None,
        realtime: bool = True,
        clock: Clock = utc_now,
        tick_s: float = 10.0,
    ) -> None:
        self.config_dir = config_dir
        self.district = district or load_district(config_dir)
        self.services, self.settings, self.realtime, self.clock = (
            services,
            settings,
            realtime,
            clock,
        )
        self.stop_event = threading.Event()
        self.pipeline: DetectPipeline | None = None  # started with the runtime
        self.findings: queue.Queue[Finding | None] = queue.Queue()
        self.threads: list[threading.Thread] = []
        detector = shared_detector(
            self.district.detector,
            settings.detector_threads,
            self.district.detector_scales,
            self.district.detector_close_look_s,
        )
        self.detect = DetectStage(
            self.district,
            detector,
            services.evidence,
            gate=MotionGate(),
            incidents=RedisIncidentMemory(services.hot.r),
            clock=self.clock,
        )
        self.sensors = SensorStage(self.district)
        self.dispatch = DispatchStage(self.district, services.store, services.hot, clock)
        self.intake = DeviceIntake(
            config_dir,
            self.district,
            services.hot,
            clock,
            self._submit,
            self._on_reading,
            realtime=realtime,
            mqtt_url=settings.mqtt_url,
            max_image_pixels=settings.max_image_pixels,
            dead_letter_budget_bytes=settings.dead_letter_budget_bytes,
        )
        self.offline_watch: OfflineWatch | None = None
        # Deadlines, notices and escalations run on the runtime's clock; edited plan files are
        # picked up on the same beat (a broken edit keeps the plans in force).
        self.escalation = EscalationRunner(self.dispatch)
        self.plan_book = PlanBook(config_dir, self.district, self.dispatch.use)
        self.tick_s = tick_s

    # ------------------------------------------------------------------ threads

    def _spawn(self, name: str, target: Any, *args: Any) -> None:
        t = threading.Thread(target=target, args=args, name=name, daemon=True)
        t.start()
        self.threads.append(t)

    def _submit(self, frame: Frame) -> None:
        assert self.pipeline is not None, "frames arrive only after start()"
        # A live camera drops its oldest waiting frame; a file played flat out waits for room.
        self.pipeline.submit(frame, hold=not self.realtime)

    def _analyse(self, frame: Frame) -> list[Finding]:
        try:
            return self.detect.process(frame)
        except Exception:
            self.detect.stats.errors["detect"] += 1
            log.exception("detection failed on %s frame %d", frame.device_id, frame.seq)
            return []

    def _deliver(self, _frame: Frame, found: list[Finding]) -> None:
        for f in found:
            self.findings.put(f)

    def _health_loop(self) -> None:
        while True:
            now = self.clock()
            dropped = self.pipeline.stats.dropped if self.pipeline is not None else {}
            health = {
                **self.detect.health(now),
                "frames_dropped": sum(dropped.values()),
                "readings": self.sensors.stats.readings,
                "bad_readings": self.sensors.stats.bad_readings,
            }
            publish_health(self.services.hot.r, "embedded", health, now)
            self.services.hot.detector_lag(dict(self.detect.lag_ms))
            if self.stop_event.wait(5):
                return

    def _dispatch_loop(self) -> None:
        while True:
            f = self.findings.get()
            if f is None:
                return
            try:
                self.dispatch.handle_finding(f)
            except Exception:
                # Kept for a retry rather than lost: SQL is the guard against duplicates.
                log.exception("dispatch of finding %s failed; retrying", f.finding_id)
                time.sleep(1)
                self.findings.put(f)

    def _on_reading(self, reading: Reading) -> None:
        for f in self.sensors.process(reading):
            self.findings.put(f)

    def _tick_loop(self) -> None:
        while not self.stop_event.wait(self.tick_s):
            self.tick()

    def tick(self) -> None:
        """One beat of the clock-driven work: plan reload check, notices, escalations."""
        try:
            self.plan_book.reload_if_changed()
            self.escalation.tick()
            if self.offline_watch is not None:
                self.offline_watch.tick(self.clock())
        except Exception:  # the next beat tries again; nothing here may stop the runtime
            log.exception("escalation tick failed")

    def start(self) -> None:
        if self.realtime:  # a run played flat out has no wall time to be silent in
            self.offline_watch = OfflineWatch(
                self.district,
                self.dispatch,
                self.services.hot,
                watched_devices(self.district),
                self.clock(),
            )
        # One worker: the shared session already uses `detector_threads` intra-op threads.
        self.pipeline = DetectPipeline(self._analyse, self._deliver, workers=1, depth=2)
        self.intake.start()
        self._spawn("detector-health", self._health_loop)
        self._spawn("escalation", self._tick_loop)
        self._dispatch_thread = threading.Thread(
            target=self._dispatch_loop, name="dispatch", daemon=True
        )
        self._dispatch_thread.start()

    def stop(self) -> None:
        self.stop_event.set()
        if self.pipeline is not None:
            self.pipeline.close()  # releases readers held back for room
        self.intake.stop()
        for t in self.threads:
            t.join(timeout=10)
        self.findings.put(None)  # drain: findings already made are still dispatched
        self._dispatch_thread.join(timeout=60)

    # ------------------------------------------------------------------ reporting

    def summary(self) -> dict[str, Any]:
        store = self.services.store
        events = []
        for e in store.list_events(limit=50):
            task = store.task_for_event(e.event_id)
            ev_path = self.services.evidence.path(e.evidence_path) if e.evidence_path else None
            events.append(
                {
                    "event_id": e.event_id,
                    "event_type": e.event_type,
                    "title": e.title,
                    "device_id": e.device_id,
                    "grid": e.grid,
                    "confidence": e.confidence,
                    "occurred_at": e.occurred_at.isoformat(),
                    "evidence_path": str(ev_path) if ev_path else None,
                    "task_id": task.task_id,
                    "task_state": task.state.value,
                    "assignee": task.assignee,
                    "verifier": task.verifier,
                    "plan": task.route_id,
                    "plan_name": task.route_name,
                }
            )
        return {
            "frames_received": sum(self.intake.frames_received.values()),
            "frames_analysed": self.detect.stats.frames_analysed,
            "bad_frames": self.detect.stats.bad_frames,
            "frames_dropped_stale": (
                sum(self.pipeline.stats.dropped.values()) if self.pipeline is not None else 0
            ),
            "readings": self.sensors.stats.readings,
            "findings": store.finding_count(),
            "events": sum(store.event_counts().values()),
            "events_by_type": store.event_counts(),
            "tasks_by_state": store.task_counts(),
            "dispatch": dict(self.dispatch.counts),
            "source_errors": self.intake.reconnects(),
            "event_list": events,
        }
