"""Signing in: password check (Argon2), a rate limit on failures, the session, the audit entry.

The limit counts failed sign-ins recorded in the activity log, so it holds across web workers
and restarts, and every attempt is audited by the same write that feeds the limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from gridwatch.ops.context import OpsContext
from gridwatch.ops.users import authenticate
from gridwatch.store import activity
from gridwatch.store.sessions import SignedIn, open_session, purge_expired
from gridwatch.store.tables import UserRow

WINDOW = timedelta(minutes=15)
MAX_FAILS_PER_ACCOUNT = 5
MAX_FAILS_PER_CLIENT = 20


class LoginRefused(Exception):
    def __init__(self, message: str, *, retry_after_s: int | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


@dataclass(frozen=True)
class Session:
    token: str
    signed_in: SignedIn


def retry_after(fails: list[datetime], limit: int, now: datetime) -> int | None:
    """Seconds until fewer than `limit` of these failures (newest first) lie in the window;
    None when the limit is not reached."""
    if len(fails) < limit:
        return None
    frees_at = fails[limit - 1] + WINDOW
    return max(1, int((frees_at - now).total_seconds()) + 1)


def blocked_for(ctx: OpsContext, user_id: str, client: str, now: datetime) -> int | None:
    since = now - WINDOW
    by_account = activity.times_since(
        ctx.store, "login_failed", since, subject=user_id, limit=MAX_FAILS_PER_ACCOUNT
    )
    by_client = activity.times_since(
        ctx.store, "login_failed", since, client=client, limit=MAX_FAILS_PER_CLIENT
    )
    waits = [
        w
        for w in (
            retry_after(by_account, MAX_FAILS_PER_ACCOUNT, now),
            retry_after(by_client, MAX_FAILS_PER_CLIENT, now),
        )
        if w is not None
    ]
    return max(waits) if waits else None


def check_password(ctx: OpsContext, user_id: str, password: str, client: str) -> UserRow:
    """Verify a password under the rate limit; every attempt lands in the activity log."""
    now = ctx.clock()
    wait = blocked_for(ctx, user_id, client, now)
    if wait is not None:
        activity.record(
            ctx.store, now, user_id, "", "login_blocked", user_id, client=client, outcome="denied"
        )
        raise LoginRefused("too many failed sign-ins; try again later", retry_after_s=wait)
    row = authenticate(ctx.store, user_id, password)
    if row is None:
        activity.record(
            ctx.store, now, user_id, "", "login_failed", user_id, client=client, outcome="denied"
        )
        raise LoginRefused("wrong user name or password")
    return row


def sign_in(ctx: OpsContext, user_id: str, password: str, client: str) -> Session:
    user = check_password(ctx, user_id, password, client)
    now = ctx.clock()
    token, signed_in = open_session(ctx.store, user.user_id, now, client)
    purge_expired(ctx.store, now)  # keeps the table to a month of sessions
    activity.record(ctx.store, now, user.user_id, user.role, "login", user.user_id, client=client)
    return Session(token, signed_in)
