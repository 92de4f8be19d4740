"""A camera server on 127.0.0.1 for tests, benchmarks and demos: HTTP MJPEG streams and JPEG
snapshots from a few pictures, with faults on demand (stall, truncated picture, clock offset)
and a stop/start that drops every connection, as a camera reboot does.

    GET /mjpeg/<name>          multipart/x-mixed-replace at `fps`, X-Timestamp per part
    GET /snapshot/<name>.jpg   one JPEG, X-Timestamp
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

BOUNDARY = "gridwatchframe"


@dataclass
class Feed:
    """Per-name behaviour, changeable while serving."""

    fps: float = 5.0
    stalled: bool = False  # keep the connection open and send nothing
    truncate_next: int = 0  # cut the next N pictures in half
    clock_offset_s: float = 0.0  # device clock minus real time
    sent: int = 0


@dataclass
class LoopbackCameras:
    pictures: list[bytes]
    port: int = 0
    feeds: dict[str, Feed] = field(default_factory=dict)
    default_fps: float = 5.0

    def __post_init__(self) -> None:
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._closing = threading.Event()

    def feed(self, name: str) -> Feed:
        with self._lock:
            return self.feeds.setdefault(name, Feed(self.default_fps))

    def url(self, kind: str, name: str) -> str:
        path = f"mjpeg/{name}" if kind == "mjpeg" else f"snapshot/{name}.jpg"
        return f"http://127.0.0.1:{self.port}/{path}"

    def start(self) -> LoopbackCameras:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: Any) -> None:
                pass

            def do_GET(self) -> None:
                with owner._lock:
                    owner._conns.add(self.connection)
                try:
                    parts = self.path.strip("/").split("/")
                    if len(parts) == 2 and parts[0] == "mjpeg":
                        owner._stream(self, owner.feed(parts[1]))
                    elif len(parts) == 2 and parts[0] == "snapshot":
                        owner._snapshot(self, owner.feed(parts[1].removesuffix(".jpg")))
                    else:
                        self.send_error(404)
                except OSError:
                    pass  # the client went away or the server is stopping
                finally:
                    with owner._lock:
                        owner._conns.discard(self.connection)

        class Server(ThreadingHTTPServer):
            allow_reuse_address = True
            daemon_threads = True
            request_queue_size = 512

        self._closing.clear()
        self._server = Server(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Close the listener and every open connection (a camera reboot)."""
        self._closing.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        with self._lock:
            conns = list(self._conns)
        for c in conns:
            with contextlib.suppress(OSError):
                c.shutdown(socket.SHUT_RDWR)
        self._server = None

    def _picture(self, feed: Feed) -> tuple[bytes, str]:
        data = self.pictures[feed.sent % len(self.pictures)]
        feed.sent += 1
        if feed.truncate_next > 0:
            feed.truncate_next -= 1
            data = data[: len(data) // 2]
        return data, f"{time.time() + feed.clock_offset_s:.3f}"

    def _snapshot(self, h: BaseHTTPRequestHandler, feed: Feed) -> None:
        while feed.stalled and not self._closing.wait(0.2):
            pass
        data, ts = self._picture(feed)
        h.send_response(200)
        h.send_header("Content-Type", "image/jpeg")
        h.send_header("Content-Length", str(len(data)))
        h.send_header("X-Timestamp", ts)
        h.end_headers()
        h.wfile.write(data)

    def _stream(self, h: BaseHTTPRequestHandler, feed: Feed) -> None:
        h.send_response(200)
        h.send_header("Content-Type", f"multipart/x-mixed-replace; boundary={BOUNDARY}")
        h.send_header("Cache-Control", "no-store")
        h.send_header("Connection", "close")
        h.end_headers()
        next_at = time.monotonic()
        while not self._closing.is_set():
            if feed.stalled:
                self._closing.wait(0.2)
                continue
            data, ts = self._picture(feed)
            h.wfile.write(
                f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: {len(data)}\r\n"
                f"X-Timestamp: {ts}\r\n\r\n".encode()
                + data
                + b"\r\n"
            )
            h.wfile.flush()
            next_at += 1 / feed.fps
            next_at = max(next_at, time.monotonic() - 1)
            self._closing.wait(max(0.0, next_at - time.monotonic()))
