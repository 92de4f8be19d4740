"""The ops-centre web app: REST API (OpenAPI at /docs) and pages."""

from __future__ import annotations

from fastapi import FastAPI

from gridwatch.ops.context import OpsContext
from gridwatch.ops.deps import Ctx
from gridwatch.ops.routers import chain, events, pages, tasks
from gridwatch.ops.schemas import SummaryOut


def create_app(ctx: OpsContext) -> FastAPI:
    app = FastAPI(
        title="gridwatch ops centre",
        description="Events, tasks and their audit trail for a district's command centre.",
        version="0.1.0",
    )
    app.state.ctx = ctx
    app.include_router(events.router)
    app.include_router(tasks.router)
    app.include_router(pages.router)
    app.include_router(chain.router)

    @app.get("/api/health", tags=["health"])
    def health(ctx: Ctx) -> dict[str, bool]:
        return {"ok": True, "redis": ctx.hot.ping() if ctx.hot else False}

    @app.get("/api/summary", response_model=SummaryOut, tags=["health"])
    def summary(ctx: Ctx) -> SummaryOut:
        s = ctx.store
        return SummaryOut(
            events_by_type=s.event_counts(),
            tasks_by_state=s.task_counts(),
            findings=s.finding_count(),
        )

    return app
