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

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from gridwatch.dispatch.intake import ClueIn
from gridwatch.domain.events import Event, Finding, Severity, Source
from gridwatch.domain.readings import Reading
from gridwatch.domain.tasks import Actor, Role, Task
from gridwatch.image_bounds import MAX_PIXELS
from gridwatch.ingest.frames import Frame
from gridwatch.ingest.jpeg import BadJpeg, decode_picture


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FrameMessage(Message):
    """One sampled camera picture (JPEG, base64 in JSON)."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, ser_json_bytes="base64", val_json_bytes="base64"
    )

    device_id: str = Field(description="The camera; also the record key.")
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

    def frame(self, max_pixels: int = MAX_PIXELS) -> Frame:
        """Decoded frame; an undecodable or damaged picture (checked as at the camera), or one
        whose header claims more than `max_pixels`, comes back empty and the detect stage
        counts it as a bad frame."""
        try:
            image = decode_picture(self.jpeg, max_pixels)
        except BadJpeg:
            image = np.zeros((0, 0, 3), dtype=np.uint8)
        return Frame(self.device_id, self.seq, self.at, image, self.received_at)


class ReadingMessage(Message):
    """One IoT sensor reading."""

    device_id: str = Field(description="The sensor; also the record key.")
    quantity: str = Field(description="What it measures: water_level, water_quality, rainfall.")
    value: float = Field(description="The reading, in `unit`.")
    unit: str = Field(description="The sensor's configured unit (m, NTU, mm/h …).")
    at: datetime = Field(description="Device time of the reading (receive time if it sent none).")

    @classmethod
    def of(cls, r: Reading) -> ReadingMessage:
        return cls(device_id=r.device_id, quantity=r.quantity, value=r.value, unit=r.unit, at=r.at)

    def reading(self) -> Reading:
        return Reading(self.device_id, self.quantity, self.value, self.unit, self.at)


Box = tuple[float, float, float, float]


class FindingMessage(Message):
    """What an algorithm found; its id derives from device, algorithm, incident and start."""

    device_id: str = Field(description="The device; also the record key.")
    algorithm: str = Field(description="Id of the algorithm that found it.")
    event_type: str = Field(description="The event type it reports.")
    incident_key: str = Field(description="Which incident of the device it belongs to.")
    started_at: datetime = Field(description="When the incident started (device time).")
    observed_at: datetime = Field(description="The frame or reading it was found on.")
    confidence: float = Field(description="Detector score of the object (1.0 for sensors).")
    mode: Literal["live", "shadow"] = Field(
        "live", description="shadow: recorded for comparison, never dispatched."
    )
    box: Box | None = Field(None, description="x1, y1, x2, y2 in frame pixels; sensors: null.")
    zone_id: str | None = Field(None, description="The camera zone it is in.")
    class_name: str | None = Field(None, description="COCO class of the object.")
    value: float | None = Field(None, description="The sensor value that alerted.")
    model_version: str | None = Field(None, description="Detector model, name@sha256 prefix.")
    evidence_path: str | None = Field(
        None, description="Key of the evidence picture (box and zone drawn) in the evidence store."
    )
    summary: str = Field("", description="One line for people: what, where, how long.")

    @classmethod
    def of(cls, f: Finding) -> FindingMessage:
        return cls.model_validate(f, from_attributes=True)

    def finding(self) -> Finding:
        return Finding(**dict(self))


class EventMessage(Message):
    """An event entering the dispatch chain; `hold` leaves its case for the desk to review."""

    event_id: str = Field(description="Derived from its content: a redelivery has the same id.")
    event_type: str = Field(description="An algorithm's or a reported event type.")
    source: Source = Field(description="Where it came from.")
    occurred_at: datetime = Field(description="When it happened (an incident: when it started).")
    grid: str = Field(description="The grid it is in.")
    community: str = Field(description="The grid's community.")
    severity: Severity = Field(description="From the algorithm or the report.")
    title: str = Field(description="Display name of the event type.")
    scene: str | None = Field(None, description="Smart scene of the device, if any.")
    device_id: str | None = Field(None, description="The device (AI events); the record key.")
    algorithm: str | None = Field(None, description="The algorithm (AI events).")
    confidence: float | None = Field(None, description="Detector score (AI events).")
    description: str = Field("", description="What was seen: the finding's summary or the report.")
    evidence_path: str | None = Field(None, description="Key of the evidence picture or photo.")
    model_version: str | None = Field(None, description="Detector model (AI events).")
    finding_id: str | None = Field(None, description="The finding it came from (AI events).")
    box: Box | None = Field(None, description="x1, y1, x2, y2 in frame pixels (AI events).")
    zone_id: str | None = Field(None, description="The camera zone (AI events).")
    reporter: str | None = Field(None, description="User id of whoever reported it (people).")
    extra: dict[str, str] = Field(
        default_factory=dict,
        description="Source-specific labels (an inspection finding: enterprise and visit).",
    )
    hold: bool = Field(False, description="The case waits for the desk's review before dispatch.")

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

    task_id: str = Field(description="The task; also the record key.")
    event_id: str = Field(description="The event that opened or joined it.")
    state: str = Field(description="Its state in the case loop after this step.")
    grid: str = Field(description="The grid it is in.")
    assignee: str | None = Field(description="brigade, squad:<id> or grid_force:<community>.")
    verifier: str | None = Field(description="Who verifies: grid_leader:<id> or brigade.")
    route_id: str | None = Field(description="The dispatch plan's route that matched.")
    merged_into: str | None = Field(description="The open case it joined (state merged).")
    at: datetime = Field(description="When the step happened.")

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
    reporter_role: Role = Field(description="The reporter's role.")
    reporter_grid: str | None = Field(None, description="The reporter's own grid.")
    clue: ClueIn = Field(description="The clue as the phone or the desk sent it.")
    photo: str | None = Field(None, description="Evidence key of an uploaded photo.")

    def actor(self) -> Actor:
        return Actor(self.reporter, self.reporter_role, grid=self.reporter_grid)


class DeadLetter(Message):
    """Why a worker refused a record. The record goes to the dead-letter topic with its key and
    value untouched (whatever bytes they were) and this in its Kafka headers, one UTF-8 header
    per field, as Kafka Connect's dead-letter queues do: any Kafka client can read and replay
    it without knowing an envelope."""

    source_topic: str = Field(description="Full name of the topic the record was on.")
    source_partition: int = Field(description="Its partition (decimal text in the header).")
    source_offset: int = Field(description="Its offset (decimal text in the header).")
    reason: str = Field(description="What was wrong, naming the field where one is to blame.")
    worker: str = Field(description="Consumer group, host and process id of the refusing worker.")
    refused_at: datetime = Field(description="When it was refused (UTC).")

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
