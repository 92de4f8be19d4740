"""Decoding camera pictures so that a broken one is refused, never analysed.

OpenCV and Pillow both decode a damaged JPEG into a picture: data cut short, even with an
end-of-image marker appended, comes back with a grey lower part, and flipped bits in the
entropy-coded data give smeared blocks; libjpeg reports either only as a warning, which
neither passes on. A detector shown such a picture finds things in the smear, or loses a
tracked object in the grey. So JPEGs are decoded by libjpeg-turbo (simplejpeg) in strict mode,
where every decoder warning is an error: one decode, straight to the BGR array the detector
takes, and cheaper than OpenCV's. Every path that turns bytes into a frame (HTTP, MJPEG and
snapshot cameras, image folders, the frames topic) goes through `decode_picture`."""

from __future__ import annotations

import cv2
import numpy as np
import simplejpeg

from gridwatch.image_bounds import MAX_PIXELS, TooManyPixels, check_pixels

SOI = b"\xff\xd8"
EOI = b"\xff\xd9"


class BadJpeg(ValueError):
    """A picture that cannot be analysed; the message is the dead-letter reason."""


def decode_jpeg(data: bytes, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """BGR picture of an intact JPEG, or BadJpeg naming what is wrong."""
    if len(data) < 4 or not data.startswith(SOI):
        raise BadJpeg(f"not a JPEG ({len(data)} bytes, no start-of-image marker)")
    # Cheaper than a decode and a clearer reason for the common case: a cut-off transfer.
    if not data.rstrip(b"\x00\r\n").endswith(EOI):
        raise BadJpeg(f"truncated JPEG ({len(data)} bytes, no end-of-image marker)")
    try:
        check_pixels(data, max_pixels)
    except TooManyPixels as e:
        raise BadJpeg(f"oversized JPEG ({len(data)} bytes): {e}") from None
    try:
        image: np.ndarray = simplejpeg.decode_jpeg(data, colorspace="BGR", strict=True)
    except ValueError as e:  # the decoder's own words: "Corrupt JPEG data: …"
        raise BadJpeg(f"corrupt JPEG ({len(data)} bytes): {e}") from None
    return image


def decode_picture(data: bytes, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """BGR picture of an intact JPEG (strictly, as `decode_jpeg`) or another still format
    OpenCV reads (PNG, BMP: their decoders refuse damaged data themselves), or BadJpeg."""
    if data.startswith(SOI):
        return decode_jpeg(data, max_pixels)
    try:
        check_pixels(data, max_pixels)
    except TooManyPixels as e:
        raise BadJpeg(f"oversized picture ({len(data)} bytes): {e}") from None
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR) if data else None
    if image is None:
        raise BadJpeg(f"corrupt picture ({len(data)} bytes, decoder refused it)")
    return np.asarray(image)
