"""Who may do what: every role × every action × own/other grid (and own/other squad), over HTTP
against the real app and SQL, each case on a fresh task in the state the action needs.

The expectations are written out here as the policy reads in words, independent of the code
that enforces it: a wrong rule in domain/tasks.py or domain/access.py fails a case.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from gridwatch.config.schema import District
from gridwatch.domain.events import Event
from gridwatch.domain.plans import route_event
from gridwatch.domain.tasks import AUDIT_ONLY_ACTIONS, SYSTEM, Action, Actor, Role, State
from gridwatch.ops.app import create_app
from gridwatch.ops.context import OpsContext
from gridwatch.ops.users import PEOPLE, create_demo_accounts
from gridwatch.store.evidence import EvidenceStore
from gridwatch.store.repository import Store, sqlite_url

PASSWORD = "matrix-pass-1"
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
ADMIN_ACTOR = Actor("admin", Role.ADMIN)


def _jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 120, 90)).save(buf, "JPEG")
    return buf.getvalue()


PICTURE = _jpeg()

# The people. All tasks below are in grid g001 of community c01.
USERS = {
    "admin": "admin",
    "duty": "duty",
    "dispatcher": "dispatcher",
    "engineer": "engineer",
    "squad-own": "sq-traffic-member",  # the squad lane occupation goes to
    "squad-other": "sq-river-member",
    "leader-own": "gl001",  # leads g001
    "leader-same-community": "gl002",  # leads g002, also in c01
    "leader-other": "gl003",  # leads g003 in c02
}
DESK = {"admin", "duty", "dispatcher"}
EVERYONE = set(USERS)

# Two kinds of task in g001: handled by a squad, or by the community's grid force.
FLAVOURS = {"squad": "lane_occupation", "grid_force": "garbage_dumping"}

# action -> (state it needs, extra body)
SETUP: dict[Action, tuple[State, dict[str, Any]]] = {
    Action.FILE: (State.REPORTED, {}),
    Action.REJECT: (State.REPORTED, {"note": "a shadow", "verdict": "false_alarm"}),
    Action.DISPATCH: (State.RETURNED, {"assignee": "squad:sq-traffic"}),
    Action.ACCEPT: (State.DISPATCHED, {}),
    Action.RETURN: (State.DISPATCHED, {"note": "not ours"}),
    Action.START: (State.ACCEPTED, {}),
    Action.FEEDBACK: (State.ACCEPTED, {"note": "done"}),
    Action.REQUEST_EXTENSION: (State.ACCEPTED, {"note": "waiting for a tow", "extension_s": 3600}),
    Action.APPROVE_EXTENSION: (State.ACCEPTED, {}),
    Action.DENY_EXTENSION: (State.ACCEPTED, {"note": "the tow is already there"}),
    Action.VERIFY: (State.HANDLED, {"verdict": "confirmed"}),
    Action.REWORK: (State.HANDLED, {"note": "still there"}),
    Action.CLOSE: (State.VERIFIED, {}),
    Action.EVALUATE: (State.CLOSED, {}),
    Action.MERGE: (State.DISPATCHED, {"note": "same van"}),
    Action.MUTE: (State.REPORTED, {"note": "a silence"}),
    Action.ESCALATE: (State.DISPATCHED, {"note": "late"}),
}

ASSIGNEE_ACTIONS = {
    Action.ACCEPT,
    Action.RETURN,
    Action.START,
    Action.FEEDBACK,
    Action.REQUEST_EXTENSION,
}
DESK_ACTIONS = {
    Action.FILE,
    Action.REJECT,
    Action.DISPATCH,
    Action.CLOSE,
    Action.EVALUATE,
    Action.APPROVE_EXTENSION,
    Action.DENY_EXTENSION,
    Action.MERGE,
}
VERIFIER_ACTIONS = {Action.VERIFY, Action.REWORK}
SYSTEM_ACTIONS = {Action.MUTE, Action.ESCALATE}  # the dispatch stage and the SLA runner only


def expected(who: str, action: Action, flavour: str) -> bool:
    """The policy in words."""
    if action in SYSTEM_ACTIONS:
        return False  # no person, not even the admin
    if action in DESK_ACTIONS:
        return who in DESK  # the brigade's desk files, dispatches, closes …
    if action in VERIFIER_ACTIONS:
        # the brigade may always verify; otherwise the leader of the task's grid (the admin
        # handled these cases: see test_nobody_verifies_their_own_work for the handlers)
        return who in DESK or who == "leader-own"
    assert action in ASSIGNEE_ACTIONS
    if who == "admin":
        return True
    if flavour == "squad":
        return who == "squad-own"  # only the assigned squad
    return who == "leader-own"  # the grid force acts through the leader of the task's grid


MATRIX = [
    pytest.param(
        who, action, flavour, expected(who, action, flavour), id=f"{who}-{action}-{flavour}"
    )
    for who in USERS
    for action in SETUP
    for flavour in FLAVOURS
]


@dataclass
class World:
    district: District
    store: Store
    client: TestClient
    tokens: dict[str, str]
    evidence: EvidenceStore
    seq: int = 0

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def task(self, flavour: str, state: State) -> str:
        """A fresh task of this flavour in g001, driven to `state` by the desk and its units."""
        self.seq += 1
        event_type = FLAVOURS[flavour]
        ev = Event(
            event_id=f"evt-m{self.seq:015d}",
            event_type=event_type,
            source="ai" if flavour == "squad" else "grid_leader",
            occurred_at=T0,
            grid="g001",
            community="c01",
            severity="minor",
            title=event_type,
            device_id="cam-0001" if flavour == "squad" else None,
            algorithm=event_type if flavour == "squad" else None,
            evidence_path=f"matrix/{self.seq}.jpg",
        )
        self.evidence.put(f"matrix/{self.seq}.jpg", PICTURE)
        d = route_event(self.district.plans.route, ev.labels(), self.district.grid_leader_of)
        task, _ = self.store.open_case(ev, d, T0, hold=True)
        tid = task.task_id
        # Filing goes on to dispatch by plan (both flavours have one).
        path = {
            State.REPORTED: [],
            State.DISPATCHED: [(Action.FILE, SYSTEM, {})],
            State.RETURNED: [(Action.FILE, SYSTEM, {}), (Action.RETURN, ADMIN_ACTOR, {})],
        }
        steps = path.get(state)
        if steps is None:
            steps = [*path[State.DISPATCHED], (Action.ACCEPT, ADMIN_ACTOR, {})]
            if state is State.HANDLED or state in (State.VERIFIED, State.CLOSED):
                steps.append((Action.FEEDBACK, ADMIN_ACTOR, {}))
            if state in (State.VERIFIED, State.CLOSED):
                steps.append((Action.VERIFY, ADMIN_ACTOR, {}))
            if state is State.CLOSED:
                steps.append((Action.CLOSE, ADMIN_ACTOR, {}))
        for action, actor, kw in steps:
            note = "setup" if action in (Action.FEEDBACK, Action.RETURN) else ""
            self.store.act(tid, action, actor, T0, note, **kw)
        assert self.store.get_task(tid).state is state
        return tid


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, minimal_district: District) -> Iterator[World]:
    base: Path = tmp_path_factory.mktemp("matrix")
    store = Store(sqlite_url(base / "matrix.db"))
    store.migrate()
    create_demo_accounts(store, minimal_district, PASSWORD, lambda: T0)
    evidence = EvidenceStore(base / "evidence")
    ticks = itertools.count()
    # A clock that moves a second per reading: each drill is a new activation.
    ctx = OpsContext(
        minimal_district,
        store,
        evidence,
        clock=lambda: T0 + timedelta(minutes=5, seconds=next(ticks)),
    )
    client = TestClient(create_app(ctx))
    tokens = {}
    for who, user in USERS.items():
        r = client.post("/api/auth/login", json={"user_id": user, "password": PASSWORD})
        assert r.status_code == 200, r.text
        tokens[who] = r.json()["token"]
    yield World(minimal_district, store, client, tokens, evidence)
    store.engine.dispose()


@pytest.mark.parametrize(("who", "action", "flavour", "allowed"), MATRIX)
def test_task_action(world: World, who: str, action: Action, flavour: str, allowed: bool):
    state, extra = SETUP[action]
    tid = world.task(flavour, state)
    body: dict[str, Any] = {"action": action.value, **extra}
    if action in (Action.APPROVE_EXTENSION, Action.DENY_EXTENSION):
        world.store.act(
            tid, Action.REQUEST_EXTENSION, ADMIN_ACTOR, T0, "tow", extension=timedelta(hours=1)
        )
    if action is Action.MERGE:
        body["merged_into"] = world.task(flavour, State.DISPATCHED)
    before = world.store.get_task(tid)
    r = world.client.post(f"/api/tasks/{tid}/actions", json=body, headers=world.headers(who))
    if allowed:
        assert r.status_code == 200, r.text
        assert world.store.audit_trail(tid)[-1].actor == USERS[who]  # audited as its actor
    else:
        assert r.status_code == 403, r.text
        assert world.store.get_task(tid) == before  # nothing changed


# The matrix's cases are handled by the admin, who stands for every unit; the people who may
# verify may still not verify their own work (separation of duties).
@pytest.mark.parametrize(
    ("handler", "unit"),
    [("leader-own", "grid_force"), ("duty", "brigade"), ("dispatcher", "brigade")],
)
def test_nobody_verifies_their_own_work(world: World, handler: str, unit: str):
    if unit == "brigade":
        tid = world.task("squad", State.RETURNED)
        world.store.act(tid, Action.DISPATCH, ADMIN_ACTOR, T0, "", assignee="brigade")
    else:
        tid = world.task(unit, State.DISPATCHED)

    def post(who: str, body: dict[str, Any]) -> Any:
        return world.client.post(f"/api/tasks/{tid}/actions", json=body, headers=world.headers(who))

    for body in ({"action": "accept"}, {"action": "feedback", "note": "done"}):
        assert post(handler, body).status_code == 200
    # the grid leader's own work goes up to the brigade; the brigade's stays with the plan's
    # verifier, and the desk may always verify, just not the person who did the work
    expected = "brigade" if unit == "grid_force" else "grid_leader:gl001"
    assert world.store.get_task(tid).verifier == expected
    r = post(handler, {"action": "verify"})
    assert r.status_code == 403 and "separation of duties" in r.json()["detail"]
    other = "dispatcher" if handler == "duty" else "duty"
    assert post(other, {"action": "verify"}).status_code == 200
    assert world.store.audit_trail(tid)[-1].actor == USERS[other]


# --------------------------------------------------------------------------- seeing


def sees_task(who: str, flavour: str) -> bool:
    if who in DESK or who == "engineer" or who == "leader-own":
        return True
    return who == "squad-own" and flavour == "squad"


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("who", USERS)
def test_seeing_a_task_its_picture_and_its_event(world: World, who: str, flavour: str):
    tid = world.task(flavour, State.DISPATCHED)
    event_id = world.store.get_task(tid).event_id
    picture_key = world.store.get_event(event_id).evidence_path
    h = world.headers(who)
    allowed = sees_task(who, flavour)
    assert world.client.get(f"/api/tasks/{tid}", headers=h).status_code == (200 if allowed else 403)
    assert world.client.get(f"/api/events/{event_id}", headers=h).status_code == (
        200 if allowed else 403
    )
    listed = {t["task_id"] for t in world.client.get("/api/tasks", headers=h).json()}
    assert (tid in listed) is allowed
    picture = world.client.get(f"/evidence/{picture_key}", headers=h)
    assert picture.status_code == (200 if allowed or who in DESK | {"engineer"} else 403)


# --------------------------------------------------------------------------- other operations


def operation(world: World, name: str, who: str) -> int:
    """Perform one non-task operation as `who`; returns the HTTP status."""
    h = world.headers(who)
    c = world.client
    if name == "upload_photo":
        buf = io.BytesIO()
        Image.new("RGB", (40, 30), (200, 10, 10)).save(buf, "PNG")
        files = {"file": ("p.png", buf.getvalue(), "image/png")}
        return c.post("/api/photos", files=files, headers=h).status_code
    if name == "report_clue_g001":
        body = {"event_type": "garbage_dumping", "description": "垃圾堆放", "grid": "g001"}
        return c.post("/api/clues", json=body, headers=h).status_code
    if name == "enter_citizen_request":
        world.seq += 1
        body = {
            "request_id": f"MHWW-{world.seq}",
            "event_type": "noise",
            "grid": "g001",
            "description": "夜间施工噪声",
            "occurred_at": "2026-03-01T07:00:00+08:00",
        }
        return c.post("/api/citizen-requests", json=body, headers=h).status_code
    if name == "create_silence":
        body = {"matchers": ['event_type="noise"'], "duration_s": 600, "comment": "drill"}
        return c.post("/api/silences", json=body, headers=h).status_code
    if name == "drill_emergency_plan":
        r = c.post("/api/emergencies", json={"plan_id": "ep-02", "drill": True}, headers=h)
        if r.status_code == 201:  # stand it down again
            world.client.post(
                f"/api/emergencies/{r.json()['activation_id']}/stand-down",
                json={"note": "drill over"},
                headers=world.headers("admin"),
            )
        return r.status_code
    if name == "tick_the_river_squads_checklist_step":
        a = world.client.post(
            "/api/emergencies",
            json={"plan_id": "ep-01", "drill": True},
            headers=world.headers("admin"),
        ).json()
        [item] = [i for i in a["items"] if i["unit"] == "squad:sq-river"]
        return c.post(
            f"/api/emergencies/items/{item['item_id']}/done", json={}, headers=h
        ).status_code
    if name == "create_user":
        world.seq += 1
        body = {
            "user_id": f"new{world.seq}",
            "name": "新账号",
            "role": "duty_officer",
            "password": "long-enough-1",
        }
        return c.post("/api/users", json=body, headers=h).status_code
    if name == "read_activity_log":
        return c.get("/api/activity", headers=h).status_code
    if name == "read_kpis":
        return c.get("/api/kpis", headers=h).status_code
    if name == "read_map":
        return c.get("/api/map", headers=h).status_code
    if name == "read_device_health":
        return c.get("/api/devices", headers=h).status_code
    if name == "read_grid_g001":
        return c.get("/api/grids/g001", headers=h).status_code
    if name == "read_plans":
        return c.get("/api/plans/coverage", headers=h).status_code
    if name == "read_silences":
        return c.get("/api/silences", headers=h).status_code
    if name == "read_overdue_list":
        return c.get("/api/overdue", headers=h).status_code
    raise AssertionError(name)


OK = {
    "upload_photo": 201,
    "report_clue_g001": 201,
    "enter_citizen_request": 201,
    "create_silence": 201,
    "drill_emergency_plan": 201,
    "create_user": 201,
}
OPERATIONS = {
    "upload_photo": EVERYONE - {"engineer"},
    "report_clue_g001": DESK | {"leader-own"},
    "enter_citizen_request": DESK,
    "create_silence": DESK | {"engineer"},  # engineers silence a camera they are servicing
    "drill_emergency_plan": DESK,
    "tick_the_river_squads_checklist_step": DESK | {"squad-other"},  # sq-river-member
    "create_user": {"admin"},
    "read_activity_log": DESK,
    "read_kpis": DESK | {"engineer"},
    "read_map": DESK | {"engineer"},
    "read_device_health": DESK | {"engineer"},
    "read_grid_g001": DESK | {"engineer", "leader-own"},
    "read_plans": DESK | {"engineer"},
    "read_silences": DESK | {"engineer"},
    "read_overdue_list": DESK | {"engineer"},
}


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("name", OPERATIONS)
def test_operation(world: World, name: str, who: str):
    allowed = who in OPERATIONS[name]
    assert operation(world, name, who) == (OK.get(name, 200) if allowed else 403)


def test_the_matrix_covers_every_role_and_action(world: World):
    roles = {world.store.get_user(u).role for u in USERS.values()}  # type: ignore[union-attr]
    assert roles == {r.value for r in PEOPLE}
    assert set(SETUP) == set(Action) - AUDIT_ONLY_ACTIONS
    assert len(MATRIX) == len(USERS) * len(SETUP) * len(FLAVOURS)


@pytest.mark.parametrize("who", USERS)
def test_audit_only_actions_are_not_task_actions_over_http(world: World, who: str):
    tid = world.task("squad", State.DISPATCHED)
    for action in AUDIT_ONLY_ACTIONS:  # documents are issued by `gridwatch documents issue`
        r = world.client.post(
            f"/api/tasks/{tid}/actions", json={"action": action.value}, headers=world.headers(who)
        )
        assert r.status_code == (422 if sees_task(who, "squad") else 403)
