"""The Faust app of the scale-out runtime: agents that join the same stages as the embedded
runtime through topics.

    frames ──► detect ─┐
    readings ► detect ─┴► findings ──► dispatch ─┐
                              clues ──► dispatch ─┴► events ──► dispatch ──► tasks (+ SQL)

Delivery is at least once: Faust commits a record's offset only after the agent took the next
one and the producer flushed what it sent, so a crash re-delivers; every effect is idempotent
(finding and event ids derive from their content, `tasks.event_id` is unique in SQL, cooldowns
in Redis admit the same finding again). The stages are blocking code (ONNX Runtime, SQL): they
run on one thread per role so the event loop keeps heartbeating the consumer group.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections import Counter
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal, TypeVar

import faust
import sqlalchemy.exc

from gridwatch.config.loader import load_district
from gridwatch.config.schema import District
from gridwatch.config.settings import Settings
from gridwatch.dispatch.escalation import EscalationRunner
from gridwatch.dispatch.intake import Intake, IntakeError
from gridwatch.dispatch.plan_reload import PlanBook
from gridwatch.dispatch.stage import DispatchStage
from gridwatch.ingest.offline_watch import OfflineWatch
from gridwatch.ingest.runner import watched_devices
from gridwatch.runtime.clock import Clock, utc_now
from gridwatch.store.evidence import EvidenceStore
from gridwatch.store.hot_state import HotState
from gridwatch.store.repository import Store
from gridwatch.streams import metrics
from gridwatch.streams.broker_probe import bootstrap_servers
from gridwatch.streams.fetch_wait import use_short_fetch_wait
from gridwatch.streams.topics import (
    CLUES,
    DEAD_LETTERS,
    EVENTS,
    FINDINGS,
    FRAMES,
    READINGS,
    TASKS,
    BadMessage,
    DeadLetter,
    EventMessage,
    FindingMessage,
    M,
    TaskMessage,
    TopicSpec,
)

log = logging.getLogger(__name__)

WorkerRole = Literal["ingest", "detect", "dispatch", "all"]
T = TypeVar("T")
Event = faust.EventT[bytes]
# Services away for a while (retried), as opposed to a record that can never be handled.
TRANSIENT = (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError, OSError)


@dataclass(frozen=True)
class WorkerOptions:
    max_frame_age: timedelta = timedelta(seconds=10)
    commit_interval_s: float = 1.0
    tick_s: float = 10.0
    # Events taken together by a dispatch worker: one SQL transaction for up to batch_max,
    # gathered for at most batch_wait_s.
    batch_max: int = 100
    batch_wait_s: float = 0.05


def faust_app(settings: Settings, role: WorkerRole, options: WorkerOptions) -> faust.App:
    if settings.kafka_url is None:
        raise ValueError("GRIDWATCH_KAFKA_URL is not set (e.g. kafka://127.0.0.1:9092)")
    app = faust.App(
        f"{settings.topic_prefix}-{role}",  # also the consumer group: one per role
        broker=[f"kafka://{s}" for s in bootstrap_servers(settings.kafka_url)],
        store="memory://",
        autodiscover=False,
        web_enabled=False,
        processing_guarantee="at_least_once",
        # Short sessions: a dead worker's partitions move in seconds, and brokers that wait
        # session_timeout/2 on JoinGroup (Tansu) let a worker start quickly.
        broker_session_timeout=6,
        broker_heartbeat_interval=1,
        broker_commit_interval=options.commit_interval_s,
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,
        producer_request_timeout=300,
        stream_wait_empty=False,
        logging_config=None,
    )
    use_short_fetch_wait(app)
    return app


class Agents:
    """The agents of one worker process, over the stages its roles need."""

    def __init__(
        self,
        app: faust.App,
        settings: Settings,
        config_dir: Path,
        district: District,
        *,
        detect: bool,
        dispatch: bool,
        options: WorkerOptions,
        clock: Clock = utc_now,
    ) -> None:
        self.app, self.settings, self.district = app, settings, district
        self.config_dir = config_dir
        self.options, self.clock = options, clock
        self.executor = ThreadPoolExecutor(1, thread_name_prefix="stage")
        # Clock-driven work beside the records, as the embedded runtime's escalation thread:
        # a long tick (many open cases) must not hold events back.
        self.tick_executor = ThreadPoolExecutor(1, thread_name_prefix="tick")
        self.topics = {
            FINDINGS.base: self._topic(FINDINGS),
            EVENTS.base: self._topic(EVENTS),
            TASKS.base: self._topic(TASKS),
            DEAD_LETTERS.base: self._topic(DEAD_LETTERS),
        }
        self.worker_id = f"{app.conf.id}@{socket.gethostname()}:{os.getpid()}"
        app.on_partitions_assigned.connect(self._assigned)  # type: ignore[arg-type]
        if detect:
            self._detect_agents()
        if dispatch:
            self._dispatch_agents()

    def _topic(self, spec: TopicSpec[M]) -> faust.TopicT:
        return self.app.topic(
            spec.name(self.settings.topic_prefix),
            key_type=bytes,
            value_type=bytes,
            key_serializer="raw",
            value_serializer="raw",
            partitions=spec.partitions,
        )

    async def _assigned(self, sender: object, assigned: set[Any], **_: Any) -> None:
        ours = f"{self.settings.topic_prefix}."
        counts = Counter(tp.topic for tp in assigned if tp.topic.startswith(ours))
        for spec in (FRAMES, READINGS, FINDINGS, CLUES, EVENTS):
            topic = spec.name(self.settings.topic_prefix)
            metrics.ASSIGNED_PARTITIONS.labels(topic).set(counts.get(topic, 0))
        log.info("assigned partitions: %s", dict(counts))

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)

    async def _until_done(
        self, topic: str, ev: Event, fn: Callable[..., T], *args: Any
    ) -> T | None:
        """Run a stage step until it succeeds. SQL or the evidence volume away must not lose
        the record: the partition waits (its order kept) and the step is tried again; a step
        that partly happened before the failure is safe to repeat, every effect being
        idempotent. Any other error is the record's own (a device missing from the config, a
        picture the detector fails on): it is counted, logged and dead-lettered, then skipped
        (None) rather than holding the partition for good."""
        pause = 0.5
        while True:
            try:
                return await self._run(fn, *args)
            except TRANSIENT:
                metrics.STEP_FAILURES.labels(topic).inc()
                log.exception("record of %s failed; trying again in %.1f s", topic, pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, 30.0)
            except Exception as e:
                log.exception("record of %s refused", topic)
                await self._refuse(topic, ev, f"{type(e).__name__}: {e}")
                return None

    async def _tick(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.tick_executor, fn, *args)

    async def _send(self, spec: TopicSpec[M], key: str, msg: M) -> None:
        await self.topics[spec.base].send(key=key.encode(), value=spec.encode(msg))

    async def _refuse(self, topic: str, ev: Event, reason: str) -> None:
        """Count a record that can never be handled and keep it on the dead-letter topic, key
        and value as they came, where it came from and why in the headers. A dead letter that
        cannot be sent is counted and logged: the stream goes on either way."""
        metrics.BAD_RECORDS.labels(topic).inc()
        tp, offset = ev.message.tp, ev.message.offset
        letter = DeadLetter(
            source_topic=tp.topic,
            source_partition=tp.partition,
            source_offset=offset,
            reason=reason,
            worker=self.worker_id,
            refused_at=self.clock(),
        )
        where = f"{tp.topic}[{tp.partition}]@{offset}"
        try:
            sent = await self.topics[DEAD_LETTERS.base].send(
                key=ev.message.key, value=ev.message.value, headers=letter.headers()
            )
        except Exception as e:
            self._dead_letter_lost(topic, where, e)
            return
        if isinstance(sent, asyncio.Future):  # delivery is confirmed later, with the flush
            sent.add_done_callback(lambda f: self._delivered(f, topic, where))

    def _delivered(self, sent: asyncio.Future[Any], topic: str, where: str) -> None:
        error = None if sent.cancelled() else sent.exception()
        if sent.cancelled() or error is not None:
            self._dead_letter_lost(topic, where, error)

    @staticmethod
    def _dead_letter_lost(topic: str, where: str, error: BaseException | None) -> None:
        metrics.DEAD_LETTER_FAILURES.labels(topic).inc()
        log.error("dead letter of %s not sent: %r", where, error or "cancelled")

    async def _records(
        self, spec: TopicSpec[M], stream: faust.StreamT[bytes]
    ) -> AsyncIterator[tuple[M, Event]]:
        """Decoded records of a stream with their events; lag is observed, bad records
        refused."""
        async for ev in stream.events():
            msg = await self._decoded(spec, ev)
            if msg is not None:
                yield msg, ev

    async def _batches(
        self, spec: TopicSpec[M], stream: faust.StreamT[bytes]
    ) -> AsyncIterator[list[tuple[M, Event]]]:
        """As `_records`, the records taken so far (up to `batch_max`, waiting at most
        `batch_wait_s` for more); their offsets are committed after the batch is handled."""
        take = stream.take_events  # type: ignore[attr-defined]  # not declared on StreamT
        async for events in take(self.options.batch_max, self.options.batch_wait_s):
            taken = [(await self._decoded(spec, ev), ev) for ev in events]
            msgs = [(m, ev) for m, ev in taken if m is not None]
            if msgs:
                yield msgs

    async def _decoded(self, spec: TopicSpec[M], ev: Event) -> M | None:
        tp = ev.message.tp
        high = self.app.consumer.highwater(tp)
        if high is not None:
            lag = max(0, high - ev.message.offset - 1)
            metrics.CONSUMER_LAG.labels(tp.topic, str(tp.partition)).set(lag)
        try:
            msg = spec.decode(ev.value)
        except BadMessage as e:
            log.warning("refused record %s[%d]@%d: %s", *tp, ev.message.offset, e)
            await self._refuse(spec.base, ev, str(e))
            return None
        metrics.PROCESSED.labels(spec.base).inc()
        return msg

    # ------------------------------------------------------------------ detect

    def _detect_agents(self) -> None:
        from gridwatch.detect.engine import shared_detector
        from gridwatch.detect.incident_memory import RedisIncidentMemory
        from gridwatch.detect.motion import MotionGate
        from gridwatch.detect.stage import DetectStage, SensorStage

        detector = shared_detector(
            self.district.detector,
            self.settings.detector_threads,
            self.district.detector_scales,
            self.district.detector_close_look_s,
        )
        evidence = EvidenceStore(self.settings.data_dir.resolve() / "evidence")
        # Incidents live in Redis so that a camera's parked car stays one incident when its
        # partition moves to another worker (rebalance, crash), as across an embedded restart.
        hot = HotState(self.settings.redis_url) if self.settings.redis_url else None
        incidents = RedisIncidentMemory(hot.r) if hot is not None else None
        self.detect = DetectStage(
            self.district,
            detector,
            evidence,
            gate=MotionGate(),
            incidents=incidents,
            clock=self.clock,
        )
        if hot is not None:

            @self.app.timer(interval=5.0)  # type: ignore[untyped-decorator]
            async def detector_lag() -> None:
                lags = dict(self.detect.lag_ms)
                await self._tick(self._guarded, "detector lag", lambda: hot.detector_lag(lags))

        self.sensors = SensorStage(self.district)
        prefix = self.settings.topic_prefix

        @self.app.agent(self._topic(FRAMES), name=f"{prefix}-detect-frames")
        async def detect_frames(stream: faust.StreamT[bytes]) -> None:
            async for msg, ev in self._records(FRAMES, stream):
                # Judged on arrival, before decoding: a worker behind on a camera skips to
                # pictures that are still worth analysing rather than falling further behind.
                if self.clock() - msg.received_at > self.options.max_frame_age:
                    metrics.FRAMES_DROPPED_STALE.labels(msg.device_id).inc()
                    continue
                frame = msg.frame(self.settings.max_image_pixels)
                found = await self._until_done(FRAMES.base, ev, self.detect.process, frame)
                for f in found or []:
                    await self._send(FINDINGS, f.device_id, FindingMessage.of(f))

        @self.app.agent(self._topic(READINGS), name=f"{prefix}-detect-readings")
        async def detect_readings(stream: faust.StreamT[bytes]) -> None:
            async for msg, ev in self._records(READINGS, stream):
                found = await self._until_done(
                    READINGS.base, ev, self.sensors.process, msg.reading()
                )
                for f in found or []:
                    await self._send(FINDINGS, f.device_id, FindingMessage.of(f))

    # ------------------------------------------------------------------ dispatch

    def _dispatch_agents(self) -> None:
        if self.settings.db_url is None:
            raise ValueError("GRIDWATCH_DB_URL is not set: dispatch workers share one SQL store")
        if self.settings.redis_url is None:
            raise ValueError("GRIDWATCH_REDIS_URL is not set: dispatch workers share one Redis")
        self.store = Store(self.settings.db_url)
        self.hot = HotState(self.settings.redis_url)
        self.dispatch = DispatchStage(self.district, self.store, self.hot, self.clock)
        self.intake = Intake(self.district, self.dispatch)
        self.escalation = EscalationRunner(self.dispatch)
        self.offline_watch = OfflineWatch(
            self.district, self.dispatch, self.hot, watched_devices(self.district), self.clock()
        )
        self.plan_book = PlanBook(self.config_dir, self.district, self.dispatch.use)
        prefix = self.settings.topic_prefix

        # Every worker follows edited plan files; deadlines, notices and escalations are run by
        # one of them (Faust's elected leader), as the embedded runtime runs them once.
        @self.app.timer(interval=self.options.tick_s)  # type: ignore[untyped-decorator]
        async def reload_plans() -> None:
            await self._tick(self._guarded, "plan reload", self.plan_book.reload_if_changed)

        @self.app.timer(interval=self.options.tick_s, on_leader=True)  # type: ignore[untyped-decorator]
        async def escalate() -> None:
            await self._tick(self._guarded, "escalation tick", self.escalation.tick)
            # Silence is read from the heartbeats every ingest worker writes to Redis.
            await self._tick(self._guarded, "offline watch", self._watch_devices)

        @self.app.agent(self._topic(FINDINGS), name=f"{prefix}-dispatch-findings")
        async def findings_to_events(stream: faust.StreamT[bytes]) -> None:
            async for msg, ev in self._records(FINDINGS, stream):
                finding = msg.finding()
                admitted = await self._until_done(
                    FINDINGS.base, ev, self.dispatch.event_for_finding, finding
                )
                if admitted is not None:
                    event, hold = admitted
                    out = EventMessage.of(event, hold=hold)
                    await self._send(EVENTS, out.key, out)

        @self.app.agent(self._topic(CLUES), name=f"{prefix}-dispatch-clues")
        async def clues_to_events(stream: faust.StreamT[bytes]) -> None:
            async for msg, ev in self._records(CLUES, stream):
                try:
                    event = self.intake.clue_event(msg.clue, msg.actor(), msg.photo)
                except IntakeError as e:
                    log.warning("clue from %s rejected: %s: %s", msg.reporter, e.field, e)
                    await self._refuse(CLUES.base, ev, f"{CLUES.base}: {e}")
                    continue
                out = EventMessage.of(event)
                await self._send(EVENTS, out.key, out)

        @self.app.agent(self._topic(EVENTS), name=f"{prefix}-dispatch-events")
        async def events_to_tasks(stream: faust.StreamT[bytes]) -> None:
            async for msgs in self._batches(EVENTS, stream):
                for task in await self._open_cases(msgs):
                    await self._send(TASKS, task.task_id, task)

    def _watch_devices(self) -> None:
        self.offline_watch.tick(self.clock())

    @staticmethod
    def _guarded(what: str, fn: Callable[[], object]) -> None:
        try:
            fn()
        except Exception:  # the next beat tries again; a tick must not stop the worker
            log.exception("%s failed", what)

    def _open_case(self, msg: EventMessage) -> TaskMessage:
        task = self.dispatch.handle_event(msg.event(), hold=msg.hold)
        return TaskMessage.of(task, self.clock())

    def _open_batch(self, msgs: list[EventMessage]) -> list[TaskMessage]:
        tasks = self.dispatch.handle_events([(m.event(), m.hold) for m in msgs])
        at = self.clock()
        return [TaskMessage.of(t, at) for t in tasks]

    async def _open_cases(self, taken: list[tuple[EventMessage, Event]]) -> list[TaskMessage]:
        """The batch's cases in shared transactions; should that fail for any reason, the
        records are taken one by one, each retried or refused on its own."""
        if len(taken) > 1:
            try:
                return await self._run(self._open_batch, [msg for msg, _ in taken])
            except Exception:
                log.warning("batch of %d events failed; one by one", len(taken), exc_info=True)
        out = []
        for msg, ev in taken:
            task = await self._until_done(EVENTS.base, ev, self._open_case, msg)
            if task is not None:
                out.append(task)
        return out


def build_worker_app(
    settings: Settings,
    config_dir: Path,
    role: WorkerRole,
    options: WorkerOptions | None = None,
) -> tuple[faust.App, Agents]:
    options = options or WorkerOptions()
    app = faust_app(settings, role, options)
    district = load_district(config_dir)
    agents = Agents(
        app,
        settings,
        config_dir,
        district,
        detect=role in ("detect", "all"),
        dispatch=role in ("dispatch", "all"),
        options=options,
    )
    return app, agents
