"""Runtime silences in SQL: set, listed and expired by people, read by the dispatch stage."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridwatch.domain.muting import Silence
from gridwatch.store.chain_tables import SilenceRow
from gridwatch.store.repository import NotFound, Store


def _silence(r: SilenceRow) -> Silence:
    return Silence(
        r.silence_id, tuple(r.matchers), r.starts_at, r.ends_at, r.author, r.comment, r.created_at
    )


def in_force(db: Session, now: datetime) -> list[Silence]:
    q = select(SilenceRow).where(SilenceRow.starts_at <= now, SilenceRow.ends_at > now)
    return [_silence(r) for r in db.scalars(q)]


def unexpired(db: Session, now: datetime) -> list[Silence]:
    """Silences in force at `now` or later (they check their own window against a time)."""
    q = select(SilenceRow).where(SilenceRow.ends_at > now).order_by(SilenceRow.created_at)
    return [_silence(r) for r in db.scalars(q)]


class Silences:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, s: Silence) -> None:
        with self.store.session() as db:
            db.merge(
                SilenceRow(
                    silence_id=s.silence_id,
                    matchers=list(s.matchers),
                    starts_at=s.starts_at,
                    ends_at=s.ends_at,
                    author=s.author,
                    comment=s.comment,
                    created_at=s.created_at,
                )
            )

    def in_force(self, now: datetime) -> list[Silence]:
        with self.store.session() as db:
            return in_force(db, now)

    def all(self, *, include_expired: bool, now: datetime) -> list[Silence]:
        with self.store.session() as db:
            if not include_expired:
                return unexpired(db, now)
            q = select(SilenceRow).order_by(SilenceRow.created_at)
            return [_silence(r) for r in db.scalars(q)]

    def expire(self, silence_id: str, now: datetime) -> Silence:
        """End a silence now (as Alertmanager does: the record stays, its end moves)."""
        with self.store.session() as db:
            row = db.get(SilenceRow, silence_id, with_for_update=True)
            if row is None:
                raise NotFound(silence_id)
            if row.ends_at > now:
                row.ends_at = max(now, row.starts_at)
            return _silence(row)
