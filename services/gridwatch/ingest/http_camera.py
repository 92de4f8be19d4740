"""What the two HTTP camera adapters share: one keep-alive connection with a read timeout,
and the device time a camera may send with each picture."""

from __future__ import annotations

import http.client
import socket
from datetime import UTC, datetime
from email.message import Message
from urllib.parse import urlsplit

from gridwatch.ingest.failures import SourceFailed

# Sent by many IP cameras (and our loopback server) with each picture: seconds since the epoch
# on the camera's clock. Without it the receive time stands in for the device time.
TIMESTAMP_HEADER = "X-Timestamp"


def connect(url: str, timeout_s: float) -> tuple[http.client.HTTPConnection, str]:
    """(connection, path with query) for an http(s) URL; nothing is sent yet."""
    parts = urlsplit(url)
    if parts.hostname is None:
        raise SourceFailed(f"{url}: no host")
    cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = cls(parts.hostname, parts.port, timeout=timeout_s)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return conn, path


def get(conn: http.client.HTTPConnection, path: str) -> http.client.HTTPResponse:
    try:
        conn.request("GET", path, headers={"Accept": "image/jpeg, multipart/x-mixed-replace"})
        resp = conn.getresponse()
    except (OSError, http.client.HTTPException) as e:
        conn.close()
        raise SourceFailed(f"GET {path}: {e or type(e).__name__}") from None
    if resp.status != 200:
        resp.read()
        raise SourceFailed(f"GET {path}: HTTP {resp.status} {resp.reason}")
    return resp


def device_time(headers: Message, received_at: datetime) -> datetime:
    raw = headers.get(TIMESTAMP_HEADER)
    if raw is None:
        return received_at
    try:
        return datetime.fromtimestamp(float(raw), UTC)
    except (ValueError, OverflowError, OSError):
        return received_at


def is_timeout(e: BaseException) -> bool:
    return isinstance(e, TimeoutError | socket.timeout)
