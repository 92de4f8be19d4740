"""Sign in and out; who am I."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response, status

from gridwatch.ops.deps import SESSION_COOKIE, Ctx, CurrentPrincipal, client_of
from gridwatch.ops.login import LoginRefused, sign_in
from gridwatch.ops.me import me_of
from gridwatch.ops.schemas import LoginIn, LoginOut, MeOut
from gridwatch.store import activity
from gridwatch.store.sessions import close_session

router = APIRouter(prefix="/api", tags=["auth"])


def set_session_cookie(response: Response, request: Request, token: str, max_age: int) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


@router.post(
    "/auth/login",
    response_model=LoginOut,
    responses={
        401: {"description": "wrong user name or password"},
        429: {
            "description": "too many failed sign-ins from here (Retry-After says how long to wait)"
        },
    },
)
def login(ctx: Ctx, request: Request, response: Response, body: LoginIn) -> LoginOut:
    """Sign in. Sets the browser session cookie and returns a bearer token for scripts and the
    CSRF token the browser sends with every write. Failures slow sign-in down, never lock an
    account: after five failures for one account from one address, that address waits 30 s
    before its next try, doubling with each further failure up to 15 minutes (429 with
    Retry-After); other addresses are not held back until the account has a hundred failures
    within the hour, and then only by seconds."""
    try:
        session = sign_in(ctx, body.user_id, body.password, client_of(request))
    except LoginRefused as e:
        if e.retry_after_s is not None:
            raise HTTPException(
                status.HTTP_429_TOO_MANY_REQUESTS,
                str(e),
                headers={"Retry-After": str(e.retry_after_s)},
            ) from None
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, str(e)) from None
    signed = session.signed_in
    max_age = int((signed.expires_at - ctx.clock()).total_seconds())
    set_session_cookie(response, request, session.token, max_age)
    return LoginOut(
        me=me_of(ctx.district, signed.user),
        token=session.token,
        csrf_token=signed.csrf_token,
        expires_at=signed.expires_at,
    )


@router.post("/auth/logout", status_code=204)
def logout(ctx: Ctx, p: CurrentPrincipal, request: Request, response: Response) -> None:
    """End this session (cookie or bearer token)."""
    token = request.cookies.get(SESSION_COOKIE, "")
    auth = request.headers.get("authorization", "")
    if p.via == "bearer":
        token = auth.split(" ", 1)[1].strip()
    now = ctx.clock()
    if token:
        close_session(ctx.store, token, now)
    activity.record(
        ctx.store,
        now,
        p.actor.user_id,
        p.actor.role,
        "logout",
        p.actor.user_id,
        client=client_of(request),
    )
    response.delete_cookie(SESSION_COOKIE, path="/")


@router.get("/me", response_model=MeOut)
def me(ctx: Ctx, p: CurrentPrincipal) -> MeOut:
    return me_of(ctx.district, p.user)
