import io
from types import SimpleNamespace
from typing import Any

import pytest

from gridwatch.ingest.failures import SourceClosed, SourceFailed
from gridwatch.ingest.mjpeg import _boundary, _read_part

JPEG_A = b"\xff\xd8" + b"a\r\n--notboundary\r\n" + b"\xff\xd9"
JPEG_B = b"\xff\xd8" + b"b" * 10 + b"\xff\xd9"


def resp(raw: bytes) -> Any:
    return SimpleNamespace(fp=io.BufferedReader(io.BytesIO(raw)))  # type: ignore[arg-type]


def test_parts_are_cut_by_content_length_or_by_the_next_boundary() -> None:
    raw = (
        b"--frame\r\nContent-Type: image/jpeg\r\nX-Timestamp: 1700000000.5\r\n\r\n"
        + JPEG_A
        + b"\r\n--frame\r\nContent-Type: image/jpeg\r\nContent-Length: "
        + str(len(JPEG_B)).encode()
        + b"\r\n\r\n"
        + JPEG_B
        + b"\r\n--frame--\r\n"
    )
    r = resp(raw)
    headers, data = _read_part(r, b"--frame")
    assert data == JPEG_A and headers["X-Timestamp"] == "1700000000.5"
    _, data = _read_part(r, b"--frame")
    assert data == JPEG_B
    with pytest.raises(SourceClosed, match="closing boundary"):
        _read_part(r, b"--frame")


def test_a_stream_cut_inside_a_picture_is_a_closed_stream() -> None:
    raw = b"--frame\r\nContent-Length: 100\r\n\r\n" + JPEG_B
    with pytest.raises(SourceClosed, match="inside a picture"):
        _read_part(resp(raw), b"--frame")


@pytest.mark.parametrize(
    ("content_type", "boundary"),
    [
        ("multipart/x-mixed-replace; boundary=frame", b"--frame"),
        ('multipart/x-mixed-replace;boundary="--myboundary"', b"--myboundary"),
    ],
)
def test_boundary_is_read_with_or_without_the_cameras_dashes(
    content_type: str, boundary: bytes
) -> None:
    assert _boundary(content_type) == boundary


def test_a_plain_jpeg_url_is_not_an_mjpeg_stream() -> None:
    with pytest.raises(SourceFailed, match="not an MJPEG stream"):
        _boundary("image/jpeg")
