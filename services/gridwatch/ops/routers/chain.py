"""The dispatch chain's routers (intake, emergencies, KPIs, silences), mounted together."""

from __future__ import annotations

from fastapi import APIRouter

from gridwatch.ops.routers import emergencies, intake, kpis, silences

router = APIRouter()
for sub in (intake, emergencies, kpis, silences):
    router.include_router(sub.router)
