"""The web pages: thin HTML shells whose data comes from the REST API (see static/*.js).

Pages sign in with the session cookie only. The sign-in form is protected against login CSRF
with a double-submit cookie; the sign-out form carries the session's CSRF token.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from gridwatch.domain.access import Permission, can
from gridwatch.domain.tasks import can_see
from gridwatch.ops import i18n
from gridwatch.ops.deps import SESSION_COOKIE, Ctx, CurrentPrincipal, Principal, client_of
from gridwatch.ops.login import LoginRefused, sign_in
from gridwatch.ops.me import me_of
from gridwatch.ops.params import IdPath, TaskIdPath
from gridwatch.ops.routers.auth import set_session_cookie
from gridwatch.ops.users import actor_of
from gridwatch.store import activity
from gridwatch.store.board import tasks_showing
from gridwatch.store.sessions import close_session, session_of

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).parents[1] / "templates"))
LANG_COOKIE = "gw_lang"
LOGIN_CSRF_COOKIE = "gw_login_csrf"
ASSET_VERSION = "2"


class NeedsLogin(Exception):
    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


class PageForbidden(Exception):
    pass


def lang_of(request: Request) -> str:
    return i18n.pick(request.query_params.get("lang") or request.cookies.get(LANG_COOKIE))


def page_principal(request: Request, ctx: Ctx) -> Principal:
    token = request.cookies.get(SESSION_COOKIE, "")
    signed = session_of(ctx.store, token, ctx.clock()) if token else None
    if signed is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise NeedsLogin(target)
    return Principal(actor_of(signed.user), signed.user, "cookie", signed.csrf_token)


PagePrincipal = Annotated[Principal, Depends(page_principal)]


def safe_next(url: str | None) -> str | None:
    """Only local paths: never redirect a signed-in user to another site."""
    if url and url.startswith("/") and not url.startswith("//") and "\\" not in url:
        return url
    return None


def nav(p: Principal) -> list[tuple[str, str, str]]:
    """(key, href, text key) of the pages this account may open, in menu order."""
    a = p.actor
    items = []
    if can(a, Permission.VIEW_OPS):
        items += [
            ("wall", "/ops/wall", "nav.wall"),
            ("tasks", "/ops/tasks", "nav.tasks"),
            ("map", "/ops/map", "nav.map"),
            ("devices", "/ops/devices", "nav.devices"),
        ]
    if can(a, Permission.VIEW_KPIS):
        items.append(("kpis", "/ops/kpis", "nav.kpis"))
    if can(a, Permission.VIEW_OPS):
        items += [
            ("plans", "/ops/plans", "nav.plans"),
            ("emergency", "/ops/emergency", "nav.emergency"),
        ]
    if can(a, Permission.MANAGE_USERS) or can(a, Permission.VIEW_ACTIVITY):
        items.append(("users", "/ops/users", "nav.users"))
    if can(a, Permission.WORK_TASKS):
        items.append(("inbox", "/m/inbox", "nav.inbox"))
    if can(a, Permission.WORK_TASKS) and not can(a, Permission.VIEW_OPS):
        # The desk ticks steps on /ops/emergency, where it runs the emergency.
        items.append(("checklist", "/m/emergencies", "nav.checklist"))
    if can(a, Permission.REPORT_CLUE):
        items.append(("clue", "/m/clue", "nav.clue"))
    return items


def render(
    request: Request,
    ctx: Ctx,
    p: Principal,
    template: str,
    page: str,
    title_key: str,
    **params: Any,
) -> HTMLResponse:
    lang = lang_of(request)
    texts = i18n.table(lang)
    me = me_of(ctx.district, p.user)
    boot = {
        "lang": lang,
        "t": texts,
        "me": me.model_dump(),
        "csrf": p.csrf_token,
        "page": page,
        "params": params,
        "district": ctx.district.organisation.district,
    }
    response = templates.TemplateResponse(
        request,
        template,
        {
            "t": texts,
            "lang": lang,
            "me": me,
            "csrf": p.csrf_token,
            "nav": nav(p),
            "page": page,
            "title": texts[title_key],
            "district": ctx.district.organisation.district,
            "boot": boot,
            "v": ASSET_VERSION,
            "other_lang": "en" if lang == "zh-CN" else "zh-CN",
            "path": request.url.path,
            **params,
        },
    )
    if request.query_params.get("lang") == lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response


def ops_page(p: Principal) -> None:
    if not can(p.actor, Permission.VIEW_OPS):
        raise PageForbidden()


# --------------------------------------------------------------------------- sign-in


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, ctx: Ctx, next: str | None = None) -> Response:
    lang = lang_of(request)
    token = secrets.token_urlsafe(24)
    response = templates.TemplateResponse(
        request,
        "login.html",
        {
            "t": i18n.table(lang),
            "lang": lang,
            "other_lang": "en" if lang == "zh-CN" else "zh-CN",
            "district": ctx.district.organisation.district,
            "login_csrf": token,
            "next": safe_next(next) or "",
            "error": request.query_params.get("error"),
            "wait": request.query_params.get("wait"),
            "v": ASSET_VERSION,
        },
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, max_age=3600, httponly=True, samesite="strict", path="/login"
    )
    if request.query_params.get("lang") == lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response


@router.post("/login")
def login_submit(
    request: Request,
    ctx: Ctx,
    user_id: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    csrf_token: Annotated[str, Form(max_length=128)],
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    back = "/login?" + (f"next={quote(next)}&" if safe_next(next) else "")
    sent = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not sent or not secrets.compare_digest(sent.encode(), csrf_token.encode()):
        return RedirectResponse(back + "error=csrf", status_code=303)
    try:
        session = sign_in(ctx, user_id.strip(), password, client_of(request))
    except LoginRefused as e:
        if e.retry_after_s is not None:
            return RedirectResponse(back + f"error=blocked&wait={e.retry_after_s}", 303)
        return RedirectResponse(back + "error=failed", status_code=303)
    me = me_of(ctx.district, session.signed_in.user)
    response = RedirectResponse(safe_next(next) or me.home, status_code=303)
    max_age = int((session.signed_in.expires_at - ctx.clock()).total_seconds())
    set_session_cookie(response, request, session.token, max_age)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout_submit(
    request: Request, ctx: Ctx, p: PagePrincipal, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    if not secrets.compare_digest(csrf_token.encode(), p.csrf_token.encode()):
        raise HTTPException(403, "CSRF token missing or wrong")
    now = ctx.clock()
    close_session(ctx.store, request.cookies.get(SESSION_COOKIE, ""), now)
    activity.record(
        ctx.store,
        now,
        p.actor.user_id,
        p.actor.role,
        "logout",
        p.actor.user_id,
        client=client_of(request),
    )
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/")
def home(request: Request, ctx: Ctx) -> Response:
    token = request.cookies.get(SESSION_COOKIE, "")
    signed = session_of(ctx.store, token, ctx.clock()) if token else None
    if signed is None:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse(me_of(ctx.district, signed.user).home, status_code=303)


# --------------------------------------------------------------------------- ops centre


@router.get("/ops/wall", response_class=HTMLResponse)
def wall(request: Request, ctx: Ctx, p: PagePrincipal) -> HTMLResponse:
    ops_page(p)
    return render(request, ctx, p, "wall.html", "wall", "wall.title")


@router.get("/ops/tasks", response_class=HTMLResponse)
def board(request: Request, ctx: Ctx, p: PagePrincipal) -> HTMLResponse:
    ops_page(p)
    return render(request, ctx, p, "tasks.html", "tasks", "board.title")


@router.get("/ops/tasks/{task_id}", response_class=HTMLResponse)
def task_page(request: Request, ctx: Ctx, p: PagePrincipal, task_id: TaskIdPath) -> HTMLResponse:
    ops_page(p)
    return render(request, ctx, p, "task.html", "tasks", "task.title", task_id=task_id)


@router.get("/ops/map", response_class=HTMLResponse)
def map_page(request: Request, ctx: Ctx, p: PagePrincipal) -> HTMLResponse:
    ops_page(p)
    return render(request, ctx, p, "map.html", "map", "map.title")


@router.get("/ops/grids/{grid_id}", response_class=HTMLResponse)
def grid_page(request: Request, ctx: Ctx, p: PagePrincipal, grid_id: IdPath) -> HTMLResponse:
    ops_page(p)
    return render(request, ctx, p, "grid.html", "map", "map.title", grid_id=grid_id)


@router.get("/ops/devices", response_class=HTMLResponse)
def devices_page(request: Request, ctx: Ctx, p: PagePrincipal) -> HTMLResponse:
    ops_page(p)
    return render(request, ctx, p, "devices.html", "devices", "dev.title")


@router.get("/ops/kpis", response_class=HTMLResponse)
def kpis_page(request: Request, ctx: Ctx, p: PagePrincipal) -> HTMLResponse:
    if not can(p.actor, Permission.VIEW_KPIS):
        raise PageForbidden()
    return render(request, ctx, p, "kpis.html", "kpis", "kpi.title")


@router.get("/ops/plans", response_class=HTMLResponse)
def plans_page(request: Request, ctx: Ctx, p: PagePrincipal) -> HTMLResponse:
    ops_page(p)
    return render(request, ctx, p, "plans.html", "plans", "plans.title")


@router.get("/ops/emergency", response_class=HTMLResponse)
def emergency_page(request: Request, ctx: Ctx, p: PagePrincipal) -> HTMLResponse:
    ops_page(p)
    return render(request, ctx, p, "emergency.html", "emergency", "em.title")


@router.get("/ops/users", response_class=HTMLResponse)
def users_page(request: Request, ctx: Ctx, p: PagePrincipal) -> HTMLResponse:
    if not (can(p.actor, Permission.MANAGE_USERS) or can(p.actor, Permission.VIEW_ACTIVITY)):
        raise PageForbidden()
    return render(request, ctx, p, "users.html", "users", "users.title")


# --------------------------------------------------------------------------- field app


@router.get("/m/inbox", response_class=HTMLResponse)
def inbox(request: Request, ctx: Ctx, p: PagePrincipal) -> HTMLResponse:
    if not can(p.actor, Permission.WORK_TASKS):
        raise PageForbidden()
    return render(request, ctx, p, "m_inbox.html", "inbox", "m.inbox")


@router.get("/m/tasks/{task_id}", response_class=HTMLResponse)
def mobile_task(request: Request, ctx: Ctx, p: PagePrincipal, task_id: TaskIdPath) -> HTMLResponse:
    if not can(p.actor, Permission.WORK_TASKS):
        raise PageForbidden()
    return render(request, ctx, p, "m_task.html", "inbox", "task.title", task_id=task_id)


@router.get("/m/emergencies", response_class=HTMLResponse)
def mobile_emergencies(request: Request, ctx: Ctx, p: PagePrincipal) -> HTMLResponse:
    if not can(p.actor, Permission.WORK_TASKS):
        raise PageForbidden()
    return render(request, ctx, p, "m_emergencies.html", "checklist", "m.checklist")


@router.get("/m/clue", response_class=HTMLResponse)
def clue_page(request: Request, ctx: Ctx, p: PagePrincipal) -> HTMLResponse:
    if not can(p.actor, Permission.REPORT_CLUE):
        raise PageForbidden()
    return render(request, ctx, p, "m_clue.html", "clue", "m.clue")


# --------------------------------------------------------------------------- pictures


@router.get("/evidence/{key:path}")
def evidence(ctx: Ctx, p: CurrentPrincipal, key: str) -> FileResponse:
    """An evidence picture or upload, for whoever may see a task that shows it."""
    try:
        path = ctx.evidence.path(key)
    except ValueError:
        raise HTTPException(400, "bad evidence key") from None
    actor = p.actor
    own_upload = key.startswith(f"photos/{actor.user_id}/")
    if not (
        own_upload
        or can(actor, Permission.VIEW_OPS)
        or any(can_see(actor, t) for t in tasks_showing(ctx.store, key))
    ):
        raise HTTPException(403, "not a picture of your tasks")
    if not path.is_file():
        raise HTTPException(404, "no such evidence")
    return FileResponse(
        path, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=3600"}
    )
