"""Accounts (admin) and the activity log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request

from gridwatch.domain.access import Permission
from gridwatch.ops.deps import Ctx, Principal, client_of, require
from gridwatch.ops.params import IdQuery
from gridwatch.ops.schemas import ActivityOut, UserIn, UserOut
from gridwatch.ops.users import (
    AccountError,
    account,
    add_user,
    check_password_strength,
    hasher,
    list_users,
)
from gridwatch.store import activity

router = APIRouter(prefix="/api", tags=["users"])

Admin = Annotated[Principal, Depends(require(Permission.MANAGE_USERS))]
Auditor = Annotated[Principal, Depends(require(Permission.VIEW_ACTIVITY))]


@router.get("/users", response_model=list[UserOut])
def users(ctx: Ctx, _: Admin) -> list[UserOut]:
    return [UserOut.model_validate(u) for u in list_users(ctx.store)]


@router.post(
    "/users",
    response_model=UserOut,
    status_code=201,
    responses={409: {"description": "the user id exists"}, 422: {"description": "bad account"}},
)
def create_user(ctx: Ctx, p: Admin, request: Request, body: UserIn) -> UserOut:
    """Create an account. Grid leaders need a grid, squad members a squad."""
    if ctx.store.get_user(body.user_id) is not None:
        raise HTTPException(409, f"user {body.user_id} exists")
    try:
        acc = account(
            ctx.district, body.user_id, body.role, body.name, grid=body.grid, squad=body.squad
        )
        check_password_strength(body.password, user_inputs=(acc.user_id, acc.name))
    except AccountError as e:
        raise HTTPException(422, str(e)) from None
    add_user(ctx.store, acc, hasher.hash(body.password), ctx.clock)
    activity.record(
        ctx.store,
        ctx.clock(),
        p.actor.user_id,
        p.actor.role,
        "user_add",
        acc.user_id,
        client=client_of(request),
        detail={"role": acc.role.value, "grid": acc.grid, "squad": acc.squad},
    )
    row = ctx.store.get_user(acc.user_id)
    return UserOut.model_validate(row)


@router.get("/activity", response_model=list[ActivityOut])
def activity_log(
    ctx: Ctx,
    _: Auditor,
    actor: IdQuery = None,
    action: Annotated[str | None, Query(pattern=r"^[a-z_]{1,32}$")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[ActivityOut]:
    """Actions outside the case loop (sign-in, uploads, users, silences, emergency runs),
    newest first. Task transitions are in each task's audit trail."""
    rows = activity.recent(ctx.store, limit=limit, actor=actor, action=action)
    return [ActivityOut.model_validate(r) for r in rows]
