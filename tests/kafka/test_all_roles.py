"""`--role all`: ingest, detect and dispatch in one process, live (real-time) sources included."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from gridwatch.dispatch.intake import ClueIn
from gridwatch.domain.tasks import Role
from gridwatch.store.hot_state import HotState
from gridwatch.streams.publisher import Publisher
from gridwatch.streams.tansu import TansuBroker
from gridwatch.streams.topics import CLUES, ClueMessage
from tests.kafka.conftest import Pipeline, wait_for

pytestmark = pytest.mark.kafka


def test_one_process_runs_every_role(
    make_pipeline: Callable[..., Pipeline], broker: TansuBroker
) -> None:
    p = make_pipeline()
    worker = p.spawn("all")
    p.wait_assigned([worker], "frames", 8)
    p.wait_assigned([worker], "events", 4)
    publisher = Publisher(broker.url, p.prefix)
    clue = ClueIn(event_type="garbage_dumping", description="heap by the gate", client_ref="a1")
    msg = ClueMessage(
        reporter="gl-g001", reporter_role=Role.GRID_LEADER, reporter_grid="g001", clue=clue
    )
    publisher.send(CLUES, "g001", msg).get(timeout=30)
    publisher.close()
    wait_for(
        lambda: p.sql("SELECT count(*) FROM events WHERE source = 'grid_leader'")[0][0] == 1,
        60,
        "the clue's task",
        on_timeout=p.tail_logs,
    )
    # The live camera and the simulated sensors of the minimal district are read and analysed.
    wait_for(
        lambda: (
            worker.metric("gridwatch_records_processed_total", topic="frames") >= 3
            and worker.metric("gridwatch_records_processed_total", topic="readings") >= 1
        ),
        60,
        "frames and readings through the same process",
        on_timeout=p.tail_logs,
    )
    assert worker.alive()
    hot = HotState(p.env["GRIDWATCH_REDIS_URL"])
    assert hot.device("cam-0001")["state"] == "online"
    assert hot.thumbnail("cam-0001") is not None, "the health page's picture of the camera"
