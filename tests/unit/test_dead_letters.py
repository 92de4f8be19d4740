"""A refused record's dead letter: its headers say where from and why and read back; a dead
letter the broker does not take is counted and logged, and the stream goes on."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from faust.types import TP
from prometheus_client import REGISTRY

from gridwatch.streams.app import Agents
from gridwatch.streams.dead_letters import _refused
from gridwatch.streams.topics import DEAD_LETTERS, BadMessage, DeadLetter

AT = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


def letter() -> DeadLetter:
    return DeadLetter(
        source_topic="city.findings",
        source_partition=3,
        source_offset=41,
        reason="findings: device_id: Field required",
        worker="city-dispatch@host:7",
        refused_at=AT,
    )


def test_headers_are_utf8_text_and_read_back() -> None:
    headers = letter().headers()
    assert dict(headers) == {
        "source_topic": b"city.findings",
        "source_partition": b"3",
        "source_offset": b"41",
        "reason": b"findings: device_id: Field required",
        "worker": b"city-dispatch@host:7",
        "refused_at": b"2026-11-02T09:30:00Z",
    }
    assert DeadLetter.from_headers([*headers, ("traceparent", b"x")]) == letter()


def test_a_record_without_the_headers_is_shown_with_what_is_missing() -> None:
    with pytest.raises(BadMessage, match=r"^dead-letters: header source_topic: Field required"):
        DeadLetter.from_headers(None)
    record = SimpleNamespace(offset=0, timestamp=0, key=None, value=b"\xff", headers=[])
    row = _refused(record).row()
    assert row["reason"].startswith("dead-letters: header source_topic")
    assert (row["value_bytes"], row["value"]) == (1, "\ufffd")


class BrokerAway:
    async def send(self, **_: Any) -> None:
        raise ConnectionError("broker away")


class FailsLater:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.future: asyncio.Future[None] | None = None

    async def send(self, **kw: Any) -> asyncio.Future[None]:
        self.sent.append(kw)
        self.future = asyncio.get_running_loop().create_future()
        return self.future


def agents_sending_to(topic: object) -> Agents:
    agents = Agents.__new__(Agents)  # only what `_refuse` uses: no app, no broker
    agents.topics = {DEAD_LETTERS.base: topic}  # type: ignore[dict-item]
    agents.worker_id, agents.clock = "city-dispatch@host:7", lambda: AT
    return agents


def event(value: bytes) -> Any:
    message = SimpleNamespace(tp=TP("city.findings", 3), offset=41, key=b"cam-0001", value=value)
    return SimpleNamespace(message=message)


def count(name: str, topic: str) -> float:
    return REGISTRY.get_sample_value(name, {"topic": topic}) or 0.0


def test_a_dead_letter_the_broker_refuses_is_counted_and_the_stream_goes_on() -> None:
    before = count("gridwatch_dead_letter_failures_total", "t-away")
    bad_before = count("gridwatch_bad_records_total", "t-away")
    asyncio.run(agents_sending_to(BrokerAway())._refuse("t-away", event(b"{"), "bad"))
    assert count("gridwatch_dead_letter_failures_total", "t-away") == before + 1
    assert count("gridwatch_bad_records_total", "t-away") == bad_before + 1


def test_the_dead_letter_carries_the_original_bytes_and_a_late_failure_is_counted() -> None:
    topic = FailsLater()
    before = count("gridwatch_dead_letter_failures_total", "t-late")

    async def refuse_then_fail() -> None:
        await agents_sending_to(topic)._refuse("t-late", event(b"{not json"), "findings: bad")
        assert topic.future is not None
        topic.future.set_exception(TimeoutError("not acknowledged"))
        await asyncio.sleep(0)  # the done-callback runs

    asyncio.run(refuse_then_fail())
    (sent,) = topic.sent
    assert (sent["key"], sent["value"]) == (b"cam-0001", b"{not json")
    assert DeadLetter.from_headers(sent["headers"]) == letter().model_copy(
        update={"reason": "findings: bad"}
    )
    assert count("gridwatch_dead_letter_failures_total", "t-late") == before + 1
