"""HTTP MJPEG (multipart/x-mixed-replace): one JPEG per part. Every part is read off the
socket, but only the parts the sampling admits are decoded."""

from __future__ import annotations

import http.client
from collections.abc import Callable, Iterator
from datetime import datetime
from email.message import Message
from email.parser import BytesHeaderParser
from threading import Event

from gridwatch.domain.device_liveness import SampleGate
from gridwatch.image_bounds import MAX_PIXELS
from gridwatch.ingest.failures import SourceClosed, SourceFailed, SourceStalled
from gridwatch.ingest.frames import BadFrameSink, Frame, ignore_bad_frame
from gridwatch.ingest.http_camera import connect, device_time, get, is_timeout
from gridwatch.ingest.jpeg import BadJpeg, decode_jpeg

MAX_PART = 16 * 1024 * 1024  # a part larger than this is a broken stream, not a picture


class MjpegSource:
    def __init__(
        self,
        device_id: str,
        url: str,
        sample_fps: float,
        *,
        clock: Callable[[], datetime],
        stall_s: float = 10.0,
        on_bad_frame: BadFrameSink = ignore_bad_frame,
        max_pixels: int = MAX_PIXELS,
    ) -> None:
        self.device_id, self.url, self.sample_fps = device_id, url, sample_fps
        self.clock, self.stall_s, self.on_bad_frame = clock, stall_s, on_bad_frame
        self.max_pixels = max_pixels
        self.parts = 0  # parts read off the wire, decoded or not

    def frames(self, stop: Event) -> Iterator[Frame]:
        conn, path = connect(self.url, self.stall_s)
        try:
            resp = get(conn, path)
            boundary = _boundary(resp.getheader("Content-Type", ""))
            gate = SampleGate(self.sample_fps)
            seq = 0
            while not stop.is_set():
                try:
                    headers, data = _read_part(resp, boundary)
                except TimeoutError:
                    raise SourceStalled(f"no picture for {self.stall_s:.0f} s") from None
                except (OSError, http.client.HTTPException) as e:
                    if is_timeout(e):
                        raise SourceStalled(f"no picture for {self.stall_s:.0f} s") from None
                    raise SourceClosed(f"stream broke off: {e or type(e).__name__}") from None
                self.parts += 1
                received_at = self.clock()
                if not gate.due(received_at):
                    continue
                try:
                    image = decode_jpeg(data, self.max_pixels)
                except BadJpeg as e:
                    self.on_bad_frame(self.device_id, str(e), data)
                    continue
                yield Frame(
                    self.device_id, seq, device_time(headers, received_at), image, received_at
                )
                del image  # not held until the next sampled part
                seq += 1
        finally:
            conn.close()


def _boundary(content_type: str) -> bytes:
    if not content_type.startswith("multipart/"):
        raise SourceFailed(f"not an MJPEG stream (Content-Type {content_type!r})")
    for param in content_type.split(";")[1:]:
        key, _, value = param.strip().partition("=")
        if key.lower() == "boundary" and value:
            value = value.strip('"')
            # Some cameras already put the leading dashes in the header value.
            return (value if value.startswith("--") else f"--{value}").encode()
    raise SourceFailed(f"MJPEG stream without a boundary ({content_type!r})")


def _read_part(resp: http.client.HTTPResponse, boundary: bytes) -> tuple[Message, bytes]:
    """Headers and body of the next part. Uses Content-Length when the camera sends it (most
    do), else reads up to the next boundary line."""
    fp = resp.fp
    line = fp.readline(1024)
    while line in (b"\r\n", b"\n"):
        line = fp.readline(1024)
    if not line:
        raise SourceClosed("stream ended")
    if not line.startswith(boundary):
        raise SourceClosed(f"lost the part boundary (got {line[:40]!r})")
    if line.rstrip().endswith(b"--"):
        raise SourceClosed("stream ended (closing boundary)")
    raw_headers = b""
    while True:
        h = fp.readline(4096)
        if not h:
            raise SourceClosed("stream ended inside part headers")
        if h in (b"\r\n", b"\n"):
            break
        raw_headers += h
    headers = BytesHeaderParser().parsebytes(raw_headers)
    length = headers.get("Content-Length")
    if length is not None:
        n = int(length)
        if not 0 <= n <= MAX_PART:
            raise SourceClosed(f"part of {n} bytes")
        data = fp.read(n)
        if len(data) < n:
            raise SourceClosed("stream ended inside a picture")
        return headers, data
    chunks: list[bytes] = []
    size = 0
    while True:
        peek = fp.peek(len(boundary) + 2)[: len(boundary)]
        if peek == boundary:
            break
        chunk = fp.readline(65536)
        if not chunk:
            raise SourceClosed("stream ended inside a picture")
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_PART:
            raise SourceClosed("part without end")
    return headers, b"".join(chunks).rstrip(b"\r\n")
