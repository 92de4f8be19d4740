"""The activity log: every action outside the case loop, with who, when, from where and outcome.
It also holds the sign-in throttle's state: each attempt is reserved here before its password is
checked, and the failures per account and address are counted from here."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update

from gridwatch.domain.sign_in_throttle import Failures, Seen
from gridwatch.store.ops_tables import ActivityRow
from gridwatch.store.repository import Store


def record(
    store: Store,
    at: datetime,
    actor: str,
    role: str,
    action: str,
    subject: str = "",
    *,
    client: str = "",
    outcome: str = "ok",
    detail: Mapping[str, Any] | None = None,
) -> None:
    with store.session() as s:
        s.add(
            ActivityRow(
                at=at,
                actor=actor[:64],
                role=role,
                action=action,
                subject=subject[:128],
                client=client[:64],
                outcome=outcome,
                detail=dict(detail or {}),
            )
        )


# A reserved attempt counts as a failure until it is settled, so concurrent attempts see each
# other before any password is checked.
SIGN_IN_RESERVED = "login_attempt"
SIGN_IN_FAILED = "login_failed"
_COUNTED = (SIGN_IN_RESERVED, SIGN_IN_FAILED)


def reserve_sign_in(store: Store, at: datetime, user_id: str, client: str) -> int:
    """Reserve a sign-in attempt (committed at once); returns its id for `settle_sign_in`."""
    with store.session() as s:
        row = ActivityRow(
            at=at,
            actor=user_id[:64],
            role="",
            action=SIGN_IN_RESERVED,
            subject=user_id[:128],
            client=client[:64],
            outcome="pending",
            detail={},
        )
        s.add(row)
        s.flush()
        return row.id


def sign_in_failures(
    store: Store, since: datetime, user_id: str, client: str, *, other_than: int
) -> Seen:
    """Failed and reserved attempts since `since`, leaving out the attempt `other_than`.

    Read in a transaction of its own after the reservation was committed: of attempts made at
    the same moment, the one committed last sees every other, so no more than the throttle lets
    through get their password checked, whatever the interleaving."""

    def failures(*where: Any) -> Failures:
        q = select(func.count(), func.max(ActivityRow.at)).where(
            ActivityRow.action.in_(_COUNTED),
            ActivityRow.at >= since,
            ActivityRow.id != other_than,
            *where,
        )
        count, newest = s.execute(q).one()
        return Failures(int(count), newest)

    subject, address = ActivityRow.subject == user_id[:128], ActivityRow.client == client[:64]
    with store.session() as s:
        return Seen(
            pair=failures(subject, address),
            account=failures(subject),
            address=failures(address),
        )


def settle_sign_in(store: Store, attempt: int, action: str | None) -> None:
    """Turn a reserved attempt into its audit entry (`action`, denied), or drop it (None) when
    the password was right: the caller records the success as it sees fit."""
    with store.session() as s:
        if action is None:
            s.execute(delete(ActivityRow).where(ActivityRow.id == attempt))
        else:
            s.execute(
                update(ActivityRow)
                .where(ActivityRow.id == attempt)
                .values(action=action, outcome="denied")
            )


def recent(
    store: Store, *, limit: int = 200, actor: str | None = None, action: str | None = None
) -> list[ActivityRow]:
    q = select(ActivityRow).order_by(ActivityRow.id.desc()).limit(limit)
    if actor:
        q = q.where(ActivityRow.actor == actor)
    if action:
        q = q.where(ActivityRow.action == action)
    with store.session() as s:
        rows = list(s.scalars(q))
        s.expunge_all()
        return rows
