"""How many pixels a picture claims, read from its header before anything decodes it.

A small file can claim a huge picture: 170 KB of PNG decodes to 13,300 × 13,300 px (about
530 MB of RGB), and a JPEG header may claim 65,500 × 65,500 px. Decoders allocate for what the
header claims, so the claim is checked first. Photos uploaded to the ops centre and camera
frames go through this one check."""

from __future__ import annotations

import io
import warnings

from PIL import Image, UnidentifiedImageError

# Above any phone's or camera's picture (8K video is 33 MP), far below what hurts a worker.
MAX_PIXELS = 40_000_000

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# JPEG start-of-frame markers (baseline, progressive, lossless, arithmetic): they carry the size.
_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})
# Markers without a length field.
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})


class TooManyPixels(ValueError):
    """A picture over the pixel limit; the message names its size and the limit."""

    def __init__(self, size: tuple[int, int] | None, limit: int) -> None:
        claim = f"{size[0]} × {size[1]} px" if size else "a size over the decoder's own limit"
        super().__init__(f"picture of {claim} is over the limit of {limit:,} pixels")
        self.size, self.limit = size, limit


def jpeg_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a JPEG's start-of-frame header; None if there is none before the
    scan data (the decoder then refuses the file)."""
    if not data.startswith(b"\xff\xd8"):
        return None
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return None
        while i < len(data) and data[i] == 0xFF:  # fill bytes may pad any marker
            i += 1
        if i >= len(data):
            return None
        marker = data[i]
        i += 1
        if marker in _STANDALONE:
            continue
        if marker in (0xD9, 0xDA):  # end of image or start of scan: no frame header came
            return None
        length = int.from_bytes(data[i : i + 2], "big")
        if marker in _SOF:
            if i + 7 > len(data):
                return None
            height = int.from_bytes(data[i + 3 : i + 5], "big")
            width = int.from_bytes(data[i + 5 : i + 7], "big")
            return width, height
        if length < 2:
            return None
        i += length
    return None


def png_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG's IHDR chunk (always the first one)."""
    if not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR" or len(data) < 24:
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def header_size(data: bytes) -> tuple[int, int] | None:
    """Width and height the picture claims, read from its header only; None when no known
    header says (the decoder then judges the file). Pillow raises DecompressionBombError for a
    claim past its own, larger limit."""
    if data.startswith(b"\xff\xd8"):
        return jpeg_size(data)
    if data.startswith(PNG_SIGNATURE):
        return png_size(data)
    # Other formats (WebP, GIF, BMP): Pillow's open reads the header only; decoding is lazy.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                return img.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None


def check_pixels(data: bytes, max_pixels: int = MAX_PIXELS) -> tuple[int, int] | None:
    """The size the header claims (None: no header says), or TooManyPixels when it is over
    `max_pixels`."""
    try:
        size = header_size(data)
    except Image.DecompressionBombError:
        raise TooManyPixels(None, max_pixels) from None
    if size is not None and size[0] * size[1] > max_pixels:
        raise TooManyPixels(size, max_pixels)
    return size
