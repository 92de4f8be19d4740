"""Human intake over HTTP: photos, grid leaders' clues, citizens' requests (民呼我为).

Clues and requests go through the dispatch chain's intake (dispatch/intake.py): the same
checks, ids and routing as `gridwatch intake`, then the same dispatch stage as AI events."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile

from gridwatch.dispatch.intake import (
    MAX_PHOTO_BYTES,
    CitizenRequestIn,
    ClueIn,
    Intake,
    IntakeError,
    check_own_photo,
    store_photo,
)
from gridwatch.dispatch.stage import DispatchStage
from gridwatch.domain.access import Permission
from gridwatch.ops.cards import task_card
from gridwatch.ops.deps import Ctx, Principal, client_of, require
from gridwatch.ops.schemas import PHOTO_PATTERN, TaskCardOut
from gridwatch.store import activity
from gridwatch.store.board import case_of_event, save_location

router = APIRouter(tags=["intake"])
# Uploads have a larger body limit than the JSON routes (set where the app includes it).
photos = APIRouter(tags=["intake"])

Uploader = Annotated[Principal, Depends(require(Permission.UPLOAD))]
Reporter = Annotated[Principal, Depends(require(Permission.REPORT_CLUE))]
Desk = Annotated[Principal, Depends(require(Permission.TAKE_REQUESTS))]
PROBLEMS: dict[int | str, dict[str, Any]] = {
    403: {"description": "not for this account"},
    422: {"description": "bad report"},
}


class PhotoOut(BaseModel):
    photo: str  # evidence key: pass it as `photo` of a clue or `attachment` of feedback
    url: str
    width: int
    height: int
    bytes: int


class ClueBody(ClueIn):
    photo: str | None = Field(
        None, pattern=PHOTO_PATTERN, description="Key from POST /api/photos, uploaded by you."
    )


def intake_of(ctx: Ctx) -> Intake:
    return Intake(ctx.district, DispatchStage(ctx.district, ctx.store, ctx.hot, ctx.clock))


def _problem(e: IntakeError) -> HTTPException:
    return HTTPException(403 if e.forbidden else 422, str(e))


def _card(ctx: Ctx, p: Principal, event_id: str) -> TaskCardOut:
    case = case_of_event(ctx.store, event_id)
    assert case is not None  # the intake has just stored it
    return task_card(ctx.district, case, p.actor, ctx.clock())


async def photo_bytes(_: Uploader, request: Request) -> bytes:
    """The uploaded file, read only once the caller is known to be allowed to upload: a
    request without credentials is refused before its body is spooled anywhere. (A `File`
    parameter would be read before any dependency runs.)"""
    async with request.form(max_files=1) as form:
        file = form.get("file")
        if not isinstance(file, UploadFile):
            raise HTTPException(422, "file: a multipart field `file` with the photo is required")
        return await file.read(MAX_PHOTO_BYTES + 1)


PHOTO_FORM = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {
                        "type": "string",
                        "contentMediaType": "application/octet-stream",
                        "title": "File",
                        "description": "JPEG/PNG/WebP photo: at most 15 MB, 40 megapixels.",
                    }
                },
            }
        }
    },
}


@photos.post(
    "/api/photos",
    response_model=PhotoOut,
    status_code=201,
    responses={
        401: {"description": "sign in first (checked before the body is read)"},
        **PROBLEMS,
        413: {"description": "request body over the upload limit"},
    },
    openapi_extra={"requestBody": PHOTO_FORM},
)
def upload_photo(
    ctx: Ctx,
    p: Uploader,
    request: Request,
    data: Annotated[bytes, Depends(photo_bytes)],
) -> PhotoOut:
    """Upload a picture taken on site (a clue, a handling result). It is kept upright as a JPEG
    of at most 1600 px, without the phone's EXIF/GPS; only its uploader may attach it."""
    try:
        photo = store_photo(
            ctx.evidence, data, ctx.clock(), p.actor.user_id, max_pixels=ctx.max_image_pixels
        )
    except IntakeError as e:
        raise _problem(e) from None
    activity.record(
        ctx.store,
        ctx.clock(),
        p.actor.user_id,
        p.actor.role,
        "upload",
        photo.key,
        client=client_of(request),
        detail={"bytes": photo.size},
    )
    return PhotoOut(
        photo=photo.key,
        url=f"/evidence/{photo.key}",
        width=photo.width,
        height=photo.height,
        bytes=photo.size,
    )


@router.post("/api/clues", response_model=TaskCardOut, status_code=201, responses=PROBLEMS)
def report_clue(ctx: Ctx, p: Reporter, request: Request, body: ClueBody) -> TaskCardOut:
    """A grid leader reports a clue (线索上报) in their grid, or the desk one phoned in (naming
    the grid or giving a location inside it); it enters the chain like an AI event and is
    routed by the dispatch plans. Resubmitting the same `client_ref` is safe."""
    intake = intake_of(ctx)
    clue = ClueIn(**body.model_dump(exclude={"photo"}))
    try:
        if body.photo is not None:
            check_own_photo(ctx.evidence, body.photo, p.actor)
        task = intake.clue(clue, p.actor, body.photo)
        where = intake.location(clue)
    except IntakeError as e:
        raise _problem(e) from None
    if where is not None:
        save_location(ctx.store, task.event_id, *where)
    activity.record(
        ctx.store,
        ctx.clock(),
        p.actor.user_id,
        p.actor.role,
        "clue_report",
        task.event_id,
        client=client_of(request),
        detail={"task": task.task_id, "grid": task.grid},
    )
    return _card(ctx, p, task.event_id)


@router.post(
    "/api/citizen-requests", response_model=TaskCardOut, status_code=201, responses=PROBLEMS
)
def citizen_request(ctx: Ctx, p: Desk, request: Request, body: CitizenRequestIn) -> TaskCardOut:
    """A citizen's request from the 民呼我为 platform (posted by the desk or the platform's
    service account). The platform's request id makes a re-post safe."""
    try:
        task = intake_of(ctx).citizen(body)
    except IntakeError as e:
        raise _problem(e) from None
    activity.record(
        ctx.store,
        ctx.clock(),
        p.actor.user_id,
        p.actor.role,
        "citizen_request",
        task.event_id,
        client=client_of(request),
        detail={"task": task.task_id, "request": body.request_id},
    )
    return _card(ctx, p, task.event_id)
