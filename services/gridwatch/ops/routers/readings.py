"""Sensor readings pushed over HTTP, for devices and gateways that cannot speak MQTT.

Same JSON payload as the MQTT convention (ingest/mqtt_payload.py); the device is named in the
path. Authenticated by the ingest push token (GRIDWATCH_PUSH_TOKEN), not a user account: a
gateway is not a person. A bad reading is answered 422 with the reason and kept as a dead
letter; a good one is handed to the sensor stage (ingest/reading_handoff.py) and answered 202.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel

from gridwatch.domain.readings import BadReading
from gridwatch.ingest.dead_letters import DeadLetters
from gridwatch.ingest.health import IngestHealth
from gridwatch.ingest.mqtt_payload import parse_payload
from gridwatch.ingest.reading_handoff import ReadingHandoff
from gridwatch.ingest.reading_intake import ReadingIntake
from gridwatch.ops.deps import Ctx, bearer_scheme
from gridwatch.ops.params import IdPath

router = APIRouter(prefix="/api/sensors", tags=["sensors"])

MAX_BODY = 4096


class ReadingAccepted(BaseModel):
    device_id: str
    quantity: str
    value: float
    unit: str
    at: str


def _gateway(
    ctx: Ctx,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> None:
    if ctx.push_token is None:
        raise HTTPException(404, "HTTP push is not enabled (set GRIDWATCH_PUSH_TOKEN)")
    if bearer is None or not secrets.compare_digest(bearer.credentials, ctx.push_token):
        raise HTTPException(401, "push token missing or wrong", {"WWW-Authenticate": "Bearer"})


@router.post(
    "/{device_id}/readings",
    status_code=202,
    response_model=ReadingAccepted,
    dependencies=[Depends(_gateway)],
    responses={422: {"description": "bad reading (kept as a dead letter)"}},
)
async def push_reading(ctx: Ctx, device_id: IdPath, request: Request) -> ReadingAccepted:
    """One reading: {"quantity", "value", "unit", "ts"?}."""
    if ctx.hot is None:
        raise HTTPException(503, "hot state (Redis) unavailable")
    body = (await request.body())[: MAX_BODY + 1]
    now = ctx.clock()
    intake = ReadingIntake(
        ctx.district.sensors,
        ReadingHandoff(ctx.hot).put,
        DeadLetters(ctx.hot, budget_bytes=ctx.dead_letter_budget_bytes),
        IngestHealth(ctx.hot, ctx.clock),
        clock=ctx.clock,
    )
    try:
        if len(body) > MAX_BODY:
            raise BadReading(f"{device_id}: payload over {MAX_BODY} bytes")
        reading = intake.check(parse_payload(device_id, body, now))
    except BadReading as e:
        intake.reject("http_push", device_id, str(e), body, "")
        raise HTTPException(422, str(e)) from None
    intake.accept(reading)
    if not intake.accepted:
        raise HTTPException(503, "reading kept as a dead letter: the handoff failed")
    return ReadingAccepted(
        device_id=device_id,
        quantity=reading.quantity,
        value=reading.value,
        unit=reading.unit,
        at=reading.at.isoformat(),
    )
