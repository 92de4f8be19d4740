"""Signing in for real: password sessions, CSRF on cookie writes, the sign-in throttle, bearer
and Basic for scripts, sign-out, expiry, and pages that send strangers to the sign-in form."""

from __future__ import annotations

import dataclasses
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from gridwatch.config.schema import District
from gridwatch.ops import login as login_module
from gridwatch.ops.app import create_app
from gridwatch.ops.context import OpsContext
from gridwatch.ops.serve import server_config
from gridwatch.ops.users import create_demo_accounts
from gridwatch.runtime.clock import utc_now
from gridwatch.store import activity
from gridwatch.store.evidence import EvidenceStore
from gridwatch.store.repository import Store
from gridwatch.store.tables import UserRow
from tests.conftest import ManualClock

PASSWORD = "auth-pass-123"
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
def client(
    store: Store, minimal_district: District, tmp_path: Path, clock: ManualClock
) -> TestClient:
    create_demo_accounts(store, minimal_district, PASSWORD, clock)
    ctx = OpsContext(minimal_district, store, EvidenceStore(tmp_path / "ev"), clock=clock)
    return TestClient(create_app(ctx))


def login(client: TestClient, user: str = "duty", password: str = PASSWORD):
    return client.post("/api/auth/login", json={"user_id": user, "password": password})


def test_sign_in_sets_a_locked_down_cookie_and_returns_tokens(client: TestClient):
    r = login(client)
    assert r.status_code == 200
    body = r.json()
    assert body["me"]["role"] == "duty_officer" and body["me"]["home"] == "/ops/wall"
    assert body["token"] and body["csrf_token"]
    cookie = r.headers["set-cookie"].lower()
    assert "gw_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert client.get("/api/me").json()["user_id"] == "duty"  # the cookie alone reads


