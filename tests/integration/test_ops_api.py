"""The REST API behind the pages, against real SQL (SQLite and PostgreSQL) and Redis: filing
held AI events, false alarms with verdicts, silences (muted, never dropped), photos, clues,
map, device health, the chain's KPIs and overdue list, plans and emergency drills."""

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
from tests.conftest import ManualClock

PASSWORD = "api-pass-123"
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


class Api:
    def __init__(self, client: TestClient, store: Store, stage: DispatchStage, clock: ManualClock):
        self.client, self.store, self.stage, self.clock = client, store, stage, clock
        self.tokens: dict[str, str] = {}

    def as_(self, user: str) -> dict[str, str]:
        if user not in self.tokens:
            r = self.client.post("/api/auth/login", json={"user_id": user, "password": PASSWORD})
            self.tokens[user] = r.json()["token"]
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    def get(self, url: str, user: str = "duty", **kw: Any) -> Any:
        return self.client.get(url, headers=self.as_(user), **kw)

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
    clock = ManualClock(T0)
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
    assert "file" in wall[0]["task"]["allowed_actions"]
    api.clock.now = T0 + timedelta(minutes=7)
    url = f"/api/tasks/{task.task_id}/actions"
    r = api.post(url, json={"action": "file", "note": "看过图片，属实"})
    assert r.status_code == 200, r.text
    t = r.json()
    assert t["state"] == "dispatched" and t["assignee"] == "squad:sq-traffic"
    assert t["deadline"]["kind"] == "accept" and t["held"] is None
    # deadlines run from the confirmation, not from the detection
    assert datetime.fromisoformat(t["accept_by"]) == T0 + timedelta(minutes=7 + 15)
    trail = [(a.action.value, a.actor, a.note) for a in api.store.audit_trail(task.task_id)]
    assert trail == [
        ("file", "duty", "看过图片，属实"),
        ("dispatch", "duty", "plan plan-lane-occupation"),
    ]
    assert api.post(url, json={"action": "file"}).status_code == 409
    assert api.post(url, json={"action": "issue_document"}).status_code == 422


def test_a_false_alarm_is_rejected_with_a_reason_and_counted_per_algorithm(api: Api):
    task = api.stage.handle_event(
        api.event(2, device_id="cam-0001", algorithm="lane_occupation"), hold=True
    )
    url = f"/api/tasks/{task.task_id}/actions"
    r = api.post(url, json={"action": "reject", "verdict": "false_alarm"})
    assert r.status_code == 422 and "note" in r.json()["detail"]
    r = api.post(url, json={"action": "reject", "note": "树影，不是车辆", "verdict": "false_alarm"})
    assert r.status_code == 200 and (r.json()["state"], r.json()["verdict"]) == (
        "rejected",
        "false_alarm",
    )
    detail = api.get(f"/api/tasks/{task.task_id}").json()
    assert [(a["action"], a["verdict"]) for a in detail["audit"]] == [("reject", "false_alarm")]
    api.clock.now = T0 + timedelta(minutes=1)
    kpis = api.get("/api/kpis").json()  # the last 24 hours
    lane = kpis["by"]["algorithm"]["lane_occupation"]
    assert (lane["reported"], lane["rejected"], lane["false_alarm_rate"]) == (1, 1, 1.0)


