"""Request bodies are bounded before they are read: a body over its route's limit is refused
with 413 having read at most the limit, and a photo upload without credentials is refused
before its body is read at all. Bodies are fed to the ASGI app chunk by chunk, counting what it
pulls."""

from __future__ import annotations

import asyncio
import concurrent.futures
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image

from gridwatch.config.schema import District
from gridwatch.config.settings import MAX_BODY_BYTES, MAX_UPLOAD_BYTES
from gridwatch.ops.app import create_app
from gridwatch.ops.context import OpsContext
from gridwatch.ops.users import create_demo_accounts
from gridwatch.store.evidence import EvidenceStore
from gridwatch.store.repository import Store, sqlite_url

PASSWORD = "limits-pass-123"
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
GIB = 1 << 30
CHUNK = 64 * 1024
BOUNDARY = "gwlimit"


@pytest.fixture
def app(minimal_district: District, tmp_path: Path) -> Iterator[FastAPI]:
    store = Store(sqlite_url(tmp_path / "limits.db"))
    store.migrate()
    create_demo_accounts(store, minimal_district, PASSWORD, lambda: T0)
    yield create_app(
        OpsContext(minimal_district, store, EvidenceStore(tmp_path / "ev"), clock=lambda: T0)
    )
    store.engine.dispose()


class Body:
    """A request body made on demand, `total` bytes in chunks; counts what was pulled."""

    def __init__(self, total: int, head: bytes = b"", fill: bytes = b"\0") -> None:
        self.total, self.head, self.fill, self.pulled = total, head, fill, 0

    def chunks(self) -> Iterator[bytes]:
        yield self.head
        left = self.total - len(self.head)
        while left > 0:
            n = min(CHUNK, left)
            left -= n
            yield self.fill * n


def post(app: FastAPI, path: str, body: Body, headers: dict[str, str]) -> tuple[int, bytes]:
    """POST through the ASGI interface; the app pulls the body one chunk per receive()."""
    chunks = body.chunks()
    status, out = 0, b""

    async def receive() -> dict[str, object]:
        chunk = next(chunks, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        body.pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: dict[str, object]) -> None:
        nonlocal status, out
        if message["type"] == "http.response.start":
            status = int(message["status"])  # type: ignore[call-overload]
        elif message["type"] == "http.response.body":
            out += message.get("body", b"")  # type: ignore[operator]

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }
    # A loop of its own in a thread of its own: the browser tests' Playwright session keeps an
    # event loop running in the main thread, where asyncio.run() refuses to start.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()  # type: ignore[arg-type]
    return status, out


def multipart_head() -> bytes:
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode()


MULTIPART = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}
JSON = {"content-type": "application/json"}


def bearer(app: FastAPI, user: str) -> dict[str, str]:
    r = TestClient(app).post("/api/auth/login", json={"user_id": user, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"authorization": f"Bearer {r.json()['token']}"}


def test_an_anonymous_streamed_gigabyte_upload_is_refused_before_its_body_is_read(app: FastAPI):
    body = Body(GIB, multipart_head())
    status, out = post(app, "/api/photos", body, MULTIPART)  # chunked: no Content-Length
    assert status == 401, out
    assert body.pulled <= MAX_UPLOAD_BYTES


def test_an_upload_declaring_a_gigabyte_is_refused_unread(app: FastAPI):
    for who in ({}, bearer(app, "gl001")):
        body = Body(GIB, multipart_head())
        status, out = post(app, "/api/photos", body, MULTIPART | who | {"content-length": str(GIB)})
        assert status in (401, 413), out
        assert body.pulled == 0


def test_a_signed_in_streamed_upload_stops_being_read_at_the_upload_limit(app: FastAPI):
    body = Body(GIB, multipart_head())
    status, out = post(app, "/api/photos", body, MULTIPART | bearer(app, "gl001"))
    assert status == 413, out
    assert b"limit of" in out and str(MAX_UPLOAD_BYTES).encode() in out
    assert body.pulled <= MAX_UPLOAD_BYTES + CHUNK


def test_a_200_mb_login_body_is_refused_without_being_read(app: FastAPI):
    declared = Body(200_000_000, b'{"user_id": "gl001", "password": "', b"a")
    status, out = post(
        app, "/api/auth/login", declared, JSON | {"content-length": str(declared.total)}
    )
    assert status == 413, out
    assert declared.pulled == 0
    streamed = Body(200_000_000, b'{"user_id": "gl001", "password": "', b"a")
    status, out = post(app, "/api/auth/login", streamed, JSON)
    assert status == 413, out
    assert str(MAX_BODY_BYTES).encode() in out
    assert streamed.pulled <= MAX_BODY_BYTES + CHUNK


def test_a_normal_sign_in_and_photo_upload_still_work(app: FastAPI):
    client = TestClient(app)
    headers = bearer(app, "gl001")
    buf = io.BytesIO()
    Image.new("RGB", (2400, 1800), (30, 140, 60)).save(buf, "JPEG")
    r = client.post(
        "/api/photos", headers=headers, files={"file": ("p.jpg", buf.getvalue(), "image/jpeg")}
    )
    assert r.status_code == 201, r.text
    assert (r.json()["width"], r.json()["height"]) == (1600, 1200)
    r = client.post("/api/photos", headers=headers, data={"note": "no file"})
    assert r.status_code == 422 and "file" in r.json()["detail"]
    assert client.post("/api/photos", files={"file": ("p.jpg", buf.getvalue())}).status_code == 401


def test_a_pixel_bomb_photo_is_refused_naming_its_size(app: FastAPI):
    buf = io.BytesIO()
    Image.new("1", (13300, 13300)).save(buf, "PNG")
    r = TestClient(app).post(
        "/api/photos",
        headers=bearer(app, "gl001"),
        files={"file": ("bomb.png", buf.getvalue(), "image/png")},
    )
    assert r.status_code == 422 and "13300 × 13300 px" in r.json()["detail"], r.text


def test_the_openapi_document_still_describes_the_photo_form(app: FastAPI):
    doc = TestClient(app).get("/openapi.json").json()
    form = doc["paths"]["/api/photos"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert form["schema"]["required"] == ["file"]
