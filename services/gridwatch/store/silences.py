"""Silences in SQL: create, expire, list; the dispatch stage asks for the active ones."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select

from gridwatch.domain.silences import Silence
from gridwatch.store.ops_tables import SilenceRow
from gridwatch.store.repository import NotFound, Store


def _silence(r: SilenceRow) -> Silence:
    return Silence(
        r.silence_id,
        tuple(r.matchers),
        r.starts_at,
        r.ends_at,
        r.created_by,
        r.comment,
        r.expired_by,
    )


def create(
    store: Store,
    matchers: Sequence[str],
    starts_at: datetime,
    ends_at: datetime,
    created_by: str,
    comment: str,
) -> Silence:
    row = SilenceRow(
        silence_id=f"sil-{secrets.token_hex(6)}",
        matchers=list(matchers),
        starts_at=starts_at,
        ends_at=ends_at,
        created_by=created_by,
        comment=comment,
        expired_by=None,
    )
    with store.session() as s:
        s.add(row)
    return _silence(row)


def expire(store: Store, silence_id: str, by: str, now: datetime) -> Silence:
    """End a silence now (it stays listed as history)."""
    with store.session() as s:
        row = s.get(SilenceRow, silence_id, with_for_update=True)
        if row is None:
            raise NotFound(silence_id)
        if row.ends_at > now:
            row.ends_at = max(now, row.starts_at)
            row.expired_by = by
        return _silence(row)


def active_silences(store: Store, now: datetime) -> list[Silence]:
    q = select(SilenceRow).where(SilenceRow.ends_at > now, SilenceRow.starts_at <= now)
    with store.session() as s:
        return [_silence(r) for r in s.scalars(q)]


def list_silences(store: Store, limit: int = 200) -> list[Silence]:
    q = select(SilenceRow).order_by(SilenceRow.ends_at.desc()).limit(limit)
    with store.session() as s:
        return [_silence(r) for r in s.scalars(q)]