def test_a_silence_mutes_matching_events_which_are_kept_and_can_still_be_filed(api: Api):
    r = api.post(
        "/api/silences",
        json={
            "matchers": ['event_type="lane_occupation"', 'grid="g001"'],
            "duration_s": 3600,
            "comment": "道路施工，临时占道",
        },
    )
    assert r.status_code == 201 and r.json()["active"] and r.json()["author"] == "duty"
    sid = r.json()["silence_id"]
    muted = api.stage.handle_event(api.event(3))
    elsewhere = api.stage.handle_event(api.event(4, grid="g003"))
    assert muted.state.value == "suppressed" and elsewhere.state.value == "dispatched"
    card = api.get(f"/api/events/{muted.event_id}").json()["task"]
    assert card["held"] == f"silence:{sid}" and "file" in card["allowed_actions"]
    assert api.get("/api/silences").json()[0]["silence_id"] == sid
    log = api.get("/api/activity?action=silence_create").json()
    assert [(a["actor"], a["subject"]) for a in log] == [("duty", sid)]
    assert api.post(f"/api/silences/{sid}/expire").json()["active"] is False
    assert api.stage.handle_event(api.event(5, grid="g002")).state.value == "dispatched"
    # the muted case was never dropped: the desk files it by hand and it goes out by its plan
    r = api.post(f"/api/tasks/{muted.task_id}/actions", json={"action": "file", "note": "复核"})
    assert r.status_code == 200 and r.json()["state"] == "dispatched"
    bad = api.post(
        "/api/silences", json={"matchers": ["colour=red"], "duration_s": 60, "comment": "x"}
    )
    assert bad.status_code == 422
    engineer = api.post(
        "/api/silences",
        user="engineer",
        json={"matchers": ['device="cam-0002"'], "duration_s": 600, "comment": "镜头调整"},
    )
    assert engineer.status_code == 201
    squad = api.post(
        "/api/silences",
        user="sq-traffic-member",
        json={"matchers": ['device="cam-0002"'], "duration_s": 600, "comment": "x"},
    )
    assert squad.status_code == 403


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
        "/api/photos",
        user="gl001",
        files={"file": ("IMG_0001.JPG", photo(orientation=6), "image/jpeg")},
    )
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["photo"].startswith("photos/gl001/") and (out["width"], out["height"]) == (
        1200,
        1600,
    )
    stored = Image.open(io.BytesIO(api.get(out["url"], user="gl001").content))
    assert stored.format == "JPEG" and not stored.getexif()
    assert (
        api.post("/api/photos", files={"file": ("x.txt", b"hello", "text/plain")}).status_code
        == 422
    )
    # another person's photo, or a detector's evidence frame, cannot be attached to a task
    task = api.stage.handle_event(api.event(6, event_type="garbage_dumping", source="grid_leader"))
    r = api.post(f"/api/tasks/{task.task_id}/actions", user="gl001", json={"action": "accept"})
    assert r.status_code == 200
    theirs = api.post(
        "/api/photos", user="duty", files={"file": ("p.png", photo("PNG", (50, 40)), "image/png")}
    ).json()["photo"]
    url = f"/api/tasks/{task.task_id}/actions"
    for foreign in (theirs, "evidence/cam-0001/20260301/x.jpg"):
        r = api.post(
            url, user="gl001", json={"action": "feedback", "note": "已清理", "attachment": foreign}
        )
        assert r.status_code == 422
    r = api.post(
        url, user="gl001", json={"action": "feedback", "note": "已清理", "attachment": out["photo"]}
    )
    assert r.status_code == 200 and r.json()["state"] == "handled"


