"""How fast a new event reaches an ops-centre screen: the live feed (SSE) against polling.

One run, same events, same server: a producer opens tasks through the real dispatch stage at
irregular intervals; three readers watch at once:
- `sse`: the alert wall's reader (GET /api/live, server-sent events from Redis),
- `poll 1 s`: a page that fetches GET /api/events every second,
- `poll 5 s`: the walking skeleton's page (meta refresh every 5 s).
Latency = time the event's task was stored → time the reader first had it. Prints a table.

    python benchmarks/live_latency.py [--events 40] [--json]

Uses Redis at GRIDWATCH_REDIS_URL (default redis://127.0.0.1:6379/7, flushed) and a temporary
SQLite file.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import redis
import uvicorn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "services"))

from gridwatch.config.loader import load_district  # noqa: E402
from gridwatch.dispatch.stage import DispatchStage  # noqa: E402
from gridwatch.domain.events import Event  # noqa: E402
from gridwatch.ops.app import create_app  # noqa: E402
from gridwatch.ops.context import OpsContext  # noqa: E402
from gridwatch.ops.users import create_demo_accounts  # noqa: E402
from gridwatch.runtime.clock import utc_now  # noqa: E402
from gridwatch.store.evidence import EvidenceStore  # noqa: E402
from gridwatch.store.hot_state import HotState  # noqa: E402
from gridwatch.store.repository import Store, sqlite_url  # noqa: E402

PASSWORD = "bench-pass-1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Seen:
    def __init__(self) -> None:
        self.at: dict[str, float] = {}
        self.requests = 0
        self.lock = threading.Lock()

    def mark(self, event_id: str) -> None:
        with self.lock:
            self.at.setdefault(event_id, time.time())


def sse_reader(base: str, token: str, seen: Seen, stop: threading.Event) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.stream("GET", f"{base}/api/live", headers=headers, timeout=None) as r:
        seen.requests += 1
        for line in r.iter_lines():
            if stop.is_set():
                return
            if line.startswith("data: ") and '"event_id"' in line:
                seen.mark(json.loads(line[6:])["event_id"])


def poller(base: str, token: str, every: float, seen: Seen, stop: threading.Event) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=10) as c:
        while not stop.is_set():
            for item in c.get("/api/events?limit=20").json():
                seen.mark(item["event"]["event_id"])
            seen.requests += 1
            stop.wait(every)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=40)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    redis_url = os.environ.get("GRIDWATCH_REDIS_URL", "redis://127.0.0.1:6379/7")
    redis.Redis.from_url(redis_url).flushdb()
    tmp = Path(tempfile.mkdtemp(prefix="gw-live-"))
    district = load_district(ROOT / "configs" / "minimal")
    store = Store(sqlite_url(tmp / "bench.db"))
    store.migrate()
    create_demo_accounts(store, district, PASSWORD, utc_now)
    hot = HotState(redis_url)
    app = create_app(OpsContext(district, store, EvidenceStore(tmp / "ev"), hot))
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, port=port, log_level="warning", timeout_graceful_shutdown=1)
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    token = httpx.post(
        f"{base}/api/auth/login", json={"user_id": "duty", "password": PASSWORD}
    ).json()["token"]

    readers = {"sse": Seen(), "poll 1 s": Seen(), "poll 5 s": Seen()}
    stop = threading.Event()
    threads = [
        threading.Thread(target=sse_reader, args=(base, token, readers["sse"], stop), daemon=True),
        threading.Thread(target=poller, args=(base, token, 1.0, readers["poll 1 s"], stop)),
        threading.Thread(target=poller, args=(base, token, 5.0, readers["poll 5 s"], stop)),
    ]
    for t in threads:
        t.start()
    time.sleep(1.5)

    stage = DispatchStage(district, store, hot, utc_now)
    rng = random.Random(7)
    stored: dict[str, float] = {}
    grids = [g.id for g in district.organisation.grids]
    for i in range(args.events):
        grid = rng.choice(grids)
        ev = Event(
            f"evt-bench{i:011d}",
            "lane_occupation",
            "ai",
            datetime.now(UTC),
            grid,
            district.grid(grid).community,
            "minor",
            "机动车占道",
        )
        stage.handle_event(ev)
        stored[ev.event_id] = time.time()
        time.sleep(rng.uniform(0.3, 1.2))
    time.sleep(6)  # the slowest poller catches up
    stop.set()
    server.should_exit = True

    rows = []
    for name, seen in readers.items():
        lat = sorted(1000 * (seen.at[e] - t) for e, t in stored.items() if e in seen.at)
        missed = len(stored) - len(lat)
        rows.append(
            {
                "reader": name,
                "events": len(lat),
                "missed": missed,
                "p50_ms": round(statistics.median(lat), 1) if lat else None,
                "p95_ms": round(lat[max(0, int(0.95 * len(lat)) - 1)], 1) if lat else None,
                "max_ms": round(lat[-1], 1) if lat else None,
                "requests": seen.requests,
            }
        )
    if args.json:
        print(json.dumps({"rows": rows, "cpus": os.cpu_count()}))
        return
    print(f"{args.events} events, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}")
    print(
        f"{'reader':<10} {'events':>6} {'missed':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} "
        f"{'requests':>8}"
    )
    for r in rows:
        print(
            f"{r['reader']:<10} {r['events']:>6} {r['missed']:>6} {r['p50_ms']!s:>8} "
            f"{r['p95_ms']!s:>8} {r['max_ms']!s:>8} {r['requests']:>8}"
        )
    sse = rows[0]
    print(f"sse p95 under one second: {sse['p95_ms'] is not None and sse['p95_ms'] < 1000}")


if __name__ == "__main__":
    main()
