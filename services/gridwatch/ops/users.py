"""Accounts: password hashing (Argon2 via pwdlib), account rules per role, the demo accounts."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pwdlib import PasswordHash
from sqlalchemy import select
from zxcvbn import zxcvbn

from gridwatch.config.schema import ID_PATTERN, District
from gridwatch.domain.tasks import Actor, Role
from gridwatch.runtime.clock import Clock
from gridwatch.store.repository import Store
from gridwatch.store.tables import UserRow

hasher = PasswordHash.recommended()
MIN_PASSWORD = 8
# zxcvbn's scale: 3 stands for about 10^8 guesses, out of reach of an online attack held back by
# the sign-in throttle and costly offline against Argon2; 0–2 are common or patterned passwords.
MIN_STRENGTH = 3
# zxcvbn's cost grows with the length; past this the length alone makes a password strong.
STRENGTH_CHECKED_CHARS = 100
PEOPLE = tuple(r for r in Role if r is not Role.SYSTEM)


class AccountError(ValueError):
    """An account that cannot exist: unknown grid or squad, missing scope, bad name."""


@dataclass(frozen=True)
class Account:
    user_id: str
    role: Role
    name: str
    squad: str | None = None
    grid: str | None = None
    community: str | None = None


def actor_of(row: UserRow) -> Actor:
    return Actor(
        row.user_id, Role(row.role), squad=row.squad, grid=row.grid, community=row.community
    )


def account(
    district: District,
    user_id: str,
    role: Role | str,
    name: str,
    *,
    grid: str | None = None,
    squad: str | None = None,
) -> Account:
    """Check an account against the district: grid leaders need a real grid (their community
    follows from it), squad members a real squad, other roles neither."""
    try:
        role = Role(role)
    except ValueError:
        raise AccountError(f"role: {role!r} is not one of {', '.join(PEOPLE)}") from None
    if role is Role.SYSTEM:
        raise AccountError("role: system is reserved for the platform itself")
    if not re.match(ID_PATTERN, user_id) or len(user_id) > 64:
        raise AccountError(f"user id: {user_id!r} must be lower-case letters, digits, . _ -")
    if not name.strip():
        raise AccountError("name: must not be empty")
    if role is Role.GRID_LEADER:
        if grid is None:
            raise AccountError("grid: a grid leader needs --grid")
        if grid not in {g.id for g in district.organisation.grids}:
            raise AccountError(f"grid: {grid!r} is not a grid of {district.organisation.district}")
        if squad is not None:
            raise AccountError("squad: a grid leader has no squad")
        return Account(user_id, role, name, grid=grid, community=district.grid(grid).community)
    if role is Role.SQUAD_MEMBER:
        if squad is None:
            raise AccountError("squad: a squad member needs --squad")
        if squad not in {s.id for s in district.organisation.squads}:
            raise AccountError(f"squad: {squad!r} is not a squad of the brigade")
        if grid is not None:
            raise AccountError("grid: a squad member has no grid")
        return Account(user_id, role, name, squad=squad)
    if grid is not None or squad is not None:
        raise AccountError(f"{role.value} covers the whole district: no --grid or --squad")
    return Account(user_id, role, name)


def check_password_strength(password: str, *, user_inputs: Sequence[str] = ()) -> None:
    """Refuse a new password that is short, common or easy to guess; `user_inputs` (the user id,
    the name) count as known words, so a password built from them is weak too."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"password: needs at least {MIN_PASSWORD} characters")
    verdict = zxcvbn(password[:STRENGTH_CHECKED_CHARS], user_inputs=list(user_inputs))
    if verdict["score"] < MIN_STRENGTH:
        feedback = verdict["feedback"]
        reasons = [feedback["warning"], *feedback["suggestions"]]
        why = " ".join(r for r in reasons if r) or "Add another word or two."
        raise AccountError(f"password: too easy to guess. {why}")


def demo_accounts(district: District) -> list[Account]:
    o = district.organisation
    accounts = [
        Account("admin", Role.ADMIN, "系统管理员"),
        Account("duty", Role.DUTY_OFFICER, o.brigade.duty_officer),
        Account("dispatcher", Role.DISPATCHER, "大队调度员"),
        Account("engineer", Role.ALGO_ENGINEER, "算法工程师"),
    ]
    accounts += [
        Account(f"{s.id}-member", Role.SQUAD_MEMBER, s.leader, squad=s.id) for s in o.squads
    ]
    accounts += [
        Account(
            gl.id,
            Role.GRID_LEADER,
            gl.name,
            grid=gl.grid,
            community=district.grid(gl.grid).community,
        )
        for gl in o.grid_leaders
    ]
    return accounts


def add_user(store: Store, account: Account, password_hash: str, clock: Clock) -> None:
    """Create or replace an account (same user id: new role, scope and password)."""
    store.add_user(
        UserRow(
            user_id=account.user_id,
            name=account.name,
            role=account.role.value,
            squad=account.squad,
            grid=account.grid,
            community=account.community,
            password_hash=password_hash,
            created_at=clock(),
        )
    )


def create_demo_accounts(store: Store, district: District, password: str, clock: Clock) -> int:
    # One hash for all demo accounts: hashing 130 passwords with Argon2 would slow start-up.
    shared = hasher.hash(password)
    accounts = demo_accounts(district)
    for a in accounts:
        add_user(store, a, shared, clock)
    return len(accounts)


def list_users(store: Store) -> list[UserRow]:
    with store.session() as s:
        rows = list(s.scalars(select(UserRow).order_by(UserRow.role, UserRow.user_id)))
        s.expunge_all()
        return rows


def authenticate(store: Store, user_id: str, password: str) -> UserRow | None:
    row = store.get_user(user_id)
    if row is None:
        hasher.hash(password)  # same cost whether or not the user exists
        return None
    return row if hasher.verify(password, row.password_hash) else None