def test_a_grid_leader_reports_a_clue_in_their_grid_with_a_place(api: Api):
    key = api.post(
        "/api/photos", user="gl001", files={"file": ("c.jpg", photo(size=(80, 60)), "image/jpeg")}
    ).json()["photo"]
    body = {
        "event_type": "garbage_dumping",
        "description": "路边堆放建筑垃圾",
        "photo": key,
        "lon": 106.415,
        "lat": 29.53,
        "client_ref": "web-gl001-1",
    }
    r = api.post("/api/clues", user="gl001", json=body)
    assert r.status_code == 201, r.text
    card = r.json()
    assert card["grid"] == "g001" and card["source"] == "grid_leader"
    assert card["assignee"] == "grid_force:c01" and card["state"] == "dispatched"
    assert card["evidence_url"] == f"/evidence/{key}"
    again = api.post("/api/clues", user="gl001", json=body)  # the phone sent it twice
    assert again.json()["task_id"] == card["task_id"]
    event = api.get(f"/api/events/{card['event_id']}", user="gl001").json()["event"]
    assert (event["lon"], event["lat"]) == (106.415, 29.53)
    clues = api.get("/api/map").json()["clues"]
    assert [c["event_id"] for c in clues] == [card["event_id"]]
    log = api.get("/api/activity?action=clue_report").json()
    assert [(a["actor"], a["subject"]) for a in log] == [("gl001", card["event_id"])] * 2
    other = {**body, "client_ref": "web-gl001-2"}
    assert api.post("/api/clues", user="gl001", json={**other, "grid": "g003"}).status_code == 403
    assert (
        api.post("/api/clues", user="gl001", json={**other, "lon": 120.0, "lat": 30.0}).status_code
        == 422
    )
    assert api.post("/api/clues", user="gl001", json={**other, "lat": None}).status_code == 422
    assert (
        api.post("/api/clues", user="gl001", json={**other, "event_type": "ufo"}).status_code == 422
    )
    theirs = api.post(
        "/api/photos", user="duty", files={"file": ("d.png", photo("PNG", (30, 20)), "image/png")}
    ).json()["photo"]
    assert api.post("/api/clues", user="gl001", json={**other, "photo": theirs}).status_code == 422
    assert api.post("/api/clues", user="sq-traffic-member", json=other).status_code == 403
    # the desk may place a clue phoned in by its location alone
    desk = {"event_type": "garbage_dumping", "description": "电话举报", "lon": 106.48, "lat": 29.5}
    r = api.post("/api/clues", json=desk)
    assert r.status_code == 201 and r.json()["grid"] == "g006"


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


def test_the_summary_of_a_grid_leader_counts_their_own_grid_only(api: Api):
    api.stage.handle_event(api.event(11))
    api.stage.handle_event(api.event(12, event_type="water_level", grid="g002"))
    district = api.get("/api/summary").json()
    assert district["events_by_type"] == {"lane_occupation": 1, "water_level": 1}
    assert sum(district["tasks_by_state"].values()) == 2
    assert api.get("/api/summary", user="engineer").json() == district
    own = api.get("/api/summary", user="gl001").json()
    assert own["events_by_type"] == {"lane_occupation": 1}
    assert sum(own["tasks_by_state"].values()) == 1
    assert api.get("/api/summary", user="gl003").json() == {
        "events_by_type": {},
        "tasks_by_state": {},
        "findings": 0,
    }
    squad_member = api.stage.district.organisation.squads[0].id + "-member"
    assert api.get("/api/summary", user=squad_member).status_code == 403


