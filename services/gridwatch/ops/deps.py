"""Dependencies shared by the routers: the context and the signed-in principal.

Three ways in, one principal out:
- browser: the `gw_session` cookie (HttpOnly, SameSite=Lax) set at sign-in; every unsafe request
  must also carry the session's CSRF token in the `X-CSRF-Token` header;
- scripts: `Authorization: Bearer <token>` with the token from `POST /api/auth/login`;
- scripts: HTTP Basic (rate-limited like the sign-in form; each call pays the Argon2 check).
Bearer and Basic credentials are never sent by a browser on its own, so they need no CSRF token.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import (
    APIKeyCookie,
    HTTPAuthorizationCredentials,
    HTTPBasic,
    HTTPBasicCredentials,
    HTTPBearer,
)

from gridwatch.domain.access import Permission, can
from gridwatch.domain.tasks import Actor
from gridwatch.ops.context import OpsContext
from gridwatch.ops.login import LoginRefused, check_password
from gridwatch.ops.users import actor_of
from gridwatch.store.sessions import session_of
from gridwatch.store.tables import UserRow

SESSION_COOKIE = "gw_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

bearer_scheme = HTTPBearer(
    auto_error=False, description="Token from POST /api/auth/login (scripts)."
)
basic_scheme = HTTPBasic(auto_error=False, realm="gridwatch", description="User name/password.")
cookie_scheme = APIKeyCookie(
    name=SESSION_COOKIE,
    auto_error=False,
    description="Browser session; unsafe requests also need the X-CSRF-Token header.",
)


def context(request: Request) -> OpsContext:
    ctx: OpsContext = request.app.state.ctx
    return ctx


Ctx = Annotated[OpsContext, Depends(context)]


@dataclass(frozen=True)
class Principal:
    actor: Actor
    user: UserRow
    via: str  # "cookie" | "bearer" | "basic"
    csrf_token: str = ""


def client_of(request: Request) -> str:
    return request.client.host if request.client else ""


def unauthorized(message: str = "sign in first") -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, message, headers={"WWW-Authenticate": "Bearer"}
    )


def principal(
    request: Request,
    ctx: Ctx,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    basic: Annotated[HTTPBasicCredentials | None, Depends(basic_scheme)],
    cookie: Annotated[str | None, Depends(cookie_scheme)],
) -> Principal:
    now = ctx.clock()
    if bearer is not None:
        signed = session_of(ctx.store, bearer.credentials, now)
        if signed is None:
            raise unauthorized("unknown or expired token")
        return Principal(actor_of(signed.user), signed.user, "bearer", signed.csrf_token)
    if basic is not None:
        try:
            user = check_password(ctx, basic.username, basic.password, client_of(request))
        except LoginRefused as e:
            if e.retry_after_s is not None:
                raise HTTPException(
                    status.HTTP_429_TOO_MANY_REQUESTS,
                    str(e),
                    headers={"Retry-After": str(e.retry_after_s)},
                ) from None
            raise unauthorized(str(e)) from None
        return Principal(actor_of(user), user, "basic")
    if cookie:
        signed = session_of(ctx.store, cookie, now)
        if signed is None:
            raise unauthorized("session expired; sign in again")
        if request.method not in SAFE_METHODS:
            sent = request.headers.get(CSRF_HEADER, "")
            if not secrets.compare_digest(sent.encode(), signed.csrf_token.encode()):
                raise HTTPException(status.HTTP_403_FORBIDDEN, "CSRF token missing or wrong")
        return Principal(actor_of(signed.user), signed.user, "cookie", signed.csrf_token)
    raise unauthorized()


CurrentPrincipal = Annotated[Principal, Depends(principal)]


def current_actor(p: CurrentPrincipal) -> Actor:
    return p.actor


CurrentActor = Annotated[Actor, Depends(current_actor)]


def require(permission: Permission) -> Callable[[Principal], Principal]:
    """A dependency that lets in only principals whose role has `permission`."""

    def check(p: CurrentPrincipal) -> Principal:
        if not can(p.actor, permission):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, f"{p.actor.role} may not {permission.value}"
            )
        return p

    return check
