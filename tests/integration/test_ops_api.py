"""The REST API behind the pages, against real SQL (SQLite and PostgreSQL) and Redis: confirming
held AI events, false alarms, silences, photos, clues, map, device health, KPIs, plans and
emergency runs."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from gridwatch.config.schema import District
from gridwatch.dispatch.stage import DispatchStage
from gridwatch.domain.events import Event
from gridwatch.ops.app import create_app
from gridwatch.ops.context import OpsContext
from gridwatch.ops.users import create_demo_accounts
from gridwatch.store.evidence import EvidenceStore
from gridwatch.store.hot_state import HotState
from gridwatch.store.repository import Store

PASSWORD = "api-pass-123"
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


class Api:
    def __init__(self, client: TestClient, store: Store, stage: DispatchStage, clock: Clock):
        self.client, self.store, self.stage, self.clock = client, store, stage, clock
        self.tokens: dict[str, str] = {}

    def as_(self, user: str) -> dict[str, str]:
        if user not in self.tokens:
            r = self.client.post("/api/auth/login", json={"user_id": user, "password": PASSWORD})
            self.tokens[user] = r.json()["token"]
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    def get(self, url: str, user: str = "duty") -> Any:
        return self.client.get(url, headers=self.as_(user))

    def post(self, url: str, user: str = "duty", **kw: Any) -> Any:
        return self.client.post(url, headers=self.as_(user), **kw)

    def event(self, n: int, event_type: str = "lane_occupation", grid: str = "g001", **kw: Any):
        d = self.stage.district
        return Event(
            event_id=f"evt-api{n:013d}",
            event_type=event_type,
            source=kw.pop("source", "ai"),
            occurred_at=self.clock.now,
            grid=grid,
            community=d.grid(grid).community,
            severity="minor",
            title=event_type,
            **kw,
        )


@pytest.fixture
def api(store: Store, minimal_district: District, tmp_path: Path, redis_url: str) -> Api:
    clock = Clock()
    create_demo_accounts(store, minimal_district, PASSWORD, clock)
    hot = HotState(redis_url)
    ctx = OpsContext(minimal_district, store, EvidenceStore(tmp_path / "ev"), hot, clock)
    return Api(
        TestClient(create_app(ctx)),
        store,
        DispatchStage(minimal_district, store, hot, clock),
        clock,
    )


def test_confirming_a_held_ai_event_files_it_and_dispatches_it_by_its_plan(api: Api):
    task = api.stage.handle_event(
        api.event(1, device_id="cam-0001", algorithm="lane_occupation"), hold=True
    )
    assert task.state.value == "reported" and not api.store.audit_trail(task.task_id)
    wall = api.get("/api/events?state=reported").json()
    assert [w["task"]["held"] for w in wall] == ["review"]
    api.clock.now = T0 + timedelta(minutes=7)
    r = api.post(f"/api/events/{task.event_id}/confirm", json={"note": "看过图片，属实"})
    assert r.status_code == 200, r.text
    t = r.json()["task"]
    assert t["state"] == "dispatched" and t["assignee"] == "squad:sq-traffic"
    assert t["deadline"]["kind"] == "accept"
    # deadlines run from the confirmation, not from the detection
    assert datetime.fromisoformat(t["accept_by"]) == T0 + timedelta(minutes=7 + 15)
    trail = [(a.action.value, a.actor, a.note) for a in api.store.audit_trail(task.task_id)]
    assert trail == [
        ("file", "duty", "看过图片，属实"),
        ("dispatch", "duty", "plan plan-lane-occupation"),
    ]
    assert api.post(f"/api/events/{task.event_id}/confirm", json={}).status_code == 409


def test_a_false_alarm_is_rejected_with_a_reason_and_counted_per_algorithm(api: Api):
    task = api.stage.handle_event(
        api.event(2, device_id="cam-0001", algorithm="lane_occupation"), hold=True
    )
    url = f"/api/tasks/{task.task_id}/actions"
    r = api.post(url, json={"action": "reject"})
    assert r.status_code == 422 and "note" in r.json()["detail"]
    r = api.post(url, json={"action": "reject", "note": "树影，不是车辆"})
    assert r.status_code == 200 and r.json()["state"] == "rejected"
    kpis = api.get("/api/kpis?days=1").json()
    lane = next(a for a in kpis["algorithms"] if a["algorithm"] == "lane_occupation")
    assert (lane["events"], lane["rejected"], lane["false_alarm_rate"]) == (1, 1, 1.0)


def test_an_active_silence_holds_matching_events_on_the_wall_until_it_is_expired(api: Api):
    r = api.post(
        "/api/silences",
        json={
            "matchers": ['event_type="lane_occupation"', 'grid="g001"'],
            "duration_s": 3600,
            "comment": "道路施工，临时占道",
        },
    )
    assert r.status_code == 201
    sid = r.json()["silence_id"]
    held = api.stage.handle_event(api.event(3))
    elsewhere = api.stage.handle_event(api.event(4, grid="g003"))
    assert held.state.value == "reported" and elsewhere.state.value == "dispatched"
    card = api.get(f"/api/events/{held.event_id}").json()["task"]
    assert card["held"] == sid
    assert api.post(f"/api/silences/{sid}/expire").json()["active"] is False
    assert api.stage.handle_event(api.event(5)).state.value == "dispatched"
    bad = api.post(
        "/api/silences", json={"matchers": ["colour=red"], "duration_s": 60, "comment": "x"}
    )
    assert bad.status_code == 422


def photo(fmt: str = "JPEG", size: tuple[int, int] = (2400, 1800), orientation: int = 0) -> bytes:
    im = Image.new("RGB", size, (30, 140, 60))
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    exif[0x8825] = {2: (29.0, 30.0, 0.0)}  # a GPS latitude the phone wrote
    buf = io.BytesIO()
    im.save(buf, fmt, exif=exif.tobytes())
    return buf.getvalue()


def test_a_phone_photo_is_turned_upright_shrunk_and_stripped_of_its_gps(api: Api, tmp_path: Path):
    r = api.post(
        "/api/uploads",
        user="gl001",
        files={"photo": ("IMG_0001.JPG", photo(orientation=6), "image/jpeg")},
    )
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["key"].startswith("uploads/gl001/") and (out["width"], out["height"]) == (1200, 1600)
    stored = Image.open(io.BytesIO(api.get(out["url"], user="gl001").content))
    assert stored.format == "JPEG" and not stored.getexif()
    assert (
        api.post("/api/uploads", files={"photo": ("x.txt", b"hello", "text/plain")}).status_code
        == 415
    )
    # another person's photo cannot be attached to a task
    task = api.stage.handle_event(api.event(6, event_type="garbage_dumping", source="grid_leader"))
    r = api.post(f"/api/tasks/{task.task_id}/actions", user="gl001", json={"action": "accept"})
    assert r.status_code == 200
    theirs = api.post(
        "/api/uploads", user="duty", files={"photo": ("p.png", photo("PNG", (50, 40)), "image/png")}
    ).json()["key"]
    r = api.post(
        f"/api/tasks/{task.task_id}/actions",
        user="gl001",
        json={"action": "feedback", "note": "已清理", "attachment": theirs},
    )
    assert r.status_code == 422
    r = api.post(
        f"/api/tasks/{task.task_id}/actions",
        user="gl001",
        json={"action": "feedback", "note": "已清理", "attachment": out["key"]},
    )
    assert r.status_code == 200 and r.json()["state"] == "handled"


def test_a_grid_leader_reports_a_clue_in_their_grid_with_a_place(api: Api):
    key = api.post(
        "/api/uploads", user="gl001", files={"photo": ("c.jpg", photo(size=(80, 60)), "image/jpeg")}
    ).json()["key"]
    body = {
        "event_type": "garbage_dumping",
        "description": "路边堆放建筑垃圾",
        "photo": key,
        "lon": 106.415,
        "lat": 29.53,
    }
    r = api.post("/api/clue-reports", user="gl001", json=body)
    assert r.status_code == 201, r.text
    item = r.json()
    assert item["event"]["grid"] == "g001" and item["event"]["source"] == "grid_leader"
    assert (item["event"]["lon"], item["event"]["lat"]) == (106.415, 29.53)
    assert item["task"]["assignee"] == "grid_force:c01" and item["task"]["state"] == "dispatched"
    assert item["event"]["evidence_url"] == f"/evidence/{key}"
    clues = api.get("/api/map").json()["clues"]
    assert [c["event_id"] for c in clues] == [item["event"]["event_id"]]
    assert (
        api.post("/api/clue-reports", user="gl001", json={**body, "grid": "g003"}).status_code
        == 403
    )
    assert (
        api.post(
            "/api/clue-reports", user="gl001", json={**body, "lon": 120.0, "lat": 30.0}
        ).status_code
        == 422
    )
    assert (
        api.post("/api/clue-reports", user="gl001", json={**body, "lat": None}).status_code == 422
    )
    assert (
        api.post("/api/clue-reports", user="gl001", json={**body, "event_type": "ufo"}).status_code
        == 422
    )
    # the desk may place a clue by its location alone
    desk = {"event_type": "garbage_dumping", "description": "电话举报", "lon": 106.48, "lat": 29.5}
    r = api.post("/api/clue-reports", json=desk)
    assert r.status_code == 201 and r.json()["event"]["grid"] == "g006"


def test_device_health_reads_heartbeats_and_applies_each_devices_grace(api: Api, redis_url: str):
    hot = HotState(redis_url)
    hot.heartbeat("cam-0001", T0 - timedelta(seconds=30), state="online", fps="0.9", lag_ms="180")
    hot.heartbeat("wl-001", T0 - timedelta(minutes=20), state="online", value="2.31")
    hot.heartbeat("rg-001", T0, state="error", error="timeout")
    d = api.get("/api/devices").json()
    status = {x["device_id"]: x for x in d["devices"]}
    assert status["cam-0001"]["status"] == "online" and status["cam-0001"]["fps"] == 0.9
    assert status["cam-0001"]["lag_ms"] == 180 and status["cam-0001"]["seconds_since"] == 30
    assert status["wl-001"]["status"] == "offline" and status["wl-001"]["last_value"] == "2.31"
    assert status["rg-001"]["status"] == "error" and status["rg-001"]["error"] == "timeout"
    assert status["cam-0002"]["status"] == "never_seen"
    assert d["by_status"] == {"online": 1, "offline": 1, "error": 1, "never_seen": 1}
    assert api.get("/api/devices/cam-0001/thumbnail").status_code == 404
    hot.put_thumbnail("cam-0001", photo(size=(32, 24)), T0)
    r = api.get("/api/devices/cam-0001/thumbnail")
    assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
    grid = api.get("/api/map").json()
    g2 = next(g for g in grid["grids"] if g["id"] == "g002")
    assert (g2["devices"], g2["devices_down"]) == (1, 1)
    assert all(0 <= x["x"] <= 1 and 0 <= x["y"] <= 1 for x in grid["devices"])


def test_the_map_counts_open_and_overdue_tasks_per_grid(api: Api):
    api.stage.handle_event(api.event(7))
    api.stage.handle_event(api.event(8, event_type="water_level", grid="g002"))
    api.clock.now = T0 + timedelta(minutes=16)  # lane occupation: accept within 15 min
    grids = {g["id"]: g for g in api.get("/api/map").json()["grids"]}
    assert (grids["g001"]["open_tasks"], grids["g001"]["overdue_tasks"]) == (1, 1)
    assert (grids["g002"]["open_tasks"], grids["g002"]["overdue_tasks"]) == (1, 1)
    assert grids["g003"]["open_tasks"] == 0
    board = api.get("/api/tasks?community=c01").json()
    assert {t["grid"] for t in board} == {"g001", "g002"} and all(
        t["deadline"]["overdue"] for t in board
    )
    assert api.get("/api/tasks?squad=sq-river").json()[0]["event_type"] == "water_level"


def test_kpis_rank_squads_by_on_time_work_from_the_audit_trail(api: Api):
    fast = api.stage.handle_event(api.event(9))  # sq-traffic, accept 15 min, handle 2 h
    slow = api.stage.handle_event(api.event(10, event_type="water_level", grid="g002"))  # sq-river
    api.clock.now = T0 + timedelta(minutes=5)
    api.post(
        f"/api/tasks/{fast.task_id}/actions", user="sq-traffic-member", json={"action": "accept"}
    )
    api.post(
        f"/api/tasks/{fast.task_id}/actions",
        user="sq-traffic-member",
        json={"action": "feedback", "note": "已处理"},
    )
    api.clock.now = T0 + timedelta(minutes=50)  # water level: accept within 10 min, handle 1 h
    api.post(
        f"/api/tasks/{slow.task_id}/actions", user="sq-river-member", json={"action": "accept"}
    )
    api.clock.now = T0 + timedelta(hours=2)
    api.post(
        f"/api/tasks/{slow.task_id}/actions",
        user="sq-river-member",
        json={"action": "feedback", "note": "水位回落"},
    )
    k = api.get("/api/kpis?days=7").json()
    squads = {s["unit"]: s for s in k["squads"]}
    assert squads["squad:sq-traffic"]["rank"] == 1 and squads["squad:sq-traffic"]["score"] == 100.0
    assert squads["squad:sq-river"]["accepted_on_time_rate"] == 0.0
    assert squads["squad:sq-river"]["handled_on_time_rate"] == 0.0
    assert squads["squad:sq-river"]["rank"] == 2
    assert squads["squad:sq-appearance"]["rank"] is None  # no tasks: not ranked
    assert k["events"] == 2 and sum(p["events"] for p in k["trend"]) == 2
    assert sum(p["overdue"] for p in k["trend"]) == 1


def test_plan_coverage_and_who_would_get_it(api: Api):
    c = api.get("/api/plans/coverage").json()
    assert c["grids"] == 6 and c["pairs"] == c["event_types"] * 6
    assert c["by_event_type"]["lane_occupation"] == 1.0 and c["by_event_type"]["loitering"] == 0.0
    assert c["covered"] == c["pairs"] - len(c["gaps"])
    x = api.post("/api/plans/explain", json={"event_type": "water_level", "grid": "g002"}).json()
    assert x["routing"]["route_id"] == "plan-water-level" and x["assignee_name"] == "河道巡查小队"
    assert x["deadlines"] == {"accept": "10m", "handle": "60m", "verify": "60m"}
    routes = api.get("/api/plans").json()
    assert routes[0]["fallback"] and routes[0]["depth"] == 0 and len(routes) == 4


def test_an_emergency_drill_runs_its_checklist_to_the_end(api: Api):
    r = api.post("/api/emergency-plans/ep-01/runs", json={"drill": True, "note": "季度演练"})
    assert r.status_code == 201
    run = r.json()
    assert run["total"] == 3 and run["steps"][0]["unit"] == "brigade"
    assert api.post("/api/emergency-plans/ep-01/runs", json={"drill": False}).status_code == 409
    api.clock.now = T0 + timedelta(minutes=40)
    run = api.post(f"/api/emergency-runs/{run['run_id']}/steps/0/done", json={}).json()
    assert run["done"] == 1 and run["steps"][1]["overdue"]  # due 30 min after activation
    assert api.post(f"/api/emergency-runs/{run['run_id']}/steps/0/done", json={}).status_code == 409
    assert api.post(f"/api/emergency-runs/{run['run_id']}/end").json()["ended_by"] == "duty"
    plans = {p["id"]: p for p in api.get("/api/emergency-plans").json()}
    assert plans["ep-01"]["drills"] == 1 and plans["ep-01"]["open_run"] is None
    # ep-02's `grid_force:{community}` step becomes one step per community
    assert api.post("/api/emergency-plans/ep-02/runs", json={"drill": True}).json()["total"] == 4


def test_accounts_need_a_real_scope(api: Api):
    base = {
        "user_id": "gl900",
        "name": "新网格长",
        "role": "grid_leader",
        "password": "long-pass-1",
    }
    assert api.post("/api/users", user="admin", json=base).status_code == 422
    assert api.post("/api/users", user="admin", json={**base, "grid": "g404"}).status_code == 422
    r = api.post("/api/users", user="admin", json={**base, "grid": "g004"})
    assert r.status_code == 201 and r.json()["community"] == "c02"
    assert api.post("/api/users", user="admin", json={**base, "grid": "g004"}).status_code == 409
    r = api.client.post("/api/auth/login", json={"user_id": "gl900", "password": "long-pass-1"})
    assert r.json()["me"]["scope"].startswith("中梁山社区第2网格")
    log = api.get("/api/activity?action=user_add", user="admin").json()
    assert [(a["actor"], a["subject"]) for a in log] == [("admin", "gl900")]
