"""The ops-centre web app: REST API (OpenAPI at /docs) and pages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from gridwatch.domain.access import Permission, can, overview_grid
from gridwatch.ops.context import OpsContext
from gridwatch.ops.deps import Ctx, CurrentActor
from gridwatch.ops.routers import (
    auth,
    devices,
    emergencies,
    events,
    intake,
    kpis,
    live,
    map,
    metrics,
    org,
    pages,
    plans,
    readings,
    silences,
    tasks,
    users,
)
from gridwatch.ops.schemas import SummaryOut

STATIC = Path(__file__).with_name("static")
# Pages load only their own scripts and styles; nothing inline, nothing from elsewhere.
CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
# The bundled Swagger UI / ReDoc pages start themselves with an inline script.
DOCS_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; worker-src 'self' blob:; frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")


def create_app(ctx: OpsContext) -> FastAPI:
    app = FastAPIOffline(
        title="gridwatch ops centre",
        description=(
            "Events, tasks and their audit trail, live feed, map, device health, KPIs, "
            "dispatch plans and emergency plans for a district's command centre and its field "
            "staff. Sign in with POST /api/auth/login and send `Authorization: Bearer <token>`, "
            "or use HTTP Basic. Browser sessions send `X-CSRF-Token` with every write."
        ),
        version="0.2.0",
        static_url="/static-docs",
        # Every body is bounded: one over the limit is refused with 413 as soon as its
        # Content-Length says so, or once a chunked body passes it; the rest is never read.
        max_body_size=ctx.max_body_bytes,
    )
    app.state.ctx = ctx
    for r in (
        auth,
        users,
        org,
        events,
        tasks,
        intake,
        live,
        map,
        metrics,
        devices,
        kpis,
        plans,
        readings,
        silences,
        emergencies,
        pages,
    ):
        if r is intake:  # uploads take a larger body than the JSON routes
            app.include_router(intake.photos, max_body_size=ctx.max_upload_bytes)
        app.include_router(r.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    if ctx.trusted_proxies:
        # The sign-in throttle and the audit log key on the client address, so a header that
        # names it is believed only from the proxies the deployment lists.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(ctx.trusted_proxies))

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        docs = request.url.path in DOCS_PATHS
        response.headers.setdefault("Content-Security-Policy", DOCS_CSP if docs else CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    @app.exception_handler(413)
    async def too_large(request: Request, exc: HTTPException) -> Response:
        limit = request.scope.get(MAX_BODY_SIZE_SCOPE_KEY, ctx.max_body_bytes)
        return JSONResponse(
            {"detail": f"request body: over the limit of {limit} bytes for {request.url.path}"},
            status_code=413,
        )

    @app.exception_handler(pages.NeedsLogin)
    async def to_login(request: Request, exc: pages.NeedsLogin) -> Response:
        return RedirectResponse(f"/login?next={quote(exc.next_url)}", status_code=303)

    @app.exception_handler(pages.PageForbidden)
    async def forbidden(request: Request, exc: pages.PageForbidden) -> Response:
        return HTMLResponse(
            '<!doctype html><meta charset="utf-8"><title>403</title>'
            '<link rel="stylesheet" href="/static/app.css">'
            '<main class="denied"><h1>403</h1><p>无权访问此页面 · '
            'This page is not open to your role.</p><p><a href="/">返回 · Back</a></p></main>',
            status_code=403,
        )

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return RedirectResponse("/static/favicon.svg", status_code=301)

    @app.get("/api/health", tags=["health"])
    def health(ctx: Ctx) -> dict[str, bool]:
        return {"ok": True, "redis": ctx.hot.ping() if ctx.hot else False}

    @app.get(
        "/api/summary",
        response_model=SummaryOut,
        tags=["health"],
        responses={403: {"description": "a role with neither a grid nor the district view"}},
    )
    def summary(ctx: Ctx, actor: CurrentActor) -> SummaryOut:
        """Counts of events, tasks and findings: a grid leader's cover their own grid, the desk
        roles' the whole district."""
        s = ctx.store
        grid = overview_grid(actor)
        if grid is None:
            if not can(actor, Permission.VIEW_OPS):
                raise HTTPException(403, f"{actor.role} may not {Permission.VIEW_OPS.value}")
            return SummaryOut(
                events_by_type=s.event_counts(),
                tasks_by_state=s.task_counts(),
                findings=s.finding_count(),
            )
        devices = [d.id for d in ctx.district.devices if d.grid == grid]
        return SummaryOut(
            events_by_type=s.event_counts(grid),
            tasks_by_state=s.task_counts(grid),
            findings=s.finding_count(devices),
        )

    return app
