"""One scale-out worker process: a role's agents (or the ingest threads), the broker probe and
the Prometheus endpoint. Everything it connects to comes from GRIDWATCH_* settings."""

from __future__ import annotations

import logging
import signal
import threading
import time
from pathlib import Path

from prometheus_client import start_http_server

from gridwatch.config.loader import load_district
from gridwatch.config.settings import Settings
from gridwatch.runtime.clock import utc_now
from gridwatch.store.hot_state import HotState
from gridwatch.store.repository import Store
from gridwatch.streams.app import WorkerOptions, WorkerRole, build_worker_app
from gridwatch.streams.broker_probe import BrokerProbe
from gridwatch.streams.ingest_role import IngestRole
from gridwatch.streams.publisher import Publisher, ensure_topics

log = logging.getLogger(__name__)


def _retry(what: str, fn: object, attempts: int = 30, pause: float = 2.0) -> None:
    """Services start in any order (compose, Kubernetes): wait for them rather than crash."""
    for attempt in range(1, attempts + 1):
        try:
            fn()  # type: ignore[operator]
            return
        except Exception as e:
            if attempt == attempts:
                raise
            log.warning("%s failed (%s); retrying in %.0f s", what, e, pause)
            time.sleep(pause)


def _ingest(settings: Settings, config_dir: Path, *, realtime: bool) -> IngestRole:
    assert settings.kafka_url is not None
    publisher = Publisher(settings.kafka_url, settings.topic_prefix)
    if settings.redis_url is None:
        raise ValueError(
            "GRIDWATCH_REDIS_URL is not set: device health and dead letters live there"
        )
    district = load_district(config_dir)
    hot = HotState(settings.redis_url)
    return IngestRole(
        config_dir,
        district,
        publisher,
        hot,
        utc_now,
        realtime=realtime,
        mqtt_url=settings.mqtt_url,
        max_image_pixels=settings.max_image_pixels,
        dead_letter_budget_bytes=settings.dead_letter_budget_bytes,
    ).start()


def run_worker(
    settings: Settings,
    config_dir: Path,
    role: WorkerRole,
    *,
    options: WorkerOptions,
    metrics_port: int | None,
    flat_out: bool = False,
) -> None:
    if settings.kafka_url is None:
        raise ValueError("GRIDWATCH_KAFKA_URL is not set (e.g. kafka://127.0.0.1:9092)")
    if metrics_port is not None:
        start_http_server(metrics_port)
    url = settings.kafka_url
    _retry("creating topics", lambda: ensure_topics(url, settings.topic_prefix))
    BrokerProbe(url).start()
    ingest = None
    if role in ("ingest", "all"):
        ingest = _ingest(settings, config_dir, realtime=not flat_out)
    if role == "ingest":
        assert ingest is not None
        _serve_ingest(ingest, until_sources_end=flat_out)
        return
    if role in ("dispatch", "all") and settings.db_url:
        store = Store(settings.db_url)
        _retry("migrating the database", store.migrate)
        store.engine.dispose()
    app, _agents = build_worker_app(settings, config_dir, role, options)
    from faust import Worker

    try:
        Worker(app, loglevel="info", quiet=True, redirect_stdouts=False).execute_from_commandline()
    finally:
        if ingest is not None:
            ingest.stop()


def _serve_ingest(ingest: IngestRole, *, until_sources_end: bool) -> None:
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    if until_sources_end:

        def wait_then_stop() -> None:
            ingest.wait()
            done.set()

        threading.Thread(target=wait_then_stop, daemon=True).start()
    done.wait()
    ingest.stop()
    log.info("ingest stopped; every record handed over was flushed to the broker")
