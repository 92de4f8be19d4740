"""Pictures are judged by the size their header claims before anything decodes them: a small
file claiming a huge picture (a decompression bomb) is refused, photos and camera frames alike."""

from __future__ import annotations

import io
import resource
import struct
import zlib
from datetime import UTC, datetime
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from gridwatch.dispatch.intake import IntakeError, store_photo
from gridwatch.image_bounds import MAX_PIXELS, TooManyPixels, check_pixels
from gridwatch.ingest.jpeg import BadJpeg, decode_jpeg
from gridwatch.store.evidence import EvidenceStore
from gridwatch.streams.topics import FrameMessage

AT = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose IHDR claims the size; its pixel data is one zero row, a few bytes."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    idat = zlib.compress(b"\x00" * (1 + 3 * min(width, 64)))
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


def jpeg(width: int = 64, height: int = 48) -> bytes:
    ok, buf = cv2.imencode(".jpg", np.full((height, width, 3), 90, np.uint8))
    assert ok
    return buf.tobytes()


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small real JPEG whose start-of-frame header is rewritten to claim the size."""
    data = bytearray(jpeg())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB


def test_a_png_claiming_13300_by_13300_px_is_refused_naming_its_size() -> None:
    with pytest.raises(TooManyPixels, match="13300 × 13300 px") as e:
        check_pixels(png_claiming(13300, 13300))
    assert e.value.size == (13300, 13300) and e.value.limit == MAX_PIXELS


def test_a_real_png_bomb_is_refused_as_a_photo_before_it_is_decoded(tmp_path: Path) -> None:
    buf = io.BytesIO()
    Image.new("1", (13300, 13300)).save(buf, "PNG")  # all black: compresses to a few hundred KB
    bomb = buf.getvalue()
    assert len(bomb) < 1_000_000
    before = peak_rss_bytes()
    with pytest.raises(IntakeError, match="13300 × 13300 px") as e:
        store_photo(EvidenceStore(tmp_path), bomb, AT, "gl001")
    assert e.value.field == "photo"
    # Decoding it as RGB would take ~530 MB; a generous bound, not a timing.
    assert peak_rss_bytes() - before < 50 * 1024 * 1024


def test_a_jpeg_frame_claiming_65500_by_65500_px_is_a_bad_frame_not_a_crash() -> None:
    bomb = jpeg_claiming(65500, 65500)
    with pytest.raises(BadJpeg, match="65500 × 65500 px"):
        decode_jpeg(bomb)
    msg = FrameMessage(device_id="cam-0001", seq=1, at=AT, received_at=AT, jpeg=bomb)
    assert msg.frame().image.size == 0  # the detect stage counts it as a bad frame


def test_pictures_within_the_limit_pass_with_the_size_their_header_gives() -> None:
    assert check_pixels(jpeg(64, 48)) == (64, 48)
    assert decode_jpeg(jpeg(64, 48)).shape == (48, 64, 3)
    msg = FrameMessage(device_id="cam-0001", seq=1, at=AT, received_at=AT, jpeg=jpeg(64, 48))
    assert msg.frame().image.shape == (48, 64, 3)
    for fmt in ("JPEG", "PNG", "WEBP", "GIF", "BMP"):
        buf = io.BytesIO()
        exif = Image.Exif()
        exif[0x0112] = 6  # an APP1 segment before the JPEG's frame header
        Image.new("RGB", (30, 20)).save(buf, fmt, exif=exif.tobytes())
        assert check_pixels(buf.getvalue()) == (30, 20), fmt
    assert check_pixels(b"not a picture") is None  # the decoder refuses it later


def test_the_limit_is_the_one_given() -> None:
    with pytest.raises(TooManyPixels, match="64 × 48 px is over the limit of 3,000 pixels"):
        check_pixels(jpeg(64, 48), max_pixels=3000)
    with pytest.raises(BadJpeg, match="oversized"):
        decode_jpeg(jpeg(64, 48), max_pixels=3000)
    assert check_pixels(jpeg(64, 48), max_pixels=64 * 48) == (64, 48)
