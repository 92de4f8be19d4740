"""Records a worker can never handle (not JSON, a device missing from the config) are counted,
kept on the dead-letter topic as they came with where from and why, and skipped; they neither
stop the worker nor hold back the records behind them."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import pytest
from typer.testing import CliRunner

from gridwatch.cli.main import app
from gridwatch.streams.publisher import Publisher
from gridwatch.streams.tansu import TansuBroker
from gridwatch.streams.topics import FINDINGS, FindingMessage
from kafka import KafkaConsumer, KafkaProducer
from tests.kafka.conftest import Pipeline, wait_for
from tests.kafka.test_redis_restart import finding

pytestmark = pytest.mark.kafka


def dead_letters(broker: TansuBroker, topic: str) -> list[Any]:
    """As the README shows: a plain kafka-python consumer, the reasons in the headers."""
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=[broker.address],
        auto_offset_reset="earliest",
        consumer_timeout_ms=2000,
    )
    try:
        return list(consumer)
    finally:
        consumer.close()


def test_bad_records_are_counted_dead_lettered_and_skipped(
    make_pipeline: Callable[..., Pipeline], broker: TansuBroker
) -> None:
    p = make_pipeline()
    worker = p.spawn("dispatch")
    p.wait_assigned([worker], "findings", 4)
    raw = KafkaProducer(bootstrap_servers=[broker.address], acks="all")
    raw.send(p.topic("findings"), key=b"cam-0001", value=b"{not json").get(timeout=30)
    raw.close()
    publisher = Publisher(broker.url, p.prefix)
    stranger = FindingMessage.of(dataclasses.replace(finding(1), device_id="cam-9999"))
    publisher.send(FINDINGS, "cam-0001", stranger).get(timeout=30)
    publisher.send(FINDINGS, "cam-0001", FindingMessage.of(finding(2))).get(timeout=30)
    publisher.close()

    wait_for(lambda: p.sql("SELECT count(*) FROM tasks")[0][0] == 1, 60, "the good finding's task")
    assert worker.metric("gridwatch_bad_records_total", topic="findings") == 2
    assert worker.alive()

    letters: list[Any] = []

    def two_letters() -> bool:
        letters[:] = dead_letters(broker, p.topic("dead-letters"))
        return len(letters) >= 2

    wait_for(two_letters, 30, "two dead letters", on_timeout=p.tail_logs)
    assert len(letters) == 2
    not_json, unknown = letters
    assert (not_json.key, not_json.value) == (b"cam-0001", b"{not json")
    assert (unknown.key, unknown.value) == (b"cam-0001", FINDINGS.encode(stranger))
    why = [{k: v.decode() for k, v in r.headers} for r in letters]
    assert {w["source_topic"] for w in why} == {p.topic("findings")}
    assert int(why[0]["source_offset"]) < int(why[1]["source_offset"])
    assert why[0]["source_partition"] == why[1]["source_partition"]
    assert why[0]["reason"].startswith("findings: (message): Invalid JSON")
    assert "cam-9999" in why[1]["reason"]
    assert all(w["worker"].startswith(f"{p.prefix}-dispatch@") for w in why)
    assert worker.metric("gridwatch_dead_letter_failures_total") == 0

    env = {"GRIDWATCH_KAFKA_URL": broker.url, "GRIDWATCH_TOPIC_PREFIX": p.prefix}
    result = CliRunner().invoke(
        app, ["ingest", "dead-letters", "--kafka", "--json", "--limit", "1"], env=env
    )
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["counts"] == {"total": 2}
    (newest,) = shown["latest"]
    assert newest["reason"] == why[1]["reason"]
    assert newest["source_offset"] == int(why[1]["source_offset"])
    assert newest["value"] == FINDINGS.encode(stranger).decode()
