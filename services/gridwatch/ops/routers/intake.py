"""Human intake over HTTP: photos, grid leaders' clues, citizens' requests (民呼我为)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, UploadFile
from pydantic import BaseModel

from gridwatch.dispatch.intake import (
    MAX_PHOTO_BYTES,
    CitizenRequestIn,
    ClueIn,
    Intake,
    IntakeError,
    store_photo,
)
from gridwatch.dispatch.stage import DispatchStage
from gridwatch.domain.tasks import DESK, Role
from gridwatch.ops.deps import Ctx, CurrentActor
from gridwatch.ops.schemas import TaskOut

router = APIRouter(tags=["intake"])


class PhotoOut(BaseModel):
    photo: str  # evidence key: pass it as `photo` of a clue or `attachment` of feedback
    url: str


class ClueBody(ClueIn):
    photo: str | None = None


def intake_of(ctx: Ctx) -> Intake:
    return Intake(ctx.district, DispatchStage(ctx.district, ctx.store, ctx.hot, ctx.clock))


def _problem(e: IntakeError) -> HTTPException:
    return HTTPException(403 if e.forbidden else 422, str(e))


@router.post("/api/photos", response_model=PhotoOut, status_code=201)
async def upload_photo(ctx: Ctx, actor: CurrentActor, file: UploadFile) -> PhotoOut:
    """Upload a picture taken on site (a clue, a handling result); it is kept as JPEG."""
    if actor.role is Role.ALGO_ENGINEER:
        raise HTTPException(403, "algorithm engineers do not upload case photos")
    data = await file.read(MAX_PHOTO_BYTES + 1)
    try:
        key = store_photo(ctx.evidence, data, ctx.clock())
    except IntakeError as e:
        raise _problem(e) from None
    return PhotoOut(photo=key, url=f"/evidence/{key}")


@router.post("/api/clues", response_model=TaskOut, status_code=201)
def report_clue(ctx: Ctx, actor: CurrentActor, body: ClueBody) -> TaskOut:
    """A grid leader reports a clue (线索上报) in their grid; it enters the chain like an AI
    event and is routed by the dispatch plans. Resubmitting the same `client_ref` is safe."""
    if body.photo is not None:
        try:
            if not ctx.evidence.path(body.photo).is_file():
                raise HTTPException(422, "photo: no such uploaded picture")
        except ValueError:
            raise HTTPException(422, "photo: bad evidence key") from None
    clue = ClueIn(**body.model_dump(exclude={"photo"}))
    try:
        task = intake_of(ctx).clue(clue, actor, body.photo)
    except IntakeError as e:
        raise _problem(e) from None
    return TaskOut.of(task)


@router.post("/api/citizen-requests", response_model=TaskOut, status_code=201)
def citizen_request(ctx: Ctx, actor: CurrentActor, body: CitizenRequestIn) -> TaskOut:
    """A citizen's request from the 民呼我为 platform (posted by the desk or the platform's
    service account). The platform's request id makes a re-post safe."""
    if actor.role not in DESK:
        raise HTTPException(403, "citizen requests are entered by the brigade desk")
    try:
        task = intake_of(ctx).citizen(body)
    except IntakeError as e:
        raise _problem(e) from None
    return TaskOut.of(task)
