"""Signing in: password check (Argon2) under the sign-in throttle, the session, the audit entry.

Each attempt is reserved in the activity log before its password is checked and settled after,
so the throttle holds across web workers and restarts, concurrent attempts cannot slip past it
while a check runs, and every attempt is audited by the same row that feeds the throttle. When an
attempt must wait is decided in `domain.sign_in_throttle`.
"""

from __future__ import annotations

from dataclasses import dataclass

from gridwatch.domain.sign_in_throttle import POLICY, WINDOW, Policy, retry_after_s
from gridwatch.ops.context import OpsContext
from gridwatch.ops.users import authenticate
from gridwatch.store import activity
from gridwatch.store.sessions import SignedIn, open_session, purge_expired
from gridwatch.store.tables import UserRow


class LoginRefused(Exception):
    def __init__(self, message: str, *, retry_after_s: int | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


@dataclass(frozen=True)
class Session:
    token: str
    signed_in: SignedIn


def check_password(
    ctx: OpsContext, user_id: str, password: str, client: str, policy: Policy = POLICY
) -> UserRow:
    """Verify a password under the throttle; every refused attempt lands in the activity log."""
    now = ctx.clock()
    attempt = activity.reserve_sign_in(ctx.store, now, user_id, client)
    seen = activity.sign_in_failures(ctx.store, now - WINDOW, user_id, client, other_than=attempt)
    wait = retry_after_s(policy, seen, now)
    if wait is not None:
        activity.settle_sign_in(ctx.store, attempt, "login_blocked")
        raise LoginRefused(f"too many failed sign-ins; try again in {wait} s", retry_after_s=wait)
    row = authenticate(ctx.store, user_id, password)
    if row is None:
        activity.settle_sign_in(ctx.store, attempt, activity.SIGN_IN_FAILED)
        raise LoginRefused("wrong user name or password")
    activity.settle_sign_in(ctx.store, attempt, None)
    return row


def sign_in(ctx: OpsContext, user_id: str, password: str, client: str) -> Session:
    user = check_password(ctx, user_id, password, client)
    now = ctx.clock()
    token, signed_in = open_session(ctx.store, user.user_id, now, client)
    purge_expired(ctx.store, now)  # keeps the table to a month of sessions
    activity.record(ctx.store, now, user.user_id, user.role, "login", user.user_id, client=client)
    return Session(token, signed_in)
