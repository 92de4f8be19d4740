"""Events → tasks through the broker and SQL: 1 against 2 dispatch workers, side by side.

For each worker count, on fresh topics of one Tansu broker and a fresh PostgreSQL database:
1. *sustained*: events (citizens' and grid leaders' reports of the sample district's types,
   spread over its grids) are published to the events topic at a fixed rate; a kafka-python
   reader of the tasks topic notes when each event's task was announced. Latency = task
   announced − event handed to the producer (routing, grouping and the SQL transaction
   included). Target: 200 events/s with p99 < 1 s.
2. *drain*: a backlog of events is published with no worker reading, then the workers start;
   throughput = events / time from the first to the last task announced.
Every run checks that each event has exactly one task row in SQL. Prints a table.

    flock /tmp/gridwatch-bench.lock python benchmarks/events_to_tasks.py [--rate 200]
        [--seconds 20] [--backlog 3000] [--workers 1,2] [--json]

PostgreSQL from GRIDWATCH_TEST_PG (default postgresql://postgres@127.0.0.1:5432/postgres),
Redis from GRIDWATCH_REDIS_URL (default redis://127.0.0.1:6379/13; the live feed only).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

from kafka import KafkaConsumer, TopicPartition

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "services"))

from gridwatch.config.loader import load_district  # noqa: E402
from gridwatch.domain.events import stable_id  # noqa: E402
from gridwatch.runtime.embedded_redis import free_port  # noqa: E402
from gridwatch.store.repository import Store  # noqa: E402
from gridwatch.streams.publisher import Publisher, ensure_topics  # noqa: E402
from gridwatch.streams.tansu import TansuBroker  # noqa: E402
from gridwatch.streams.topics import EVENTS, TASKS, EventMessage  # noqa: E402

CONFIG = ROOT / "configs" / "zhongliangshan"
PG_ADMIN = os.environ.get("GRIDWATCH_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("GRIDWATCH_REDIS_URL", "redis://127.0.0.1:6379/13")


def make_events(run: str, n: int) -> Iterator[EventMessage]:
    district = load_district(CONFIG)
    types = [t for t in district.plans.event_types if "citizen" in t.sources]
    grids = district.organisation.grids
    now = datetime.now(UTC)
    for i in range(n):
        kind, grid = types[i % len(types)], grids[(i * 7) % len(grids)]
        yield EventMessage(
            event_id=stable_id("evt", "bench", run, i),
            event_type=kind.id,
            source="citizen",
            occurred_at=now,
            grid=grid.id,
            community=grid.community,
            severity=kind.severity,
            title=kind.name,
            description=f"benchmark report {i}",
            reporter=f"citizen:bench-{i}",
        )


@contextmanager
def database() -> Iterator[str]:
    name = f"gridwatch_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_ADMIN.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class TaskReader(threading.Thread):
    """Notes the first time each event's task is announced on the tasks topic."""

    def __init__(self, broker: TansuBroker, topic: str) -> None:
        super().__init__(daemon=True)
        self.seen: dict[str, float] = {}
        self.announcements = 0
        self.stop = threading.Event()
        self.consumer = KafkaConsumer(bootstrap_servers=[broker.address], fetch_max_wait_ms=50)
        self.consumer.assign([TopicPartition(topic, p) for p in range(TASKS.partitions)])
        self.consumer.seek_to_beginning()

    def run(self) -> None:
        while not self.stop.is_set():
            for records in self.consumer.poll(timeout_ms=100).values():
                now = time.monotonic()
                for r in records:
                    self.announcements += 1
                    self.seen.setdefault(json.loads(r.value)["event_id"], now)
        self.consumer.close()


def metric(port: int, name: str) -> float:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as r:
            lines = r.read().decode().splitlines()
    except OSError:
        return 0.0
    return sum(float(x.split()[-1]) for x in lines if x.startswith(name))


Workers = list[tuple[subprocess.Popen[bytes], int]]


def start_workers(n: int, env: dict[str, str], logs: Path) -> Workers:
    out: Workers = []
    for i in range(n):
        port = free_port()
        cmd = [sys.executable, "-m", "gridwatch.cli.main", "worker", "--role", "dispatch"]
        cmd += ["--config", str(CONFIG), "--metrics-port", str(port)]
        with open(logs / f"dispatch-{n}-{i}.log", "wb") as log:
            out.append((subprocess.Popen(cmd, env=env, stdout=log, stderr=log), port))
    topic = f"{env['GRIDWATCH_TOPIC_PREFIX']}.events"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        shares = [metric(p, f'gridwatch_assigned_partitions{{topic="{topic}"}}') for _, p in out]
        if sum(shares) == EVENTS.partitions and all(shares):
            return out
        time.sleep(0.5)
    raise RuntimeError(f"{n} dispatch workers did not get the events partitions")


