"""The chain over HTTP: photos and clues from grid leaders, citizens' requests, verdicts on
task actions, emergency drills, silences and the KPIs the ops centre shows."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gridwatch.config.schema import District
from gridwatch.ops.app import create_app
from gridwatch.ops.context import OpsContext
from gridwatch.ops.users import create_demo_accounts
from gridwatch.store.evidence import EvidenceStore
from gridwatch.store.repository import Store
from tests.conftest import MEDIA

PASSWORD = "pw-test"
T0 = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)


@pytest.fixture
def client(store: Store, minimal_district: District, tmp_path: Path) -> TestClient:
    create_demo_accounts(store, minimal_district, PASSWORD, lambda: T0)
    ctx = OpsContext(
        minimal_district, store, EvidenceStore(tmp_path / "evidence"), clock=lambda: T0
    )
    return TestClient(create_app(ctx))


def auth(user: str) -> tuple[str, str]:
    return (user, PASSWORD)


def upload(client: TestClient, user: str, data: bytes, name: str = "p.jpg"):
    return client.post("/api/photos", files={"file": (name, data)}, auth=auth(user))


def test_grid_leader_reports_a_clue_with_a_photo_and_it_is_dispatched(client: TestClient):
    r = upload(client, "gl001", (MEDIA / "dog.jpg").read_bytes())
    assert r.status_code == 201, r.text
    photo = r.json()["photo"]
    assert client.get(r.json()["url"], auth=auth("duty")).content[:2] == b"\xff\xd8"
    body = {"event_type": "garbage_dumping", "description": "桥下堆放垃圾", "photo": photo}
    r = client.post("/api/clues", json=body | {"client_ref": "app-7"}, auth=auth("gl001"))
    assert r.status_code == 201, r.text
    task = r.json()
    assert (task["grid"], task["state"], task["assignee"]) == (
        "g001",
        "dispatched",
        "grid_force:c01",
    )
    again = client.post("/api/clues", json=body | {"client_ref": "app-7"}, auth=auth("gl001"))
    assert again.json()["task_id"] == task["task_id"]  # resubmitted from the phone: same case
    detail = client.get(f"/api/tasks/{task['task_id']}", auth=auth("duty")).json()
    assert detail["event"]["source"] == "grid_leader"
    assert detail["event"]["evidence_url"] == f"/evidence/{photo}"


def test_clue_problems_are_named(client: TestClient):
    r = client.post(
        "/api/clues",
        json={"event_type": "garbage_dumping", "description": "垃圾", "grid": "g003"},
        auth=auth("gl001"),
    )
    assert r.status_code == 403 and "own grid" in r.json()["detail"]
    r = client.post(
        "/api/clues", json={"event_type": "ufo", "description": "不明飞行物"}, auth=auth("gl001")
    )
    assert r.status_code == 422 and r.json()["detail"].startswith("event_type: unknown")
    r = client.post(
        "/api/clues",
        json={"event_type": "device_offline", "description": "掉线了"},
        auth=auth("gl001"),
    )
    assert r.status_code == 422 and "not reported by grid_leader" in r.json()["detail"]
    assert upload(client, "gl001", b"not a picture").status_code == 422


def test_citizen_request_is_taken_once_and_only_from_the_desk(client: TestClient):
    body = {
        "request_id": "MHWW-2026-0001",
        "event_type": "noise",
        "grid": "g004",
        "description": "夜间施工噪声",
        "occurred_at": "2026-03-01T23:10:00+08:00",
    }
    assert client.post("/api/citizen-requests", json=body, auth=auth("gl001")).status_code == 403
    r = client.post("/api/citizen-requests", json=body, auth=auth("dispatcher"))
    assert r.status_code == 201, r.text
    # noise has no plan in the minimal district: the brigade's manual queue, never dropped
    assert (r.json()["state"], r.json()["assignee"]) == ("filed", "brigade")
    again = client.post("/api/citizen-requests", json=body, auth=auth("dispatcher"))
    assert again.json()["task_id"] == r.json()["task_id"]
    r = client.post(
        f"/api/tasks/{r.json()['task_id']}/actions",
        json={"action": "dispatch", "assignee": "squad:sq-appearance"},
        auth=auth("dispatcher"),
    )
    assert r.status_code == 200 and r.json()["accept_by"] is not None


def test_citizen_request_dated_in_the_future_is_refused_naming_the_field(client: TestClient):
    body = {
        "request_id": "MH-2026-0302-9",
        "event_type": "noise",
        "grid": "g004",
        "description": "夜间施工噪声",
        "occurred_at": "2026-03-02T00:10:00+00:00",  # ten minutes after it was received
    }
    r = client.post("/api/citizen-requests", json=body, auth=auth("dispatcher"))
    assert r.status_code == 422, r.text
    assert r.json()["detail"].startswith("occurred_at: ") and "future" in r.json()["detail"]
    # a platform clock a little fast is not a wrong report
    r = client.post(
        "/api/citizen-requests",
        json=body | {"occurred_at": "2026-03-02T00:04:00+00:00"},
        auth=auth("dispatcher"),
    )
    assert r.status_code == 201, r.text


def test_desk_rejects_an_ai_event_as_a_false_alarm_with_a_verdict(
    client: TestClient, store: Store, minimal_district: District
):
    from gridwatch.dispatch.stage import DispatchStage
    from tests.integration.test_chain_store import lane

    task = DispatchStage(minimal_district, store, None, lambda: T0).handle_event(lane(1, T0))
    r = client.post(
        f"/api/tasks/{task.task_id}/actions",
        json={"action": "reject", "note": "阴影误检", "verdict": "false_alarm"},
        auth=auth("duty"),
    )
    assert r.status_code == 200, r.text
    audit = client.get(f"/api/tasks/{task.task_id}", auth=auth("duty")).json()["audit"]
    assert (audit[-1]["action"], audit[-1]["verdict"]) == ("reject", "false_alarm")
    r = client.post(
        f"/api/tasks/{task.task_id}/actions",
        json={"action": "evaluate", "verdict": "confirmed"},
        auth=auth("duty"),
    )
    assert r.status_code == 409


def test_drill_over_http_and_its_checklist(client: TestClient):
    r = client.post("/api/emergencies", json={"plan_id": "ep-02", "drill": True}, auth=auth("duty"))
    assert r.status_code == 201, r.text
    a = r.json()
    assert a["drill"] and a["total"] == len(a["items"]) > 0
    assert (
        client.post("/api/emergencies", json={"plan_id": "ep-02"}, auth=auth("gl001")).status_code
        == 403
    )
    for item in a["items"]:
        r = client.post(
            f"/api/emergencies/items/{item['item_id']}/done", json={"note": "ok"}, auth=auth("duty")
        )
        assert r.status_code == 200
    done = client.get(f"/api/emergencies/{a['activation_id']}", auth=auth("duty")).json()
    assert (done["state"], done["done"]) == ("completed", done["total"])


def test_silence_set_over_http_mutes_and_kpis_are_served(client: TestClient):
    r = client.post(
        "/api/silences",
        json={"matchers": ['device="cam-0001"'], "duration_s": 3600, "comment": "检修"},
        auth=auth("engineer"),
    )
    assert r.status_code == 201, r.text
    assert client.get("/api/silences", auth=auth("duty")).json()[0]["author"] == "engineer"
    bad = client.post(
        "/api/silences",
        json={"matchers": ['camera="x"'], "duration_s": 60, "comment": "x"},
        auth=auth("duty"),
    )
    assert bad.status_code == 422 and "unknown label" in bad.json()["detail"]
    k = client.get(
        "/api/kpis",
        params={"since": "2026-03-01T00:00:00+08:00", "until": "2026-03-03T00:00:00+08:00"},
        auth=auth("duty"),
    )
    assert k.status_code == 200 and k.json()["overall"]["reported"] == 0
    assert client.get("/api/kpis", auth=auth("gl001")).status_code == 403
    assert client.get("/api/overdue", auth=auth("duty")).json() == []
