"""Schemathesis fuzzes every operation in /openapi.json against the real app and SQL, signed in
as the admin (who reaches every operation): whatever it sends, the answer is never a 5xx."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from gridwatch.config.schema import District
from gridwatch.dispatch.stage import DispatchStage
from gridwatch.domain.events import Event
from gridwatch.ops.app import create_app
from gridwatch.ops.context import OpsContext
from gridwatch.ops.users import create_demo_accounts
from gridwatch.store.evidence import EvidenceStore
from gridwatch.store.hot_state import HotState
from gridwatch.store.repository import Store, sqlite_url

PASSWORD = "fuzz-pass-123"
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def fuzz_app(
    tmp_path_factory: pytest.TempPathFactory, minimal_district: District, redis_server: str
) -> Iterator[tuple[FastAPI, str]]:
    base: Path = tmp_path_factory.mktemp("fuzz")
    store = Store(sqlite_url(base / "fuzz.db"))
    store.migrate()
    create_demo_accounts(store, minimal_district, PASSWORD, lambda: T0)
    hot = HotState(redis_server)
    stage = DispatchStage(minimal_district, store, hot, lambda: T0)
    for i, (event_type, grid) in enumerate(
        [("lane_occupation", "g001"), ("garbage_dumping", "g003"), ("water_level", "g002")]
    ):
        stage.handle_event(
            Event(
                f"evt-fuzz{i}",
                event_type,
                "ai",
                T0,
                grid,
                minimal_district.grid(grid).community,
                "minor",
                event_type,
            ),
            hold=i == 0,
        )
    app = create_app(OpsContext(minimal_district, store, EvidenceStore(base / "ev"), hot))
    token = (
        TestClient(app)
        .post("/api/auth/login", json={"user_id": "admin", "password": PASSWORD})
        .json()["token"]
    )
    yield app, token
    store.engine.dispose()


@pytest.fixture(scope="module")
def api_schema(fuzz_app: tuple[FastAPI, str]) -> Any:
    app, _ = fuzz_app
    # the live feed is an endless event stream: not something to fuzz request by request
    return schemathesis.openapi.from_asgi("/openapi.json", app).exclude(path="/api/live")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_operation_answers_with_a_server_error(case: Any, fuzz_app: tuple[FastAPI, str]):
    _, token = fuzz_app
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:500]}"
    )
