"""A detect worker behind on a camera skips frames too old to matter and says so in its metrics;
the consumer lag it sees is exported per partition."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from gridwatch.ingest.frames import Frame
from gridwatch.streams.publisher import Publisher, publish_frame
from gridwatch.streams.tansu import TansuBroker
from tests.kafka.conftest import Pipeline, camera_district, read_topic, scrape, wait_for

pytestmark = pytest.mark.kafka


def test_stale_frames_are_dropped_and_counted(
    make_pipeline: Callable[..., Pipeline], broker: TansuBroker, tmp_path: Path
) -> None:
    p = make_pipeline(camera_district(tmp_path / "district", cameras=1))
    detect = p.spawn("detect", "--max-frame-age", "30")
    p.wait_assigned([detect], "frames", 8)
    publisher = Publisher(broker.url, p.prefix)
    now = datetime.now(UTC)
    image = np.zeros((576, 768, 3), dtype=np.uint8)
    stale = [Frame("cam-t01", i, now, image, now - timedelta(minutes=5)) for i in range(12)]
    fresh = [Frame("cam-t01", 100 + i, now, image, now + timedelta(minutes=5)) for i in range(3)]
    for frame in stale + fresh:
        publish_frame(publisher, frame).get(timeout=30)
    publisher.close()

    wait_for(
        lambda: detect.metric("gridwatch_records_processed_total", topic="frames") == 15,
        60,
        "every frame taken",
        on_timeout=p.tail_logs,
    )
    assert detect.metric("gridwatch_frames_dropped_stale_total", device="cam-t01") == 12
    # The lag gauge exists for the partition the camera's frames are on, and it has caught up.
    lag = {
        labels: value
        for (name, labels), value in scrape(detect.metrics_port).items()
        if name == "gridwatch_consumer_lag" and dict(labels)["topic"] == p.topic("frames")
    }
    assert len(lag) == 1 and list(lag.values()) == [0.0]
    assert read_topic(broker, p.topic("findings"), idle_s=1.0) == [], "black frames: no finding"
