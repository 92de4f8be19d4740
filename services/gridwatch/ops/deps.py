"""Dependencies shared by the routers: the context and the signed-in actor."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPBasic, HTTPBasicCredentials

from gridwatch.domain.tasks import Actor
from gridwatch.ops.context import OpsContext
from gridwatch.ops.users import actor_of, authenticate

basic = HTTPBasic(realm="gridwatch")


def context(request: Request) -> OpsContext:
    ctx: OpsContext = request.app.state.ctx
    return ctx


Ctx = Annotated[OpsContext, Depends(context)]


def current_actor(ctx: Ctx, creds: Annotated[HTTPBasicCredentials, Depends(basic)]) -> Actor:
    row = authenticate(ctx.store, creds.username, creds.password)
    if row is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "wrong user name or password",
            headers={"WWW-Authenticate": 'Basic realm="gridwatch"'},
        )
    return actor_of(row)


CurrentActor = Annotated[Actor, Depends(current_actor)]
