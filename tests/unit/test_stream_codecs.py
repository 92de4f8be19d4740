"""The topic codecs round-trip the pipeline's types as plain JSON, and refuse bad records with
the topic and field named; the broker probe's outage bookkeeping."""

from __future__ import annotations

import base64
import dataclasses
import json
import re
from datetime import UTC, datetime

import numpy as np
import pytest

from gridwatch.detect.annotate import encode_jpeg
from gridwatch.domain.events import Event, Finding, Place, event_from_finding
from gridwatch.domain.readings import Reading
from gridwatch.ingest.frames import Frame
from gridwatch.streams.broker_probe import OutageTracker, bootstrap_servers
from gridwatch.streams.topics import (
    EVENTS,
    FINDINGS,
    FRAMES,
    READINGS,
    TOPICS,
    BadMessage,
    EventMessage,
    FindingMessage,
    FrameMessage,
    ReadingMessage,
)

AT = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


def finding() -> Finding:
    return Finding(
        device_id="cam-0001",
        algorithm="lane_occupation",
        event_type="lane_occupation",
        incident_key="lane-east@652,43,723,97",
        started_at=AT,
        observed_at=AT,
        confidence=0.42,
        box=(652.0, 43.0, 723.0, 97.0),
        zone_id="lane-east",
        class_name="truck",
        evidence_path="20261102/cam-0001/x.jpg",
    )


def test_finding_round_trips_with_the_same_id() -> None:
    f = finding()
    back = FINDINGS.decode(FINDINGS.encode(FindingMessage.of(f))).finding()
    assert back == f
    assert back.finding_id == f.finding_id


def test_event_is_plain_json_a_third_party_can_read() -> None:
    event = event_from_finding(finding(), Place("g001", "c01", None), "minor", "机动车占道")
    raw = EVENTS.encode(EventMessage.of(event, hold=True))
    doc = json.loads(raw.decode("utf-8"))
    assert doc["event_id"] == event.event_id
    assert doc["occurred_at"] == "2026-11-02T09:30:00Z"
    assert doc["box"] == [652.0, 43.0, 723.0, 97.0]
    assert doc["hold"] is True
    back = EVENTS.decode(raw)
    assert back.event() == event
    assert isinstance(back.event(), Event) and back.hold


def test_frame_carries_its_picture_as_base64url_jpeg() -> None:
    image = np.full((48, 64, 3), 90, dtype=np.uint8)
    frame = Frame("cam-0001", 7, AT, image, AT)
    raw = FRAMES.encode(FrameMessage.of(frame, encode_jpeg(image)))
    jpeg = base64.urlsafe_b64decode(json.loads(raw)["jpeg"])
    assert jpeg[:2] == b"\xff\xd8"
    back = FRAMES.decode(raw).frame()
    assert back.image.shape == (48, 64, 3)
    assert abs(int(back.image.mean()) - 90) <= 2


def test_undecodable_picture_becomes_an_empty_frame_for_the_stage_to_reject() -> None:
    msg = FrameMessage(device_id="cam-0001", seq=1, at=AT, received_at=AT, jpeg=b"not a jpeg")
    assert msg.frame().image.size == 0


def test_reading_round_trips() -> None:
    r = Reading("wl-001", "water_level", 2.5, "m", AT)
    assert READINGS.decode(READINGS.encode(ReadingMessage.of(r))).reading() == r


@pytest.mark.parametrize(
    ("raw", "where"),
    [
        (b"{not json", "(message)"),
        (b'{"device_id": "wl-001", "quantity": "water_level", "unit": "m", "at": "x"}', "value"),
        (
            b'{"device_id": "a", "quantity": "q", "value": 1, "unit": "m", '
            b'"at": "2026-11-02T09:30:00Z", "colour": "red"}',
            "colour",
        ),
    ],
)
def test_bad_record_names_topic_and_field(raw: bytes, where: str) -> None:
    with pytest.raises(BadMessage, match="^readings: " + re.escape(where)):
        READINGS.decode(raw)


def test_registry_names_are_prefixed_and_unique() -> None:
    names = [t.name("city-a") for t in TOPICS]
    assert len(set(names)) == len(names) == 7
    assert all(n.startswith("city-a.") for n in names)


def test_bootstrap_servers_accepts_url_lists() -> None:
    assert bootstrap_servers("kafka://h1:9092,kafka://h2:9092") == ["h1:9092", "h2:9092"]
    assert bootstrap_servers("h1:9092;h2:9093") == ["h1:9092", "h2:9093"]
    with pytest.raises(ValueError):
        bootstrap_servers(" , ")


def test_outage_is_counted_once_and_its_length_measured() -> None:
    t = OutageTracker()
    assert t.observe(True, 0.0) == 0.0
    assert t.observe(False, 1.0) == 0.0 and t.outages == 1 and not t.up
    assert t.observe(False, 2.0) == 1.0
    assert t.observe(False, 3.5) == 1.5
    assert t.observe(True, 4.0) == 0.5 and t.up
    assert t.observe(False, 10.0) == 0.0 and t.outages == 2


@pytest.mark.parametrize(
    ("message", "domain", "wire_only"),
    [(EventMessage, Event, {"hold"}), (FindingMessage, Finding, set())],
)
def test_wire_messages_carry_every_field_of_their_domain_record(
    message: type, domain: type, wire_only: set[str]
) -> None:
    """The wire format is written out on purpose: a field added on one side goes on both."""
    wire = set(message.model_fields)
    assert wire - wire_only == {f.name for f in dataclasses.fields(domain)}
