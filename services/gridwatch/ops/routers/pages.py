from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.templating import Jinja2Templates

from gridwatch.domain.tasks import can_see
from gridwatch.ops.deps import Ctx, CurrentActor

router = APIRouter(tags=["pages"])
templates = Jinja2Templates(directory=str(Path(__file__).parents[1] / "templates"))


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(request: Request, ctx: Ctx, actor: CurrentActor) -> HTMLResponse:
    rows = []
    for e in ctx.store.list_events(limit=50):
        task = ctx.store.task_for_event(e.event_id)
        if can_see(actor, task):
            rows.append((e, task))
    return templates.TemplateResponse(
        request,
        "home.html",
        {"rows": rows, "district": ctx.district, "actor": actor, "counts": ctx.store.task_counts()},
    )


@router.get("/evidence/{key:path}", include_in_schema=False)
def evidence(ctx: Ctx, actor: CurrentActor, key: str) -> FileResponse:
    try:
        path = ctx.evidence.path(key)
    except ValueError:
        raise HTTPException(400, "bad evidence key") from None
    if not path.is_file():
        raise HTTPException(404, "no such evidence")
    return FileResponse(path, media_type="image/jpeg")
