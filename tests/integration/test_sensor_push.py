"""HTTP push of sensor readings: checked like MQTT ones, bad ones dead-lettered with the
reason, good ones handed to the sensor stage through the Redis stream."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gridwatch.config.schema import District
from gridwatch.domain.readings import Reading
from gridwatch.ingest.dead_letters import DeadLetters
from gridwatch.ingest.reading_handoff import ReadingHandoff
from gridwatch.ops.app import create_app
from gridwatch.ops.context import OpsContext
from gridwatch.store.evidence import EvidenceStore
from gridwatch.store.hot_state import HotState
from gridwatch.store.repository import Store, sqlite_url

pytestmark = pytest.mark.redis

TOKEN = "gateway-secret"


def test_pushed_readings_are_checked_dead_lettered_or_handed_to_the_sensor_stage(
    minimal_district: District, tmp_path: Path, redis_url: str
) -> None:
    store = Store(sqlite_url(tmp_path / "t.db"))
    store.migrate()
    hot = HotState(redis_url)
    ctx = OpsContext(minimal_district, store, EvidenceStore(tmp_path / "ev"), hot, push_token=TOKEN)
    client = TestClient(create_app(ctx))
    auth = {"Authorization": f"Bearer {TOKEN}"}
    url = "/api/sensors/wl-001/readings"
    good = json.dumps({"quantity": "water_level", "value": 2.4, "unit": "m"})

    assert client.post(url, content=good).status_code == 401
    assert client.post(url, content=good, headers={"Authorization": "Bearer no"}).status_code == 401
    r = client.post(url, content=good, headers=auth)
    assert r.status_code == 202, r.text
    bad = [
        ('{"quantity": "water_level", "value": NaN, "unit": "m"}', "wl-001", "not a finite"),
        ('{"quantity": "water_level", "value": 240, "unit": "cm"}', "wl-001", "unit 'cm'"),
        ('{"quantity": "water_level", "val', "wl-001", "not UTF-8 JSON"),
        (good, "nobody", "unknown device"),
    ]
    for body, device, reason in bad:
        r = client.post(f"/api/sensors/{device}/readings", content=body, headers=auth)
        assert r.status_code == 422 and reason in r.json()["detail"]
    letters = list(reversed(DeadLetters(hot).latest()))
    assert [(d["device_id"], d["payload"].decode()) for d in letters] == [
        (device, body) for body, device, _ in bad
    ]
    assert all(d["source"] == "http_push" for d in letters)
    assert hot.device("wl-001")["value"] == "2.4"
    metrics = client.get("/metrics").text
    assert 'gridwatch_ingest_readings_total{device="wl-001"}' in metrics
    assert 'gridwatch_ingest_dead_letters_total{kind="reading",source="http_push"}' in metrics

    got: list[Reading] = []
    stop = threading.Event()

    def on_reading(reading: Reading) -> None:
        got.append(reading)
        stop.set()

    ReadingHandoff(hot).follow(stop, on_reading, "test")
    assert [(g.device_id, g.value, g.unit) for g in got] == [("wl-001", 2.4, "m")]


def test_push_is_off_without_a_token(
    minimal_district: District, tmp_path: Path, redis_url: str
) -> None:
    store = Store(sqlite_url(tmp_path / "t.db"))
    store.migrate()
    ctx = OpsContext(minimal_district, store, EvidenceStore(tmp_path / "ev"), HotState(redis_url))
    r = TestClient(create_app(ctx)).post("/api/sensors/wl-001/readings", content="{}")
    assert r.status_code == 404


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ('{"quantity": "water_level", "value": %s, "unit": "m"}' % ("9" * 400), "field 'value'"),
        ("[" * 3000, "nested too deeply"),
        ('{"quantity": "water_level", "value": 2, "unit": %s}' % ("[" * 3000), "nested too"),
        (
            '{"quantity": "water_level", "value": 2, "unit": "m", "ts": "9999-12-31T00:00:00Z"}',
            "field 'ts' 9999-12-31T00:00:00+00:00 is ahead",
        ),
    ],
    ids=["400-digit value", "nested array", "nested field", "year 9999"],
)
def test_hostile_json_is_refused_with_the_reason_and_dead_lettered(
    minimal_district: District, tmp_path: Path, redis_url: str, body: str, reason: str
) -> None:
    store = Store(sqlite_url(tmp_path / "t.db"))
    store.migrate()
    hot = HotState(redis_url)
    ctx = OpsContext(minimal_district, store, EvidenceStore(tmp_path / "ev"), hot, push_token=TOKEN)
    client = TestClient(create_app(ctx), raise_server_exceptions=False)
    r = client.post(
        "/api/sensors/wl-001/readings", content=body, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert r.status_code == 422 and reason in r.json()["detail"], r.text
    [letter] = DeadLetters(hot).latest()
    assert (letter["source"], letter["device_id"]) == ("http_push", "wl-001")
    assert reason in letter["reason"]
