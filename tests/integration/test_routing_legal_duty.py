"""The route explanation served to the ops centre names the legal duty behind the plan."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient

from gridwatch.config.schema import District
from gridwatch.domain.events import Event
from gridwatch.domain.plans import route_event
from gridwatch.ops.app import create_app
from gridwatch.ops.context import OpsContext
from gridwatch.ops.users import create_demo_accounts
from gridwatch.store.evidence import EvidenceStore
from gridwatch.store.repository import Store

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def open_case(store: Store, district: District, event_type: str) -> str:
    ev = Event(
        event_id=f"evt-{event_type}",
        event_type=event_type,
        source="ai",
        occurred_at=T0,
        grid="g001",
        community=district.grid("g001").community,
        severity="minor",
        title=event_type,
        device_id="cam-0001",
    )
    decision = route_event(district.plans.route, ev.labels(), district.grid_leader_of)
    return store.open_case(ev, decision, T0)[0].event_id


def client_for(store: Store, district: District, tmp_path: Path) -> TestClient:
    create_demo_accounts(store, district, "pw", lambda: T0)
    return TestClient(create_app(OpsContext(district, store, EvidenceStore(tmp_path / "ev"))))


def test_lane_occupation_routing_shows_the_duty_item_and_its_legal_basis(
    store: Store, minimal_district: District, tmp_path: Path
):
    event_id = open_case(store, minimal_district, "lane_occupation")
    r = client_for(store, minimal_district, tmp_path).get(
        f"/api/events/{event_id}/routing", auth=("duty", "pw")
    )
    assert r.status_code == 200, r.text
    duties = r.json()["legal_duties"]
    assert duties and duties[0]["source"] == "catalogue"
    assert "《中华人民共和国道路交通安全法》第五十六条" in duties[0]["legal_basis"]
    assert duties[0]["matter_code"] and "第九十三条" in duties[0]["penalty_basis"]


def test_a_plan_naming_its_own_duty_item_shows_that_one(
    store: Store, minimal_district: District, tmp_path: Path
):
    catalogue = minimal_district.enforcement.responsibility
    assert catalogue is not None
    code = next(d.code for d in catalogue.duties_of["lane_occupation"] if d.role == "support")
    root = minimal_district.plans.route
    routes = [
        r.model_copy(update={"duty_items": [code]}) if r.id == "plan-lane-occupation" else r
        for r in root.routes
    ]
    plans = minimal_district.plans.model_copy(
        update={"route": root.model_copy(update={"routes": routes})}
    )
    district = minimal_district.model_copy(update={"plans": plans})
    event_id = open_case(store, district, "lane_occupation")
    r = client_for(store, district, tmp_path).get(
        f"/api/events/{event_id}/routing", auth=("duty", "pw")
    )
    duties = r.json()["legal_duties"]
    assert [(d["code"], d["source"]) for d in duties] == [(code, "plan")]
