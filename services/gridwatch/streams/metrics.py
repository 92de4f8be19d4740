"""Prometheus metrics of the scale-out workers (served on each worker's `--metrics-port`)."""

from __future__ import annotations

import threading

from prometheus_client import REGISTRY, Counter, Gauge

CONSUMER_LAG = Gauge(
    "gridwatch_consumer_lag",
    "Records behind the partition's high-water mark when the last record was taken.",
    ["topic", "partition"],
)
PROCESSED = Counter(
    "gridwatch_records_processed_total", "Records a worker has processed.", ["topic"]
)
BAD_RECORDS = Counter(
    "gridwatch_bad_records_total",
    "Records that did not decode as their topic's message, or were refused.",
    ["topic"],
)
DEAD_LETTER_FAILURES = Counter(
    "gridwatch_dead_letter_failures_total",
    "Refused records that could not be sent to the dead-letter topic (still skipped).",
    ["topic"],
)
FRAMES_DROPPED_STALE = Counter(
    "gridwatch_frames_dropped_stale_total",
    "Frames skipped because they were older than the staleness limit when taken.",
    ["device"],
)
PUBLISHED = Counter("gridwatch_records_published_total", "Records handed to the broker.", ["topic"])
PUBLISH_FAILED = Counter(
    "gridwatch_publish_failures_total", "Records the broker did not acknowledge.", ["topic"]
)
# The broker's health is exported only by a process that probes a broker: a gauge registered on
# import would read 0 in any process that merely loads this module (the embedded runtime has no
# broker), and an alert on it would fire there. `BrokerProbe` registers them.
BROKER_UP = Gauge(
    "gridwatch_broker_up", "1 while the broker answers, 0 during an outage.", registry=None
)
BROKER_OUTAGES = Counter(
    "gridwatch_broker_outages_total", "Times the broker stopped answering.", registry=None
)
BROKER_OUTAGE_SECONDS = Counter(
    "gridwatch_broker_outage_seconds_total", "Seconds the broker did not answer.", registry=None
)
_broker_registered = False
_broker_lock = threading.Lock()


def export_broker_metrics() -> None:
    """Serve the broker's health from this process from now on (idempotent)."""
    global _broker_registered
    with _broker_lock:
        if not _broker_registered:
            for metric in (BROKER_UP, BROKER_OUTAGES, BROKER_OUTAGE_SECONDS):
                REGISTRY.register(metric)
            _broker_registered = True


ASSIGNED_PARTITIONS = Gauge(
    "gridwatch_assigned_partitions", "Partitions of a topic this worker consumes now.", ["topic"]
)
STEP_FAILURES = Counter(
    "gridwatch_step_failures_total",
    "Records whose handling failed for a while (SQL away) and was tried again.",
    ["topic"],
)
