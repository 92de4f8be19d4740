"""Silences over HTTP: the desk and engineers mute a device's events during maintenance."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, ConfigDict, Field

from gridwatch.domain.muting import Silence, SilenceError, new_silence
from gridwatch.domain.tasks import DESK, Role
from gridwatch.ops.deps import Ctx, CurrentActor
from gridwatch.store.repository import NotFound
from gridwatch.store.silences import Silences

router = APIRouter(prefix="/api/silences", tags=["silences"])
SETTERS = DESK | {Role.ALGO_ENGINEER}


class SilenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    matchers: list[str] = Field(min_length=1, description='e.g. ["device=\\"cam-0042\\""]')
    duration_s: int = Field(gt=0, le=30 * 86400, description="How long it mutes.")
    starts_at: datetime | None = Field(None, description="Default: now.")
    comment: str = Field(min_length=1, max_length=1000)


class SilenceOut(BaseModel):
    silence_id: str
    matchers: list[str]
    starts_at: datetime
    ends_at: datetime
    author: str
    comment: str

    @classmethod
    def of(cls, s: Silence) -> SilenceOut:
        return cls(
            silence_id=s.silence_id,
            matchers=list(s.matchers),
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            author=s.author,
            comment=s.comment,
        )


@router.get("", response_model=list[SilenceOut])
def list_silences(ctx: Ctx, actor: CurrentActor, expired: bool = False) -> list[SilenceOut]:
    silences = Silences(ctx.store).all(include_expired=expired, now=ctx.clock())
    return [SilenceOut.of(s) for s in silences]


@router.post("", response_model=SilenceOut, status_code=201)
def add_silence(ctx: Ctx, actor: CurrentActor, body: SilenceIn) -> SilenceOut:
    if actor.role not in SETTERS:
        raise HTTPException(403, "silences are set by the desk or algorithm engineers")
    now = ctx.clock()
    start = body.starts_at or now
    if start.tzinfo is None:
        raise HTTPException(422, "starts_at needs a time zone")
    try:
        s = new_silence(
            body.matchers,
            start,
            start + timedelta(seconds=body.duration_s),
            actor.user_id,
            body.comment,
            now,
        )
    except SilenceError as e:
        raise HTTPException(422, str(e)) from None
    Silences(ctx.store).add(s)
    return SilenceOut.of(s)


@router.post("/{silence_id}/expire", response_model=SilenceOut)
def expire_silence(ctx: Ctx, actor: CurrentActor, silence_id: str) -> SilenceOut:
    if actor.role not in SETTERS:
        raise HTTPException(403, "silences are set by the desk or algorithm engineers")
    try:
        return SilenceOut.of(Silences(ctx.store).expire(silence_id, ctx.clock()))
    except NotFound:
        raise HTTPException(404, f"no silence {silence_id}") from None
