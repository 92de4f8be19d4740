"""Sign-in sessions: random bearer tokens, stored as SHA-256 hashes, with a CSRF token each."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from gridwatch.store.ops_tables import SessionRow
from gridwatch.store.repository import Store
from gridwatch.store.tables import UserRow

SESSION_TTL = timedelta(hours=12)  # one duty shift; then sign in again


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class SignedIn:
    user: UserRow
    csrf_token: str
    expires_at: datetime


def open_session(
    store: Store, user_id: str, now: datetime, client: str = "", ttl: timedelta = SESSION_TTL
) -> tuple[str, SignedIn]:
    """A new session; returns the token (shown once, never stored) and what it signs in."""
    token = secrets.token_urlsafe(32)
    row = SessionRow(
        token_hash=hash_token(token),
        user_id=user_id,
        csrf_token=secrets.token_urlsafe(24),
        created_at=now,
        expires_at=now + ttl,
        revoked_at=None,
        client=client[:64],
    )
    with store.session() as s:
        s.add(row)
        user = s.get(UserRow, user_id)
        if user is None:
            raise LookupError(user_id)
        s.expunge(user)
    return token, SignedIn(user, row.csrf_token, row.expires_at)


def session_of(store: Store, token: str, now: datetime) -> SignedIn | None:
    """The live session of a token, or None (unknown, expired or signed out)."""
    if not token or len(token) > 128:
        return None
    q = (
        select(SessionRow, UserRow)
        .join(UserRow, UserRow.user_id == SessionRow.user_id)
        .where(SessionRow.token_hash == hash_token(token))
    )
    with store.session() as s:
        found = s.execute(q).first()
        if found is None:
            return None
        row, user = found
        if row.revoked_at is not None or row.expires_at <= now:
            return None
        s.expunge(user)
        return SignedIn(user, row.csrf_token, row.expires_at)


def close_session(store: Store, token: str, now: datetime) -> bool:
    with store.session() as s:
        row = s.get(SessionRow, hash_token(token))
        if row is None or row.revoked_at is not None:
            return False
        row.revoked_at = now
        return True


def close_sessions_of(store: Store, user_id: str, now: datetime) -> int:
    """Sign a user out everywhere (after a password change)."""
    with store.session() as s:
        rows = s.scalars(
            select(SessionRow).where(SessionRow.user_id == user_id, SessionRow.revoked_at.is_(None))
        ).all()
        for r in rows:
            r.revoked_at = now
        return len(rows)


def purge_expired(store: Store, now: datetime, keep: timedelta = timedelta(days=30)) -> int:
    with store.session() as s:
        result = s.execute(delete(SessionRow).where(SessionRow.expires_at < now - keep))
        return int(getattr(result, "rowcount", 0) or 0)