def stop_workers(workers: Workers) -> None:
    for proc, _ in workers:
        proc.terminate()
    for proc, _ in workers:
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()


def run_case(
    broker: TansuBroker, workers: int, mode: str, args: argparse.Namespace, logs: Path
) -> dict[str, Any]:
    run = uuid.uuid4().hex[:8]
    prefix = f"bench{run}"
    count = args.rate * args.seconds if mode == "sustained" else args.backlog
    events = list(make_events(run, count))
    with database() as db:
        store = Store(db)
        store.migrate()
        ensure_topics(broker.url, prefix)
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT / "services"),
            "GRIDWATCH_KAFKA_URL": broker.url,
            "GRIDWATCH_REDIS_URL": REDIS,
            "GRIDWATCH_DB_URL": db,
            "GRIDWATCH_TOPIC_PREFIX": prefix,
            "GRIDWATCH_DATA_DIR": str(logs / prefix),
        }
        reader = TaskReader(broker, f"{prefix}.tasks")
        reader.start()
        publisher = Publisher(broker.url, prefix, linger_ms=2)
        sent: dict[str, float] = {}
        procs: Workers = []
        try:
            if mode == "sustained":
                procs = start_workers(workers, env, logs)
                start = time.monotonic()
                for i, ev in enumerate(events):
                    due = start + i / args.rate
                    if (pause := due - time.monotonic()) > 0:
                        time.sleep(pause)
                    sent[ev.event_id] = time.monotonic()
                    publisher.send(EVENTS, ev.key, ev)
                publisher.flush()
            else:
                for ev in events:
                    publisher.send(EVENTS, ev.key, ev)
                publisher.flush()
                procs = start_workers(workers, env, logs)
            deadline = time.monotonic() + 300
            while len(reader.seen) < count and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(1)
        finally:
            reader.stop.set()
            reader.join(5)
            publisher.close()
            stop_workers(procs)
        with store.engine.connect() as conn:
            counts = conn.exec_driver_sql("SELECT count(*), count(DISTINCT event_id) FROM tasks")
            tasks, distinct = counts.one()
        store.engine.dispose()
    result: dict[str, Any] = {
        "workers": workers,
        "mode": mode,
        "events": count,
        "tasks_in_sql": tasks,
        "duplicate_tasks": tasks - distinct,
        "missing": count - len(reader.seen),
    }
    done = sorted(reader.seen.values())
    if mode == "sustained":
        lat = sorted((reader.seen[e] - t) * 1000 for e, t in sent.items() if e in reader.seen)
        span = max(done) - min(sent.values()) if done else float("nan")
        result |= {
            "offered_per_s": args.rate,
            "tasks_per_s": round(len(done) / span, 1),
            "p50_ms": round(statistics.median(lat), 1),
            "p99_ms": round(lat[int(0.99 * (len(lat) - 1))], 1),
            "max_ms": round(lat[-1], 1),
        }
    else:
        result["tasks_per_s"] = round(len(done) / (done[-1] - done[0]), 1) if done else 0.0
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=int, default=200, help="events/s offered (sustained)")
    parser.add_argument("--seconds", type=int, default=20, help="length of the sustained run")
    parser.add_argument("--backlog", type=int, default=3000, help="events waiting (drain)")
    parser.add_argument("--workers", default="1,2", help="dispatch worker counts to compare")
    parser.add_argument("--logs", type=Path, help="keep the workers' logs here")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        logs = args.logs or Path(tmp)
        logs.mkdir(parents=True, exist_ok=True)
        broker = TansuBroker(log_path=logs / "tansu.log").start()
        try:
            for mode in ("sustained", "drain"):
                for workers in (int(n) for n in args.workers.split(",")):
                    results.append(run_case(broker, workers, mode, args, logs))
                    print(json.dumps(results[-1]), file=sys.stderr)
        finally:
            broker.stop()
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"\nevents → tasks through Tansu + PostgreSQL ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)")
    print(
        "| mode | dispatch workers | events | tasks/s | p50 ms | p99 ms | max ms | missing | "
        "duplicate tasks |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['mode']} | {r['workers']} | {r['events']} | {r['tasks_per_s']} | "
            f"{r.get('p50_ms', '–')} | {r.get('p99_ms', '–')} | {r.get('max_ms', '–')} | "
            f"{r['missing']} | {r['duplicate_tasks']} |"
        )
    print("target: 200 events/s sustained with p99 < 1000 ms; no missing, no duplicate task")


if __name__ == "__main__":
    main()
