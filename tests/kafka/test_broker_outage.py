"""The broker freezes for 20 s (SIGSTOP) while clues keep coming. Producer and worker ride it
out without a restart, every acknowledged clue becomes a task, and the outage is counted."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from prometheus_client import REGISTRY

from gridwatch.streams.publisher import Publisher
from gridwatch.streams.tansu import TansuBroker
from tests.kafka.conftest import ClueStream, Pipeline, wait_for

pytestmark = pytest.mark.kafka

FREEZE_S = 20.0


def test_frozen_broker_loses_no_acknowledged_event(
    make_pipeline: Callable[..., Pipeline], broker: TansuBroker
) -> None:
    p = make_pipeline()
    worker = p.spawn("dispatch")
    p.wait_assigned([worker], "clues", 2)
    publisher = Publisher(broker.url, p.prefix)
    stream = ClueStream(publisher, 0.05).start()
    acked, failed = stream.acked, stream.failed
    wait_for(lambda: len(acked) >= 20, 30, "clues acknowledged before the outage")
    broker.freeze()
    try:
        time.sleep(FREEZE_S / 2)
        assert worker.metric("gridwatch_broker_up") == 0, "the outage shows while it lasts"
        time.sleep(FREEZE_S / 2)
    finally:
        broker.thaw()
    time.sleep(5)  # clues sent after the outage, too
    stream.stop()
    publisher.flush(timeout=120)
    publisher.close()
    assert not failed, f"publisher gave up on records: {failed[:3]}"
    failures = REGISTRY.get_sample_value("gridwatch_publish_failures_total", {"topic": "clues"})
    assert not failures

    def described() -> set[str]:
        return {r[0] for r in p.sql("SELECT description FROM events")}

    wait_for(
        lambda: acked <= described(), 120, "a task per acknowledged clue", on_timeout=p.tail_logs
    )
    rows = p.sql("SELECT count(*), count(DISTINCT event_id) FROM tasks")
    assert rows[0][0] == rows[0][1] == len(described())
    assert worker.alive(), "the worker recovered without a restart"
    assert worker.metric("gridwatch_broker_up") == 1
    assert worker.metric("gridwatch_broker_outages_total") == 1
    assert worker.metric("gridwatch_broker_outage_seconds_total") >= FREEZE_S - 3
    print(f"acknowledged {len(acked)} clues across a {FREEZE_S:.0f} s freeze; tasks {rows[0][0]}")
