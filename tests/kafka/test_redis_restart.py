"""Redis (a private Valkey here) goes away and comes back empty while findings flow and some are
delivered again. Cooldowns reset, the worker does not crash, and SQL keeps one task per event."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis

from gridwatch.domain.events import Finding
from gridwatch.runtime.embedded_redis import EmbeddedRedis
from gridwatch.streams.publisher import Publisher
from gridwatch.streams.tansu import TansuBroker
from gridwatch.streams.topics import FINDINGS, FindingMessage
from tests.kafka.conftest import Pipeline, wait_for

pytestmark = pytest.mark.kafka

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def finding(i: int) -> Finding:
    return Finding(
        device_id="cam-0001",
        algorithm="lane_occupation",
        event_type="lane_occupation",
        incident_key=f"lane-east@{i}",
        started_at=T0 + timedelta(minutes=i),
        observed_at=T0 + timedelta(minutes=i, seconds=20),
        confidence=0.5,
        box=(652.0, 43.0, 723.0, 97.0),
        zone_id="lane-east",
        class_name="truck",
    )


@pytest.fixture
def valkey(tmp_path: Path) -> EmbeddedRedis:
    server = EmbeddedRedis(tmp_path / "valkey").start()
    yield server  # type: ignore[misc]
    server.stop()


def test_redis_restart_neither_crashes_nor_doubles_a_task(
    make_pipeline: Callable[..., Pipeline], broker: TansuBroker, valkey: EmbeddedRedis
) -> None:
    p = make_pipeline(redis=valkey.url)
    worker = p.spawn("dispatch")
    p.wait_assigned([worker], "findings", 4)
    publisher = Publisher(broker.url, p.prefix)

    def send(numbers: range) -> None:
        for i in numbers:
            publisher.send(FINDINGS, "cam-0001", FindingMessage.of(finding(i))).get(timeout=30)

    def processed() -> float:
        return worker.metric("gridwatch_records_processed_total", topic="findings")

    def tasks() -> tuple[int, int]:
        n, distinct = p.sql("SELECT count(*), count(DISTINCT event_id) FROM tasks")[0]
        return int(n), int(distinct)

    first, second, third = range(0, 10), range(10, 20), range(20, 30)
    send(first)
    wait_for(lambda: tasks()[0] == 10, 60, "tasks of the first findings", on_timeout=p.tail_logs)
    cooldowns = redis.Redis.from_url(valkey.url)
    assert len(cooldowns.keys("gridwatch:cooldown:*")) == 10

    valkey.stop()
    send(second)
    send(first)  # delivered again while Redis is away: nothing remembers them but SQL
    wait_for(lambda: processed() >= 30, 60, "findings handled without Redis")
    valkey.start()  # same port, empty
    send(third)
    send(first)
    send(second)
    wait_for(lambda: processed() >= 60, 60, "findings handled after the restart")
    wait_for(lambda: tasks()[0] >= 30, 60, "a task per finding", on_timeout=p.tail_logs)
    publisher.close()

    assert tasks() == (30, 30), "one task per event, whatever Redis forgot"
    assert worker.alive()
    # Hot state is back in use: cooldowns of everything handled since the restart.
    assert len(cooldowns.keys("gridwatch:cooldown:*")) == 30
