"""JPEG checks and decoding for HTTP cameras. OpenCV decodes a truncated JPEG into a picture
with a grey lower part and only a warning, so completeness is checked on the markers first."""

from __future__ import annotations

import cv2
import numpy as np

from gridwatch.image_bounds import MAX_PIXELS, TooManyPixels, check_pixels

SOI = b"\xff\xd8"
EOI = b"\xff\xd9"


class BadJpeg(ValueError):
    """A picture that cannot be analysed; the message is the dead-letter reason."""


def decode_jpeg(data: bytes, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """BGR picture of a complete JPEG, or BadJpeg naming what is wrong."""
    if len(data) < 4 or not data.startswith(SOI):
        raise BadJpeg(f"not a JPEG ({len(data)} bytes, no start-of-image marker)")
    if not data.rstrip(b"\x00\r\n").endswith(EOI):
        raise BadJpeg(f"truncated JPEG ({len(data)} bytes, no end-of-image marker)")
    try:
        check_pixels(data, max_pixels)
    except TooManyPixels as e:
        raise BadJpeg(f"oversized JPEG ({len(data)} bytes): {e}") from None
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise BadJpeg(f"corrupt JPEG ({len(data)} bytes, decoder refused it)")
    return image
