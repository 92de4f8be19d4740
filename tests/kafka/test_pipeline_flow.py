"""Ingest, detect and dispatch as separate worker processes: camera video becomes tasks in
PostgreSQL, and a third party reads the events topic with nothing but kafka-python and JSON."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from gridwatch.streams.tansu import TansuBroker
from kafka import KafkaConsumer
from tests.kafka.conftest import Pipeline, camera_district, wait_for

pytestmark = pytest.mark.kafka


def test_video_becomes_tasks_across_worker_processes(
    make_pipeline: Callable[..., Pipeline], broker: TansuBroker, tmp_path: Path
) -> None:
    p = make_pipeline(camera_district(tmp_path / "district", cameras=2))
    detect = p.spawn("detect", "--max-frame-age", "600")
    dispatch = p.spawn("dispatch")
    p.wait_assigned([detect], "frames", 8)
    p.wait_assigned([dispatch], "events", 4)
    ingest = p.spawn("ingest", "--flat-out")

    def lane_tasks() -> list[tuple[str, str, str]]:
        return [
            tuple(r)
            for r in p.sql(
                "SELECT t.event_id, e.device_id, t.state FROM tasks t "
                "JOIN events e ON e.event_id = t.event_id WHERE e.event_type = 'lane_occupation'"
            )
        ]

    wait_for(
        lambda: {d for _, d, _ in lane_tasks()} == {"cam-t01", "cam-t02"},
        180,
        "a lane-occupation task from each camera",
        on_timeout=p.tail_logs,
    )
    assert ingest.proc.wait(60) == 0, "ingest played both files to their end and flushed"
    # The van must stand 20 s (one frame a second) in each camera's lane before it is reported.
    assert detect.metric("gridwatch_records_processed_total", topic="frames") >= 2 * 20

    # A plain kafka-python consumer in its own group decodes the events topic per the README.
    consumer = KafkaConsumer(
        p.topic("events"),
        bootstrap_servers=[broker.address],
        group_id=f"reader-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        session_timeout_ms=6000,
        heartbeat_interval_ms=1000,
        value_deserializer=lambda v: json.loads(v.decode("utf-8")),
        key_deserializer=lambda k: k.decode("utf-8"),
    )
    seen: dict[str, dict[str, object]] = {}
    try:
        wait_for(
            lambda: bool(consumer.poll(timeout_ms=500) or consumer.assignment()),
            60,
            "the reader's assignment",
        )
        consumer.seek_to_beginning()
        tasks = {e for e, _, _ in lane_tasks()}
        for _ in range(60):
            for records in consumer.poll(timeout_ms=500).values():
                for r in records:
                    assert r.key == r.value["device_id"], "events are keyed by device id"
                    seen[r.value["event_id"]] = r.value
            if tasks <= set(seen):
                break
    finally:
        consumer.close()
    assert tasks <= set(seen)
    for ev in seen.values():
        assert ev["event_type"] == "lane_occupation"
        assert ev["source"] == "ai"
        assert ev["algorithm"] == "lane_occupation"
        assert ev["evidence_path"], "AI events carry their evidence picture"
        assert 0 < float(ev["confidence"]) <= 1  # type: ignore[arg-type]
        assert ev["occurred_at"].endswith(("Z", "+00:00"))  # type: ignore[union-attr]
    # Each event on the topic opened exactly one task.
    rows = p.sql("SELECT event_id, count(*) FROM tasks GROUP BY event_id HAVING count(*) > 1")
    assert rows == []
    assert set(seen) == {e for e, _, _ in lane_tasks()}
