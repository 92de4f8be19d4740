"""Records a worker can never handle (not JSON, a device missing from the config) are counted
and skipped; they neither stop the worker nor hold back the records behind them."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from gridwatch.streams.publisher import Publisher
from gridwatch.streams.tansu import TansuBroker
from gridwatch.streams.topics import FINDINGS, FindingMessage
from kafka import KafkaProducer
from tests.kafka.conftest import Pipeline, wait_for
from tests.kafka.test_redis_restart import finding

pytestmark = pytest.mark.kafka


def test_bad_records_are_counted_and_skipped(
    make_pipeline: Callable[..., Pipeline], broker: TansuBroker
) -> None:
    p = make_pipeline()
    worker = p.spawn("dispatch")
    p.wait_assigned([worker], "findings", 4)
    raw = KafkaProducer(bootstrap_servers=[broker.address], acks="all")
    raw.send(p.topic("findings"), key=b"cam-0001", value=b"{not json").get(timeout=30)
    raw.close()
    publisher = Publisher(broker.url, p.prefix)
    stranger = dataclasses.replace(finding(1), device_id="cam-9999")
    publisher.send(FINDINGS, "cam-0001", FindingMessage.of(stranger)).get(timeout=30)
    publisher.send(FINDINGS, "cam-0001", FindingMessage.of(finding(2))).get(timeout=30)
    publisher.close()

    wait_for(lambda: p.sql("SELECT count(*) FROM tasks")[0][0] == 1, 60, "the good finding's task")
    assert worker.metric("gridwatch_bad_records_total", topic="findings") == 2
    assert worker.alive()
