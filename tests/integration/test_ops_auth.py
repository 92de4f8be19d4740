"""Signing in for real: password sessions, CSRF on cookie writes, the login rate limit, bearer
and Basic for scripts, sign-out, expiry, and pages that send strangers to the sign-in form."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gridwatch.config.schema import District
from gridwatch.ops.app import create_app
from gridwatch.ops.context import OpsContext
from gridwatch.ops.users import create_demo_accounts
from gridwatch.store import activity
from gridwatch.store.evidence import EvidenceStore
from gridwatch.store.repository import Store
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


def test_five_failures_lock_the_account_for_the_window_even_with_the_right_password(
    client: TestClient, store: Store, clock: ManualClock
):
    for _ in range(5):
        assert login(client, password="wrong").status_code == 401
    r = login(client)
    assert r.status_code == 429
    assert 0 < int(r.headers["Retry-After"]) <= 15 * 60 + 1
    assert login(client, user="dispatcher").status_code == 200  # other accounts unaffected
    # Basic auth on the API is held to the same limit
    assert client.get("/api/me", auth=("duty", PASSWORD)).status_code == 429
    log = [(a.action, a.outcome) for a in activity.recent(store, actor="duty")]
    assert log.count(("login_failed", "denied")) == 5
    assert ("login_blocked", "denied") in log
    clock.now = T0 + timedelta(minutes=16)
    assert login(client).status_code == 200


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
