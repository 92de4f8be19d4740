"""The live feed over a real HTTP server and Redis: readers see new events as they are stored,
only the ones they may see, and a reader that reconnects with Last-Event-ID misses nothing."""

from __future__ import annotations

import contextlib
import json
import queue
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from gridwatch.config.schema import District
from gridwatch.dispatch.stage import DispatchStage
from gridwatch.domain.events import Event
from gridwatch.ops.app import create_app
from gridwatch.ops.context import OpsContext
from gridwatch.ops.users import create_demo_accounts
from gridwatch.runtime.clock import utc_now
from gridwatch.store.evidence import EvidenceStore
from gridwatch.store.hot_state import HotState
from gridwatch.store.repository import Store, sqlite_url

pytestmark = pytest.mark.redis
PASSWORD = "live-pass-123"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(
    tmp_path: Path, minimal_district: District, redis_url: str
) -> Iterator[tuple[str, DispatchStage]]:
    store = Store(sqlite_url(tmp_path / "live.db"))
    store.migrate()
    create_demo_accounts(store, minimal_district, PASSWORD, utc_now)
    hot = HotState(redis_url)
    app = create_app(OpsContext(minimal_district, store, EvidenceStore(tmp_path / "ev"), hot))
    port = free_port()
    srv = uvicorn.Server(
        uvicorn.Config(
            app, port=port, log_level="warning", lifespan="off", timeout_graceful_shutdown=1
        )
    )
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    while not srv.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", DispatchStage(minimal_district, store, hot, utc_now)
    srv.should_exit = True
    thread.join(timeout=10)
    store.engine.dispose()


def token(base: str, user: str) -> str:
    r = httpx.post(f"{base}/api/auth/login", json={"user_id": user, "password": PASSWORD})
    return str(r.json()["token"])


class Reader(threading.Thread):
    """Reads the feed in the background; messages land in a queue as (id, kind, data)."""

    def __init__(self, base: str, user: str, last_id: str | None = None) -> None:
        super().__init__(daemon=True)
        self.url = f"{base}/api/live"
        self.headers = {"Authorization": f"Bearer {token(base, user)}"}
        if last_id:
            self.headers["Last-Event-ID"] = last_id
        self.messages: queue.Queue[tuple[str | None, str, dict[str, Any]]] = queue.Queue()
        self.stop = threading.Event()

    def run(self) -> None:
        with contextlib.suppress(httpx.HTTPError):  # the server shuts down under us at the end
            self.read()

    def read(self) -> None:
        with httpx.stream("GET", self.url, headers=self.headers, timeout=30) as r:
            entry: dict[str, str] = {}
            for line in r.iter_lines():
                if self.stop.is_set():
                    return
                if not line:
                    if "event" in entry:
                        data = json.loads(entry["data"])
                        self.messages.put((entry.get("id"), entry["event"], data))
                    entry = {}
                elif not line.startswith(":"):
                    k, _, v = line.partition(": ")
                    entry[k] = v

    def next(self, kind: str, timeout: float = 10) -> tuple[str | None, dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                entry_id, k, data = self.messages.get(timeout=0.2)
            except queue.Empty:
                continue
            if k == kind:
                return entry_id, data
        raise AssertionError(f"no {kind} message within {timeout} s")

    def silent_for(self, kind: str, seconds: float) -> bool:
        try:
            self.next(kind, seconds)
        except AssertionError:
            return True
        return False


def event(n: int, grid: str, district: District) -> Event:
    return Event(
        f"evt-live{n:012d}",
        "lane_occupation",
        "ai",
        datetime.now(UTC),
        grid,
        district.grid(grid).community,
        "minor",
        "机动车占道",
    )


def test_each_reader_gets_new_events_it_may_see_and_nothing_else(
    server: tuple[str, DispatchStage],
):
    base, stage = server
    desk, leader = Reader(base, "duty"), Reader(base, "gl003")
    for r in (desk, leader):
        r.start()
        r.next("hello")
    stage.handle_event(event(1, "g001", stage.district))
    stage.handle_event(event(2, "g003", stage.district))
    seen = {desk.next("event")[1]["grid"], desk.next("event")[1]["grid"]}
    assert seen == {"g001", "g003"}
    assert leader.next("event")[1]["grid"] == "g003"
    assert leader.silent_for("event", 1.5)  # the g001 event never reached gl003


def test_a_reader_that_reconnects_with_last_event_id_misses_nothing(
    server: tuple[str, DispatchStage],
):
    base, stage = server
    first = Reader(base, "duty")
    first.start()
    first.next("hello")
    stage.handle_event(event(3, "g001", stage.district))
    last_id, _ = first.next("event")
    first.stop.set()
    # while nobody listens, two more events arrive
    stage.handle_event(event(4, "g002", stage.district))
    stage.handle_event(event(5, "g004", stage.district))
    again = Reader(base, "duty", last_id=last_id)
    again.start()
    got = [again.next("event")[1]["event_id"] for _ in range(2)]
    assert got == ["evt-live000000000004", "evt-live000000000005"]
