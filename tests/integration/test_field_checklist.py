"""The field app's emergency checklist (/m/emergencies) over HTTP as a phone uses it: a session
cookie and the CSRF token. A squad member or grid leader sees the running activations that give
their unit steps, ticks off their own steps (audited once), and is refused other units' steps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gridwatch.config.schema import District
from gridwatch.ops.app import create_app
from gridwatch.ops.context import OpsContext
from gridwatch.ops.users import create_demo_accounts
from gridwatch.store.evidence import EvidenceStore
from gridwatch.store.hot_state import HotState
from gridwatch.store.repository import Store
from tests.conftest import ManualClock

PASSWORD = "field-pass-123"
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


class Phone:
    """One signed-in browser: the session cookie, and the CSRF token the pages send."""

    def __init__(self, client: TestClient, user: str) -> None:
        self.client = client
        r = client.post("/api/auth/login", json={"user_id": user, "password": PASSWORD})
        assert r.status_code == 200, r.text
        self.csrf = r.json()["csrf_token"]

    def get(self, url: str) -> Any:
        return self.client.get(url)

    def post(self, url: str, body: dict[str, Any], csrf: bool = True) -> Any:
        headers = {"X-CSRF-Token": self.csrf} if csrf else {}
        return self.client.post(url, json=body, headers=headers)


@pytest.fixture
def world(
    store: Store, minimal_district: District, tmp_path: Path, redis_url: str
) -> tuple[ManualClock, Any]:
    clock = ManualClock(T0)
    create_demo_accounts(store, minimal_district, PASSWORD, clock)
    ctx = OpsContext(
        minimal_district, store, EvidenceStore(tmp_path / "ev"), HotState(redis_url), clock
    )
    app = create_app(ctx)

    def phone(user: str) -> Phone:
        return Phone(TestClient(app), user)

    return clock, phone


def ids(rows: list[dict[str, Any]]) -> list[str]:
    return [r["activation_id"] for r in rows]


def test_a_unit_ticks_its_own_steps_of_running_emergencies_only(world: tuple[ManualClock, Any]):
    clock, phone = world
    desk, river, leader, traffic = (
        phone(u) for u in ("duty", "sq-river-member", "gl001", "sq-traffic-member")
    )
    # an earlier flood drill, stood down; then a new one and a real district-wide emergency
    old = desk.post("/api/emergencies", {"plan_id": "ep-01", "drill": True}).json()
    ended = desk.post(f"/api/emergencies/{old['activation_id']}/stand-down", {"note": "完"})
    assert ended.json()["state"] == "stood_down"
    clock.now = T0 + timedelta(minutes=5)
    flood = desk.post("/api/emergencies", {"plan_id": "ep-01", "drill": True}).json()
    general = desk.post("/api/emergencies", {"plan_id": "ep-02", "note": "山体滑坡"}).json()

    # the list shows the running activations that give the caller's unit steps, newest first
    running = "/api/emergencies?state=active"
    assert ids(river.get(running).json()) == [flood["activation_id"]]
    assert old["activation_id"] in ids(river.get("/api/emergencies").json())
    assert ids(leader.get(running).json()) == [general["activation_id"], flood["activation_id"]]
    assert traffic.get(running).json() == []
    assert ids(desk.get(running).json()) == [general["activation_id"], flood["activation_id"]]
    assert river.get("/api/emergencies?state=finished").status_code == 422

    # the squad's view of the drill: its own step, which it may tick
    mine = river.get(f"/api/emergencies/{flood['activation_id']}").json()
    [step] = mine["items"]
    assert step["unit"] == "squad:sq-river" and step["mine"] and step["done_at"] is None
    everything = desk.get(f"/api/emergencies/{flood['activation_id']}").json()["items"]
    assert all(i["mine"] for i in everything)  # the desk runs the emergency

    # a cookie write without the CSRF token is refused and changes nothing
    url = f"/api/emergencies/items/{step['item_id']}/done"
    assert river.post(url, {"note": "x"}, csrf=False).status_code == 403

    clock.now = T0 + timedelta(minutes=20)
    done = river.post(url, {"note": "河道巡查无异常"})
    assert done.status_code == 200, done.text
    assert done.json()["done_by"] == "sq-river-member"
    assert done.json()["note"] == "河道巡查无异常" and done.json()["mine"]
    log = desk.get("/api/activity?action=emergency_step").json()
    assert [(x["actor"], x["subject"]) for x in log] == [("sq-river-member", step["item_id"])]

    # ticking twice: a clear 409, no second audit record
    again = river.post(url, {"note": ""})
    assert again.status_code == 409 and "already done" in again.json()["detail"]
    assert len(desk.get("/api/activity?action=emergency_step").json()) == 1

    # other units' steps are refused: the brigade's, the grid leader's
    by_unit = {i["unit"]: i for i in everything}
    for unit in ("brigade", "grid_leader:gl001"):
        r = river.post(f"/api/emergencies/items/{by_unit[unit]['item_id']}/done", {"note": ""})
        assert r.status_code == 403, unit
    gl002_step = f"/api/emergencies/items/{by_unit['grid_leader:gl002']['item_id']}/done"
    assert leader.post(gl002_step, {"note": ""}).status_code == 403
    assert len(desk.get("/api/activity?action=emergency_step").json()) == 1

    # in the district-wide emergency the grid leader's step is its community's grid force's
    gen = leader.get(f"/api/emergencies/{general['activation_id']}").json()
    assert [i["unit"] for i in gen["items"]] == ["grid_force:c01"]
    assert gen["items"][0]["mine"]


def test_the_field_page_and_its_link(world: tuple[ManualClock, Any]):
    _, phone = world
    river = phone("sq-river-member")
    page = river.get("/m/emergencies")
    assert page.status_code == 200
    assert 'src="/static/m_emergencies.js' in page.text and "应急处置清单" in page.text
    assert 'href="/m/emergencies"' in river.get("/m/inbox").text  # the field app's tab bar
    assert "Emergency checklist" in river.get("/m/emergencies?lang=en").text
    assert phone("engineer").get("/m/emergencies").status_code == 403
    # the desk ticks steps where it runs the emergency, not in the field app's menu
    assert 'href="/m/emergencies"' not in phone("duty").get("/ops/wall").text
