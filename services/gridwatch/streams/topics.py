"""The one registry of topic names and their typed codecs (JSON, UTF-8).

Every message is a pydantic model serialised with `model_dump_json`; any Kafka client can read
them (docs/reference/topics.md is generated from this module). Keys are the device id as UTF-8
(tasks: the task id), so one device's frames, findings and events keep their order on one
partition.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Literal, TypeVar

import cv2
import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from gridwatch.dispatch.intake import ClueIn
from gridwatch.domain.events import Event, Finding, Severity, Source
from gridwatch.domain.readings import Reading
from gridwatch.domain.tasks import Actor, Role, Task
from gridwatch.ingest.frames import Frame


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FrameMessage(Message):
    """One sampled camera picture (JPEG, base64 in JSON)."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, ser_json_bytes="base64", val_json_bytes="base64"
    )

    device_id: str
    seq: int = Field(ge=0, description="Frame number at the source.")
    at: datetime = Field(description="Device time: when the picture was taken.")
    received_at: datetime = Field(description="When ingest read it; staleness is judged by it.")
    jpeg: bytes = Field(description="The picture, JPEG; base64 in JSON.")

    @classmethod
    def of(cls, frame: Frame, jpeg: bytes) -> FrameMessage:
        return cls(
            device_id=frame.device_id,
            seq=frame.seq,
            at=frame.at,
            received_at=frame.received_at,
            jpeg=jpeg,
        )

    def frame(self) -> Frame:
        """Decoded frame; an undecodable picture comes back empty and the detect stage counts
        it as a bad frame."""
        buf = np.frombuffer(self.jpeg, dtype=np.uint8)
        image = cv2.imdecode(buf, cv2.IMREAD_COLOR) if buf.size else None
        if image is None:
            image = np.zeros((0, 0, 3), dtype=np.uint8)
        return Frame(self.device_id, self.seq, self.at, image, self.received_at)


class ReadingMessage(Message):
    """One IoT sensor reading."""

    device_id: str
    quantity: str
    value: float
    unit: str
    at: datetime

    @classmethod
    def of(cls, r: Reading) -> ReadingMessage:
        return cls(device_id=r.device_id, quantity=r.quantity, value=r.value, unit=r.unit, at=r.at)

    def reading(self) -> Reading:
        return Reading(self.device_id, self.quantity, self.value, self.unit, self.at)


Box = tuple[float, float, float, float]


class FindingMessage(Message):
    """What an algorithm found; its id derives from device, algorithm, incident and start."""

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

    @classmethod
    def of(cls, f: Finding) -> FindingMessage:
        return cls.model_validate(f, from_attributes=True)

    def finding(self) -> Finding:
        return Finding(**dict(self))


class EventMessage(Message):
    """An event entering the dispatch chain; `hold` leaves its case for the desk to review."""

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
    extra: dict[str, str] = Field(default_factory=dict)
    hold: bool = False

    @classmethod
    def of(cls, e: Event, *, hold: bool = False) -> EventMessage:
        return cls.model_validate({**dataclasses.asdict(e), "hold": hold})

    def event(self) -> Event:
        fields = dict(self)
        fields.pop("hold")
        return Event(**fields)

    @property
    def key(self) -> str:
        return self.device_id or self.grid


class TaskMessage(Message):
    """A task's state after a step of its lifecycle (opened, merged, suppressed …)."""

    task_id: str
    event_id: str
    state: str
    grid: str
    assignee: str | None
    verifier: str | None
    route_id: str | None
    merged_into: str | None
    at: datetime

    @classmethod
    def of(cls, t: Task, at: datetime) -> TaskMessage:
        return cls(
            task_id=t.task_id,
            event_id=t.event_id,
            state=t.state.value,
            grid=t.grid,
            assignee=t.assignee,
            verifier=t.verifier,
            route_id=t.route_id,
            merged_into=t.merged_into,
            at=at,
        )


class ClueMessage(Message):
    """A grid leader's clue (线索上报) as the phone sent it, with who reported it."""

    reporter: str = Field(description="User id of the reporter.")
    reporter_role: Role
    reporter_grid: str | None = Field(None, description="The reporter's own grid.")
    clue: ClueIn
    photo: str | None = Field(None, description="Evidence key of an uploaded photo.")

    def actor(self) -> Actor:
        return Actor(self.reporter, self.reporter_role, grid=self.reporter_grid)


class DeadLetter(Message):
    """Why a worker refused a record. The record goes to the dead-letter topic with its key and
    value untouched (whatever bytes they were) and this in its Kafka headers, one UTF-8 header
    per field, as Kafka Connect's dead-letter queues do: any Kafka client can read and replay
    it without knowing an envelope."""

    source_topic: str
    source_partition: int
    source_offset: int
    reason: str = Field(description="What was wrong, naming the field where one is to blame.")
    worker: str = Field(description="Consumer group, host and process id of the refusing worker.")
    refused_at: datetime

    def headers(self) -> list[tuple[str, bytes]]:
        return [(k, str(v).encode()) for k, v in self.model_dump(mode="json").items()]

    @classmethod
    def from_headers(cls, headers: list[tuple[str, bytes]] | None) -> DeadLetter:
        fields = {
            k: v.decode("utf-8", "replace") for k, v in headers or [] if k in cls.model_fields
        }
        try:
            return cls.model_validate(fields)
        except ValidationError as e:
            first = e.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "(headers)"
            raise BadMessage(f"dead-letters: header {where}: {first['msg']}") from None


M = TypeVar("M", bound=Message)


class BadMessage(ValueError):
    """A record that does not decode as its topic's message; the reason names topic and field."""


@dataclass(frozen=True)
class TopicSpec(Generic[M]):
    """A topic: its name without the deployment prefix, message type, key and partitions."""

    base: str
    message: type[M]
    key: str
    partitions: int
    description: str

    def name(self, prefix: str) -> str:
        return f"{prefix}.{self.base}"

    def encode(self, msg: M) -> bytes:
        return msg.model_dump_json().encode()

    def decode(self, raw: bytes | None) -> M:
        try:
            return self.message.model_validate_json(raw or b"")
        except ValidationError as e:
            first = e.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "(message)"
            raise BadMessage(f"{self.base}: {where}: {first['msg']}") from None


FRAMES = TopicSpec("frames", FrameMessage, "device id", 8, "sampled camera pictures")
READINGS = TopicSpec("readings", ReadingMessage, "device id", 4, "IoT sensor readings")
FINDINGS = TopicSpec("findings", FindingMessage, "device id", 4, "what algorithms found")
EVENTS = TopicSpec("events", EventMessage, "device id (else grid)", 4, "events to dispatch")
TASKS = TopicSpec("tasks", TaskMessage, "task id", 4, "task lifecycle")
CLUES = TopicSpec("clues", ClueMessage, "reporter's grid (else reporter)", 2, "human reports")
# Key and value are the refused record's own bytes, not an encoded DeadLetter: the message type
# here is what the headers carry. Refusals are rare, so one partition keeps them in order.
DEAD_LETTERS = TopicSpec(
    "dead-letters", DeadLetter, "the refused record's key", 1, "refused records, as they were"
)

TOPICS: tuple[TopicSpec[Message], ...] = (  # type: ignore[assignment]
    FRAMES, READINGS, FINDINGS, EVENTS, TASKS, CLUES, DEAD_LETTERS
)  # fmt: skip
