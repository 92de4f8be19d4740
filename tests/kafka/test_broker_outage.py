"""The broker freezes for 20 s (SIGSTOP) while clues keep coming. Producer and worker ride it
out without a restart, every acknowledged clue becomes a task, and the outage is counted."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from prometheus_client import REGISTRY

from gridwatch.dispatch.intake import ClueIn
from gridwatch.domain.tasks import Role
from gridwatch.streams.publisher import Publisher
from gridwatch.streams.tansu import TansuBroker
from gridwatch.streams.topics import CLUES, ClueMessage
from tests.kafka.conftest import Pipeline, wait_for

pytestmark = pytest.mark.kafka

FREEZE_S = 20.0


def clue(i: int) -> ClueMessage:
    return ClueMessage(
        reporter="gl-g001",
        reporter_role=Role.GRID_LEADER,
        reporter_grid="g001",
        clue=ClueIn(event_type="garbage_dumping", description=f"clue {i}", client_ref=f"c{i}"),
    )


def test_frozen_broker_loses_no_acknowledged_event(
    make_pipeline: Callable[..., Pipeline], broker: TansuBroker
) -> None:
    p = make_pipeline()
    worker = p.spawn("dispatch")
    p.wait_assigned([worker], "clues", 2)
    publisher = Publisher(broker.url, p.prefix)
    acked: set[str] = set()
    failed: list[BaseException] = []
    stop = threading.Event()

    def produce() -> None:
        i = 0
        while not stop.is_set():
            ref = f"clue {i}"
            fut = publisher.send(CLUES, "g001", clue(i))
            fut.add_callback(lambda _meta, ref=ref: acked.add(ref))
            fut.add_errback(failed.append)
            i += 1
            time.sleep(0.05)

    producer = threading.Thread(target=produce, daemon=True)
    producer.start()
    wait_for(lambda: len(acked) >= 20, 30, "clues acknowledged before the outage")
    broker.freeze()
    try:
        time.sleep(FREEZE_S / 2)
        assert worker.metric("gridwatch_broker_up") == 0, "the outage shows while it lasts"
        time.sleep(FREEZE_S / 2)
    finally:
        broker.thaw()
    time.sleep(5)  # clues sent after the outage, too
    stop.set()
    producer.join()
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
