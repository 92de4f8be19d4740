"""Device health: online/offline, frames/s, last frame thumbnail, detector lag."""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import Response

from gridwatch.domain.access import Permission
from gridwatch.ops.deps import Ctx, Principal, require
from gridwatch.ops.device_health import device_health
from gridwatch.ops.params import IdPath, IdQuery
from gridwatch.ops.schemas import DeviceSummaryOut

router = APIRouter(prefix="/api/devices", tags=["devices"])

Viewer = Annotated[Principal, Depends(require(Permission.VIEW_OPS))]


@router.get("", response_model=DeviceSummaryOut)
def devices(
    ctx: Ctx,
    _: Viewer,
    status: Annotated[Literal["online", "offline", "error", "never_seen"] | None, Query()] = None,
    kind: Annotated[Literal["camera", "sensor"] | None, Query()] = None,
    community: IdQuery = None,
    ai: bool | None = None,
) -> DeviceSummaryOut:
    """Every device's health; the counts by status are over the whole district."""
    health = device_health(ctx.district, ctx.hot, ctx.clock())
    by_status = Counter(h.status for h in health)
    shown = [
        h
        for h in health
        if (status is None or h.status == status)
        and (kind is None or h.kind == kind)
        and (community is None or h.community == community)
        and (ai is None or h.ai == ai)
    ]
    return DeviceSummaryOut(total=len(health), by_status=dict(by_status), devices=shown)


@router.get(
    "/{device_id}/thumbnail",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}}}, 404: {"description": "no picture yet"}},
)
def thumbnail(ctx: Ctx, _: Viewer, device_id: IdPath) -> Response:
    """The camera's latest small picture (refreshed every few seconds while it sends)."""
    if device_id not in {d.id for d in ctx.district.devices}:
        raise HTTPException(404, f"no device {device_id}")
    found = ctx.hot.thumbnail(device_id) if ctx.hot is not None else None
    if found is None:
        raise HTTPException(404, f"no picture from {device_id} yet")
    jpeg, at = found
    return Response(
        jpeg, media_type="image/jpeg", headers={"Cache-Control": "no-store", "X-Taken-At": at}
    )