def test_cookie_writes_need_the_csrf_token(client: TestClient, store: Store):
    csrf = login(client).json()["csrf_token"]
    body = {"matchers": ['event_type="noise"'], "duration_s": 60, "comment": "test"}
    r = client.post("/api/silences", json=body)
    assert r.status_code == 403 and "CSRF" in r.json()["detail"]
    r = client.post("/api/silences", json=body, headers={"X-CSRF-Token": "forged"})
    assert r.status_code == 403
    r = client.post("/api/silences", json=body, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201


def test_bearer_token_needs_no_csrf_token_and_dies_at_sign_out(client: TestClient):
    token = login(client).json()["token"]
    client.cookies.clear()
    h = {"Authorization": f"Bearer {token}"}
    body = {"matchers": ['event_type="noise"'], "duration_s": 60, "comment": "script"}
    assert client.post("/api/silences", json=body, headers=h).status_code == 201
    assert client.post("/api/auth/logout", headers=h).status_code == 204
    assert client.get("/api/me", headers=h).status_code == 401


def test_sessions_expire_after_a_shift(client: TestClient, clock: ManualClock):
    token = login(client).json()["token"]
    h = {"Authorization": f"Bearer {token}"}
    clock.now = T0 + timedelta(hours=11)
    assert client.get("/api/me", headers=h).status_code == 200
    clock.now = T0 + timedelta(hours=12, seconds=1)
    assert client.get("/api/me", headers=h).status_code == 401


def from_address(client: TestClient, address: str) -> TestClient:
    """Another client of the same app, connecting from `address`."""
    return TestClient(client.app, client=(address, 50000))


def test_failures_from_one_address_slow_that_address_with_doubling_delays(
    client: TestClient, store: Store, clock: ManualClock
):
    for _ in range(5):
        assert login(client, password="wrong").status_code == 401
    r = login(client)  # the right password waits too: the address is being throttled
    assert r.status_code == 429 and r.headers["Retry-After"] == "30"
    assert login(client, user="dispatcher").status_code == 200  # other accounts unaffected
    # Basic auth on the API is held to the same throttle
    assert client.get("/api/me", auth=("duty", PASSWORD)).status_code == 429
    clock.now = T0 + timedelta(seconds=30)
    assert login(client, password="wrong").status_code == 401  # the sixth is checked
    r = login(client)
    assert r.status_code == 429 and r.headers["Retry-After"] == "60"  # and doubles the wait
    log = [(a.action, a.outcome) for a in activity.recent(store, actor="duty")]
    assert log.count(("login_failed", "denied")) == 6
    assert log.count(("login_blocked", "denied")) == 3
    clock.now = T0 + timedelta(seconds=90)
    assert login(client).status_code == 200


def test_an_attacker_on_one_address_never_locks_the_owner_out_of_another(
    client: TestClient, clock: ManualClock
):
    attacker, owner = from_address(client, "203.0.113.66"), from_address(client, "198.51.100.7")
    for admin in (False, True):
        user = "admin" if admin else "duty"
        for _ in range(12):
            attacker.post("/api/auth/login", json={"user_id": user, "password": "guess"})
        r = attacker.post("/api/auth/login", json={"user_id": user, "password": PASSWORD})
        assert r.status_code == 429
        assert login(owner, user=user).status_code == 200


def test_concurrent_wrong_passwords_get_no_more_checks_than_the_throttle_allows(
    client: TestClient, store: Store, monkeypatch: pytest.MonkeyPatch
):
    # Every check takes as long as a real Argon2 verification, so all attempts overlap it.
    real = login_module.authenticate

    def slow_authenticate(store: Store, user_id: str, password: str) -> UserRow | None:
        time.sleep(0.5)
        return real(store, user_id, password)

    monkeypatch.setattr(login_module, "authenticate", slow_authenticate)
    with ThreadPoolExecutor(max_workers=40) as pool:
        codes = list(pool.map(lambda _: login(client, password="wrong").status_code, range(40)))
    assert codes.count(401) <= 5 and codes.count(401) + codes.count(429) == 40
    log = [(a.action, a.outcome) for a in activity.recent(store, actor="duty")]
    assert log.count(("login_failed", "denied")) == codes.count(401)
    assert ("login_attempt", "pending") not in log  # every reservation was settled


def test_basic_auth_still_serves_scripts(client: TestClient):
    assert client.get("/api/me", auth=("gl001", PASSWORD)).json()["grid"] == "g001"
    assert client.get("/api/me", auth=("gl001", "nope")).status_code == 401
    assert client.get("/api/me").status_code == 401


def test_pages_send_strangers_to_the_sign_in_form_and_back(client: TestClient):
    r = client.get("/ops/tasks?grid=g001", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/ops/tasks%3Fgrid%3Dg001"
    form = client.get("/login?next=/ops/tasks")
    assert form.status_code == 200 and 'name="csrf_token"' in form.text
    token = form.text.split('name="csrf_token" value="')[1].split('"')[0]
    data = {"user_id": "duty", "password": PASSWORD, "csrf_token": token, "next": "/ops/tasks"}
    r = client.post("/login", data=data, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/ops/tasks"
    assert client.get("/ops/tasks").status_code == 200


def test_the_sign_in_form_refuses_a_post_without_its_csrf_cookie(client: TestClient):
    data = {"user_id": "duty", "password": PASSWORD, "csrf_token": "made-up", "next": "https://x"}
    r = client.post("/login", data=data, follow_redirects=False)
    assert r.status_code == 303 and "error=csrf" in r.headers["location"]
    assert client.get("/api/me").status_code == 401


def test_sign_in_never_redirects_off_site(client: TestClient):
    form = client.get("/login")
    token = form.text.split('name="csrf_token" value="')[1].split('"')[0]
    data = {"user_id": "gl001", "password": PASSWORD, "csrf_token": token, "next": "//evil.test"}
    r = client.post("/login", data=data, follow_redirects=False)
    assert r.headers["location"] == "/m/inbox"


def test_field_staff_get_a_403_page_for_the_ops_centre(client: TestClient):
    login(client, "gl001")
    r = client.get("/ops/wall")
    assert r.status_code == 403 and "403" in r.text
    assert client.get("/m/inbox").status_code == 200


def test_pages_carry_a_strict_content_security_policy(client: TestClient):
    login(client)
    csp = client.get("/ops/wall").headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert client.get("/docs").status_code == 200  # Swagger UI served from the package


def test_sign_out_form_needs_the_session_csrf_token(client: TestClient):
    csrf = login(client).json()["csrf_token"]
    assert client.post("/logout", data={"csrf_token": "x"}).status_code == 403
    r = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/api/me").status_code == 401


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(ctx: OpsContext) -> Iterator[str]:
    """The app behind uvicorn as the demo and the deployments run it, on a free local port."""
    port = free_port()
    srv = uvicorn.Server(
        server_config(create_app(ctx), "127.0.0.1", port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    while not srv.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_x_forwarded_for_is_believed_only_from_a_configured_proxy(
    store: Store, minimal_district: District, tmp_path: Path
):
    create_demo_accounts(store, minimal_district, PASSWORD, utc_now)
    spoofed = {"X-Forwarded-For": "203.0.113.9"}
    wrong = {"user_id": "duty", "password": "wrong"}
    ctx = OpsContext(minimal_district, store, EvidenceStore(tmp_path / "ev"))
    with served(ctx) as base:  # no proxy configured: the peer is the client
        assert httpx.post(f"{base}/api/auth/login", json=wrong, headers=spoofed).status_code == 401
    assert [a.client for a in activity.recent(store, actor="duty")] == ["127.0.0.1"]
    behind_proxy = dataclasses.replace(ctx, trusted_proxies=("127.0.0.0/8",))
    with served(behind_proxy) as base:
        assert httpx.post(f"{base}/api/auth/login", json=wrong, headers=spoofed).status_code == 401
    assert activity.recent(store, actor="duty")[0].client == "203.0.113.9"
