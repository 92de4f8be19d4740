"""The live feed as server-sent events: new events and task changes as they happen.

Reads the Redis stream the dispatch stage and this app write to (store/hot_state.py), with
redis.asyncio so a connected screen holds no worker thread. Each message's `id` is the stream
entry id: a browser that reconnects sends it back as Last-Event-ID and misses nothing still in
the stream. Each reader gets only what it may see.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Annotated, Any

import anyio
import redis
import redis.asyncio as aredis
from fastapi import APIRouter, Header, HTTPException, Request
from fastapi.responses import StreamingResponse

from gridwatch.domain.tasks import DESK, Actor, Role, can_see
from gridwatch.ops.context import OpsContext
from gridwatch.ops.deps import Ctx, CurrentActor
from gridwatch.store.hot_state import LIVE_STREAM, decode_live
from gridwatch.store.repository import NotFound

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api", tags=["live"])
KEEPALIVE_S = 15.0


def may_see(ctx: OpsContext, actor: Actor, payload: dict[str, Any]) -> bool:
    if actor.role in DESK or actor.role is Role.ALGO_ENGINEER:
        return True
    try:
        return can_see(actor, ctx.store.get_task(str(payload.get("task_id", ""))))
    except NotFound:
        return False


def sse(kind: str, data: dict[str, Any], entry_id: str | None = None) -> str:
    head = f"id: {entry_id}\n" if entry_id else ""
    return f"{head}event: {kind}\ndata: {json.dumps(data, ensure_ascii=False, default=str)}\n\n"


async def feed(
    request: Request, ctx: OpsContext, actor: Actor, last_id: str | None
) -> AsyncIterator[str]:
    assert ctx.hot is not None
    r = aredis.Redis.from_url(ctx.hot.url, decode_responses=True, socket_timeout=10)
    try:
        if last_id is None:
            last_id = await anyio.to_thread.run_sync(ctx.hot.last_live_id)
        yield "retry: 2000\n\n" + sse("hello", {"user": actor.user_id, "from": last_id})
        quiet = 0.0
        while not await request.is_disconnected():
            try:
                res = await r.xread({LIVE_STREAM: last_id}, block=1000, count=100)
            except redis.RedisError as e:
                log.warning("live feed: redis unavailable: %s", e)
                yield sse("degraded", {"reason": "redis unavailable"})
                await asyncio.sleep(2)
                continue
            entries = decode_live(res)
            for entry_id, payload in entries:
                last_id = entry_id
                if await anyio.to_thread.run_sync(may_see, ctx, actor, payload):
                    yield sse(str(payload.pop("kind")), payload, entry_id)
            quiet = 0.0 if entries else quiet + 1.0
            if quiet >= KEEPALIVE_S:
                quiet = 0.0
                yield ": keep-alive\n\n"
    finally:
        await r.aclose()


@router.get(
    "/live",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"text/event-stream": {}},
            "description": "Server-sent events: `event` (a new event opened a task) and "
            "`task` (a task changed state); data is JSON with task_id, event_id, state …",
        },
        503: {"description": "no Redis configured: the live feed is off"},
    },
)
def live(
    request: Request,
    ctx: Ctx,
    actor: CurrentActor,
    last_event_id: Annotated[str | None, Header(pattern=r"^\d{1,20}-\d{1,20}$")] = None,
) -> StreamingResponse:
    """Live feed for the alert wall and the inbox (EventSource)."""
    if ctx.hot is None:
        raise HTTPException(503, "the live feed needs Redis (GRIDWATCH_REDIS_URL)")
    return StreamingResponse(
        feed(request, ctx, actor, last_event_id),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
