"""The closed loop's integrity over HTTP, on SQLite and PostgreSQL: nobody verifies a case they
reported or handled, and no merge leaves a case in nobody's queue."""

import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from gridwatch.config.schema import District
from gridwatch.domain.events import Event
from gridwatch.domain.plans import route_event
from gridwatch.ops.app import create_app
from gridwatch.ops.context import OpsContext
from gridwatch.ops.users import create_demo_accounts
from gridwatch.store.evidence import EvidenceStore
from gridwatch.store.repository import Store

PASSWORD = "pw-integrity"
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def client(store: Store, minimal_district: District, tmp_path: Path) -> TestClient:
    create_demo_accounts(store, minimal_district, PASSWORD, lambda: T0)
    ctx = OpsContext(minimal_district, store, EvidenceStore(tmp_path / "evidence"))
    return TestClient(create_app(ctx))


def act(client: TestClient, user: str, task_id: str, **body: Any) -> tuple[int, dict[str, Any]]:
    r = client.post(f"/api/tasks/{task_id}/actions", json=body, auth=(user, PASSWORD))
    return r.status_code, r.json()


def photo(client: TestClient, user: str) -> str:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 120, 90)).save(buf, "JPEG")
    files = {"file": ("p.jpg", buf.getvalue(), "image/jpeg")}
    r = client.post("/api/photos", files=files, auth=(user, PASSWORD))
    assert r.status_code == 201, r.text
    return str(r.json()["photo"])


def clue(client: TestClient, user: str, event_type: str, **extra: Any) -> dict[str, Any]:
    body = {"event_type": event_type, "description": "巡查发现", "grid": "g001", **extra}
    r = client.post("/api/clues", json=body, auth=(user, PASSWORD))
    assert r.status_code == 201, r.text
    return dict(r.json())


# ----------------------------------------------------------------- separation of duties


def test_a_grid_leader_cannot_close_the_loop_on_their_own_clue(
    client: TestClient, minimal_district: District
):
    leader = minimal_district.grid_leader_of["g001"]
    picture = photo(client, leader)
    tid = clue(client, leader, "garbage_dumping", photo=picture)["task_id"]
    assert act(client, leader, tid, action="accept")[0] == 200
    status, card = act(client, leader, tid, action="feedback", note="已清理", attachment=picture)
    assert status == 200 and card["verifier"] == "brigade"  # their own work: one level up
    status, err = act(client, leader, tid, action="verify")
    assert status == 403 and "separation of duties" in err["detail"]
    assert act(client, "duty", tid, action="verify")[1]["state"] == "verified"


def test_a_duty_officer_cannot_run_a_brigade_case_alone(client: TestClient):
    tid = clue(client, "duty", "noise")["task_id"]  # phoned in; only the catch-all matches
    assert act(client, "duty", tid, action="dispatch", assignee="brigade")[0] == 200
    assert act(client, "duty", tid, action="accept")[0] == 200
    assert act(client, "duty", tid, action="feedback", note="已劝离")[0] == 200
    status, err = act(client, "duty", tid, action="verify")
    assert status == 403 and "handled task" in err["detail"]
    detail = client.get(f"/api/tasks/{tid}", auth=("duty", PASSWORD)).json()
    assert detail["state"] == "handled" and "verify" not in detail["allowed_actions"]
    status, card = act(client, "dispatcher", tid, action="verify")
    assert status == 200 and card["state"] == "verified"
    assert act(client, "duty", tid, action="close")[1]["state"] == "closed"


def test_the_reporter_cannot_verify_what_others_handled(client: TestClient):
    tid = clue(client, "dispatcher", "noise")["task_id"]
    assert act(client, "duty", tid, action="dispatch", assignee="squad:sq-traffic")[0] == 200
    assert act(client, "sq-traffic-member", tid, action="accept")[0] == 200
    assert act(client, "sq-traffic-member", tid, action="feedback", note="已处理")[0] == 200
    status, err = act(client, "dispatcher", tid, action="verify")
    assert status == 403 and "reported task" in err["detail"]
    assert act(client, "duty", tid, action="verify")[0] == 200


# ----------------------------------------------------------------- merges


def open_case(store: Store, district: District, n: int, grid: str = "g001") -> str:
    ev = Event(
        event_id=f"evt-merge{n:011d}",
        event_type="lane_occupation",
        source="ai",
        occurred_at=T0,
        grid=grid,
        community=district.grid(grid).community,
        severity="minor",
        title="机动车占道",
        device_id="cam-0001",
        algorithm="lane_occupation",
    )
    d = route_event(district.plans.route, ev.labels(), district.grid_leader_of)
    task, _ = store.open_case(ev, d, T0)
    return task.task_id


def test_a_case_merges_into_an_open_case_of_its_grid(
    client: TestClient, store: Store, minimal_district: District
):
    a, b = (open_case(store, minimal_district, n) for n in (1, 2))
    status, card = act(client, "duty", a, action="merge", note="同一车辆", merged_into=b)
    assert status == 200 and card["state"] == "merged"
    assert store.get_task(a).merged_into == b


@pytest.mark.parametrize("target", ["rejected", "closed", "other_grid", "merged_back", "itself"])
def test_merges_that_would_lose_a_case_are_refused(
    client: TestClient, store: Store, minimal_district: District, target: str
):
    a = open_case(store, minimal_district, 1)
    b = open_case(store, minimal_district, 2, grid="g003" if target == "other_grid" else "g001")
    if target == "rejected":
        assert act(client, "duty", b, action="reject", note="误报", verdict="false_alarm")[0] == 200
    if target == "closed":
        for user, body in [
            ("sq-traffic-member", {"action": "accept"}),
            ("sq-traffic-member", {"action": "feedback", "note": "done"}),
            ("gl001", {"action": "verify"}),
            ("duty", {"action": "close"}),
        ]:
            assert act(client, user, b, **body)[0] == 200
    if target == "merged_back":
        assert act(client, "duty", b, action="merge", note="同一车辆", merged_into=a)[0] == 200
        # the way back, a into b, would leave both merged, each pointing at the other
    into = a if target == "itself" else b
    before = store.get_task(a)
    status, err = act(client, "duty", a, action="merge", note="同一车辆", merged_into=into)
    assert status == 409, err
    assert store.get_task(a) == before
    reason = {
        "rejected": "is rejected",
        "closed": "is closed",
        "other_grid": "within a grid",
        "merged_back": "is itself merged",
        "itself": "",
    }[target]
    assert reason in err["detail"]


# ----------------------------------------------------------------- dispatch by hand


@pytest.mark.parametrize(
    ("unit", "ok"),
    [
        ("grid_force:c01", False),  # g003 is in c02: no leader of c01 may act there
        ("grid_force:c02", True),
        ("squad:sq-traffic", True),
    ],
)
def test_a_case_is_not_dispatched_to_a_unit_nobody_of_which_can_accept_it(
    client: TestClient, store: Store, unit: str, ok: bool
):
    tid = clue(client, "duty", "noise", grid="g003")["task_id"]  # waits in the manual queue
    status, body = act(client, "duty", tid, action="dispatch", assignee=unit)
    if ok:
        assert status == 200 and body["assignee"] == unit
    else:
        assert status == 422 and "nobody of" in body["detail"]
        assert store.get_task(tid).state.value == "filed"
