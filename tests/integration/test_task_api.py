"""A task taken through its states over HTTP; each step recorded with actor and time."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gridwatch.config.schema import District
from gridwatch.domain.events import Event
from gridwatch.domain.plans import route_event
from gridwatch.ops.app import create_app
from gridwatch.ops.context import OpsContext
from gridwatch.ops.users import create_demo_accounts
from gridwatch.store.evidence import EvidenceStore
from gridwatch.store.repository import Store

PASSWORD = "pw-test"
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def client(store: Store, minimal_district: District, tmp_path: Path) -> TestClient:
    create_demo_accounts(store, minimal_district, PASSWORD, lambda: T0)
    ctx = OpsContext(minimal_district, store, EvidenceStore(tmp_path / "evidence"))
    return TestClient(create_app(ctx))


@pytest.fixture
def task_id(store: Store, minimal_district: District) -> str:
    ev = Event(
        event_id="evt-api",
        event_type="lane_occupation",
        source="ai",
        occurred_at=T0,
        grid="g001",
        community=minimal_district.grid("g001").community,
        severity="minor",
        title="机动车占道",
        device_id="cam-0001",
        algorithm="lane_occupation",
    )
    d = route_event(minimal_district.plans.route, ev.labels(), minimal_district.grid_leader_of)
    task, _ = store.open_case(ev, d, T0)
    return task.task_id


def as_user(user: str) -> tuple[str, str]:
    return (user, PASSWORD)


def test_task_goes_dispatched_to_closed_over_http(
    client: TestClient, task_id: str, minimal_district: District
):
    leader = minimal_district.grid_leader_of["g001"]
    steps = [
        ("sq-traffic-member", {"action": "accept"}, "accepted"),
        ("sq-traffic-member", {"action": "feedback", "note": "车辆已驶离，已告知司机"}, "handled"),
        (leader, {"action": "verify", "note": "现场核实"}, "verified"),
        ("duty", {"action": "close"}, "closed"),
    ]
    for user, body, state in steps:
        r = client.post(f"/api/tasks/{task_id}/actions", json=body, auth=as_user(user))
        assert r.status_code == 200, r.text
        assert r.json()["state"] == state
    detail = client.get(f"/api/tasks/{task_id}", auth=as_user("duty")).json()
    trail = [(a["action"], a["actor"], a["to_state"]) for a in detail["audit"]]
    assert trail == [
        ("file", "system", "filed"),
        ("dispatch", "system", "dispatched"),
        ("accept", "sq-traffic-member", "accepted"),
        ("feedback", "sq-traffic-member", "handled"),
        ("verify", leader, "verified"),
        ("close", "duty", "closed"),
    ]
    assert all(a["at"] for a in detail["audit"])
    assert detail["routing"]["route_id"] == detail["route_id"] != "root"
    assert detail["event"]["event_type"] == "lane_occupation"


def test_wrong_password_is_401(client: TestClient, task_id: str):
    r = client.get(f"/api/tasks/{task_id}", auth=("duty", "nope"))
    assert r.status_code == 401


def test_other_squad_gets_403_and_the_task_is_unchanged(client: TestClient, task_id: str):
    r = client.post(
        f"/api/tasks/{task_id}/actions", json={"action": "accept"}, auth=as_user("sq-river-member")
    )
    assert r.status_code == 403
    assert client.get(f"/api/tasks/{task_id}", auth=as_user("duty")).json()["state"] == (
        "dispatched"
    )


def test_wrong_state_is_409_and_bad_body_is_422(client: TestClient, task_id: str):
    r = client.post(f"/api/tasks/{task_id}/actions", json={"action": "close"}, auth=as_user("duty"))
    assert r.status_code == 409 and "dispatched" in r.json()["detail"]
    r = client.post(
        f"/api/tasks/{task_id}/actions", json={"action": "teleport"}, auth=as_user("duty")
    )
    assert r.status_code == 422


def test_unknown_task_is_404(client: TestClient):
    assert client.get("/api/tasks/tsk-nope", auth=as_user("duty")).status_code == 404
