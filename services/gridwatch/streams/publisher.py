"""Publishing to the pipeline's topics from plain threads (ingest, intake bridges, tools).

One kafka-python producer per process, `acks=all`, retrying through broker outages: a record
is *acknowledged* only when the broker has stored it, and the future says so. Idempotent
producers are not used (Tansu has no InitProducerId); duplicates that retries may cause are
absorbed downstream by content-derived ids.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import TopicAlreadyExistsError
from kafka.producer.future import FutureRecordMetadata

from gridwatch.detect.annotate import encode_jpeg
from gridwatch.domain.readings import Reading
from gridwatch.ingest.frames import Frame
from gridwatch.streams import metrics
from gridwatch.streams.broker_probe import bootstrap_servers
from gridwatch.streams.topics import (
    FRAMES,
    READINGS,
    TOPICS,
    FrameMessage,
    M,
    ReadingMessage,
    TopicSpec,
)
from kafka import KafkaProducer

log = logging.getLogger(__name__)

# Long enough to ride out a broker restart or a network partition of a few minutes.
DELIVERY_TIMEOUT_MS = 300_000


def ensure_topics(url: str, prefix: str, replication: int = 1) -> None:
    """Create the registry's topics with their partition counts (existing ones are kept)."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers(url), client_id="gridwatch-admin")
    try:
        for spec in TOPICS:
            with contextlib.suppress(TopicAlreadyExistsError):
                admin.create_topics(
                    [NewTopic(spec.name(prefix), spec.partitions, replication)],
                    timeout_ms=10_000,
                )
    finally:
        admin.close()


class Publisher:
    def __init__(self, url: str, prefix: str, **producer_options: Any) -> None:
        self.prefix = prefix
        options: dict[str, Any] = {
            "acks": "all",
            "retries": 2**31 - 1,
            "delivery_timeout_ms": DELIVERY_TIMEOUT_MS,
            "request_timeout_ms": 10_000,
            "max_block_ms": DELIVERY_TIMEOUT_MS,
            "linger_ms": 5,
            "max_request_size": 8 * 1024 * 1024,
            "enable_idempotence": False,
        }
        options.update(producer_options)
        self.producer = KafkaProducer(
            bootstrap_servers=bootstrap_servers(url), client_id="gridwatch-ingest", **options
        )

    def send(self, spec: TopicSpec[M], key: str, msg: M) -> FutureRecordMetadata:
        topic = spec.name(self.prefix)
        fut = self.producer.send(topic, key=key.encode(), value=spec.encode(msg))
        metrics.PUBLISHED.labels(spec.base).inc()
        fut.add_errback(_count_failure, spec.base)
        return fut

    def flush(self, timeout: float | None = None) -> None:
        self.producer.flush(timeout)

    def close(self) -> None:
        self.producer.close()


def _count_failure(error: Exception, topic: str) -> None:
    metrics.PUBLISH_FAILED.labels(topic).inc()
    log.error("record to %s not acknowledged: %s", topic, error)


def publish_reading(publisher: Publisher, reading: Reading) -> FutureRecordMetadata:
    """The one way a sensor reading enters the scale-out pipeline (simulators, MQTT intake)."""
    return publisher.send(READINGS, reading.device_id, ReadingMessage.of(reading))


def publish_frame(publisher: Publisher, frame: Frame) -> FutureRecordMetadata:
    return publisher.send(FRAMES, frame.device_id, FrameMessage.of(frame, encode_jpeg(frame.image)))
