"""The scale-out runtime for real: a Tansu broker for the session, worker processes started with
`gridwatch worker`, PostgreSQL and Redis as the system uses them. Every test gets its own topic
prefix, so its topics and consumer groups are fresh."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from prometheus_client.parser import text_string_to_metric_families

from gridwatch.dispatch.intake import ClueIn
from gridwatch.domain.tasks import Role
from gridwatch.runtime.embedded_redis import free_port
from gridwatch.store.repository import Store
from gridwatch.streams.publisher import Publisher, ensure_topics
from gridwatch.streams.tansu import TansuBroker
from gridwatch.streams.topics import CLUES, ClueMessage
from tests.conftest import MINIMAL, ROOT, VTEST

pytestmark = pytest.mark.kafka


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TansuBroker]:
    log = tmp_path_factory.mktemp("tansu") / "tansu.log"
    b = TansuBroker(log_path=log).start()
    yield b
    b.stop()


def camera_district(directory: Path, cameras: int) -> Path:
    """The minimal district with `cameras` copies of its video camera and no sensors."""
    shutil.copytree(MINIMAL, directory)
    devices = yaml.safe_load((MINIMAL / "devices.yaml").read_text())["devices"]
    template = next(d for d in devices if d["id"] == "cam-0001")
    clones = []
    for i in range(1, cameras + 1):
        cam = {**template, "id": f"cam-t{i:02d}", "name": f"{template['name']} {i}"}
        cam["source"] = {**template["source"], "path": str(VTEST), "loop": False}
        clones.append(cam)
    (directory / "devices.yaml").write_text(yaml.safe_dump({"devices": clones}, allow_unicode=True))
    return directory


def scrape(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
        text = r.read().decode()
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def metric(port: int, name: str, **labels: str) -> float:
    """Sum of the samples of `name` whose labels include `labels` (0 when absent)."""
    want = set(labels.items())
    try:
        samples = scrape(port)
    except OSError:
        return 0.0
    return sum(v for (n, ls), v in samples.items() if n == name and want <= set(ls))


@dataclass
class Worker:
    role: str
    proc: subprocess.Popen[bytes]
    metrics_port: int
    log: Path

    def metric(self, name: str, **labels: str) -> float:
        return metric(self.metrics_port, name, **labels)

    def alive(self) -> bool:
        return self.proc.poll() is None


@dataclass
class Pipeline:
    """Worker processes of one test on one topic prefix, with the SQL store they share."""

    prefix: str
    env: dict[str, str]
    config: Path
    logs: Path
    store: Store
    workers: list[Worker] = field(default_factory=list)

    def topic(self, base: str) -> str:
        return f"{self.prefix}.{base}"

    def spawn(self, role: str, *args: str, env: dict[str, str] | None = None) -> Worker:
        port = free_port()
        log = self.logs / f"{role}-{len(self.workers)}.log"
        cmd = [sys.executable, "-m", "gridwatch.cli.main", "worker", "--role", role]
        cmd += ["--config", str(self.config), "--metrics-port", str(port), *args]
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                cmd, env={**self.env, **(env or {})}, stdout=out, stderr=subprocess.STDOUT
            )
        w = Worker(role, proc, port, log)
        self.workers.append(w)
        return w

    def wait_assigned(self, workers: list[Worker], base: str, partitions: int) -> None:
        """Until `workers` together consume every partition of the topic (and each has some
        when there are several): a consumer is never stopped before it has its assignment."""
        topic = self.topic(base)

        def shares() -> list[float]:
            return [w.metric("gridwatch_assigned_partitions", topic=topic) for w in workers]

        wait_for(
            lambda: sum(shares()) == partitions and all(s > 0 for s in shares()),
            120,
            f"{topic} assigned to {[w.role for w in workers]}",
            on_timeout=self.tail_logs,
        )

    def tail_logs(self) -> str:
        return "\n".join(
            f"--- {w.log.name}\n" + "\n".join(w.log.read_text(errors="replace").splitlines()[-30:])
            for w in self.workers
        )

    def sql(self, query: str) -> list[Any]:
        with self.store.engine.connect() as c:
            return list(c.execute(sa.text(query)))

    def stop(self) -> None:
        for w in self.workers:
            if w.alive():
                w.proc.send_signal(signal.SIGTERM)
        for w in self.workers:
            try:
                w.proc.wait(20)
            except subprocess.TimeoutExpired:
                w.proc.kill()
                w.proc.wait(5)
        self.store.engine.dispose()


def wait_for(
    cond: Callable[[], bool],
    timeout: float,
    what: str,
    interval: float = 0.5,
    on_timeout: Callable[[], str] | None = None,
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(interval)
    detail = on_timeout() if on_timeout else ""
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}\n{detail}")


@pytest.fixture
def make_pipeline(
    broker: TansuBroker, pg_url: str, redis_url: str, tmp_path: Path
) -> Iterator[Callable[..., Pipeline]]:
    made: list[Pipeline] = []

    def make(config: Path = MINIMAL, redis: str | None = None) -> Pipeline:
        prefix = f"t{uuid.uuid4().hex[:10]}"
        store = Store(pg_url)
        store.migrate()
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT / "services"),
            "GRIDWATCH_KAFKA_URL": broker.url,
            "GRIDWATCH_REDIS_URL": redis or redis_url,
            "GRIDWATCH_DB_URL": pg_url,
            "GRIDWATCH_TOPIC_PREFIX": prefix,
            "GRIDWATCH_DATA_DIR": str(tmp_path / "data"),
            "GRIDWATCH_DETECTOR_THREADS": "1",
        }
        ensure_topics(broker.url, prefix)
        logs = tmp_path / "logs"
        logs.mkdir(exist_ok=True)
        p = Pipeline(prefix, env, config, logs, store)
        made.append(p)
        return p

    yield make
    for p in made:
        p.stop()


def read_topic(broker: TansuBroker, topic: str, idle_s: float = 3.0) -> list[tuple[bytes, bytes]]:
    """Every record of a topic so far, as (key, value), read with partitions assigned by hand
    (no consumer group): stops once nothing new came for `idle_s`."""
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(bootstrap_servers=[broker.address], enable_auto_commit=False)
    try:
        parts = consumer.partitions_for_topic(topic) or set()
        consumer.assign([TopicPartition(topic, p) for p in sorted(parts)])
        consumer.seek_to_beginning()
        records: list[tuple[bytes, bytes]] = []
        last = time.monotonic()
        while time.monotonic() - last < idle_s:
            batch = consumer.poll(timeout_ms=500)
            for recs in batch.values():
                records += [(r.key, r.value) for r in recs]
                last = time.monotonic()
        return records
    finally:
        consumer.close()


def clue(i: int) -> ClueMessage:
    return ClueMessage(
        reporter="gl-g001",
        reporter_role=Role.GRID_LEADER,
        reporter_grid="g001",
        clue=ClueIn(event_type="garbage_dumping", description=f"clue {i}", client_ref=f"c{i}"),
    )


class ClueStream:
    """Clues ("clue 0", "clue 1", ...) published every `interval_s` from a thread while a test
    takes a service away: what was sent, what the broker acknowledged, what the producer gave
    up on."""

    def __init__(self, publisher: Publisher, interval_s: float) -> None:
        self.publisher, self.interval_s = publisher, interval_s
        self.sent: set[str] = set()
        self.acked: set[str] = set()
        self.failed: list[BaseException] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._produce, daemon=True)

    def start(self) -> ClueStream:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _produce(self) -> None:
        i = 0
        while not self._stop.is_set():
            ref = f"clue {i}"
            self.sent.add(ref)
            fut = self.publisher.send(CLUES, "g001", clue(i))
            fut.add_callback(lambda _meta, ref=ref: self.acked.add(ref))
            fut.add_errback(self.failed.append)
            i += 1
            time.sleep(self.interval_s)
