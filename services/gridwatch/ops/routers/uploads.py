"""Photo uploads (feedback and clues from the phone camera)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile

from gridwatch.domain.access import Permission
from gridwatch.ops.deps import Ctx, Principal, client_of, require
from gridwatch.ops.schemas import UploadOut
from gridwatch.ops.uploads import MAX_BYTES, BadPhoto, store_photo
from gridwatch.store import activity

router = APIRouter(prefix="/api", tags=["uploads"])

Uploader = Annotated[Principal, Depends(require(Permission.UPLOAD))]


@router.post(
    "/uploads",
    response_model=UploadOut,
    status_code=201,
    responses={
        413: {"description": "larger than 15 MB"},
        415: {"description": "not a picture"},
    },
)
def upload(
    ctx: Ctx,
    p: Uploader,
    request: Request,
    photo: Annotated[UploadFile, File(description="JPEG/PNG/WebP photo, at most 15 MB.")],
) -> UploadOut:
    """Store a photo; returns the key to attach to a task action or a clue."""
    data = photo.file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise HTTPException(413, "photo larger than 15 MB")
    try:
        key, w, h, size = store_photo(ctx, p.actor, data)
    except BadPhoto as e:
        raise HTTPException(415, f"photo: {e}") from None
    activity.record(
        ctx.store,
        ctx.clock(),
        p.actor.user_id,
        p.actor.role,
        "upload",
        key,
        client=client_of(request),
        detail={"bytes": size},
    )
    return UploadOut(key=key, url=f"/evidence/{key}", width=w, height=h, bytes=size)
