"""Silences over HTTP: the desk and engineers mute matching events for a while (a camera being
serviced). A muted event is recorded with its case `suppressed`, never dropped; the desk can
still file it by hand. Same store and rules as `gridwatch silence`."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field

from gridwatch.domain.access import Permission
from gridwatch.domain.muting import Silence, SilenceError, new_silence
from gridwatch.ops.deps import Ctx, Principal, client_of, require
from gridwatch.ops.params import IdPath
from gridwatch.store import activity
from gridwatch.store.repository import NotFound
from gridwatch.store.silences import Silences

router = APIRouter(prefix="/api/silences", tags=["silences"])

Viewer = Annotated[Principal, Depends(require(Permission.VIEW_OPS))]
Setter = Annotated[Principal, Depends(require(Permission.MANAGE_SILENCES))]


class SilenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    matchers: list[str] = Field(
        min_length=1, max_length=20, description='e.g. ["device=\\"cam-0042\\""]'
    )
    duration_s: int = Field(gt=0, le=30 * 86400, description="How long it mutes.")
    starts_at: datetime | None = Field(None, description="Default: now.")
    comment: str = Field(min_length=1, max_length=1000, description="Why (audited).")


class SilenceOut(BaseModel):
    silence_id: str
    matchers: list[str]
    starts_at: datetime
    ends_at: datetime
    author: str
    comment: str
    active: bool = Field(description="In force now.")

    @classmethod
    def of(cls, s: Silence, now: datetime) -> SilenceOut:
        return cls(
            silence_id=s.silence_id,
            matchers=list(s.matchers),
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            author=s.author,
            comment=s.comment,
            active=s.active(now),
        )


@router.get("", response_model=list[SilenceOut])
def list_silences(ctx: Ctx, _: Viewer, expired: bool = False) -> list[SilenceOut]:
    """Silences in force or still to come (with `expired=true`: also those that ended)."""
    now = ctx.clock()
    return [
        SilenceOut.of(s, now) for s in Silences(ctx.store).all(include_expired=expired, now=now)
    ]


@router.post("", response_model=SilenceOut, status_code=201)
def add_silence(ctx: Ctx, p: Setter, request: Request, body: SilenceIn) -> SilenceOut:
    now = ctx.clock()
    start = body.starts_at or now
    if start.tzinfo is None:
        raise HTTPException(422, "starts_at needs a time zone")
    try:
        s = new_silence(
            body.matchers,
            start,
            start + timedelta(seconds=body.duration_s),
            p.actor.user_id,
            body.comment,
            now,
        )
    except (SilenceError, OverflowError) as e:
        raise HTTPException(422, str(e) or "starts_at: out of range") from None
    Silences(ctx.store).add(s)
    activity.record(
        ctx.store,
        now,
        p.actor.user_id,
        p.actor.role,
        "silence_create",
        s.silence_id,
        client=client_of(request),
        detail={"matchers": body.matchers, "comment": body.comment},
    )
    return SilenceOut.of(s, now)


@router.post("/{silence_id}/expire", response_model=SilenceOut)
def expire_silence(ctx: Ctx, p: Setter, request: Request, silence_id: IdPath) -> SilenceOut:
    now = ctx.clock()
    try:
        s = Silences(ctx.store).expire(silence_id, now)
    except NotFound:
        raise HTTPException(404, f"no silence {silence_id}") from None
    activity.record(
        ctx.store,
        now,
        p.actor.user_id,
        p.actor.role,
        "silence_expire",
        silence_id,
        client=client_of(request),
    )
    return SilenceOut.of(s, now)
