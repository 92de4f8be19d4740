"""A JPEG cut off mid-scan with an end-of-image marker appended, and one with flipped bits in
its entropy-coded data, decode "fine" in OpenCV (grey or smeared blocks, a warning on stderr);
they are bad frames on every path that turns bytes into a frame, never analysed."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import cv2
import numpy as np
import pytest

from gridwatch.ingest.frames import Frame
from gridwatch.ingest.images import ImagesSource
from gridwatch.ingest.jpeg import BadJpeg, decode_jpeg, decode_picture
from gridwatch.ingest.loopback import LoopbackCameras
from gridwatch.ingest.snapshot import SnapshotSource
from gridwatch.streams.topics import FrameMessage
from tests.conftest import MEDIA

AT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def intact() -> bytes:
    image = cv2.resize(cv2.imread(str(MEDIA / "dog.jpg")), (1280, 720))
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])
    assert ok
    return buf.tobytes()


def truncated_with_eoi(data: bytes) -> bytes:
    scan = data.index(b"\xff\xda")
    return data[: (scan + len(data)) // 2] + b"\xff\xd9"


def bit_flipped(data: bytes) -> bytes:
    scan = data.index(b"\xff\xda")
    out = bytearray(data)
    for i in range(scan + 400, len(data) - 200, (len(data) - scan) // 12):
        out[i] ^= 0x01  # one bit of each of a dozen bytes
    return bytes(out)


DAMAGED = {"truncated_with_eoi": truncated_with_eoi, "bit_flipped": bit_flipped}


@pytest.mark.parametrize("damage", DAMAGED)
def test_opencv_alone_cannot_tell_and_the_shared_decoder_refuses(damage: str) -> None:
    data = DAMAGED[damage](intact())
    assert data.endswith(b"\xff\xd9")
    assert cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR) is not None
    with pytest.raises(BadJpeg, match="corrupt JPEG"):
        decode_jpeg(data)
    with pytest.raises(BadJpeg, match="corrupt JPEG"):
        decode_picture(data)


def test_an_intact_jpeg_decodes_once_to_the_same_bgr_pixels_as_opencv() -> None:
    data = intact()
    image = decode_picture(data)
    assert image.shape == (720, 1280, 3) and image.dtype == np.uint8
    assert np.array_equal(image, cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR))


def test_an_image_folder_reports_broken_pictures_once_and_shows_only_the_intact_one(
    tmp_path: Path,
) -> None:
    good = intact()
    (tmp_path / "a_good.jpg").write_bytes(good)
    for name, damage in DAMAGED.items():
        (tmp_path / f"b_{name}.jpg").write_bytes(damage(good))
    bad: list[tuple[str, str]] = []
    source = ImagesSource(
        "cam-folder",
        [tmp_path],
        0.0,
        clock=lambda: AT,
        realtime=False,
        on_bad_frame=lambda device, reason, data: bad.append((device, reason)),
    )
    frames: list[Frame] = []
    for frame in source.frames(threading.Event()):
        frames.append(frame)
        if len(frames) == 4:
            break
    assert [f.seq for f in frames] == [0, 1, 2, 3]
    assert all(f.image.shape == (720, 1280, 3) for f in frames)
    assert sorted(reason.split(":")[0] for _, reason in bad) == [
        "image b_bit_flipped.jpg",
        "image b_truncated_with_eoi.jpg",
    ]
    assert all(device == "cam-folder" and "corrupt JPEG" in r for device, r in bad)


def test_a_folder_of_only_broken_pictures_fails_the_source(tmp_path: Path) -> None:
    (tmp_path / "x.jpg").write_bytes(bit_flipped(intact()))
    source = ImagesSource("cam-folder", [tmp_path], 0.0, clock=lambda: AT, realtime=False)
    with pytest.raises(OSError, match="no usable image"):
        next(source.frames(threading.Event()))


def test_a_snapshot_camera_dead_letters_both_and_goes_on_to_the_intact_picture() -> None:
    good = intact()
    server = LoopbackCameras([damage(good) for damage in DAMAGED.values()] + [good]).start()
    bad: list[str] = []
    try:
        source = SnapshotSource(
            "cam-snap",
            server.url("snapshot", "s"),
            0.0,
            clock=lambda: AT,
            stall_s=2,
            on_bad_frame=lambda _device, reason, _data: bad.append(reason),
        )
        frame = next(source.frames(threading.Event()))
    finally:
        server.stop()
    assert frame.seq == 0 and frame.image.shape == (720, 1280, 3)
    assert len(bad) == 2 and all(r.startswith("corrupt JPEG") for r in bad)


@pytest.mark.parametrize("damage", DAMAGED)
def test_the_frames_topic_decode_gives_an_empty_frame_for_the_stage_to_reject(
    damage: str,
) -> None:
    msg = FrameMessage(
        device_id="cam-1", seq=7, at=AT, received_at=AT, jpeg=DAMAGED[damage](intact())
    )
    assert msg.frame().image.size == 0
    assert FrameMessage(
        device_id="cam-1", seq=8, at=AT, received_at=AT, jpeg=intact()
    ).frame().image.shape == (720, 1280, 3)