def test_kpis_and_league_tables_are_the_chains_numbers_from_the_audit_log(api: Api):
    fast = api.stage.handle_event(api.event(9))  # sq-traffic, accept 15 min, handle 2 h
    slow = api.stage.handle_event(api.event(10, event_type="water_level", grid="g002"))  # sq-river
    api.clock.now = T0 + timedelta(minutes=5)
    for action, extra in (("accept", {}), ("feedback", {"note": "已处理"})):
        r = api.post(
            f"/api/tasks/{fast.task_id}/actions",
            user="sq-traffic-member",
            json={"action": action, **extra},
        )
        assert r.status_code == 200, r.text
    leader = api.stage.district.grid_leader_of["g001"]
    api.post(f"/api/tasks/{fast.task_id}/actions", user=leader, json={"action": "verify"})
    api.post(f"/api/tasks/{fast.task_id}/actions", json={"action": "close"})
    api.clock.now = T0 + timedelta(minutes=50)  # water level: accept within 10 min, handle 1 h
    api.post(
        f"/api/tasks/{slow.task_id}/actions", user="sq-river-member", json={"action": "accept"}
    )
    api.clock.now = T0 + timedelta(hours=3)
    k = api.get("/api/kpis", params={"since": "2026-03-01T00:00:00+08:00"}).json()
    o = k["overall"]
    assert (o["reported"], o["dispatched"], o["closed"], o["closure_rate"]) == (2, 2, 1, 0.5)
    assert o["on_time_closure_rate"] == 0.5  # the river case is past its closing deadline
    league = [row["unit"] for row in k["league"]]
    assert league == ["squad:sq-traffic", "squad:sq-river"]
    assert k["names"]["squad:sq-traffic"] == "交通秩序小队"
    assert [row["unit"] for row in k["community_league"]] == ["c01"]
    # the same report as `gridwatch report kpis`, plus the daily trend in the district's zone
    assert [(p["day"], p["kpis"]["reported"]) for p in k["trend"]] == [("2026-03-01", 2)]
    assert k["emergencies"]["drill"]["activations"] == 0
    late = api.get("/api/overdue").json()
    assert [(x["task_id"], x["late_on"]) for x in late] == [(slow.task_id, "handle")]
    assert api.get("/api/kpis", params={"since": "2026-03-01T00:00:00"}).status_code == 422
    assert api.get("/api/kpis", user="gl001").status_code == 403


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
    r = api.post("/api/emergencies", json={"plan_id": "ep-01", "drill": True, "note": "季度演练"})
    assert r.status_code == 201, r.text
    a = r.json()
    # six duty posts, the brigade, one step per grid's leader (g001, g002), the river squad
    assert a["total"] == 10 and a["drill"] and a["state"] == "active"
    units = [i["unit"] for i in a["items"]]
    assert units[6:] == ["brigade", "grid_leader:gl001", "grid_leader:gl002", "squad:sq-river"]
    plans = {p["id"]: p for p in api.get("/api/emergency-plans").json()}
    assert plans["ep-01"]["drills"] == 1 and plans["ep-01"]["active"] == a["activation_id"]
    api.clock.now = T0 + timedelta(minutes=40)
    river = a["items"][-1]
    # the squad sees its own step of the drill only, and ticks it off
    mine = api.get(f"/api/emergencies/{a['activation_id']}", user="sq-river-member").json()
    assert [i["item_id"] for i in mine["items"]] == [river["item_id"]]
    assert api.get(f"/api/emergencies/{a['activation_id']}", user="gl003").status_code == 403
    done = api.post(
        f"/api/emergencies/items/{river['item_id']}/done", user="sq-river-member", json={}
    )
    assert done.status_code == 200 and done.json()["done_by"] == "sq-river-member"
    brigade = a["items"][6]
    assert (
        api.post(
            f"/api/emergencies/items/{brigade['item_id']}/done", user="sq-river-member", json={}
        ).status_code
        == 403
    )
    full = api.get(f"/api/emergencies/{a['activation_id']}").json()
    assert full["done"] == 1 and full["items"][7]["overdue"]  # due 30 min after activation
    assert api.post(f"/api/emergencies/items/{river['item_id']}/done", json={}).status_code == 409
    ended = api.post(f"/api/emergencies/{a['activation_id']}/stand-down", json={"note": ""})
    assert ended.status_code == 422
    ended = api.post(f"/api/emergencies/{a['activation_id']}/stand-down", json={"note": "演练结束"})
    assert ended.json()["state"] == "stood_down"
    assert api.get("/api/emergency-plans").json()[0]["active"] is None
    log = api.get("/api/activity?action=emergency_drill").json()
    assert [(x["actor"], x["subject"]) for x in log] == [("duty", a["activation_id"])]
    # ep-02's `grid_force:{community}` step goes to each of its three communities
    ep2 = api.post("/api/emergencies", json={"plan_id": "ep-02", "drill": True}).json()
    assert sum(i["unit"].startswith("grid_force:") for i in ep2["items"]) == 3
    assert api.post("/api/emergencies", user="gl001", json={"plan_id": "ep-02"}).status_code == 403


def test_new_accounts_refuse_a_guessable_password_naming_the_field_and_reason(api: Api):
    base = {"user_id": "root2", "name": "第二管理员", "role": "admin"}
    r = api.post("/api/users", user="admin", json={**base, "password": "aaaaaaaa"})
    assert r.status_code == 422
    assert r.json()["detail"].startswith("password: too easy to guess")
    assert "repeat" in r.json()["detail"].lower()
    assert (
        api.post("/api/users", user="admin", json={**base, "password": "password1"}).status_code
        == 422
    )
    r = api.post("/api/users", user="admin", json={**base, "password": "long-enough-1"})
    assert r.status_code == 201


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
