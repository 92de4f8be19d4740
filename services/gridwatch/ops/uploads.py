"""Photos from phones (feedback, clues): checked, turned upright, shrunk, re-encoded as JPEG.

Re-encoding drops EXIF (a phone photo's GPS and device data) and anything hidden in the file;
the key names the uploader, so only they can attach it to a task or a clue.
"""

from __future__ import annotations

import io
import secrets

from fastapi import HTTPException
from PIL import Image, ImageOps, UnidentifiedImageError

from gridwatch.domain.tasks import Actor
from gridwatch.ops.context import OpsContext

MAX_BYTES = 15 * 1024 * 1024
MAX_SIDE = 1600
FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "BMP", "MPO"}  # MPO: JPEG pairs some phones save


class BadPhoto(ValueError):
    pass


def normalise_photo(data: bytes) -> tuple[bytes, int, int]:
    """Any supported picture -> upright RGB JPEG no larger than MAX_SIDE; (bytes, w, h)."""
    if not data:
        raise BadPhoto("empty file")
    try:
        with Image.open(io.BytesIO(data)) as im:
            if im.format not in FORMATS:
                raise BadPhoto(
                    f"{im.format or 'unknown'} pictures are not accepted; send JPEG or PNG"
                )
            im.load()
            upright = ImageOps.exif_transpose(im) or im
            rgb = upright.convert("RGB")
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as e:
        raise BadPhoto(f"not a readable picture: {e}") from None
    rgb.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    rgb.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue(), rgb.width, rgb.height


def store_photo(ctx: OpsContext, actor: Actor, data: bytes) -> tuple[str, int, int, int]:
    jpeg, w, h = normalise_photo(data)
    key = f"uploads/{actor.user_id}/{ctx.clock():%Y%m%d}/{secrets.token_hex(16)}.jpg"
    ctx.evidence.put(key, jpeg)
    return key, w, h, len(jpeg)


def check_attachment(ctx: OpsContext, actor: Actor, key: str) -> None:
    """422 unless the key is an existing upload of this actor."""
    if not key.startswith(f"uploads/{actor.user_id}/"):
        raise HTTPException(422, "attachment: upload the photo yourself first (POST /api/uploads)")
    try:
        exists = ctx.evidence.path(key).is_file()
    except ValueError:
        exists = False
    if not exists:
        raise HTTPException(422, f"attachment: no upload {key}")
